#pragma once

#include "stats/column_stats.h"

#include <QListWidget>

namespace easel {

//! The data set's columns, each with its coloured type badge ("123", "ABC", …)
//! and a short note (missing values, number of categories). Filterable by name.
class ColumnList : public QListWidget
{
    Q_OBJECT
public:
    static constexpr int kTypeRole = Qt::UserRole + 1;
    static constexpr int kNoteRole = Qt::UserRole + 2;

    explicit ColumnList(QWidget *parent = nullptr);

    void setColumns(const std::vector<ColumnStats> &stats, const QString &target);
    //! Selects the column named name; false if there is none.
    bool selectColumn(const QString &name);
    QString selectedColumn() const;
    //! Hides the columns whose name does not contain text.
    void setFilter(const QString &text);

signals:
    void columnSelected(const QString &name);
};

} // namespace easel
