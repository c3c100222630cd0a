#pragma once

#include "base/task_context.h"
#include "data/table.h"

#include <QJsonObject>
#include <QString>

#include <array>
#include <cmath>
#include <limits>
#include <vector>

namespace easel {

struct Histogram
{
    std::vector<double> edges;    //!< bins+1 increasing edges
    std::vector<int64_t> counts;  //!< bins counts
};

struct ValueCount
{
    QString value;
    int64_t count = 0;
};

//! Summary of one column. Fields that do not apply to the column's type stay NaN / empty.
struct ColumnStats
{
    static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    static constexpr std::array<double, 7> kQuantileLevels = {0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99};

    QString name;
    ColumnType type = ColumnType::Text;
    int64_t count = 0;     //!< values present
    int64_t missing = 0;   //!< values missing
    int64_t distinct = 0;  //!< distinct present values

    // Integer, Real, Boolean (as 0/1):
    double mean = kNaN, stddev = kNaN, min = kNaN, max = kNaN, skewness = kNaN;
    std::array<double, 7> quantiles = {kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN};
    int64_t zeros = 0;
    int64_t outliers = 0;     //!< outside [Q1 - 1.5 IQR, Q3 + 1.5 IQR]
    int64_t infinities = 0;   //!< ±inf values (Real), left out of mean/std/quantiles
    Histogram histogram;      //!< numeric and temporal columns

    // Categorical, Text, Identifier, Boolean:
    std::vector<ValueCount> topValues;  //!< most frequent first, at most 20

    // Date, DateTime: range in ms since the epoch (NaN when no value).
    double firstTimestamp = kNaN, lastTimestamp = kNaN;

    // Text, Identifier, Categorical: length of the values in characters.
    double lengthMin = kNaN, lengthMean = kNaN, lengthMax = kNaN;

    QJsonObject toJson() const;
    static ColumnStats fromJson(const QJsonObject &json);
};

//! Computes the statistics of every column, in parallel over columns.
//! Returns an empty vector if ctx is canceled.
std::vector<ColumnStats> computeColumnStats(const Table &table, TaskContext *ctx = nullptr);

//! One column's statistics.
ColumnStats computeColumnStats(const Column &column);

} // namespace easel
