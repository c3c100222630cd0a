#pragma once

#include "base/task_context.h"
#include "data/table.h"
#include "stats/column_stats.h"
#include "stats/correlation.h"

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
    //! countDuplicateRows(table) when the caller already has it; -1: computed here.
    int64_t duplicateRows = -1;
    //! pearsonCorrelation(table) when the caller already has it; nullptr: computed here.
    const CorrelationMatrix *pearson = nullptr;
};

// The rules (thresholds are the k* constants in warnings.cpp):
// - constant: one distinct value among the present ones (and at least one present).
// - mostly_missing: more than 50 % of rows missing; value = share missing.
// - identifier_like: an Identifier column, or an Integer / Categorical / Text column with
//   at least 20 rows whose distinct values cover ≥ 95 % of the rows (Integer ones must
//   also look like a counter: max − min + 1 ≤ 2 × distinct). value = distinct / rows.
// - high_cardinality: Categorical / Text (not identifier-like) with more than 100
//   distinct values and more than 10 % as many distinct values as present rows.
//   value = distinct.
// - duplicate_rows: countDuplicateRows > 0; column "", value = the count.
// - class_imbalance (target given): the target is Boolean, Categorical, or Integer with
//   at most 10 distinct values, and its smallest class holds less than 40 %/k of the
//   rows for k classes (20 % for two). value = that share.
// - target_leak (target given): numeric target that is not a class label: a numeric
//   feature with |Pearson r| ≥ 0.97 (value = |r|; taxis fare vs total is 0.974).
//   Class-label target: one feature alone gets ≥ 99 % of the rows right and cuts the baseline's errors (always guessing
//   the biggest class) by at least 75 % — by majority class per value for Boolean /
//   Categorical / Text features with at most rows/2 distinct values, by at most k
//   cut points for numeric / temporal features (one threshold for two classes).
//   value = that accuracy. Identifier and identifier-like columns are skipped; above
//   200 000 rows the classification check runs on an evenly spaced sample of 200 000.
// - near_duplicate_pair: two numeric columns (neither the target nor identifier-like)
//   with |Pearson r| > 0.95; value = |r|.
// Constant, identifier-like and high-cardinality checks are not applied to the target
// (a constant target gets its own message).

//! Finds data problems. stats must be computeColumnStats(table).
std::vector<DataWarning> computeWarnings(const Table &table, const std::vector<ColumnStats> &stats,
                                         const WarningOptions &options = {}, TaskContext *ctx = nullptr);

//! Number of rows that repeat an earlier row exactly. With the table's column
//! statistics, a column whose values are all different (an identifier) answers 0
//! at once.
int64_t countDuplicateRows(const Table &table, const std::vector<ColumnStats> *stats = nullptr);

} // namespace easel
