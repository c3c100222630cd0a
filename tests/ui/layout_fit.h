// Shared by the UI tests: what makes a window or page as wide (or tall) as it is.
#pragma once

#include <QLayout>

#include <algorithm>
#include <QSizePolicy>
#include <QStackedWidget>
#include <QStringList>
#include <QWidget>

namespace {

//! The smallest size a layout gives w: its minimumSize where set, else its
//! minimumSizeHint (or sizeHint where its size policy does not let it shrink).
inline QSize layoutMinimum(const QWidget *w)
{
    const QSize hint = w->sizeHint(), minHint = w->minimumSizeHint();
    const QSizePolicy policy = w->sizePolicy();
    const auto pick = [](QSizePolicy::Policy p, int min, int hint) {
        if (p == QSizePolicy::Ignored)
            return 0;
        return (p & QSizePolicy::ShrinkFlag) ? min : hint;
    };
    int width = pick(policy.horizontalPolicy(), minHint.width(), hint.width());
    int height = pick(policy.verticalPolicy(), minHint.height(), hint.height());
    if (w->minimumWidth() > 0)
        width = w->minimumWidth();
    if (w->minimumHeight() > 0)
        height = w->minimumHeight();
    return {std::max(width, 0), std::max(height, 0)};
}

//! From root down, the child that asks for the most width (horizontal) or height,
//! each step as "Class "name" W×H": where to look when a page does not fit.
//! A stacked widget's pages all count, shown or not (its layout sizes for all of them).
inline QString widestChain(QWidget *root, bool horizontal)
{
    QStringList steps;
    for (QWidget *w = root; w;) {
        const QSize min = layoutMinimum(w);
        steps << QStringLiteral("%1 \"%2\" %3×%4")
                     .arg(QString::fromLatin1(w->metaObject()->className()), w->objectName())
                     .arg(min.width())
                     .arg(min.height());
        QList<QWidget *> children;
        if (auto *stack = qobject_cast<QStackedWidget *>(w)) {
            for (int i = 0; i < stack->count(); ++i)
                children << stack->widget(i);
        } else {
            for (QWidget *c : w->findChildren<QWidget *>(Qt::FindDirectChildrenOnly))
                if (!c->isHidden() && !c->isWindow())
                    children << c;
        }
        std::sort(children.begin(), children.end(), [horizontal](QWidget *a, QWidget *b) {
            const QSize ma = layoutMinimum(a), mb = layoutMinimum(b);
            return horizontal ? ma.width() > mb.width() : ma.height() > mb.height();
        });
        // Beside the one followed, the next few: in a column (or row) they add up.
        QStringList others;
        for (int i = 1; i < children.size() && i < 5; ++i) {
            const QSize m = layoutMinimum(children[i]);
            others << QStringLiteral("%1 \"%2\" %3×%4")
                          .arg(QString::fromLatin1(children[i]->metaObject()->className()), children[i]->objectName())
                          .arg(m.width())
                          .arg(m.height());
        }
        if (!others.isEmpty())
            steps.last() += QStringLiteral("   [also: %1]").arg(others.join(QStringLiteral(", ")));
        w = children.isEmpty() ? nullptr : children.front();
        if (steps.size() > 40)
            break;
    }
    return steps.join(QStringLiteral("\n  › "));
}

} // namespace
