#pragma once

#include "stats/column_stats.h"
#include "stats/correlation.h"
#include "stats/warnings.h"

namespace easel {

//! Everything Easel knows about a table's columns: what `easel-cli inspect`
//! prints and what the data set page shows.
struct Profile
{
    std::vector<ColumnStats> columns;
    std::vector<DataWarning> warnings;
    int64_t duplicateRows = 0;
    CorrelationMatrix pearson;
    CorrelationMatrix spearman;
    CorrelationMatrix association;
    //! Wall seconds per phase ("statistics", "duplicates", "pearson", …), in order.
    std::vector<std::pair<QString, double>> phaseSeconds;
};

struct ProfileOptions
{
    QString target;             //!< passed to computeWarnings
    bool correlations = true;   //!< compute the matrices
    bool spearman = true;       //!< with correlations: also Spearman (sorts every numeric column)
};

//! Computes stats, warnings and correlations. Empty Profile if canceled.
Profile profileTable(const Table &table, const ProfileOptions &options = {}, TaskContext *ctx = nullptr);

} // namespace easel
