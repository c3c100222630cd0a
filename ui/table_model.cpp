#include "table_model.h"

#include "format.h"

#include <QColor>
#include <QLocale>

#include <limits>

namespace easel {

TableModel::TableModel(QObject *parent) : QAbstractTableModel(parent) {}

void TableModel::setTable(TablePtr table)
{
    beginResetModel();
    m_table = std::move(table);
    m_rightAligned.clear();
    if (m_table)
        for (const Column &c : m_table->columns())
            m_rightAligned.push_back(isNumeric(c.type()) || isTemporal(c.type()));
    endResetModel();
}

int TableModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid() || !m_table)
        return 0;
    return int(std::min<size_t>(m_table->rowCount(), size_t(std::numeric_limits<int>::max())));
}

int TableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() || !m_table ? 0 : int(m_table->columnCount());
}

QVariant TableModel::data(const QModelIndex &index, int role) const
{
    if (!m_table || !index.isValid())
        return {};
    const Column &column = m_table->column(size_t(index.column()));
    const size_t row = size_t(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
        if (column.isMissing(row))
            return role == Qt::DisplayRole ? QStringLiteral("—") : QStringLiteral("Missing");
        if (column.type() == ColumnType::Integer && column.storage() == Storage::Int64)
            return m_locale.toString(qlonglong(column.int64s()[row]));
        return column.textAt(row);
    case Qt::ForegroundRole:
        if (column.isMissing(row))
            return QColor(0xa0, 0xa4, 0xab);
        return {};
    case Qt::TextAlignmentRole:
        if (column.isMissing(row))
            return int(Qt::AlignCenter);
        return int((m_rightAligned[size_t(index.column())] ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter);
    default:
        return {};
    }
}

QVariant TableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (!m_table)
        return {};
    if (orientation == Qt::Horizontal) {
        if (section < 0 || size_t(section) >= m_table->columnCount())
            return {};
        const Column &column = m_table->column(size_t(section));
        if (role == Qt::DisplayRole)
            return column.name();
        if (role == Qt::ToolTipRole)
            return QStringLiteral("%1 — %2").arg(column.name(), fmt::typeWords(column.type()));
        return {};
    }
    if (role == Qt::DisplayRole)
        return fmt::count(qint64(section) + 1);
    if (role == Qt::TextAlignmentRole)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

} // namespace easel
