#pragma once

#include "store/library.h"

#include <QAbstractTableModel>

#include <vector>

namespace easel {

//! The library's data sets as a table: name, rows, columns, size, imported.
//! Qt::UserRole gives the raw value of a cell for sorting; kIdRole the data set id.
class DatasetListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum ColumnIndex { Name, Rows, Columns, Size, Imported, ColumnCount };
    static constexpr int kIdRole = Qt::UserRole + 1;

    explicit DatasetListModel(QObject *parent = nullptr);

    void setRecords(std::vector<DatasetRecord> records);
    const std::vector<DatasetRecord> &records() const { return m_records; }
    const DatasetRecord *recordAt(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<DatasetRecord> m_records;
};

} // namespace easel
