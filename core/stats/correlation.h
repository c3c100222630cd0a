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
    QJsonObject toJson() const;  //!< {"columns": [...], "values": [[...], ...]}
};

//! Pearson correlation of the numeric columns (Integer, Real, Boolean), pairwise complete rows.
CorrelationMatrix pearsonCorrelation(const Table &table, TaskContext *ctx = nullptr);
//! Spearman rank correlation of the same columns (average ranks for ties).
CorrelationMatrix spearmanCorrelation(const Table &table, TaskContext *ctx = nullptr);
//! Cramér's V between categorical columns (Categorical, Boolean), in [0, 1].
CorrelationMatrix categoricalAssociation(const Table &table, TaskContext *ctx = nullptr);

} // namespace easel
