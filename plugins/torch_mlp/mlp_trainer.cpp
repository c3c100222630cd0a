#include "mlp_trainer.h"

#include "mlp_model.h"
#include "mlp_net.h"

#include <QFileInfo>
#include <QJsonArray>

#include <dlfcn.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <thread>

namespace easel {

using FitResult = Result<std::unique_ptr<Model>>;

//! Whether LibTorch's sgemm_ comes from Debian's unoptimised reference BLAS
//! (libblas3, <libdir>/blas/libblas.so.3.*); an optimised one (OpenBLAS in
//! <libdir>/openblas-*/, BLIS, …) lives elsewhere. LibTorch is loaded with this
//! plugin and libblas.so.3 with it, so nothing new is loaded here.
static bool onReferenceBlas()
{
    void *handle = dlopen("libblas.so.3", RTLD_LAZY | RTLD_NOLOAD);
    if (!handle)
        return false;
    Dl_info info{};
    bool reference = false;
    if (void *sgemm = dlsym(handle, "sgemm_"); sgemm && dladdr(sgemm, &info) && info.dli_fname)
        reference = QFileInfo(QString::fromLocal8Bit(info.dli_fname))
                        .canonicalFilePath()
                        .contains(QLatin1String("/blas/libblas.so"));
    dlclose(handle);
    return reference;
}

MlpTrainer::MlpTrainer()
{
    std::string reason;
    m_gpu = mlp::cudaAvailable(&reason);
    m_gpuReason = QString::fromStdString(reason);
    if (onReferenceBlas())
        m_speedNote = QStringLiteral("Neural networks train about 5 times slower than they could on this computer: "
                                     "LibTorch multiplies matrices with the reference BLAS. Install the "
                                     "libopenblas0-openmp package to speed them up.");
}


TrainerCapabilities MlpTrainer::capabilities() const
{
    TrainerCapabilities caps;
    caps.binary = caps.multiclass = caps.regression = true;
    caps.nativeMissing = false;
    caps.gpuAvailable = m_gpu;
    caps.gpuReason = m_gpuReason;
    caps.speedNote = m_speedNote;
    caps.flavour = FeatureFlavour::Embedded;
    caps.contributions = false;
    return caps;
}

//! A number from params, also accepted as a string ("256" from a Choice range).
static double number(const QJsonObject &params, const char *key, double fallback)
{
    const QJsonValue v = params.value(QLatin1String(key));
    if (v.isDouble())
        return v.toDouble();
    if (v.isString()) {
        bool ok = false;
        const double d = v.toString().toDouble(&ok);
        if (ok)
            return d;
    }
    return fallback;
}

static FitResult invalid(const QString &message)
{
    return FitResult::failure(ErrorCode::InvalidArgument, message);
}

//! The rows with a target, copied contiguously when some are dropped.
struct Rows
{
    std::vector<float> numeric, y, weights;
    std::vector<int32_t> cats;
    size_t count = 0;

    mlp::Batch batch() const
    {
        return {count, numeric.data(), cats.data(), y.data(), weights.empty() ? nullptr : weights.data()};
    }
};

static Result<Rows> collectRows(const FeatureMatrix &x, const std::vector<float> &y, const std::vector<float> *weights,
                                ProblemType problem, int classes, const char *what)
{
    using R = Result<Rows>;
    if (x.values.size() != x.rows * x.cols || x.cats.size() != x.rows * x.catCols
        || x.catCardinality.size() != x.catCols)
        return R::failure(ErrorCode::InvalidArgument,
                          QStringLiteral("The %1 feature matrix is inconsistent with its shape.").arg(QLatin1String(what)));
    if (y.size() != x.rows)
        return R::failure(ErrorCode::InvalidArgument, QStringLiteral("The %1 target has %2 values for %3 rows.")
                                                          .arg(QLatin1String(what)).arg(y.size()).arg(x.rows));
    const bool weighted = weights && !weights->empty();
    if (weighted && weights->size() != x.rows)
        return R::failure(ErrorCode::InvalidArgument,
                          QStringLiteral("There are %1 row weights for %2 rows.").arg(weights->size()).arg(x.rows));
    Rows rows;
    for (size_t r = 0; r < x.rows; ++r) {
        const float t = y[r];
        if (std::isnan(t))
            continue;
        if (problem != ProblemType::Regression && (t < 0 || t >= float(classes) || t != std::floor(t)))
            return R::failure(ErrorCode::InvalidArgument, QStringLiteral("Row %1 has the class %2, outside 0…%3.")
                                                              .arg(r + 1).arg(t).arg(classes - 1));
        if (!std::isfinite(t))
            return R::failure(ErrorCode::InvalidArgument, QStringLiteral("Row %1 has an infinite target.").arg(r + 1));
        const float w = weighted ? (*weights)[r] : 1.0f;
        if (!std::isfinite(w) || w < 0)
            return R::failure(ErrorCode::InvalidArgument, QStringLiteral("Row %1 has an invalid weight.").arg(r + 1));
        rows.numeric.insert(rows.numeric.end(), x.values.begin() + qsizetype(r * x.cols),
                            x.values.begin() + qsizetype((r + 1) * x.cols));
        rows.cats.insert(rows.cats.end(), x.cats.begin() + qsizetype(r * x.catCols),
                         x.cats.begin() + qsizetype((r + 1) * x.catCols));
        rows.y.push_back(t);
        if (weighted)
            rows.weights.push_back(w);
        ++rows.count;
    }
    if (rows.count == 0)
        return R::failure(ErrorCode::InvalidArgument,
                          QStringLiteral("There are no %1 rows with a target.").arg(QLatin1String(what)));
    if (weighted) {
        double sum = 0;
        for (float w : rows.weights)
            sum += w;
        if (!(sum > 0))
            return R::failure(ErrorCode::InvalidArgument, QStringLiteral("All row weights are zero."));
    }
    return rows;
}

FitResult MlpTrainer::fit(const FeatureMatrix &trainX, const std::vector<float> &trainY,
                          const std::vector<float> &trainWeights, const FeatureMatrix *validX,
                          const std::vector<float> *validY, const FitOptions &options, TaskContext *ctx) const
{
    const ProblemType problem = options.problem;
    const int classes = problem == ProblemType::Binary ? 2 : problem == ProblemType::Multiclass ? options.numClasses : 1;
    if (problem == ProblemType::Multiclass && classes < 3)
        return invalid(QStringLiteral("A multiclass problem needs at least 3 classes (got %1).").arg(classes));

    // Architecture.
    const QJsonObject &params = options.params;
    mlp::Architecture arch;
    arch.task = problem == ProblemType::Binary       ? mlp::Task::Binary
                : problem == ProblemType::Multiclass ? mlp::Task::Multiclass
                                                     : mlp::Task::Regression;
    arch.outputs = problem == ProblemType::Multiclass ? classes : 1;
    arch.numeric = int(trainX.cols);
    for (int32_t card : trainX.catCardinality) {
        arch.catCardinality.push_back(int(card));
        arch.embedDims.push_back(mlp::Architecture::embeddingDim(int(card)));
    }
    if (params.value(QStringLiteral("hidden")).isArray()) {
        for (const QJsonValue &v : params.value(QStringLiteral("hidden")).toArray())
            arch.hidden.push_back(v.isString() ? v.toString().toInt() : v.toInt());
    } else {
        const int width = int(number(params, "width", 256));
        const int depth = int(number(params, "depth", 2));
        for (int l = 0; l < depth; ++l)
            arch.hidden.push_back(l == 0 ? width : std::max(16, width / 2));
    }
    arch.activation = params.value(QStringLiteral("activation")).toString(QStringLiteral("relu")).toStdString();
    arch.norm = params.value(QStringLiteral("norm")).toString(QStringLiteral("batch")).toStdString();
    arch.dropout = number(params, "dropout", 0.1);

    // Training parameters.
    mlp::TrainParams tp;
    tp.lr = number(params, "lr", 3e-3);
    tp.weightDecay = number(params, "weight_decay", 1e-4);
    tp.batchSize = int(number(params, "batch_size", 512));
    tp.maxEpochs = int(number(params, "max_epochs", 100));
    tp.patience = int(number(params, "patience", 10));
    tp.warmupFraction = number(params, "warmup", 0.05);
    const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
    tp.threads = std::clamp(options.threads, 1, cores);
    tp.seed = options.seed;
    tp.useGpu = options.useGpu && m_gpu;
    tp.deadlineSeconds = options.deadlineSeconds;
    if (!(tp.lr > 0 && tp.lr < 10))
        return invalid(QStringLiteral("The learning rate must be in (0, 10) (got %1).").arg(tp.lr));
    if (!(tp.weightDecay >= 0))
        return invalid(QStringLiteral("The weight decay must be ≥ 0 (got %1).").arg(tp.weightDecay));
    if (tp.batchSize < 1 || tp.maxEpochs < 1 || tp.patience < 0 || !(tp.warmupFraction >= 0 && tp.warmupFraction < 1))
        return invalid(QStringLiteral("batch_size and max_epochs must be ≥ 1, patience ≥ 0 and warmup in [0, 1)."));

    auto train = collectRows(trainX, trainY, &trainWeights, problem, classes, "training");
    if (!train)
        return train.error();
    std::optional<Rows> valid;
    if (validX && validY) {
        if (validX->cols != trainX.cols || validX->catCols != trainX.catCols)
            return invalid(QStringLiteral("The validation rows do not have the training rows' features."));
        auto v = collectRows(*validX, *validY, nullptr, problem, classes, "validation");
        if (!v)
            return v.error();
        valid = std::move(v.value());
    }
    if (problem == ProblemType::Regression) {
        double sum = 0, sq = 0;
        for (float t : train->y)
            sum += t;
        arch.targetMean = sum / double(train->count);
        for (float t : train->y)
            sq += (t - arch.targetMean) * (t - arch.targetMean);
        const double sd = std::sqrt(sq / double(train->count));
        arch.targetStd = sd > 1e-12 ? sd : 1.0;
    }
    if (const std::string problemText = arch.validate(); !problemText.empty())
        return invalid(QStringLiteral("Invalid network parameters: %1.").arg(QString::fromStdString(problemText)));
    if (isCanceled(ctx))
        return FitResult::failure(ErrorCode::Canceled, QStringLiteral("Training was canceled."));

    std::string error;
    std::unique_ptr<mlp::Net> net = mlp::Net::create(arch, options.seed, &error);
    if (!net)
        return FitResult::failure(ErrorCode::Internal, QStringLiteral("The neural network could not be built: %1")
                                                           .arg(QString::fromStdString(error)));
    mlp::Callbacks callbacks;
    callbacks.canceled = [ctx] { return isCanceled(ctx); };
    callbacks.progress = [ctx](int epoch, int maxEpochs) {
        reportProgress(ctx, double(epoch) / maxEpochs,
                       QStringLiteral("Training the neural network (epoch %1 of at most %2)").arg(epoch).arg(maxEpochs));
    };
    const mlp::Batch validBatch = valid ? valid->batch() : mlp::Batch{};
    const mlp::TrainOutcome outcome = net->train(train->batch(), valid ? &validBatch : nullptr, tp, callbacks);
    if (outcome.canceled)
        return FitResult::failure(ErrorCode::Canceled, QStringLiteral("Training was canceled."));
    if (!outcome.ok)
        return FitResult::failure(ErrorCode::Internal, QStringLiteral("The neural network could not be trained: %1")
                                                           .arg(QString::fromStdString(outcome.error)));

    FitReport report;
    report.iterations = outcome.epochs;
    report.validCurve = outcome.validCurve;
    report.stoppedAtDeadline = outcome.outOfTime;
    report.note = outcome.stoppedEarly ? QStringLiteral("Stopped early after %1 epochs; kept epoch %2.")
                                             .arg(outcome.epochs).arg(outcome.bestEpoch)
                  : outcome.outOfTime  ? QStringLiteral("Stopped at the time limit after %1 epochs; kept epoch %2.")
                                             .arg(outcome.epochs).arg(outcome.bestEpoch)
                  : valid              ? QStringLiteral("Ran all %1 epochs; kept epoch %2.")
                                             .arg(outcome.epochs).arg(outcome.bestEpoch)
                                       : QStringLiteral("Ran all %1 epochs without validation rows (no early stopping).")
                                             .arg(outcome.epochs);
    QJsonObject used = params;
    QJsonArray hidden;
    for (int h : arch.hidden)
        hidden.append(h);
    used[QStringLiteral("hidden")] = hidden;
    auto model = std::make_unique<MlpModel>(std::move(net), used);
    model->setFitReport(std::move(report));
    reportProgress(ctx, 1.0, QStringLiteral("Neural network trained"));
    return std::unique_ptr<Model>(std::move(model));
}

FitResult MlpTrainer::load(const QByteArray &bytes, const FitOptions &options) const
{
    Q_UNUSED(options);
    auto model = MlpModel::fromBytes(bytes);
    if (!model)
        return model.error();
    return std::unique_ptr<Model>(std::move(model.value()));
}

std::vector<QJsonObject> MlpTrainer::portfolio(ProblemType problem, size_t rows, size_t cols) const
{
    Q_UNUSED(problem);
    Q_UNUSED(cols);
    const int batch = rows >= 20000 ? 512 : rows >= 4000 ? 256 : 128;
    return {
        QJsonObject{{QStringLiteral("hidden"), QJsonArray{256, 128}},
                    {QStringLiteral("activation"), QStringLiteral("relu")},
                    {QStringLiteral("norm"), QStringLiteral("batch")},
                    {QStringLiteral("dropout"), 0.1},
                    {QStringLiteral("lr"), 3e-3},
                    {QStringLiteral("weight_decay"), 1e-4},
                    {QStringLiteral("batch_size"), batch},
                    {QStringLiteral("max_epochs"), 100},
                    {QStringLiteral("patience"), 10}},
        QJsonObject{{QStringLiteral("hidden"), QJsonArray{128, 64}},
                    {QStringLiteral("activation"), QStringLiteral("silu")},
                    {QStringLiteral("norm"), QStringLiteral("layer")},
                    {QStringLiteral("dropout"), 0.05},
                    {QStringLiteral("lr"), 5e-3},
                    {QStringLiteral("weight_decay"), 1e-5},
                    {QStringLiteral("batch_size"), batch},
                    {QStringLiteral("max_epochs"), 40},
                    {QStringLiteral("patience"), 6}},
    };
}

std::vector<ParamRange> MlpTrainer::searchSpace(ProblemType problem) const
{
    Q_UNUSED(problem);
    using K = ParamRange::Kind;
    return {
        ParamRange::of("lr", K::LogReal, 3e-4, 1e-2),
        ParamRange::of("dropout", K::Real, 0.0, 0.4),
        ParamRange::oneOf("width", {QStringLiteral("64"), QStringLiteral("128"), QStringLiteral("256"), QStringLiteral("512")}),
        ParamRange::of("depth", K::Integer, 1, 3),
        ParamRange::of("weight_decay", K::LogReal, 1e-6, 1e-2),
        ParamRange::oneOf("batch_size", {QStringLiteral("128"), QStringLiteral("256"), QStringLiteral("512")}),
    };
}

} // namespace easel
