#include "dataset_list_model.h"

#include "format.h"

#include <QLocale>

namespace easel {

DatasetListModel::DatasetListModel(QObject *parent) : QAbstractTableModel(parent) {}

void DatasetListModel::setRecords(std::vector<DatasetRecord> records)
{
    beginResetModel();
    m_records = std::move(records);
    endResetModel();
}

const DatasetRecord *DatasetListModel::recordAt(int row) const
{
    return row >= 0 && size_t(row) < m_records.size() ? &m_records[size_t(row)] : nullptr;
}

int DatasetListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_records.size());
}

int DatasetListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DatasetListModel::data(const QModelIndex &index, int role) const
{
    const DatasetRecord *r = recordAt(index.row());
    if (!r)
        return {};
    if (role == kIdRole)
        return r->id;
    if (role == Qt::ToolTipRole)
        return QStringLiteral("%1\nImported from %2\nDouble-click to open.").arg(r->name, r->sourcePath);
    if (role == Qt::TextAlignmentRole)
        return int((index.column() == Name || index.column() == Imported ? Qt::AlignLeft : Qt::AlignRight)
                   | Qt::AlignVCenter);
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Name: return r->name;
        case Rows: return fmt::count(r->rows);
        case Columns: return fmt::count(r->columns);
        case Size: return fmt::bytes(r->sizeBytes);
        case Imported: return fmt::when(r->importedAt);
        }
    }
    if (role == Qt::UserRole) {
        switch (index.column()) {
        case Name: return r->name.toLower();
        case Rows: return r->rows;
        case Columns: return r->columns;
        case Size: return r->sizeBytes;
        case Imported: return r->importedAt;
        }
    }
    return {};
}

QVariant DatasetListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::DisplayRole) {
        switch (section) {
        case Name: return QStringLiteral("Name");
        case Rows: return QStringLiteral("Rows");
        case Columns: return QStringLiteral("Columns");
        case Size: return QStringLiteral("Size");
        case Imported: return QStringLiteral("Imported");
        }
    }
    if (role == Qt::TextAlignmentRole)
        return int((section == Name || section == Imported ? Qt::AlignLeft : Qt::AlignRight) | Qt::AlignVCenter);
    return {};
}

} // namespace easel
