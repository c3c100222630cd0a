#include "studio_jobs.h"

#include "format.h"

#include "automl/trainer_registry.h"
#include "export/bundle_export.h"
#include "stats/warnings.h"
#include "store/library.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>

#include <QSet>

#include <algorithm>
#include <cstring>
#include <cmath>
#include <numeric>

namespace easel {

namespace {

std::vector<float> floatsFrom(const QByteArray &bytes)
{
    std::vector<float> out(size_t(bytes.size()) / sizeof(float));
    if (!out.empty())
        std::memcpy(out.data(), bytes.constData(), out.size() * sizeof(float));
    return out;
}

void deriveCharts(LoadedModel &m)
{
    const size_t n = m.truth.size();
    if (n == 0 || m.problem == ProblemType::Regression)
        return;
    const int k = std::max<int>(2, int(m.classLabels.size()));
    const bool binary = m.problem == ProblemType::Binary;
    if (binary ? m.predictions.size() < n : m.predictions.size() < n * size_t(k))
        return;
    m.confusion.assign(size_t(k), std::vector<qint64>(size_t(k), 0));
    for (size_t i = 0; i < n; ++i) {
        const float t = m.truth[i];
        if (!std::isfinite(t) || t < 0 || int(t) >= k)
            continue;
        int predicted = 0;
        if (binary) {
            predicted = m.predictions[i] >= m.threshold ? 1 : 0;
        } else {
            const float *row = m.predictions.data() + i * size_t(k);
            predicted = int(std::max_element(row, row + k) - row);
        }
        ++m.confusion[size_t(t)][size_t(predicted)];
    }
    for (int c = 0; c < k; ++c) {
        const qint64 total = std::accumulate(m.confusion[size_t(c)].begin(), m.confusion[size_t(c)].end(), qint64(0));
        m.perClassRecall.push_back(total > 0 ? double(m.confusion[size_t(c)][size_t(c)]) / double(total) : 0.0);
    }
    if (!binary)
        return;
    // ROC and precision–recall: walk the rows from the most to the least likely positive.
    std::vector<size_t> order;
    order.reserve(n);
    double positives = 0, negatives = 0;
    for (size_t i = 0; i < n; ++i) {
        if (!std::isfinite(m.truth[i]))
            continue;
        order.push_back(i);
        (m.truth[i] > 0.5 ? positives : negatives) += 1;
    }
    if (positives == 0 || negatives == 0)
        return;
    m.positiveShare = positives / (positives + negatives);
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return m.predictions[a] > m.predictions[b]; });
    double tp = 0, fp = 0, area = 0, lastFpr = 0, lastTpr = 0;
    m.rocFpr.push_back(0);
    m.rocTpr.push_back(0);
    const size_t step = std::max<size_t>(1, order.size() / 400);
    for (size_t j = 0; j < order.size(); ++j) {
        (m.truth[order[j]] > 0.5 ? tp : fp) += 1;
        const bool tieNext = j + 1 < order.size() && m.predictions[order[j + 1]] == m.predictions[order[j]];
        if (tieNext)
            continue;
        const double fpr = fp / negatives, tpr = tp / positives;
        area += (fpr - lastFpr) * (tpr + lastTpr) / 2;
        lastFpr = fpr;
        lastTpr = tpr;
        if (j % step == 0 || j + 1 == order.size()) {
            m.rocFpr.push_back(fpr);
            m.rocTpr.push_back(tpr);
            m.prRecall.push_back(tpr);
            m.prPrecision.push_back(tp / (tp + fp));
        }
    }
    m.rocAuc = area;
}

} // namespace

std::shared_ptr<TrainerRegistry> makeRegistry()
{
    auto registry = std::make_shared<TrainerRegistry>();
    registry->discover();
    return registry;
}

ComputeInfo computeInfoJob(TaskContext *)
{
    ComputeInfo info;
    auto registry = makeRegistry();
    info.families = registry->families();
    info.known = true;
    if (Trainer *xgb = registry->families().contains(QStringLiteral("xgboost"))
                           ? registry->trainer(QStringLiteral("xgboost"))
                           : nullptr) {
        const TrainerCapabilities caps = xgb->capabilities();
        info.gpuAvailable = caps.gpuAvailable;
        info.gpuReason = caps.gpuReason;
    } else {
        info.gpuReason = QStringLiteral("No GPU-capable trainer is installed.");
    }
    if (!info.gpuAvailable && info.gpuReason.isEmpty())
        info.gpuReason = QStringLiteral("No GPU was found on this computer.");
    return info;
}

std::vector<TargetChoice> targetChoicesJob(TablePtr table, TaskContext *ctx)
{
    std::vector<TargetChoice> out;
    if (!table)
        return out;
    for (size_t i = 0; i < table->columnCount(); ++i) {
        if (isCanceled(ctx))
            break;
        const Column &c = table->column(i);
        TargetChoice choice;
        choice.column = c.name();
        choice.type = c.type();
        if (Result<TargetInfo> info = detectTarget(*table, c.name())) {
            choice.usable = true;
            choice.problem = info->problem;
            choice.reason = info->reason;
            choice.classes = int(info->classLabels.size());
        } else {
            choice.reason = info.error().message;
        }
        out.push_back(choice);
        reportProgress(ctx, double(i + 1) / double(table->columnCount()), QStringLiteral("Looking at the columns"));
    }
    return out;
}

TargetAnalysis analyseTargetJob(DatasetContentPtr content, const QString &target, std::optional<ProblemType> problem,
                                TaskContext *ctx)
{
    TargetAnalysis out;
    if (!content || !content->table) {
        out.error = Error{ErrorCode::InvalidArgument, QStringLiteral("No data set is open."), {}};
        return out;
    }
    const Table &table = *content->table;
    Result<TargetInfo> info = problem ? targetAs(table, target, *problem) : detectTarget(table, target);
    if (!info) {
        out.error = info.error();
        return out;
    }
    out.target = *info;
    WarningOptions options;
    options.target = target;
    options.pearson = content->pearson.columns.isEmpty() ? nullptr : &content->pearson;
    out.warnings = computeWarnings(table, content->stats, options, ctx);
    QSet<QString> seen;
    const auto suggest = [&](const QString &column, const QString &reason, const QString &message) {
        if (column.isEmpty() || column == target || seen.contains(column))
            return;
        seen.insert(column);
        out.leaveOut.push_back({column, reason, message});
    };
    for (const DataWarning &w : out.warnings) {
        switch (w.kind) {
        case WarningKind::TargetLeak:
            suggest(w.column, QStringLiteral("gives the answer away"), w.message);
            break;
        case WarningKind::IdentifierLike:
            suggest(w.column, QStringLiteral("looks like an ID"), w.message);
            break;
        case WarningKind::Constant:
            suggest(w.column, QStringLiteral("the same in every row"), w.message);
            break;
        case WarningKind::MostlyMissing:
            suggest(w.column, QStringLiteral("mostly empty (%1)").arg(fmt::percent(w.value)), w.message);
            break;
        default:
            break;
        }
    }
    for (const ColumnStats &s : content->stats)
        if (s.type == ColumnType::Identifier)
            suggest(s.name, QStringLiteral("looks like an ID"),
                    QStringLiteral("%1 looks like an identifier, so it can't help predict anything.").arg(s.name));
    return out;
}

PreviewJobResult previewJob(TablePtr table, BuildSpec spec, TaskContext *ctx)
{
    PreviewJobResult out;
    spec.mode = BuildMode::Preview;
    auto registry = makeRegistry();
    Result<BuildResult> result = runBuild(*table, spec, *registry, ctx);
    if (!result) {
        out.error = result.error();
        return out;
    }
    out.target = result->target;
    out.metric = result->metric;
    out.score = result->ensembleScore;
    out.impact = result->impact;
    out.seconds = result->seconds;
    return out;
}

BuildJobResult buildJob(const QString &libraryPath, qint64 datasetId, TablePtr table, const BuildSpec &spec,
                        const BuildObserver &gui, TaskContext *ctx)
{
    BuildJobResult out;
    out.target = spec.target;
    std::unique_ptr<Library> library;
    std::unique_ptr<BuildStore> store;
    if (auto opened = Library::open(libraryPath)) {
        library = std::move(opened).value();
        store = std::make_unique<BuildStore>(*library);
    }
    qint64 buildId = -1;
    if (store) {
        if (Result<qint64> created = store->createBuild(datasetId, spec.toJson()))
            buildId = *created;
    }
    out.buildId = buildId;
    Metric recordMetric = spec.metric.value_or(Metric::Rmse);
    if (Result<TargetInfo> t = spec.problem ? targetAs(*table, spec.target, *spec.problem)
                                            : detectTarget(*table, spec.target))
        recordMetric = spec.metric.value_or(defaultMetric(t->problem));

    BuildObserver observer;
    observer.trialStarted = gui.trialStarted;
    observer.bestScoreChanged = gui.bestScoreChanged;
    observer.log = [&](const QString &line) {
        if (buildId > 0)
            (void)store->appendLog(buildId, line);
        if (gui.log)
            gui.log(line);
    };
    observer.trialFinished = [&](const TrialRecord &t) {
        if (buildId > 0)
            (void)store->addTrial(buildId, {-1, buildId, t.family, t.params, t.score, metricName(recordMetric),
                                            t.seconds, t.status});
        if (gui.trialFinished)
            gui.trialFinished(t);
    };
    auto registry = makeRegistry();
    Result<BuildResult> result = runBuild(*table, spec, *registry, ctx, observer);
    if (!result) {
        if (buildId > 0)
            (void)store->finishBuild(buildId, result.error().code == ErrorCode::Canceled ? QStringLiteral("canceled")
                                                                                          : QStringLiteral("failed"));
        out.error = result.error();
        return out;
    }
    const QString folder = library ? library->dataDirectory() + QStringLiteral("/models")
                                   : QFileInfo(libraryPath).absolutePath() + QStringLiteral("/models");
    QDir().mkpath(folder);
    const QString path = buildId > 0 ? QStringLiteral("%1/build-%2.easel").arg(folder).arg(buildId)
                                     : QStringLiteral("%1/build-%2.easel")
                                           .arg(folder)
                                           .arg(QDateTime::currentMSecsSinceEpoch());
    if (Status saved = result->bundle.save(path); !saved) {
        if (buildId > 0)
            (void)store->finishBuild(buildId, QStringLiteral("failed"));
        out.error = saved.error();
        return out;
    }
    out.bundlePath = path;
    out.canceled = result->canceled;
    out.timeLimited = result->timeLimited;
    out.trials = int(result->trials.size());
    out.seconds = result->seconds;
    out.metric = result->metric;
    out.score = result->ensembleScore;
    if (buildId > 0) {
        QJsonObject summary = result->bundle.manifest;
        summary.remove(QStringLiteral("pipelines"));
        if (Result<qint64> model = store->addModel(buildId, path, summary))
            out.modelId = *model;
        (void)store->finishBuild(buildId, result->canceled ? QStringLiteral("canceled") : QStringLiteral("finished"),
                                 QJsonObject{{QStringLiteral("seconds"), result->seconds},
                                             {QStringLiteral("trials"), int(result->trials.size())}});
    }
    return out;
}

double LoadedModel::metricValue(Metric m) const
{
    const QJsonValue v = manifest.value(QStringLiteral("validation")).toObject().value(metricName(m));
    return v.isDouble() ? v.toDouble() : std::nan("");
}

ModelJobResult loadModelJob(const ModelRecord &record, TaskContext *ctx)
{
    ModelJobResult out;
    reportProgress(ctx, 0.1, QStringLiteral("Reading the model"));
    Result<ModelBundle> bundle = ModelBundle::load(record.path);
    if (!bundle) {
        out.error = bundle.error();
        return out;
    }
    auto model = std::make_shared<LoadedModel>();
    model->record = record;
    model->path = record.path;
    model->registry = makeRegistry();
    reportProgress(ctx, 0.4, QStringLiteral("Loading the trainers"));
    Result<std::unique_ptr<Predictor>> predictor = Predictor::open(*bundle, *model->registry);
    if (!predictor) {
        out.error = predictor.error();
        return out;
    }
    model->predictor = std::shared_ptr<Predictor>(std::move(predictor).value());
    const QJsonObject &manifest = bundle->manifest;
    model->manifest = manifest;
    model->manifest.remove(QStringLiteral("pipelines"));
    model->problem = model->predictor->problem();
    model->target = model->predictor->target();
    model->classLabels = model->predictor->classLabels();
    model->threshold = model->predictor->threshold();
    if (!metricFromName(manifest.value(QStringLiteral("metric")).toString(), &model->metric))
        model->metric = defaultMetric(model->problem);
    const QJsonObject vp = manifest.value(QStringLiteral("validation_predictions")).toObject();
    const auto payload = [&](const QString &key) {
        auto it = bundle->payloads.find(vp.value(key).toString());
        return it == bundle->payloads.end() ? QByteArray() : it->second;
    };
    model->truth = floatsFrom(payload(QStringLiteral("truth")));
    model->predictions = floatsFrom(payload(QStringLiteral("predictions")));
    model->outputs = std::max(1, vp.value(QStringLiteral("outputs")).toInt(1));
    deriveCharts(*model);
    reportProgress(ctx, 1.0, QStringLiteral("Ready"));
    out.model = model;
    return out;
}

RowJobResult predictRowJob(LoadedModelPtr model, const QMap<QString, QString> &values)
{
    RowJobResult out;
    Result<RowPrediction> prediction = predictRow(*model->predictor, values);
    if (!prediction)
        out.error = prediction.error();
    else
        out.prediction = std::move(prediction).value();
    return out;
}

BatchJobResult batchJob(LoadedModelPtr model, const QString &input, const QString &output, int previewRows,
                        TaskContext *ctx)
{
    BatchJobResult out;
    out.output = output;
    Result<BatchReport> report = predictCsv(*model->predictor, input, output, BatchOptions{}, ctx);
    if (!report) {
        out.error = report.error();
        return out;
    }
    out.report = *report;
    if (Result<CsvPreview> preview = previewCsv(output, {}, previewRows))
        out.preview = *preview;
    return out;
}

ExportJobResult exportJob(LoadedModelPtr model, const QString &format, const QString &outPath, TaskContext *ctx)
{
    ExportJobResult out;
    if (format == QLatin1String("bundle")) {
        if (QFileInfo(outPath).absoluteFilePath() != QFileInfo(model->path).absoluteFilePath()) {
            QFile::remove(outPath);
            if (!QFile::copy(model->path, outPath)) {
                out.error = Error{ErrorCode::Io,
                                  QStringLiteral("Easel couldn't write the copy. Choose a folder you can write to."),
                                  outPath};
                return out;
            }
        }
        out.files << QFileInfo(outPath).absoluteFilePath();
        return out;
    }
    ExportFormat f;
    if (!exportFormatFromName(format, &f)) {
        out.error = Error{ErrorCode::Unsupported, QStringLiteral("Unknown export format %1.").arg(format), {}};
        return out;
    }
    Result<ModelBundle> bundle = ModelBundle::load(model->path);
    if (!bundle) {
        out.error = bundle.error();
        return out;
    }
    auto registry = makeRegistry();
    Result<ExportOutcome> outcome = exportBundle(*bundle, *registry, f, outPath, {}, ctx);
    if (!outcome) {
        out.error = outcome.error();
        return out;
    }
    out.files = outcome->files;
    out.notes = outcome->notes;
    return out;
}

QStringList memberFamilies(const QJsonObject &manifest)
{
    QStringList families;
    for (const QJsonValue &m : manifest.value(QStringLiteral("members")).toArray()) {
        const QString f = m.toObject().value(QStringLiteral("family")).toString();
        if (!f.isEmpty() && !families.contains(f))
            families << f;
    }
    return families;
}

} // namespace easel
