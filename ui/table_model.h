#pragma once

#include "data/table.h"

#include <QAbstractTableModel>
#include <QLocale>

namespace easel {

//! A read-only, virtualised view of a Table: data() formats one cell on demand
//! (O(1) through Column::textAt), so a million rows cost nothing at load time.
//! Numbers are right-aligned; missing values show as a grey "—".
class TableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    explicit TableModel(QObject *parent = nullptr);

    //! Swaps in another table (inside beginResetModel/endResetModel).
    void setTable(TablePtr table);
    const TablePtr &table() const { return m_table; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    TablePtr m_table;
    std::vector<bool> m_rightAligned;
    QLocale m_locale = QLocale::system();
};

} // namespace easel
