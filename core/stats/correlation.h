#pragma once

#include "base/task_context.h"
#include "data/table.h"

#include <QJsonObject>
#include <QStringList>

#include <vector>

namespace easel {

//! A symmetric n×n matrix over named columns; NaN where undefined.
struct CorrelationMatrix
{
    QStringList columns;
    std::vector<double> values;  //!< row-major n×n

    double at(int i, int j) const { return values[size_t(i) * size_t(columns.size()) + size_t(j)]; }
    QJsonObject toJson() const;  //!< {"columns": [...], "values": [[...], ...]} (NaN as null)
    static CorrelationMatrix fromJson(const QJsonObject &json);
    //! Index of the column named name, or -1.
    int indexOf(const QString &name) const { return int(columns.indexOf(name)); }
    bool isEmpty() const { return columns.isEmpty(); }
};

// All three use pairwise-complete rows: for each pair, the rows where both values are
// present (±inf counts as missing here). A pair with fewer than two such rows, or a
// column that is constant on them, gives NaN — the diagonal too, as pandas does.
// Columns are taken in table order. Empty matrix if ctx is canceled.

//! Pearson correlation of the numeric columns (Integer, Real, Boolean), pairwise complete rows.
CorrelationMatrix pearsonCorrelation(const Table &table, TaskContext *ctx = nullptr);
//! Spearman rank correlation of the same columns (average ranks for ties); like pandas,
//! ranks are taken over each pair's complete rows, so a missing value in one column
//! does not shift the ranks of the other.
CorrelationMatrix spearmanCorrelation(const Table &table, TaskContext *ctx = nullptr);
//! Cramér's V between categorical columns (Categorical, Boolean), in [0, 1]:
//! sqrt(chi² / (n · (min(r, c) − 1))) over the levels seen in the pair's complete rows,
//! without the small-sample bias correction (scipy.stats.contingency.association's
//! default). NaN when either column has fewer than two levels there.
CorrelationMatrix categoricalAssociation(const Table &table, TaskContext *ctx = nullptr);

} // namespace easel
