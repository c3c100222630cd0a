#include "xgboost_trainer.h"

#include <QElapsedTimer>
#include <QJsonDocument>

#include <algorithm>
#include <cmath>
#include <limits>

namespace easel {

namespace {

const char *kAttrBestIteration = "best_iteration";
const char *kAttrBestScore = "best_score";
const char *kAttrFamily = "easel_family";
const char *kAttrProblem = "easel_problem";
const char *kAttrClasses = "easel_num_classes";
// A classification forest's probabilities (XgboostModel::LeafFractions).
const char *kAttrOutput = "easel_output";  // "leaf_fractions"
const char *kAttrFractionOffset = "easel_fraction_offset";
const char *kAttrFractionBase = "easel_fraction_base";
const char *kAttrFractionScale = "easel_fraction_scale";
const char *kAttrFractionSmoothing = "easel_fraction_smoothing";

// Boosting under a deadline: rounds timed before the learning rate is checked, and
// the learning rate × rounds that a model needs to get near its best (XGBoost's own
// defaults, 0.3 × 100 rounds, give 30). Never raised past XGBoost's default rate.
constexpr int kRoundsToTime = 5;
constexpr double kShrinkageToConverge = 30.0;
constexpr double kMaxBudgetEta = 0.3;

// Local names (not problemTypeName): the plugin must not depend on more of
// easel_core than the interface needs.
QString problemKey(ProblemType problem)
{
    switch (problem) {
    case ProblemType::Binary: return QStringLiteral("binary");
    case ProblemType::Multiclass: return QStringLiteral("multiclass");
    case ProblemType::Regression: break;
    }
    return QStringLiteral("regression");
}

bool problemFromKey(const QString &key, ProblemType *problem)
{
    for (ProblemType p : {ProblemType::Binary, ProblemType::Multiclass, ProblemType::Regression})
        if (problemKey(p) == key) {
            *problem = p;
            return true;
        }
    return false;
}

QString familyName(XgbFlavour flavour)
{
    return flavour == XgbFlavour::Boosting ? QStringLiteral("xgboost") : QStringLiteral("random_forest");
}

// --- Parameters --------------------------------------------------------------

enum class ParamKind { Real, Integer, Text };

struct ParamAlias
{
    const char *name;     //!< as written in FitOptions::params
    const char *xgbName;  //!< XGBoost's own name
    ParamKind kind;
};

// Easel / scikit-learn names first, XGBoost's native aliases after.
const ParamAlias kParams[] = {
    {"learning_rate", "eta", ParamKind::Real},
    {"eta", "eta", ParamKind::Real},
    {"max_depth", "max_depth", ParamKind::Integer},
    {"min_child_weight", "min_child_weight", ParamKind::Real},
    {"subsample", "subsample", ParamKind::Real},
    {"colsample_bytree", "colsample_bytree", ParamKind::Real},
    {"colsample_bylevel", "colsample_bylevel", ParamKind::Real},
    {"colsample_bynode", "colsample_bynode", ParamKind::Real},
    {"reg_lambda", "lambda", ParamKind::Real},
    {"lambda", "lambda", ParamKind::Real},
    {"reg_alpha", "alpha", ParamKind::Real},
    {"alpha", "alpha", ParamKind::Real},
    {"gamma", "gamma", ParamKind::Real},
    {"min_split_loss", "gamma", ParamKind::Real},
    {"max_bin", "max_bin", ParamKind::Integer},
    {"grow_policy", "grow_policy", ParamKind::Text},
    {"max_leaves", "max_leaves", ParamKind::Integer},
    {"max_delta_step", "max_delta_step", ParamKind::Real},
    {"scale_pos_weight", "scale_pos_weight", ParamKind::Real},
};

//! A JSON value as a number (numbers, or numeric strings); NaN otherwise.
double number(const QJsonValue &v)
{
    if (v.isDouble())
        return v.toDouble();
    if (v.isBool())
        return v.toBool() ? 1.0 : 0.0;
    bool ok = false;
    const double d = v.toString().trimmed().toDouble(&ok);
    return ok ? d : std::numeric_limits<double>::quiet_NaN();
}

//! An integer parameter from params, or fallback when absent or not a number.
int intParam(const QJsonObject &params, const char *name, int fallback)
{
    const QJsonValue v = params.value(QLatin1String(name));
    const double d = number(v);
    return std::isfinite(d) ? int(std::lround(d)) : fallback;
}

//! The XGBoost parameters from FitOptions::params, over the given defaults.
//! Fails with InvalidArgument for a value that is not a number where one is needed.
Result<std::map<QString, QString>> translateParams(const QJsonObject &params, std::map<QString, QString> values)
{
    for (const ParamAlias &p : kParams) {
        const QJsonValue v = params.value(QLatin1String(p.name));
        if (v.isUndefined() || v.isNull())
            continue;
        QString text;
        if (p.kind == ParamKind::Text) {
            text = v.toString();
        } else {
            const double d = number(v);
            if (!std::isfinite(d))
                return Result<std::map<QString, QString>>::failure(
                    ErrorCode::InvalidArgument,
                    QStringLiteral("The parameter %1 must be a number.").arg(QLatin1String(p.name)));
            text = p.kind == ParamKind::Integer ? QString::number(std::lround(d)) : QString::number(d, 'g', 17);
        }
        values[QLatin1String(p.xgbName)] = text;
    }
    return values;
}

QString real(double v)
{
    return QString::number(v, 'g', 17);
}

// --- Data checks ---------------------------------------------------------------

Status checkMatrix(const FeatureMatrix &x, const char *what)
{
    if (x.rows == 0 || x.cols == 0)
        return Status::failure(ErrorCode::InvalidArgument, QStringLiteral("The %1 set has no rows or no features.")
                                                               .arg(QLatin1String(what)));
    if (x.values.size() != x.rows * x.cols)
        return Status::failure(ErrorCode::InvalidArgument,
                               QStringLiteral("The %1 features hold %2 values, not rows × columns = %3.")
                                   .arg(QLatin1String(what))
                                   .arg(x.values.size())
                                   .arg(x.rows * x.cols));
    return Status::success();
}

//! Rows with a usable label: NaN labels (missing target) are left out.
struct Labelled
{
    FeatureMatrix x;
    std::vector<float> y, w;
    bool copied = false;
};

Result<Labelled> dropUnlabelled(const FeatureMatrix &x, const std::vector<float> &y, const std::vector<float> *w,
                                ProblemType problem, int numClasses, const char *what)
{
    Labelled out;
    if (y.size() != x.rows)
        return Result<Labelled>::failure(ErrorCode::InvalidArgument,
                                         QStringLiteral("The %1 set has %2 rows but %3 target values.")
                                             .arg(QLatin1String(what))
                                             .arg(x.rows)
                                             .arg(y.size()));
    if (w && !w->empty() && w->size() != x.rows)
        return Result<Labelled>::failure(ErrorCode::InvalidArgument,
                                         QStringLiteral("The %1 set has %2 rows but %3 weights.")
                                             .arg(QLatin1String(what))
                                             .arg(x.rows)
                                             .arg(w->size()));
    size_t missing = 0;
    for (size_t i = 0; i < y.size(); ++i) {
        const float v = y[i];
        if (std::isnan(v)) {
            ++missing;
            continue;
        }
        if (problem != ProblemType::Regression && (v < 0 || v >= float(numClasses) || v != std::floor(v)))
            return Result<Labelled>::failure(ErrorCode::InvalidArgument,
                                             QStringLiteral("Target value %1 in row %2 is not a class id 0..%3.")
                                                 .arg(double(v))
                                                 .arg(i + 1)
                                                 .arg(numClasses - 1));
        if (problem == ProblemType::Regression && !std::isfinite(v))
            return Result<Labelled>::failure(ErrorCode::InvalidArgument,
                                             QStringLiteral("Target value in row %1 is infinite.").arg(i + 1));
    }
    if (missing == 0)
        return out;  // use the caller's data as it is
    if (missing == y.size())
        return Result<Labelled>::failure(ErrorCode::InvalidArgument,
                                         QStringLiteral("Every row of the %1 set lacks a target value.")
                                             .arg(QLatin1String(what)));
    out.copied = true;
    out.x.cols = x.cols;
    out.x.names = x.names;
    out.x.sourceColumn = x.sourceColumn;
    out.x.values.reserve((y.size() - missing) * x.cols);
    for (size_t i = 0; i < y.size(); ++i) {
        if (std::isnan(y[i]))
            continue;
        out.x.values.insert(out.x.values.end(), x.row(i), x.row(i) + x.cols);
        out.y.push_back(y[i]);
        if (w && !w->empty())
            out.w.push_back((*w)[i]);
    }
    out.x.rows = out.y.size();
    return out;
}

//! base_score: the (weighted) mean target for regression, the class-1 rate for
//! binary problems (XGBoost 1.7 does not estimate it itself; 2.0 does).
double baseScore(ProblemType problem, const std::vector<float> &y, const std::vector<float> &w)
{
    double sum = 0, weight = 0;
    for (size_t i = 0; i < y.size(); ++i) {
        const double wi = w.empty() ? 1.0 : double(w[i]);
        sum += wi * double(y[i]);
        weight += wi;
    }
    double mean = weight > 0 ? sum / weight : 0.5;
    if (problem == ProblemType::Binary)
        mean = std::clamp(mean, 1e-4, 1 - 1e-4);
    return mean;
}

// --- GPU probe -------------------------------------------------------------------

struct GpuProbe
{
    bool available = false;
    QString reason;
};

GpuProbe probeGpu()
{
    GpuProbe probe;
    if (!xgb::builtWithCuda()) {
        probe.reason = QStringLiteral("This XGBoost was built without CUDA");
        return probe;
    }
    // Built with CUDA: a device must also be present. Train one tiny round on it.
    const float data[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    const std::vector<float> label = {0, 0, 0, 0, 1, 1, 1, 1};
    auto m = xgb::DMatrix::dense(data, 8, 1, 1);
    Status s = m ? m->setFloatInfo("label", label) : Status(m.error());
    if (s) {
        auto b = xgb::Booster::create({m->handle()});
        s = b ? b->setParam(QStringLiteral("tree_method"), QStringLiteral("gpu_hist")) : Status(b.error());
        if (s)
            s = b->setParam(QStringLiteral("gpu_id"), QStringLiteral("0"));
        if (s)
            s = b->setParam(QStringLiteral("verbosity"), QStringLiteral("0"));
        if (s)
            s = b->updateOneIter(0, *m);
    }
    if (!s) {
        probe.reason = QStringLiteral("No CUDA device could be used (%1)").arg(s.error().message);
        return probe;
    }
    probe.available = true;
    return probe;
}

} // namespace

bool xgboostGpuAvailable(QString *reason)
{
    static const GpuProbe probe = probeGpu();  // thread-safe, once
    if (reason)
        *reason = probe.reason;
    return probe.available;
}

Result<QByteArray> xgboostModelToJson(const QByteArray &bytes)
{
    Result<xgb::Booster> b = xgb::Booster::load(bytes);
    if (!b)
        return b.error();
    return b->save("json");
}

// --- XgboostModel ----------------------------------------------------------------

XgboostModel::XgboostModel(xgb::Booster booster, XgbFlavour flavour, ProblemType problem, int numClasses,
                           int bestIteration, int threads, bool saveJson)
    : m_booster(std::move(booster)), m_flavour(flavour), m_problem(problem), m_numClasses(numClasses),
      m_bestIteration(bestIteration), m_threads(std::max(1, threads)), m_saveJson(saveJson)
{
    if (auto n = m_booster.featureCount())
        m_features = size_t(*n);
    const auto attr = [this](const char *key, double *value) {
        Result<std::optional<QString>> v = m_booster.attr(key);
        bool ok = false;
        if (v && v->has_value())
            *value = (*v)->toDouble(&ok);
        return ok;
    };
    Result<std::optional<QString>> output = m_booster.attr(kAttrOutput);
    if (m_problem != ProblemType::Regression && output && output->has_value()
        && **output == QLatin1String("leaf_fractions")) {
        m_fractions.on = attr(kAttrFractionOffset, &m_fractions.offset) && attr(kAttrFractionBase, &m_fractions.base)
                         && attr(kAttrFractionScale, &m_fractions.scale)
                         && attr(kAttrFractionSmoothing, &m_fractions.smoothing);
    }
}

void XgboostModel::applyFractions(const LeafFractions &f, ProblemType problem, size_t rows, int outputs,
                                  std::vector<float> &values)
{
    const size_t k = size_t(std::max(1, outputs));
    const double classes = problem == ProblemType::Binary ? 2.0 : double(k);
    for (size_t r = 0; r < rows; ++r) {
        float *v = values.data() + r * k;
        double total = 0;
        for (size_t c = 0; c < k; ++c) {
            const double p = std::clamp(f.base + f.scale * (double(v[c]) - f.offset), 0.0, 1.0);
            v[c] = float(p);
            total += double(v[c]);
        }
        for (size_t c = 0; c < k; ++c) {
            // Each class has its own trees in a multiclass forest: their fractions need
            // not add up to one.
            double p = v[c];
            if (problem == ProblemType::Multiclass)
                p = total > 0 ? p / total : 1.0 / classes;
            v[c] = float((1 - f.smoothing) * p + f.smoothing / classes);
        }
    }
}

QString XgboostModel::family() const
{
    return familyName(m_flavour);
}

Result<xgb::PredictOutput> XgboostModel::run(const FeatureMatrix &x, xgb::PredictType type) const
{
    if (Status s = checkMatrix(x, "prediction"); !s)
        return s.error();
    if (m_features && x.cols != m_features)
        return Result<xgb::PredictOutput>::failure(
            ErrorCode::InvalidArgument,
            QStringLiteral("The model expects %1 features but was given %2.").arg(m_features).arg(x.cols));
    if (type != xgb::PredictType::Contributions && x.rows > 0) {
        std::lock_guard lock(m_mutex);
        return m_booster.predictDense(x.values.data(), x.rows, x.cols, type, m_bestIteration + 1);
    }
    Result<xgb::DMatrix> data = xgb::DMatrix::dense(x.values.data(), x.rows, x.cols, m_threads);
    if (!data)
        return data.error();
    std::lock_guard lock(m_mutex);
    return m_booster.predict(*data, type, m_bestIteration + 1);
}

static Result<Predictions> toPredictions(Result<xgb::PredictOutput> out, size_t rows)
{
    if (!out)
        return out.error();
    Predictions p;
    p.rows = rows;
    p.outputs = out->shape.size() >= 2 ? int(out->shape[1]) : 1;
    p.values = std::move(out->values);
    if (p.values.size() != p.rows * size_t(p.outputs))
        return Result<Predictions>::failure(ErrorCode::Internal,
                                            QStringLiteral("XGBoost returned %1 predictions for %2 rows.")
                                                .arg(p.values.size())
                                                .arg(rows));
    return p;
}

Result<Predictions> XgboostModel::predict(const FeatureMatrix &x) const
{
    if (!m_fractions.on)
        return toPredictions(run(x, xgb::PredictType::Value), x.rows);
    Result<Predictions> p = toPredictions(run(x, xgb::PredictType::Margin), x.rows);
    if (p)
        applyFractions(m_fractions, m_problem, p->rows, p->outputs, p->values);
    return p;
}

Result<Predictions> XgboostModel::margins(const FeatureMatrix &x) const
{
    return toPredictions(run(x, xgb::PredictType::Margin), x.rows);
}

Result<std::vector<float>> XgboostModel::contributions(const FeatureMatrix &x) const
{
    Result<xgb::PredictOutput> out = run(x, xgb::PredictType::Contributions);
    if (!out)
        return out.error();
    if (!m_fractions.on)
        return std::move(out->values);
    // In probability space: the fraction is linear in the margin, so TreeSHAP values
    // scale by the hessian; the bias becomes the base fraction. Clipping, the
    // multiclass normalisation and the smoothing are then spread over the features in
    // proportion, so that each row's values still add up to its probability exactly.
    // Each row's values add up to its margin, so the probabilities come from their
    // sums rather than from a second pass over the trees.
    std::vector<float> &c = out->values;
    const size_t k = out->shape.size() >= 3 ? size_t(std::max<int64_t>(1, int64_t(out->shape[1]))) : 1;
    const size_t width = x.rows > 0 ? c.size() / (x.rows * k) : 0;
    if (width == 0 || c.size() != x.rows * k * width)
        return std::move(c);
    std::vector<float> probability(x.rows * k);
    for (size_t i = 0; i < x.rows * k; ++i) {
        double margin = 0;
        for (size_t f = 0; f < width; ++f)
            margin += double(c[i * width + f]);
        probability[i] = float(margin);
    }
    applyFractions(m_fractions, m_problem, x.rows, int(k), probability);
    const double classes = m_problem == ProblemType::Binary ? 2.0 : double(k);
    const double s = m_fractions.smoothing;
    for (size_t r = 0; r < x.rows; ++r)
        for (size_t o = 0; o < k; ++o) {
            float *v = c.data() + (r * k + o) * width;
            const double bias = (1 - s) * std::clamp(m_fractions.base + m_fractions.scale
                                                         * (double(v[width - 1]) - m_fractions.offset), 0.0, 1.0)
                                + s / classes;
            double sum = 0;
            for (size_t f = 0; f + 1 < width; ++f) {
                v[f] = float((1 - s) * m_fractions.scale * double(v[f]));
                sum += v[f];
            }
            const double want = double(probability[r * k + o]) - bias;
            if (std::abs(sum) > 1e-12) {
                const double ratio = want / sum;
                for (size_t f = 0; f + 1 < width; ++f)
                    v[f] = float(double(v[f]) * ratio);
                v[width - 1] = float(bias);
            } else {
                v[width - 1] = float(bias + want);
            }
        }
    return std::move(c);
}

Result<QByteArray> XgboostModel::save() const
{
    std::lock_guard lock(m_mutex);
    return m_booster.save(m_saveJson ? "json" : "ubj");
}

Result<QByteArray> XgboostModel::saveJson() const
{
    std::lock_guard lock(m_mutex);
    return m_booster.save("json");
}

std::vector<double> XgboostModel::importance() const
{
    std::lock_guard lock(m_mutex);
    Result<std::vector<double>> scores = m_booster.featureScore("total_gain", m_features);
    return scores ? std::move(*scores) : std::vector<double>(m_features, 0.0);
}

// --- XgboostTrainer --------------------------------------------------------------

XgboostTrainer::XgboostTrainer(XgbFlavour flavour) : m_flavour(flavour) {}

QString XgboostTrainer::family() const
{
    return familyName(m_flavour);
}

QString XgboostTrainer::displayName() const
{
    return m_flavour == XgbFlavour::Boosting ? QStringLiteral("Gradient-boosted trees (XGBoost)")
                                             : QStringLiteral("Random forest (XGBoost)");
}

TrainerCapabilities XgboostTrainer::capabilities() const
{
    TrainerCapabilities c;
    c.binary = c.multiclass = c.regression = true;
    c.nativeMissing = true;
    c.flavour = FeatureFlavour::Trees;
    c.contributions = true;
    c.timeGrowsWithClasses = true;
    c.gpuAvailable = xgboostGpuAvailable(&c.gpuReason);
    return c;
}

bool XgboostTrainer::choosesOnValidation(ProblemType problem) const
{
    return m_flavour != XgbFlavour::RandomForest || problem == ProblemType::Multiclass;
}

namespace {

//! A classification forest predicts its trees' mean class fractions (see
//! XgboostModel::LeafFractions). The smoothing towards equal class shares is the one
//! of a small grid with the lowest log loss on the validation rows (1 % without).
Status setLeafFractions(xgb::Booster &booster, ProblemType problem, int numClasses,
                        const std::map<QString, QString> &params, const xgb::DMatrix *valid,
                        const std::vector<float> *validY)
{
    XgboostModel::LeafFractions f;
    f.on = true;
    const auto it = params.find(QStringLiteral("base_score"));
    const double baseScore = it != params.end() ? it->second.toDouble() : 0.5;
    if (problem == ProblemType::Binary) {
        // binary:logistic starts every row at base_score, hessian p(1 − p).
        f.base = std::clamp(baseScore, 1e-6, 1 - 1e-6);
        f.offset = std::log(f.base / (1 - f.base));
        f.scale = f.base * (1 - f.base);
    } else {
        // multi:softprob starts every class at the margin base_score: equal shares,
        // hessian 2 p(1 − p).
        f.base = 1.0 / numClasses;
        f.offset = baseScore;
        f.scale = 2 * f.base * (1 - f.base);
    }
    f.smoothing = 0.01;
    if (valid && validY && !validY->empty()) {
        Result<xgb::PredictOutput> margins = booster.predict(*valid, xgb::PredictType::Margin, 0);
        if (!margins)
            return margins.error();
        const size_t rows = validY->size();
        const int outputs = problem == ProblemType::Binary ? 1 : numClasses;
        if (margins->values.size() == rows * size_t(outputs)) {
            double bestLoss = std::numeric_limits<double>::infinity();
            for (double s : {0.0, 0.001, 0.003, 0.01, 0.03, 0.1}) {
                XgboostModel::LeafFractions g = f;
                g.smoothing = s;
                std::vector<float> p = margins->values;
                XgboostModel::applyFractions(g, problem, rows, outputs, p);
                double loss = 0;
                for (size_t r = 0; r < rows; ++r) {
                    const int y = int((*validY)[r]);
                    const double q = problem == ProblemType::Binary ? (y == 1 ? p[r] : 1 - p[r])
                                                                    : p[r * size_t(outputs) + size_t(y)];
                    loss -= std::log(std::max(q, 1e-15));
                }
                if (loss < bestLoss) {
                    bestLoss = loss;
                    f.smoothing = s;
                }
            }
        }
    }
    for (const auto &[key, value] : {std::pair{kAttrFractionOffset, f.offset}, std::pair{kAttrFractionBase, f.base},
                                     std::pair{kAttrFractionScale, f.scale},
                                     std::pair{kAttrFractionSmoothing, f.smoothing}})
        if (Status s = booster.setAttr(key, real(value)); !s)
            return s;
    return booster.setAttr(kAttrOutput, QStringLiteral("leaf_fractions"));
}

} // namespace

Result<std::unique_ptr<Model>> XgboostTrainer::fit(const FeatureMatrix &trainX, const std::vector<float> &trainY,
                                                   const std::vector<float> &trainWeights,
                                                   const FeatureMatrix *validX, const std::vector<float> *validY,
                                                   const FitOptions &options, TaskContext *ctx) const
{
    using R = Result<std::unique_ptr<Model>>;
    const bool forest = m_flavour == XgbFlavour::RandomForest;
    const ProblemType problem = options.problem;
    const int numClasses = problem == ProblemType::Binary ? 2 : options.numClasses;
    if (problem == ProblemType::Multiclass && numClasses < 2)
        return R::failure(ErrorCode::InvalidArgument, QStringLiteral("A multiclass problem needs at least 2 classes."));
    if (Status s = checkMatrix(trainX, "training"); !s)
        return s.error();
    if (bool(validX) != bool(validY))
        return R::failure(ErrorCode::InvalidArgument, QStringLiteral("The validation features come without targets."));
    if (validX) {
        if (Status s = checkMatrix(*validX, "validation"); !s)
            return s.error();
        if (validX->cols != trainX.cols)
            return R::failure(ErrorCode::InvalidArgument,
                              QStringLiteral("The validation set has %1 features, the training set %2.")
                                  .arg(validX->cols)
                                  .arg(trainX.cols));
    }
    Result<Labelled> train = dropUnlabelled(trainX, trainY, &trainWeights, problem, numClasses, "training");
    if (!train)
        return train.error();
    const FeatureMatrix &tx = train->copied ? train->x : trainX;
    const std::vector<float> &ty = train->copied ? train->y : trainY;
    const std::vector<float> &tw = train->copied ? train->w : trainWeights;
    std::optional<Labelled> valid;
    if (validX) {
        Result<Labelled> v = dropUnlabelled(*validX, *validY, nullptr, problem, numClasses, "validation");
        if (!v)
            return v.error();
        valid = std::move(*v);
    }
    const FeatureMatrix *vx = valid ? (valid->copied ? &valid->x : validX) : nullptr;
    const std::vector<float> *vy = valid ? (valid->copied ? &valid->y : validY) : nullptr;

    const int threads = std::max(1, options.threads);
    const QJsonObject &params = options.params;

    // Data.
    reportProgress(ctx, 0.0, QStringLiteral("Preparing data for XGBoost"));
    Result<xgb::DMatrix> dtrain = xgb::DMatrix::dense(tx.values.data(), tx.rows, tx.cols, threads);
    if (!dtrain)
        return dtrain.error();
    if (Status s = dtrain->setFloatInfo("label", ty); !s)
        return s.error();
    if (!tw.empty())
        if (Status s = dtrain->setFloatInfo("weight", tw); !s)
            return s.error();
    std::optional<xgb::DMatrix> dvalid;
    if (vx) {
        Result<xgb::DMatrix> d = xgb::DMatrix::dense(vx->values.data(), vx->rows, vx->cols, threads);
        if (!d)
            return d.error();
        if (Status s = d->setFloatInfo("label", *vy); !s)
            return s.error();
        dvalid = std::move(*d);
    }

    // Parameters: ours, then the caller's over them.
    std::map<QString, QString> defaults;
    defaults[QStringLiteral("verbosity")] = QStringLiteral("0");
    defaults[QStringLiteral("nthread")] = QString::number(threads);
    defaults[QStringLiteral("seed")] = QString::number(qint64(options.seed & 0x7fffffffULL));
    defaults[QStringLiteral("tree_method")] = QStringLiteral("hist");
    QString note;
    if (options.useGpu) {
        QString reason;
        if (xgboostGpuAvailable(&reason)) {
            defaults[QStringLiteral("tree_method")] = QStringLiteral("gpu_hist");
            defaults[QStringLiteral("gpu_id")] = QStringLiteral("0");
        } else {
            note = QStringLiteral("Trained on the CPU: %1.").arg(reason);
        }
    }
    switch (problem) {
    case ProblemType::Binary:
        defaults[QStringLiteral("objective")] = QStringLiteral("binary:logistic");
        defaults[QStringLiteral("eval_metric")] = QStringLiteral("logloss");
        defaults[QStringLiteral("base_score")] = real(baseScore(problem, ty, tw));
        break;
    case ProblemType::Multiclass:
        defaults[QStringLiteral("objective")] = QStringLiteral("multi:softprob");
        defaults[QStringLiteral("num_class")] = QString::number(numClasses);
        defaults[QStringLiteral("eval_metric")] = QStringLiteral("mlogloss");
        break;
    case ProblemType::Regression:
        defaults[QStringLiteral("objective")] = QStringLiteral("reg:squarederror");
        defaults[QStringLiteral("eval_metric")] = QStringLiteral("rmse");
        defaults[QStringLiteral("base_score")] = real(baseScore(problem, ty, tw));
        break;
    }

    int maxRounds = 0, patience = 0;
    if (forest) {
        const double d = double(tx.cols);
        const double bynode = problem == ProblemType::Regression ? std::max(1.0, std::round(d / 3)) / d
                                                                 : std::max(1.0, std::round(std::sqrt(d))) / d;
        defaults[QStringLiteral("eta")] = QStringLiteral("1");
        // A multiclass forest grows its trees once per class. total_trees caps the
        // whole forest (never below 100 trees per class): averaged leaf fractions
        // settle long before 300 trees, and seven classes at 300 each take a quick
        // build's budget on their own.
        int trees = std::max(1, intParam(params, "n_estimators", intParam(params, "num_parallel_tree", 300)));
        const int total = intParam(params, "total_trees", 0);
        if (problem == ProblemType::Multiclass && total > 0 && numClasses > 1)
            trees = std::min(trees, std::max(100, int(std::lround(double(total) / numClasses))));
        defaults[QStringLiteral("num_parallel_tree")] = QString::number(trees);
        defaults[QStringLiteral("subsample")] = QStringLiteral("0.63");
        defaults[QStringLiteral("colsample_bynode")] = real(std::min(1.0, bynode));
        defaults[QStringLiteral("max_depth")] = QStringLiteral("14");
        defaults[QStringLiteral("min_child_weight")] =
            problem == ProblemType::Regression ? QStringLiteral("1") : QStringLiteral("0.1");
        defaults[QStringLiteral("lambda")] = QStringLiteral("1e-05");
        maxRounds = 1;
    } else {
        defaults[QStringLiteral("eta")] = QStringLiteral("0.1");
        maxRounds = std::max(1, intParam(params, "n_estimators", dvalid ? 2000 : 300));
        patience = std::max(1, intParam(params, "early_stopping_rounds", 50));
    }
    Result<std::map<QString, QString>> xgbParams = translateParams(params, defaults);
    if (!xgbParams)
        return xgbParams.error();
    if (forest)
        (*xgbParams)[QStringLiteral("eta")] = QStringLiteral("1");  // a forest averages its trees: never shrink

    std::vector<DMatrixHandle> cache{dtrain->handle()};
    if (dvalid)
        cache.push_back(dvalid->handle());
    Result<xgb::Booster> booster = xgb::Booster::create(cache);
    if (!booster)
        return booster.error();
    for (const auto &[name, value] : *xgbParams)
        if (Status s = booster->setParam(name, value); !s)
            return s.error();

    // Rounds, one at a time: cancel, progress, early stopping, deadline.
    FitReport report;
    QElapsedTimer clock;
    clock.start();
    int rounds = 0, best = -1;
    double bestLoss = std::numeric_limits<double>::infinity();
    bool etaChecked = false;
    double firstRound = 0;
    // The learning rate the booster was given; none (0) is never raised.
    const auto givenEta = xgbParams->find(QStringLiteral("eta"));
    const double eta = givenEta == xgbParams->end() ? 0.0 : givenEta->second.toDouble();
    QString etaNote;
    // One message for the whole loop, so that TaskContext's rate limit applies.
    const QString what = forest ? QStringLiteral("Growing a random forest") : QStringLiteral("Boosting trees");
    for (int it = 0; it < maxRounds; ++it) {
        if (isCanceled(ctx))
            return R::failure(ErrorCode::Canceled, QStringLiteral("Training was canceled."));
        if (Status s = booster->updateOneIter(it, *dtrain); !s)
            return s.error();
        rounds = it + 1;
        if (dvalid) {
            Result<double> loss = booster->evalOneIter(it, *dvalid, "valid");
            if (!loss)
                return loss.error();
            report.validCurve.push_back(*loss);
            if (std::isfinite(*loss) && *loss < bestLoss) {
                bestLoss = *loss;
                best = it;
            } else if (!forest && it - best >= patience) {
                report.note = QStringLiteral("Stopped early: no improvement on the validation set for %1 rounds.")
                                  .arg(patience);
                break;
            }
        }
        reportProgress(ctx, double(rounds) / maxRounds, what);
        // A learning rate the time cannot carry to the end: once the first rounds show
        // what a round costs, raise it so that the rounds that fit before the deadline
        // can still get there (on 26 classes a round grows 26 trees, and a 0.05 rate
        // stopped a third of the way at 1.01 log loss where 0.3 reaches 0.80).
        // The first round also sketches the feature histograms: time the rounds after it.
        const double elapsed = double(clock.nsecsElapsed()) / 1e9;
        if (rounds == 1)
            firstRound = elapsed;
        if (!forest && !etaChecked && options.deadlineSeconds > 0 && rounds > 1
            && (rounds > kRoundsToTime || elapsed >= 0.05 * options.deadlineSeconds)) {
            etaChecked = true;
            const double perRound = std::max(1e-9, (elapsed - firstRound) / double(rounds - 1));
            const double affordable = rounds + std::max(0.0, options.deadlineSeconds - elapsed) / perRound;
            const double needed = std::min(kMaxBudgetEta, kShrinkageToConverge / affordable);
            // Only where the clock, not the number of rounds asked for, is the limit.
            if (affordable < maxRounds && eta > 0 && needed > eta * 1.25) {
                if (Status s = booster->setParam(QStringLiteral("eta"), real(needed)); !s)
                    return s.error();
                etaNote = QStringLiteral("Learning rate raised from %1 to %2 to finish within the time limit.")
                              .arg(eta)
                              .arg(needed, 0, 'g', 2);
            }
        }
        if (options.deadlineSeconds > 0 && elapsed >= options.deadlineSeconds && rounds < maxRounds) {
            report.note = QStringLiteral("Stopped at the time limit after %1 rounds.").arg(rounds);
            report.stoppedAtDeadline = true;
            break;
        }
    }
    if (best < 0)
        best = rounds - 1;
    report.iterations = best + 1;
    report.changedSettings = etaNote;
    for (const QString &more : {etaNote, note})
        if (!more.isEmpty())
            report.note = report.note.isEmpty() ? more : report.note + QLatin1Char(' ') + more;

    // Remembered inside the model bytes, for load().
    if (Status s = booster->setAttr(kAttrBestIteration, QString::number(best)); !s)
        return s.error();
    if (std::isfinite(bestLoss))
        if (Status s = booster->setAttr(kAttrBestScore, real(bestLoss)); !s)
            return s.error();
    if (Status s = booster->setAttr(kAttrFamily, family()); !s)
        return s.error();
    if (Status s = booster->setAttr(kAttrProblem, problemKey(problem)); !s)
        return s.error();
    if (Status s = booster->setAttr(kAttrClasses, QString::number(numClasses)); !s)
        return s.error();
    if (forest && problem != ProblemType::Regression) {
        if (Status s = setLeafFractions(*booster, problem, numClasses, *xgbParams,
                                        dvalid ? &*dvalid : nullptr, vy);
            !s)
            return s.error();
    }

    const bool json = params.value(QLatin1String("save_format")).toString() == QLatin1String("json");
    auto model = std::make_unique<XgboostModel>(std::move(*booster), m_flavour, problem, numClasses, best, threads,
                                                json);
    model->setFitReport(std::move(report));
    reportProgress(ctx, 1.0, QStringLiteral("Done"));
    return R(std::unique_ptr<Model>(std::move(model)));
}

Result<std::unique_ptr<Model>> XgboostTrainer::load(const QByteArray &bytes, const FitOptions &options) const
{
    using R = Result<std::unique_ptr<Model>>;
    Result<xgb::Booster> booster = xgb::Booster::load(bytes);
    if (!booster)
        return booster.error();

    auto attr = [&](const char *key) -> QString {
        auto v = booster->attr(key);
        return v && v->has_value() ? **v : QString();
    };
    const QString storedFamily = attr(kAttrFamily);
    if (!storedFamily.isEmpty() && storedFamily != family())
        return R::failure(ErrorCode::InvalidArgument,
                          QStringLiteral("These bytes hold a %1 model, not a %2 model.").arg(storedFamily, family()));
    ProblemType problem = options.problem;
    const QString storedProblem = attr(kAttrProblem);
    if (!storedProblem.isEmpty() && !problemFromKey(storedProblem, &problem))
        return R::failure(ErrorCode::Corrupt, QStringLiteral("The model names an unknown problem type."));
    bool ok = false;
    int numClasses = attr(kAttrClasses).toInt(&ok);
    if (!ok)
        numClasses = problem == ProblemType::Binary ? 2 : options.numClasses;

    Result<int> rounds = booster->boostedRounds();
    if (!rounds)
        return rounds.error();
    int best = attr(kAttrBestIteration).toInt(&ok);
    if (!ok || best < 0 || best >= *rounds)
        best = *rounds - 1;

    const int threads = std::max(1, options.threads);
    if (Status s = booster->setParam(QStringLiteral("nthread"), QString::number(threads)); !s)
        return s.error();
    if (Status s = booster->setParam(QStringLiteral("verbosity"), QStringLiteral("0")); !s)
        return s.error();

    const bool json = options.params.value(QLatin1String("save_format")).toString() == QLatin1String("json");
    auto model = std::make_unique<XgboostModel>(std::move(*booster), m_flavour, problem, numClasses, best, threads,
                                                json);
    FitReport report;
    report.iterations = best + 1;
    model->setFitReport(report);
    return R(std::unique_ptr<Model>(std::move(model)));
}

std::vector<QJsonObject> XgboostTrainer::portfolio(ProblemType problem, size_t rows, size_t cols) const
{
    Q_UNUSED(problem);
    if (m_flavour == XgbFlavour::RandomForest) {
        const int trees = rows > 200000 ? 150 : 300;
        if (problem == ProblemType::Regression)
            return {
                QJsonObject{{"n_estimators", trees}, {"max_depth", 14}, {"subsample", 0.63}},
                QJsonObject{{"n_estimators", trees}, {"max_depth", 20}, {"subsample", 0.8}, {"colsample_bynode", 0.5},
                            {"min_child_weight", 3.0}},
            };
        // Classification: the second forest grows nearly pure leaves on more rows per
        // tree. On the shared sets' training splits (5-fold, Python XGBoost) it beat
        // the earlier (colsample 0.5, min_child_weight 0.5) one on phoneme, titanic,
        // german_credit and winequality_white and lost a little on bank_marketing.
        return {
            QJsonObject{{"n_estimators", trees}, {"total_trees", 3 * trees}, {"max_depth", 14}, {"subsample", 0.63}},
            QJsonObject{{"n_estimators", trees}, {"total_trees", 3 * trees}, {"max_depth", 20}, {"subsample", 0.8},
                        {"min_child_weight", 0.01}},
        };
    }
    // Wide data: sample fewer columns per tree.
    const double colsample = cols > 200 ? 0.5 : 0.8;
    std::vector<QJsonObject> configs = {
        QJsonObject{{"learning_rate", 0.05}, {"max_depth", 6}, {"min_child_weight", 1.0}, {"subsample", 0.8},
                    {"colsample_bytree", colsample}, {"reg_lambda", 1.0}},
        QJsonObject{{"learning_rate", 0.1}, {"max_depth", 4}, {"min_child_weight", 1.0}, {"subsample", 0.9},
                    {"colsample_bytree", 0.9}, {"reg_lambda", 1.0}},
        QJsonObject{{"learning_rate", 0.03}, {"max_depth", 8}, {"min_child_weight", 3.0}, {"subsample", 0.7},
                    {"colsample_bytree", colsample * 0.75}, {"reg_lambda", 5.0}},
        QJsonObject{{"learning_rate", 0.05}, {"grow_policy", "lossguide"}, {"max_leaves", 31}, {"max_depth", 0},
                    {"min_child_weight", 2.0}, {"subsample", 0.8}, {"colsample_bytree", 0.7}, {"reg_alpha", 0.1}},
    };
    // Small tables overfit deep trees: try the shallow configuration first.
    if (rows < 2000)
        std::swap(configs[0], configs[1]);
    return configs;
}

std::vector<ParamRange> XgboostTrainer::searchSpace(ProblemType problem) const
{
    using K = ParamRange::Kind;
    const auto range = &ParamRange::of;
    if (m_flavour == XgbFlavour::RandomForest) {
        return {
            range("max_depth", K::Integer, 6, 20),
            range("min_child_weight", K::LogReal, problem == ProblemType::Regression ? 0.5 : 0.01,
                  problem == ProblemType::Regression ? 20 : 5),
            range("colsample_bynode", K::Real, 0.1, 1.0),
            range("subsample", K::Real, 0.4, 0.9),
            range("n_estimators", K::Integer, 100, 500),
        };
    }
    return {
        range("learning_rate", K::LogReal, 0.01, 0.3),
        range("max_depth", K::Integer, 3, 10),
        range("min_child_weight", K::LogReal, 0.5, 20),
        range("subsample", K::Real, 0.5, 1.0),
        range("colsample_bytree", K::Real, 0.4, 1.0),
        range("reg_lambda", K::LogReal, 1e-3, 10),
        range("reg_alpha", K::LogReal, 1e-3, 10),
        range("gamma", K::LogReal, 1e-3, 5),
    };
}

} // namespace easel
