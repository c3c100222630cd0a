// Shared by the UI tests: which controls a screen reader could not name.
#pragma once

#include <QAbstractButton>
#include <QAbstractSpinBox>
#include <QComboBox>
#include <QLabel>
#include <QMenu>
#include <QSet>
#include <QStringList>
#include <QWidget>

namespace {

//! The controls under root that take focus but have neither an accessible name
//! nor visible text of their own (a button's text, or a label naming it as buddy).
inline QStringList unnamedControls(QWidget *root)
{
    const auto all = root->findChildren<QWidget *>();
    QSet<QWidget *> buddies;
    for (QLabel *label : root->findChildren<QLabel *>())
        if (label->buddy() && !label->text().isEmpty())
            buddies.insert(label->buddy());
    QStringList unnamed;
    for (QWidget *w : all) {
        if (w->focusPolicy() == Qt::NoFocus || qobject_cast<QMenu *>(w))
            continue;
        // Parts of a composite control (a spin box's line edit, a combo box's line
        // edit or popup list) are named through the control itself.
        QWidget *parent = w->parentWidget();
        bool part = false;
        for (QWidget *a = parent; a && a != root && !part; a = a->parentWidget())
            part = qobject_cast<QAbstractSpinBox *>(a) || qobject_cast<QComboBox *>(a);
        if (part)
            continue;
        if (!w->accessibleName().isEmpty() || buddies.contains(w))
            continue;
        if (auto *button = qobject_cast<QAbstractButton *>(w); button && !button->text().trimmed().isEmpty())
            continue;
        if (auto *label = qobject_cast<QLabel *>(w); label && !label->text().trimmed().isEmpty())
            continue;
        unnamed << QStringLiteral("%1 \"%2\" (in %3)")
                       .arg(QString::fromLatin1(w->metaObject()->className()), w->objectName(),
                            parent ? QString::fromLatin1(parent->metaObject()->className()) + QLatin1Char(' ')
                                         + parent->objectName()
                                   : QString());
    }
    return unnamed;
}

} // namespace
