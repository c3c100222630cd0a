#include "export/bundle_export.h"

#include "automl/calibration.h"
#include "automl/metrics.h"
#include "automl/preprocess.h"
#include "automl/trainer_registry.h"
#include "data/csv_reader.h"
#include "export/python_export.h"
#include "model/predictor.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>

namespace easel {

QString exportFormatName(ExportFormat format)
{
    switch (format) {
    case ExportFormat::XGBoost: return QStringLiteral("xgboost");
    case ExportFormat::TorchScript: return QStringLiteral("torchscript");
    case ExportFormat::Python: return QStringLiteral("python");
    case ExportFormat::Report: return QStringLiteral("report");
    }
    return {};
}

bool exportFormatFromName(const QString &name, ExportFormat *format)
{
    for (ExportFormat f : {ExportFormat::XGBoost, ExportFormat::TorchScript, ExportFormat::Python, ExportFormat::Report})
        if (exportFormatName(f) == name.trimmed().toLower()) {
            *format = f;
            return true;
        }
    return false;
}

QStringList exportFormatNames()
{
    return {QStringLiteral("xgboost"), QStringLiteral("torchscript"), QStringLiteral("python"), QStringLiteral("report")};
}

namespace {

Status writeFile(const QString &path, const QByteArray &bytes, bool executable = false)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Status::failure(ErrorCode::PermissionDenied,
                               QStringLiteral("Cannot write here (%1). Choose another place.").arg(file.errorString()),
                               path);
    if (file.write(bytes) != bytes.size() || !file.commit())
        return Status::failure(ErrorCode::Io,
                               QStringLiteral("Writing failed (%1). Check the free disk space.").arg(file.errorString()),
                               path);
    if (executable)
        QFile::setPermissions(path, QFile::permissions(path) | QFileDevice::ExeOwner | QFileDevice::ExeGroup
                                        | QFileDevice::ExeOther);
    return Status::success();
}

//! One fold model to export.
struct Piece
{
    int member = 0;        //!< index among the exported members
    int fold = 0;
    QString family;
    double weight = 0;
    int folds = 1;         //!< folds of its member
    QString pipeline;
    QByteArray bytes;      //!< the exported model
    QString file;          //!< file name inside the folder
    int bestIteration = -1;//!< XGBoost: last round predictions use
    QJsonObject output;    //!< XGBoost forest: how its margins become probabilities
};

//! The feature names a pipeline produces, in order (numeric features, then categorical codes).
Result<std::pair<QStringList, QStringList>> pipelineFeatures(const QJsonObject &json)
{
    Result<Preprocessor> p = Preprocessor::fromJson(json);
    if (!p)
        return p.error();
    const FeatureMatrix x = p->transform(Table{}, {});
    return std::make_pair(x.names, x.catNames);
}

//! From an XGBoost JSON model's attributes: the last round predictions use (-1 when
//! not set) and, for a classification forest, how its margins become probabilities.
void readXgboostAttributes(const QByteArray &json, int *bestIteration, QJsonObject *output)
{
    const QJsonObject attributes = QJsonDocument::fromJson(json).object().value(QStringLiteral("learner")).toObject()
                                       .value(QStringLiteral("attributes")).toObject();
    bool ok = false;
    const int best = attributes.value(QStringLiteral("best_iteration")).toString().toInt(&ok);
    *bestIteration = ok ? best : -1;
    if (attributes.value(QStringLiteral("easel_output")).toString() == QLatin1String("leaf_fractions")) {
        *output = QJsonObject{{QStringLiteral("kind"), QStringLiteral("leaf_fractions")}};
        for (const char *key : {"offset", "base", "scale", "smoothing"})
            output->insert(QLatin1String(key), attributes.value(QStringLiteral("easel_fraction_") + QLatin1String(key))
                                                   .toString().toDouble());
    }
}

//! How to turn a forest's margins into Easel's probabilities, in words.
QString fractionsRecipe(const QJsonObject &o, bool multiclass)
{
    return QStringLiteral("predict with output_margin=True, then p = clip(%1 + %2 * (margin - %3), 0, 1)%4, then "
                          "p = %5 * p + %6 (the trees' mean class fractions, smoothed)")
        .arg(o.value(QStringLiteral("base")).toDouble(), 0, 'g', 17)
        .arg(o.value(QStringLiteral("scale")).toDouble(), 0, 'g', 17)
        .arg(o.value(QStringLiteral("offset")).toDouble(), 0, 'g', 17)
        .arg(multiclass ? QStringLiteral(" per class, divided by the row's sum over classes") : QString())
        .arg(1 - o.value(QStringLiteral("smoothing")).toDouble(), 0, 'g', 17)
        .arg(o.value(QStringLiteral("smoothing")).toDouble() / (multiclass ? 1.0 : 2.0), 0, 'g', 17);
}

Result<ExportOutcome> exportModels(const ModelBundle &bundle, TrainerRegistry &registry, ExportFormat format,
                                   const QString &outPath, TaskContext *ctx)
{
    using R = Result<ExportOutcome>;
    const QJsonObject &m = bundle.manifest;
    const bool xgb = format == ExportFormat::XGBoost;
    const QStringList families = xgb ? QStringList{QStringLiteral("xgboost"), QStringLiteral("random_forest")}
                                     : QStringList{QStringLiteral("mlp")};
    const QString exportName = xgb ? QStringLiteral("xgboost-json") : QStringLiteral("torchscript");
    const QString extension = xgb ? QStringLiteral(".json") : QStringLiteral(".pt");

    ProblemType problem = ProblemType::Regression;
    problemTypeFromName(m.value(QStringLiteral("problem_type")).toString(), &problem);
    QStringList labels;
    for (const QJsonValue &v : m.value(QStringLiteral("class_labels")).toArray())
        labels << v.toString();
    FitOptions options;
    options.problem = problem;
    options.numClasses = problem == ProblemType::Regression ? 1 : int(labels.size());

    std::vector<Piece> pieces;
    QJsonArray others;  // members this export leaves out
    double totalWeight = 0, exportedWeight = 0;
    int memberIndex = 0;
    const QJsonArray members = m.value(QStringLiteral("members")).toArray();
    for (const QJsonValue &mv : members) {
        const QJsonObject mo = mv.toObject();
        const QString family = mo.value(QStringLiteral("family")).toString();
        const double weight = mo.value(QStringLiteral("weight")).toDouble();
        const QJsonArray folds = mo.value(QStringLiteral("folds")).toArray();
        if (!(weight > 0) || folds.isEmpty())
            continue;
        totalWeight += weight;
        if (!families.contains(family)) {
            others.append(QJsonObject{{QStringLiteral("family"), family}, {QStringLiteral("weight"), weight}});
            continue;
        }
        exportedWeight += weight;
        Trainer *trainer = registry.trainer(family);
        if (!trainer)
            return R::failure(ErrorCode::Unsupported,
                              QStringLiteral("Exporting needs the '%1' trainer, which is not installed. %2")
                                  .arg(family, registry.lastError()));
        options.params = mo.value(QStringLiteral("params")).toObject();
        for (qsizetype f = 0; f < folds.size(); ++f) {
            if (isCanceled(ctx))
                return R::failure(ErrorCode::Canceled, QStringLiteral("The export was stopped."));
            const QJsonObject fo = folds[f].toObject();
            const QString payload = fo.value(QStringLiteral("payload")).toString();
            auto bytes = bundle.payloads.find(payload);
            if (bytes == bundle.payloads.end())
                return R::failure(ErrorCode::Corrupt,
                                  QStringLiteral("The model file lacks the part '%1'. Build the model again.").arg(payload));
            Result<std::unique_ptr<Model>> model = trainer->load(bytes->second, options);
            if (!model)
                return R(model.error());
            Result<QByteArray> exported = (*model)->exportAs(exportName);
            if (!exported)
                return R(exported.error());
            Piece piece;
            piece.member = memberIndex;
            piece.fold = int(f);
            piece.family = family;
            piece.weight = weight;
            piece.folds = int(folds.size());
            piece.pipeline = fo.value(QStringLiteral("pipeline")).toString();
            piece.bytes = *exported;
            piece.file = QStringLiteral("member%1_%2_fold%3%4").arg(memberIndex).arg(family).arg(f).arg(extension);
            if (xgb)
                readXgboostAttributes(piece.bytes, &piece.bestIteration, &piece.output);
            pieces.push_back(std::move(piece));
            reportProgress(ctx, 0.9 * double(pieces.size()) / double(std::max<qsizetype>(1, folds.size())),
                           QStringLiteral("Exporting models"));
        }
        ++memberIndex;
    }
    if (pieces.empty())
        return R::failure(ErrorCode::InvalidArgument,
                          xgb ? QStringLiteral("This model has no XGBoost member (gradient-boosted trees or random "
                                               "forest), so there is nothing to export as XGBoost. Try --format python.")
                              : QStringLiteral("This model has no neural-network member, so there is nothing to export "
                                               "as TorchScript. Try --format python."));

    ExportOutcome outcome;
    const QJsonObject pipelines = m.value(QStringLiteral("pipelines")).toObject();
    auto describeOthers = [&]() {
        if (others.isEmpty())
            return QString();
        QStringList parts;
        for (const QJsonValue &v : others)
            parts << QStringLiteral("%1 (weight %2)")
                         .arg(v.toObject().value(QStringLiteral("family")).toString())
                         .arg(v.toObject().value(QStringLiteral("weight")).toDouble(), 0, 'g', 3);
        return QStringLiteral("The model also holds members this format cannot carry: %1. These files alone give "
                              "%2 % of the ensemble; use --format python for the whole model.")
            .arg(parts.join(QStringLiteral(", ")))
            .arg(100.0 * exportedWeight / (totalWeight > 0 ? totalWeight : 1.0), 0, 'f', 0);
    };

    // The ensemble's probabilities are calibrated after the members are averaged.
    const QJsonObject calibration = m.value(QStringLiteral("calibration")).toObject();
    Result<Calibration> map = Calibration::fromJson(calibration);
    if (!map)
        return R(map.error());
    QString calibrationText;
    if (map->kind == Calibration::Kind::Platt)
        calibrationText = QStringLiteral("calibrate the average p as Easel does:\n"
                                         "  p' = 1 / (1 + exp(-(%1 * ln(p / (1 - p)) + %2))), p first clipped to "
                                         "[1e-7, 1 - 1e-7].")
                              .arg(map->slope, 0, 'g', 17)
                              .arg(map->intercept, 0, 'g', 17);
    else if (map->kind == Calibration::Kind::Temperature)
        calibrationText = QStringLiteral("calibrate the average probabilities as Easel does: raise each (at least "
                                         "1e-7) to the power 1 / %1, then divide by their sum.")
                              .arg(map->temperature, 0, 'g', 17);

    if (pieces.size() == 1) {
        const Piece &p = pieces.front();
        if (QFileInfo(outPath).isDir())
            return R::failure(ErrorCode::NotAFile,
                              QStringLiteral("The model holds one model to export, which is written as a file, but "
                                             "this is a folder. Give a file name."),
                              outPath);
        if (Status s = writeFile(outPath, p.bytes); !s)
            return R(s.error());
        outcome.files << QFileInfo(outPath).absoluteFilePath();
        Result<std::pair<QStringList, QStringList>> features = pipelineFeatures(pipelines.value(p.pipeline).toObject());
        if (features) {
            outcome.notes << QStringLiteral("Features, in this order (%1): %2")
                                 .arg(features->first.size())
                                 .arg(features->first.join(QStringLiteral(" | ")));
            if (!features->second.isEmpty())
                outcome.notes << QStringLiteral("Categorical codes, in this order: %1")
                                     .arg(features->second.join(QStringLiteral(" | ")));
        }
        if (xgb && p.bestIteration >= 0)
            outcome.notes << QStringLiteral("Predict with iteration_range=(0, %1): Easel uses the rounds up to the "
                                            "best one.").arg(p.bestIteration + 1);
        if (!p.output.isEmpty())
            outcome.notes << QStringLiteral("Probabilities as Easel gives them: %1.")
                                 .arg(fractionsRecipe(p.output, problem == ProblemType::Multiclass));
        if (!calibrationText.isEmpty())
            outcome.notes << QStringLiteral("Then %1").arg(calibrationText);
        if (const QString o = describeOthers(); !o.isEmpty())
            outcome.notes << o;
        return outcome;
    }

    // Several models: a folder with one file each, and how they combine.
    QFileInfo info(outPath);
    if (info.exists() && !info.isDir())
        return R::failure(ErrorCode::InvalidArgument,
                          QStringLiteral("The model holds %1 models to export, which are written into a folder, but "
                                         "this is a file. Give a folder name.").arg(pieces.size()),
                          outPath);
    if (!QDir().mkpath(outPath))
        return R::failure(ErrorCode::PermissionDenied,
                          QStringLiteral("Cannot create the folder. Choose another place."), outPath);
    const QDir dir(outPath);

    QJsonArray memberArray;
    QJsonObject pipelineInfo;
    QString readme;
    readme += QStringLiteral("Easel model export (%1): predicts \"%2\" (%3%4).\n\n")
                  .arg(exportFormatName(format), m.value(QStringLiteral("target")).toString(), problemTypeName(problem),
                       labels.isEmpty() ? QString() : QStringLiteral(": ") + labels.join(QStringLiteral(", ")));
    readme += QStringLiteral("How the files combine (as Easel predicts):\n"
                             "  1. Prepare the features of each pipeline named below (manifest.json lists them in\n"
                             "     order; `easel-cli export --format python` writes a script that does it all).\n"
                             "  2. Run every fold file of a member and average the folds.\n"
                             "  3. Average the members with the weights below (divide by the sum of weights).\n");
    if (problem == ProblemType::Binary)
        readme += QStringLiteral("  4. The outputs are P(%1); predict \"%1\" when it is at least %2.\n")
                      .arg(labels.value(1))
                      .arg(m.value(QStringLiteral("threshold")).toDouble(0.5));
    else if (problem == ProblemType::Multiclass)
        readme += QStringLiteral("  4. The outputs are class probabilities in this order: %1; predict the largest.\n")
                      .arg(labels.join(QStringLiteral(", ")));
    if (!calibrationText.isEmpty())
        readme += QStringLiteral("  Before step 4, %1\n").arg(calibrationText);
    if (xgb)
        readme += QStringLiteral("\nXGBoost: load with xgboost.Booster(model_file=...) and predict with\n"
                                 "iteration_range=(0, best_iteration + 1) (best_iteration below and in the model's\n"
                                 "attributes); missing values are NaN.\n");
    else
        readme += QStringLiteral("\nTorchScript: torch.jit.load(file); forward(numeric: float32[n, features],\n"
                                 "cats: int64[n, categorical columns]) returns the probabilities (or values).\n");
    readme += QStringLiteral("\nFiles:\n");

    int current = -1;
    QJsonArray files;
    QJsonObject memberObject;
    auto flushMember = [&]() {
        if (current >= 0) {
            memberObject[QStringLiteral("files")] = files;
            memberArray.append(memberObject);
        }
        files = QJsonArray();
        memberObject = QJsonObject();
    };
    for (const Piece &p : pieces) {
        if (p.member != current) {
            flushMember();
            current = p.member;
            memberObject = QJsonObject{{QStringLiteral("family"), p.family},
                                       {QStringLiteral("weight"), p.weight},
                                       {QStringLiteral("folds"), p.folds}};
            readme += QStringLiteral("  member %1: %2, weight %3, average of %4 fold models\n")
                          .arg(p.member)
                          .arg(p.family)
                          .arg(p.weight, 0, 'g', 4)
                          .arg(p.folds);
        }
        if (Status s = writeFile(dir.filePath(p.file), p.bytes); !s)
            return R(s.error());
        outcome.files << QFileInfo(dir.filePath(p.file)).absoluteFilePath();
        QJsonObject f{{QStringLiteral("file"), p.file}, {QStringLiteral("pipeline"), p.pipeline}};
        if (p.bestIteration >= 0)
            f.insert(QStringLiteral("best_iteration"), p.bestIteration);
        if (!p.output.isEmpty())
            f.insert(QStringLiteral("output"), p.output);
        files.append(f);
        readme += QStringLiteral("    %1  (features of pipeline %2%3)\n")
                      .arg(p.file, p.pipeline,
                           p.bestIteration >= 0 ? QStringLiteral(", iteration_range=(0, %1)").arg(p.bestIteration + 1)
                                                : QString());
        if (!p.output.isEmpty())
            readme += QStringLiteral("      its probabilities: %1\n")
                          .arg(fractionsRecipe(p.output, problem == ProblemType::Multiclass));
        if (!pipelineInfo.contains(p.pipeline)) {
            Result<std::pair<QStringList, QStringList>> features =
                pipelineFeatures(pipelines.value(p.pipeline).toObject());
            if (!features)
                return R(features.error());
            pipelineInfo.insert(p.pipeline, QJsonObject{{QStringLiteral("features"),
                                                         QJsonArray::fromStringList(features->first)},
                                                        {QStringLiteral("categorical"),
                                                         QJsonArray::fromStringList(features->second)},
                                                        {QStringLiteral("preparation"), pipelines.value(p.pipeline)}});
        }
    }
    flushMember();
    if (const QString o = describeOthers(); !o.isEmpty()) {
        readme += QLatin1Char('\n') + o + QLatin1Char('\n');
        outcome.notes << o;
    }
    readme += QStringLiteral("\nmanifest.json holds the same in machine-readable form, with each pipeline's feature "
                             "names (in order) and its fitted data preparation.\n");

    QStringList inputs;
    for (const QJsonValue &v : m.value(QStringLiteral("input_schema")).toArray())
        inputs << v.toObject().value(QStringLiteral("name")).toString();
    const QJsonObject manifest{
        {QStringLiteral("format"), QStringLiteral("easel-export")},
        {QStringLiteral("version"), 1},
        {QStringLiteral("export"), exportFormatName(format)},
        {QStringLiteral("easel_version"), m.value(QStringLiteral("easel_version"))},
        {QStringLiteral("problem_type"), problemTypeName(problem)},
        {QStringLiteral("target"), m.value(QStringLiteral("target"))},
        {QStringLiteral("class_labels"), QJsonArray::fromStringList(labels)},
        {QStringLiteral("threshold"), m.value(QStringLiteral("threshold")).toDouble(0.5)},
        {QStringLiteral("calibration"), calibration},
        {QStringLiteral("input_columns"), QJsonArray::fromStringList(inputs)},
        {QStringLiteral("combine"), QStringLiteral("prediction = sum over members of weight * mean over folds of "
                                                   "model(features of its pipeline), divided by the sum of weights")},
        {QStringLiteral("members"), memberArray},
        {QStringLiteral("members_not_exported"), others},
        {QStringLiteral("pipelines"), pipelineInfo},
    };
    if (Status s = writeFile(dir.filePath(QStringLiteral("manifest.json")),
                             QJsonDocument(manifest).toJson(QJsonDocument::Indented));
        !s)
        return R(s.error());
    if (Status s = writeFile(dir.filePath(QStringLiteral("README.txt")), readme.toUtf8()); !s)
        return R(s.error());
    outcome.files << QFileInfo(dir.filePath(QStringLiteral("manifest.json"))).absoluteFilePath()
                  << QFileInfo(dir.filePath(QStringLiteral("README.txt"))).absoluteFilePath();
    return outcome;
}

} // namespace

namespace {

//! Confusion matrix or residual summary, and every metric, of predictions
//! against truth (class index or value; NaN rows are skipped).
ReportEvaluation summarise(ProblemType problem, const QStringList &labels, double threshold,
                           const std::vector<float> &truth, const Predictions &pred)
{
    ReportEvaluation e;
    e.labels = labels;
    if (problem != ProblemType::Regression)
        e.confusion.assign(size_t(labels.size()), std::vector<qint64>(size_t(labels.size()), 0));
    std::vector<double> residuals;
    for (size_t r = 0; r < truth.size() && r < pred.rows; ++r) {
        if (std::isnan(truth[r]))
            continue;
        if (problem == ProblemType::Regression) {
            residuals.push_back(double(truth[r]) - double(pred.values[r]));
        } else {
            int predicted = 0;
            if (problem == ProblemType::Binary) {
                predicted = pred.values[r] >= threshold ? 1 : 0;
            } else {
                const float *p = pred.values.data() + r * size_t(pred.outputs);
                for (int k = 1; k < pred.outputs; ++k)
                    if (p[k] > p[predicted])
                        predicted = k;
            }
            const size_t actual = size_t(truth[r]);
            if (actual < e.confusion.size() && size_t(predicted) < e.confusion.size())
                ++e.confusion[actual][size_t(predicted)];
        }
        ++e.rows;
    }
    if (!residuals.empty()) {
        std::vector<double> abs;
        double sum = 0, sumAbs = 0;
        for (double v : residuals) {
            sum += v;
            sumAbs += std::abs(v);
            abs.push_back(std::abs(v));
        }
        std::sort(abs.begin(), abs.end());
        e.meanResidual = sum / double(residuals.size());
        e.meanAbsResidual = sumAbs / double(residuals.size());
        e.medianAbsResidual = abs.size() % 2 ? abs[abs.size() / 2] : (abs[abs.size() / 2 - 1] + abs[abs.size() / 2]) / 2;
        e.p90AbsResidual = abs[std::min(abs.size() - 1, size_t(std::ceil(0.9 * double(abs.size()))) - 1)];
        e.maxAbsResidual = abs.back();
    }
    for (Metric metric : metricsFor(problem)) {
        const double v = computeMetric(metric, problem, truth, pred, threshold);
        e.metrics.insert(metricName(metric), std::isnan(v) ? QJsonValue() : QJsonValue(v));
    }
    return e;
}

} // namespace

std::optional<ReportEvaluation> validationEvaluation(const ModelBundle &bundle)
{
    const QJsonObject v = bundle.manifest.value(QStringLiteral("validation_predictions")).toObject();
    const auto truthBytes = bundle.payloads.find(v.value(QStringLiteral("truth")).toString());
    const auto predBytes = bundle.payloads.find(v.value(QStringLiteral("predictions")).toString());
    if (v.isEmpty() || truthBytes == bundle.payloads.end() || predBytes == bundle.payloads.end())
        return std::nullopt;
    ProblemType problem;
    if (!problemTypeFromName(bundle.manifest.value(QStringLiteral("problem_type")).toString(), &problem))
        return std::nullopt;
    const size_t rows = size_t(v.value(QStringLiteral("rows")).toInteger());
    const int outputs = std::max(1, v.value(QStringLiteral("outputs")).toInt(1));
    if (size_t(truthBytes->second.size()) != rows * sizeof(float)
        || size_t(predBytes->second.size()) != rows * size_t(outputs) * sizeof(float))
        return std::nullopt;
    std::vector<float> truth(rows);
    std::memcpy(truth.data(), truthBytes->second.constData(), rows * sizeof(float));
    Predictions pred;
    pred.rows = rows;
    pred.outputs = outputs;
    pred.values.resize(rows * size_t(outputs));
    std::memcpy(pred.values.data(), predBytes->second.constData(), pred.values.size() * sizeof(float));
    QStringList labels;
    for (const QJsonValue &l : bundle.manifest.value(QStringLiteral("class_labels")).toArray())
        labels << l.toString();
    ReportEvaluation e =
        summarise(problem, labels, bundle.manifest.value(QStringLiteral("threshold")).toDouble(0.5), truth, pred);
    e.source = QStringLiteral("the build's validation rows (out-of-fold predictions)");
    return e;
}

Result<ReportEvaluation> evaluateBundle(const ModelBundle &bundle, TrainerRegistry &registry, const QString &csvPath,
                                        TaskContext *ctx)
{
    using R = Result<ReportEvaluation>;
    Result<std::unique_ptr<Predictor>> predictor = Predictor::open(bundle, registry);
    if (!predictor)
        return predictor.error();
    Result<CsvImport> import = readCsv(csvPath, {}, ctx);
    if (!import)
        return import.error();
    const Table &table = *import->table;
    const Predictor &pr = **predictor;
    if (const QStringList missing = pr.missingColumns(table); !missing.isEmpty())
        return R::failure(ErrorCode::InvalidArgument,
                          QStringLiteral("The model needs these columns, which the file lacks: %1.")
                              .arg(missing.join(QStringLiteral(", "))),
                          csvPath);
    const int targetIndex = table.indexOf(pr.target());
    if (targetIndex < 0)
        return R::failure(ErrorCode::InvalidArgument,
                          QStringLiteral("The file has no %1 column, so the report cannot compare predictions with "
                                         "actual values.").arg(pr.target()),
                          csvPath);
    Result<Predictions> pred = pr.predict(table, {}, ctx);
    if (!pred)
        return pred.error();

    const ProblemType problem = pr.problem();
    const QStringList labels = pr.classLabels();
    const Column &col = table.column(size_t(targetIndex));
    std::vector<float> truth(table.rowCount(), std::numeric_limits<float>::quiet_NaN());
    for (size_t r = 0; r < table.rowCount(); ++r) {
        if (col.isMissing(r))
            continue;
        if (problem == ProblemType::Regression) {
            const double actual = col.numberAt(r);
            if (!std::isnan(actual))
                truth[r] = float(actual);
        } else {
            const qsizetype k = labels.indexOf(col.textAt(r));
            if (k >= 0)
                truth[r] = float(k);
        }
    }
    ReportEvaluation e = summarise(problem, labels, pr.threshold(), truth, *pred);
    e.source = QFileInfo(csvPath).fileName();
    if (e.rows == 0)
        return R::failure(ErrorCode::InvalidArgument,
                          QStringLiteral("No row of the file has a known %1 the model can compare with.").arg(pr.target()),
                          csvPath);
    return e;
}

Result<ExportOutcome> exportBundle(const ModelBundle &bundle, TrainerRegistry &registry, ExportFormat format,
                                   const QString &outPath, const ExportOptions &options, TaskContext *ctx)
{
    using R = Result<ExportOutcome>;
    if (bundle.manifest.value(QStringLiteral("format")).toString() != QLatin1String("easel-model"))
        return R::failure(ErrorCode::Corrupt, QStringLiteral("The file holds no Easel model manifest."));
    if (outPath.isEmpty())
        return R::failure(ErrorCode::InvalidArgument, QStringLiteral("Say where to write the export."));
    switch (format) {
    case ExportFormat::XGBoost:
    case ExportFormat::TorchScript: return exportModels(bundle, registry, format, outPath, ctx);
    case ExportFormat::Python: {
        if (QFileInfo(outPath).isDir())
            return R::failure(ErrorCode::NotAFile, QStringLiteral("This is a folder. Give a file name such as model.py."),
                              outPath);
        Result<QByteArray> script = makePythonScript(bundle);
        if (!script)
            return R(script.error());
        if (Status s = writeFile(outPath, *script, true); !s)
            return R(s.error());
        ExportOutcome outcome;
        outcome.files << QFileInfo(outPath).absoluteFilePath();
        outcome.notes << QStringLiteral("Run it with: python3 %1 INPUT.csv OUTPUT.csv").arg(QFileInfo(outPath).fileName());
        return outcome;
    }
    case ExportFormat::Report: {
        if (QFileInfo(outPath).isDir())
            return R::failure(ErrorCode::NotAFile,
                              QStringLiteral("This is a folder. Give a file name such as report.html."), outPath);
        ReportEvaluation evaluation;
        bool evaluated = !options.dataPath.isEmpty();
        if (evaluated) {
            Result<ReportEvaluation> e = evaluateBundle(bundle, registry, options.dataPath, ctx);
            if (!e)
                return R(e.error());
            evaluation = std::move(*e);
        } else if (std::optional<ReportEvaluation> v = validationEvaluation(bundle)) {
            // Without a data file: the final model's out-of-fold predictions kept in the bundle.
            evaluation = std::move(*v);
            evaluated = true;
        }
        Result<QByteArray> html = makeModelReport(bundle, evaluated ? &evaluation : nullptr);
        if (!html)
            return R(html.error());
        if (Status s = writeFile(outPath, *html); !s)
            return R(s.error());
        ExportOutcome outcome;
        outcome.files << QFileInfo(outPath).absoluteFilePath();
        outcome.notes << QStringLiteral("HTML only: Easel writes no PDF; print the page to PDF from a browser.");
        return outcome;
    }
    }
    return R::failure(ErrorCode::InvalidArgument, QStringLiteral("Unknown export format."));
}

} // namespace easel
