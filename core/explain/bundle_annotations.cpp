#include "explain/bundle_annotations.h"

#include "model/drift.h"
#include "model/predictor.h"

namespace easel {

Status annotateBundle(ModelBundle &bundle, const Table &table, const std::vector<size_t> &rows,
                      const std::vector<std::vector<size_t>> &foldValidRows, TrainerRegistry &registry,
                      ImpactReport *impact, TaskContext *ctx)
{
    Result<std::unique_ptr<Predictor>> predictor = Predictor::open(bundle, registry);
    if (!predictor)
        return Status(predictor.error());
    ExplainOptions options;
    options.rows = rows;
    options.foldValidRows = foldValidRows;
    options.seed = bundle.manifest.value(QStringLiteral("seed")).toString().toULongLong();
    Result<ImpactReport> report = explainGlobal(**predictor, table, options, ctx);
    if (!report)
        return Status(report.error());
    const QJsonObject profile = trainingProfile(table, rows, (*predictor)->inputColumns());
    bundle.manifest.insert(QStringLiteral("column_impact"), report->toJson());
    bundle.manifest.insert(QStringLiteral("column_impact_method"), report->method);
    bundle.manifest.insert(QStringLiteral("drift_reference"), profile);
    if (impact)
        *impact = std::move(*report);
    return Status::success();
}

} // namespace easel
