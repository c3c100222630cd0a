#pragma once

#include "base/task_context.h"
#include "data/table.h"
#include "stats/column_stats.h"

#include <QJsonObject>
#include <QString>

#include <vector>

namespace easel {

enum class WarningKind {
    Constant,           //!< one value in every row
    MostlyMissing,      //!< more than half the values are missing
    IdentifierLike,     //!< a different value in (nearly) every row
    HighCardinality,    //!< a category column with very many levels
    DuplicateRows,      //!< whole rows repeated (column is empty)
    ClassImbalance,     //!< the target's smallest class is rare (target given)
    TargetLeak,         //!< a column predicts the target almost perfectly (target given)
    NearDuplicatePair,  //!< two numeric columns with |r| > 0.95
};

QString warningKindName(WarningKind kind); //!< "constant", "mostly_missing", … (stable, used in JSON)

//! A data problem in plain language: what it means and what Easel will do.
struct DataWarning
{
    WarningKind kind = WarningKind::Constant;
    QString column;       //!< the column concerned ("" for whole-table warnings)
    QString otherColumn;  //!< the second column of a pair, if any
    double value = 0;     //!< the figure behind it (share missing, |r|, …)
    QString message;      //!< "customer_id has a different value in every row, so it can't help predict anything. …"

    QJsonObject toJson() const; //!< {"column", "kind", "message", …}
};

struct WarningOptions
{
    QString target;  //!< the column to predict; enables imbalance and leakage checks
};

//! Finds data problems. stats must be computeColumnStats(table).
std::vector<DataWarning> computeWarnings(const Table &table, const std::vector<ColumnStats> &stats,
                                         const WarningOptions &options = {}, TaskContext *ctx = nullptr);

//! Number of rows that repeat an earlier row exactly.
int64_t countDuplicateRows(const Table &table);

} // namespace easel
