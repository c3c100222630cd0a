#include "quality_strip.h"

#include "theme.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

namespace easel {

QualityItem::QualityItem(const QualityNote &note, QWidget *parent) : QLabel(parent), m_note(note)
{
    setObjectName(QStringLiteral("qualityItem"));
    setWordWrap(true);
    setTextFormat(Qt::RichText);
    const char *dot = note.severity == QualityNote::Severity::Warning ? "#d97a1e"
                      : note.severity == QualityNote::Severity::Good  ? "#2e9e5b"
                                                                      : "#2f6fde";
    setThemedText(this, QStringLiteral("<span style='color:%1; font-size:large'>●</span>&nbsp; %2")
                            .arg(QLatin1String(dot), note.html.isEmpty() ? note.text.toHtmlEscaped() : note.html));
    if (!note.html.isEmpty()) {
        setTextInteractionFlags(Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
        connect(this, &QLabel::linkHovered, this, [this](const QString &link) { m_hoveredLink = link; });
        connect(this, &QLabel::linkActivated, this, [this](const QString &link) {
            if (link.startsWith(QLatin1String("col:")))
                emit clicked(link.mid(4));
        });
    }
    if (!note.column.isEmpty()) {
        setCursor(Qt::PointingHandCursor);
        setFocusPolicy(Qt::TabFocus);
        setToolTip(QStringLiteral("Show the column %1").arg(note.column));
        setProperty("clickable", true);
    }
}

void QualityItem::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton && !m_note.column.isEmpty() && m_hoveredLink.isEmpty()
        && rect().contains(event->position().toPoint()))
        emit clicked(m_note.column);
    QLabel::mouseReleaseEvent(event);
}

void QualityItem::keyPressEvent(QKeyEvent *event)
{
    if ((event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter || event->key() == Qt::Key_Space)
        && !m_note.column.isEmpty()) {
        emit clicked(m_note.column);
        return;
    }
    QLabel::keyPressEvent(event);
}

QualityStrip::QualityStrip(QWidget *parent) : QFrame(parent)
{
    setObjectName(QStringLiteral("qualityStrip"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 10, 16, 10);
    layout->setSpacing(4);
    m_title = new QLabel(QStringLiteral("Data quality"), this);
    m_title->setObjectName(QStringLiteral("sectionTitle"));
    layout->addWidget(m_title);
    m_list = new QVBoxLayout;
    m_list->setSpacing(3);
    layout->addLayout(m_list);
    m_more = new QToolButton(this);
    m_more->setObjectName(QStringLiteral("linkButton"));
    m_more->setAccessibleName(QStringLiteral("Show all data quality notes"));
    m_more->setAccessibleDescription(QStringLiteral("Shows or hides the rest of the data quality notes."));
    m_more->setCursor(Qt::PointingHandCursor);
    m_more->setAutoRaise(true);
    connect(m_more, &QToolButton::clicked, this, [this] {
        m_expanded = !m_expanded;
        updateVisibility();
    });
    layout->addWidget(m_more, 0, Qt::AlignLeft);
}

void QualityStrip::setNotes(std::vector<QualityNote> notes)
{
    for (QualityItem *item : m_items)
        delete item;
    m_items.clear();
    m_expanded = false;
    for (const QualityNote &note : notes) {
        auto *item = new QualityItem(note, this);
        connect(item, &QualityItem::clicked, this, &QualityStrip::columnClicked);
        m_list->addWidget(item);
        m_items.push_back(item);
    }
    const auto worst = [&] {
        bool info = false;
        for (const QualityNote &note : notes) {
            if (note.severity == QualityNote::Severity::Warning)
                return QStringLiteral("warning");
            info = info || note.severity == QualityNote::Severity::Info;
        }
        return info ? QStringLiteral("info") : QStringLiteral("good");
    }();
    setProperty("level", worst);
    style()->unpolish(this);
    style()->polish(this);
    updateVisibility();
}

void QualityStrip::updateVisibility()
{
    const int n = int(m_items.size());
    for (int i = 0; i < n; ++i)
        m_items[size_t(i)]->setVisible(m_expanded || i < kCollapsed);
    m_more->setVisible(n > kCollapsed);
    m_more->setText(m_expanded ? QStringLiteral("Show fewer") : QStringLiteral("Show %1 more").arg(n - kCollapsed));
}

} // namespace easel
