// Temporary stub: being replaced by the real statistics.
#include "stats/profile.h"

namespace easel {

QJsonObject ColumnStats::toJson() const { return {}; }
ColumnStats ColumnStats::fromJson(const QJsonObject &) { return {}; }
std::vector<ColumnStats> computeColumnStats(const Table &, TaskContext *) { return {}; }
ColumnStats computeColumnStats(const Column &) { return {}; }
QString warningKindName(WarningKind) { return {}; }
QJsonObject DataWarning::toJson() const { return {}; }
std::vector<DataWarning> computeWarnings(const Table &, const std::vector<ColumnStats> &, const WarningOptions &,
                                         TaskContext *) { return {}; }
int64_t countDuplicateRows(const Table &) { return 0; }
QJsonObject CorrelationMatrix::toJson() const { return {}; }
CorrelationMatrix pearsonCorrelation(const Table &, TaskContext *) { return {}; }
CorrelationMatrix spearmanCorrelation(const Table &, TaskContext *) { return {}; }
CorrelationMatrix categoricalAssociation(const Table &, TaskContext *) { return {}; }
Profile profileTable(const Table &, const ProfileOptions &, TaskContext *) { return {}; }

} // namespace easel
