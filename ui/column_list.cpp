#include "column_list.h"

#include "format.h"
#include "theme.h"

#include <QPainter>
#include <QStyledItemDelegate>

namespace easel {

namespace {

class BadgeDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &) const override
    {
        return QSize(200, option.fontMetrics.height() * 2 + 14);
    }

    void paint(QPainter *p, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        opt.text.clear();
        opt.widget->style()->drawControl(QStyle::CE_ItemViewItem, &opt, p, opt.widget);

        p->save();
        p->setRenderHint(QPainter::Antialiasing);
        const auto type = ColumnType(index.data(ColumnList::kTypeRole).toInt());
        const QRect r = option.rect.adjusted(10, 6, -10, -6);
        QFont badgeFont = option.font;
        badgeFont.setBold(true);
        badgeFont.setPointSizeF(std::max(6.0, option.font.pointSizeF() * 0.8));
        const QFontMetrics bm(badgeFont);
        const int badgeW = std::max(bm.horizontalAdvance(QStringLiteral("yes/no")) + 12, 44);
        const int badgeH = bm.height() + 4;
        const QRect badge(r.left(), r.top() + (r.height() - badgeH) / 2, badgeW, badgeH);
        p->setPen(Qt::NoPen);
        p->setBrush(fmt::badgeColor(type));
        p->drawRoundedRect(badge, badgeH / 2.0, badgeH / 2.0);
        p->setPen(Qt::white);
        p->setFont(badgeFont);
        p->drawText(badge, Qt::AlignCenter, fmt::badgeText(type));

        const bool selected = option.state & QStyle::State_Selected;
        const QRect text = r.adjusted(badgeW + 10, 0, 0, 0);
        QFont nameFont = option.font;
        nameFont.setBold(true);
        p->setFont(nameFont);
        p->setPen(selected ? option.palette.highlightedText().color() : option.palette.text().color());
        const QFontMetrics nm(nameFont);
        const QString name = index.data(Qt::DisplayRole).toString();
        p->drawText(QRect(text.left(), text.top(), text.width(), text.height() / 2), Qt::AlignLeft | Qt::AlignVCenter,
                    nm.elidedText(name, Qt::ElideMiddle, text.width()));
        p->setFont(option.font);
        p->setPen(selected ? option.palette.highlightedText().color() : QColor(themed(QStringLiteral("#6b7280"))));
        const QString note = index.data(ColumnList::kNoteRole).toString();
        p->drawText(QRect(text.left(), text.top() + text.height() / 2, text.width(), text.height() / 2),
                    Qt::AlignLeft | Qt::AlignVCenter, option.fontMetrics.elidedText(note, Qt::ElideRight, text.width()));
        p->restore();
    }
};

QString noteFor(const ColumnStats &s, const QString &target)
{
    QStringList parts;
    if (s.name == target)
        parts << QStringLiteral("target");
    switch (s.type) {
    case ColumnType::Categorical:
    case ColumnType::Boolean:
        parts << QStringLiteral("%1 values").arg(fmt::count(s.distinct));
        break;
    case ColumnType::Integer:
    case ColumnType::Real:
        if (!std::isnan(s.min))
            parts << QStringLiteral("%1 to %2").arg(fmt::number(s.min), fmt::number(s.max));
        break;
    case ColumnType::Date:
    case ColumnType::DateTime:
        if (!std::isnan(s.firstTimestamp))
            parts << QStringLiteral("from %1").arg(fmt::timestamp(s.firstTimestamp, true));
        break;
    default:
        parts << QStringLiteral("%1 different").arg(fmt::count(s.distinct));
        break;
    }
    if (s.missing > 0)
        parts << QStringLiteral("%1 missing").arg(fmt::count(s.missing));
    return parts.join(QStringLiteral(" · "));
}

} // namespace

ColumnList::ColumnList(QWidget *parent) : QListWidget(parent)
{
    setItemDelegate(new BadgeDelegate(this));
    setSelectionMode(QAbstractItemView::SingleSelection);
    setUniformItemSizes(true);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    connect(this, &QListWidget::currentItemChanged, this, [this](QListWidgetItem *item) {
        if (item)
            emit columnSelected(item->text());
    });
}

void ColumnList::setColumns(const std::vector<ColumnStats> &stats, const QString &target)
{
    QSignalBlocker block(this);
    clear();
    for (const ColumnStats &s : stats) {
        auto *item = new QListWidgetItem(s.name, this);
        item->setData(kTypeRole, int(s.type));
        item->setData(kNoteRole, noteFor(s, target));
        item->setToolTip(QStringLiteral("%1: %2").arg(s.name, fmt::typeWords(s.type)));
    }
}

bool ColumnList::selectColumn(const QString &name)
{
    for (int i = 0; i < count(); ++i) {
        if (item(i)->text() == name) {
            item(i)->setHidden(false);
            setCurrentRow(i);
            scrollToItem(item(i));
            return true;
        }
    }
    return false;
}

QString ColumnList::selectedColumn() const
{
    return currentItem() ? currentItem()->text() : QString();
}

void ColumnList::setFilter(const QString &text)
{
    for (int i = 0; i < count(); ++i)
        item(i)->setHidden(!text.isEmpty() && !item(i)->text().contains(text, Qt::CaseInsensitive));
}

} // namespace easel
