#pragma once
// Is the data to score like the data the model was trained on? A profile of the
// training columns is stored in the bundle at build time ("drift_reference");
// before scoring, a sample of the new rows is compared with it.

#include "data/table.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <vector>

namespace easel {

//! A profile of the training rows of the given columns, for checkDrift(). The build
//! stores it in the manifest as "drift_reference". Per column:
//!   numeric (integer, real, boolean): {"kind": "numeric", "quantiles": [11 values: 0 %, 10 %, … 100 %],
//!     "bin_shares": [10 shares of the rows with a value in the bins the inner deciles bound],
//!     "min", "max", "missing_share"}
//!   categorical / text: {"kind": "categorical", "levels": {"A": share, …} (the 200 most frequent),
//!     "other_share", "level_count", "missing_share"}
//!   dates and other columns are left out.
//! Returns {"rows": n, "columns": {name: profile}}. Columns the table lacks are skipped.
QJsonObject trainingProfile(const Table &table, const std::vector<size_t> &rows, const QStringList &columns);

//! How one column of the new rows differs from training.
struct ColumnDrift
{
    QString column;
    double psi = 0;              //!< population stability index (0: same spread; > 0.25: clearly different); NaN if unknown
    double outsideRange = 0;     //!< share of the rows with a value outside the training min–max
    double unseenShare = 0;      //!< share of the rows with a category never seen in training
    QString unseenExample;       //!< one such category
    double missingShare = 0;     //!< share of the rows with no value
    double trainingMissingShare = 0;
};

//! The comparison of a sample of new rows with the training profile.
struct DriftReport
{
    size_t rows = 0;                  //!< rows compared
    std::vector<ColumnDrift> columns;
    QStringList warnings;             //!< plain sentences, most serious first; empty when the data looks alike

    QJsonObject toJson() const;
};

//! Compares sample (holding some or all of the input columns) with the bundle's
//! drift_reference (trainingProfile()) and input_schema (min/max and levels, used
//! alone when the bundle has no drift_reference). Warnings fire when at least 5 % of
//! the rows are outside the training range or hold unseen categories, when the
//! stability index exceeds 0.25, or when at least 20 % more rows are empty than in training.
DriftReport checkDrift(const QJsonObject &driftReference, const QJsonArray &inputSchema, const Table &sample);

} // namespace easel
