#include "page_parts.h"

#include <QFrame>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

namespace easel::parts {

QVBoxLayout *pageLayout(QWidget *page)
{
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(24, 16, 24, 16);
    layout->setSpacing(10);
    return layout;
}

namespace {
QLabel *wrappingLabel(const char *objectName, const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setObjectName(QLatin1String(objectName));
    label->setWordWrap(true);
    return label;
}
} // namespace

QLabel *pageTitle(const QString &text, QWidget *parent)
{
    return wrappingLabel("pageTitle", text, parent);
}

QLabel *mutedLabel(const QString &text, QWidget *parent)
{
    return wrappingLabel("muted", text, parent);
}

QLabel *sectionTitle(const QString &text, QWidget *parent)
{
    return wrappingLabel("sectionTitle", text, parent);
}

QLabel *presentationHint(const QString &text, QWidget *parent)
{
    QLabel *hint = wrappingLabel("presentationHint", text, parent);
    hint->hide();
    return hint;
}

QScrollArea *scrollArea(QWidget *parent, const QString &name, const QString &description)
{
    auto *scroll = new QScrollArea(parent);
    scroll->setObjectName(QStringLiteral("cardScroll"));
    scroll->setAccessibleName(name);
    scroll->setAccessibleDescription(description);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    return scroll;
}

QFrame *card(QWidget *parent, QVBoxLayout **body, const QMargins &margins)
{
    auto *frame = new QFrame(parent);
    frame->setObjectName(QStringLiteral("card"));
    auto *v = new QVBoxLayout(frame);
    v->setContentsMargins(margins);
    v->setSpacing(6);
    *body = v;
    return frame;
}

QWidget *emptyState(const QString &text, const QString &buttonText, QWidget *parent, QPushButton **button)
{
    auto *empty = new QWidget(parent);
    auto *v = new QVBoxLayout(empty);
    v->addStretch(2);
    auto *sentence = new QLabel(text, empty);
    sentence->setWordWrap(true);
    sentence->setAlignment(Qt::AlignCenter);
    auto *go = new QPushButton(buttonText, empty);
    go->setObjectName(QStringLiteral("primaryButton"));
    go->setCursor(Qt::PointingHandCursor);
    v->addWidget(sentence);
    v->addSpacing(10);
    v->addWidget(go, 0, Qt::AlignHCenter);
    v->addStretch(3);
    if (button)
        *button = go;
    return empty;
}

} // namespace easel::parts
