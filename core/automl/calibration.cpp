#include "automl/calibration.h"

#include <QJsonValue>

#include <algorithm>
#include <cmath>

namespace easel {

namespace {

// Probabilities are clipped here before taking logs; the Python export does the same.
constexpr double kClip = 1e-7;
// A pull towards "no change" worth about one row, so that a few rows cannot bend the map far.
constexpr double kRidge = 1.0;
constexpr size_t kMinRows = 20;

double logit(double p)
{
    p = std::clamp(p, kClip, 1 - kClip);
    return std::log(p / (1 - p));
}

double sigmoid(double t) { return 1.0 / (1.0 + std::exp(-t)); }

//! −log P(y | t) for a logistic output t, without overflow.
double logisticLoss(double t, double y) { return std::max(t, 0.0) + std::log1p(std::exp(-std::abs(t))) - y * t; }

struct BinaryRows
{
    std::vector<double> z, y;
};

bool fitPlatt(const BinaryRows &rows, double *slope, double *intercept)
{
    double a = 1, b = 0;
    auto objective = [&](double sa, double sb) {
        double f = 0.5 * kRidge * ((sa - 1) * (sa - 1) + sb * sb);
        for (size_t i = 0; i < rows.z.size(); ++i)
            f += logisticLoss(sa * rows.z[i] + sb, rows.y[i]);
        return f;
    };
    double f = objective(a, b);
    for (int it = 0; it < 100; ++it) {
        double ga = kRidge * (a - 1), gb = kRidge * b;
        double haa = kRidge, hab = 0, hbb = kRidge;
        for (size_t i = 0; i < rows.z.size(); ++i) {
            const double s = sigmoid(a * rows.z[i] + b);
            const double r = s - rows.y[i];
            const double w = s * (1 - s);
            ga += r * rows.z[i];
            gb += r;
            haa += w * rows.z[i] * rows.z[i];
            hab += w * rows.z[i];
            hbb += w;
        }
        const double det = haa * hbb - hab * hab;
        if (!(det > 0))
            break;
        const double da = (hbb * ga - hab * gb) / det;
        const double db = (haa * gb - hab * ga) / det;
        double step = 1;
        double next = objective(a - da, b - db);
        while (!(next <= f) && step > 1e-6) {
            step *= 0.5;
            next = objective(a - step * da, b - step * db);
        }
        if (!(next <= f))
            break;
        a -= step * da;
        b -= step * db;
        const bool done = f - next < 1e-12 * std::max(1.0, f);
        f = next;
        if (done)
            break;
    }
    if (!std::isfinite(a) || !std::isfinite(b) || a <= 1e-3)
        return false;
    *slope = a;
    *intercept = b;
    return true;
}

//! Multiclass log loss of p^(s) renormalised, over rows of log-probabilities.
double temperatureLoss(const std::vector<double> &logp, const std::vector<int> &y, int k, double s)
{
    double loss = 0;
    std::vector<double> t(static_cast<size_t>(k));
    for (size_t i = 0; i < y.size(); ++i) {
        const double *row = logp.data() + i * size_t(k);
        double top = -1e300;
        for (int c = 0; c < k; ++c)
            top = std::max(top, t[size_t(c)] = s * row[c]);
        double sum = 0;
        for (int c = 0; c < k; ++c)
            sum += std::exp(t[size_t(c)] - top);
        loss += top + std::log(sum) - t[size_t(y[i])];
    }
    return loss;
}

} // namespace

double Calibration::applyToProbability(double p) const
{
    if (kind != Kind::Platt || std::isnan(p))
        return p;
    return sigmoid(slope * logit(p) + intercept);
}

void Calibration::apply(Predictions *pred) const
{
    if (!active() || !pred)
        return;
    if (kind == Kind::Platt) {
        for (float &v : pred->values)
            v = float(applyToProbability(double(v)));
        return;
    }
    const int k = std::max(1, pred->outputs);
    const double s = 1.0 / temperature;
    std::vector<double> t(static_cast<size_t>(k));
    for (size_t r = 0; r < pred->rows; ++r) {
        float *row = pred->values.data() + r * size_t(k);
        if (std::any_of(row, row + k, [](float v) { return std::isnan(v); }))
            continue;
        double top = -1e300;
        for (int c = 0; c < k; ++c)
            top = std::max(top, t[size_t(c)] = s * std::log(std::max(double(row[c]), kClip)));
        double sum = 0;
        for (int c = 0; c < k; ++c)
            sum += (t[size_t(c)] = std::exp(t[size_t(c)] - top));
        for (int c = 0; c < k; ++c)
            row[c] = float(t[size_t(c)] / sum);
    }
}

QString Calibration::describe() const
{
    switch (kind) {
    case Kind::None: return {};
    case Kind::Platt:
        return QStringLiteral("Platt scaling (slope %1, intercept %2)").arg(slope, 0, 'g', 3).arg(intercept, 0, 'g', 3);
    case Kind::Temperature: return QStringLiteral("temperature %1").arg(temperature, 0, 'g', 3);
    }
    return {};
}

QJsonObject Calibration::toJson() const
{
    switch (kind) {
    case Kind::None: return {};
    case Kind::Platt:
        return {{QStringLiteral("method"), QStringLiteral("platt")},
                {QStringLiteral("slope"), slope},
                {QStringLiteral("intercept"), intercept}};
    case Kind::Temperature:
        return {{QStringLiteral("method"), QStringLiteral("temperature")}, {QStringLiteral("temperature"), temperature}};
    }
    return {};
}

Result<Calibration> Calibration::fromJson(const QJsonObject &json)
{
    using R = Result<Calibration>;
    Calibration c;
    if (json.isEmpty())
        return c;
    const QString method = json.value(QStringLiteral("method")).toString();
    auto number = [&json](const char *key, double *out) {
        const QJsonValue v = json.value(QLatin1String(key));
        *out = v.toDouble(std::nan(""));
        return v.isDouble() && std::isfinite(*out);
    };
    if (method == QLatin1String("platt")) {
        c.kind = Kind::Platt;
        if (number("slope", &c.slope) && number("intercept", &c.intercept) && c.slope > 0)
            return c;
    } else if (method == QLatin1String("temperature")) {
        c.kind = Kind::Temperature;
        if (number("temperature", &c.temperature) && c.temperature > 0)
            return c;
    } else {
        return R::failure(ErrorCode::Corrupt,
                          QStringLiteral("The model's probability calibration '%1' is unknown to this Easel. Update "
                                         "Easel to open it.").arg(method));
    }
    return R::failure(ErrorCode::Corrupt, QStringLiteral("The model's probability calibration is damaged. Build the "
                                                         "model again."));
}

Calibration fitCalibration(ProblemType problem, const std::vector<float> &truth, const Predictions &pred,
                           double minRelativeGain, double *logLossBefore, double *logLossAfter)
{
    Calibration none;
    if (problem == ProblemType::Regression || pred.rows != truth.size())
        return none;
    const int k = std::max(1, pred.outputs);
    if (pred.values.size() != pred.rows * size_t(k))
        return none;
    Calibration fitted;
    if (problem == ProblemType::Binary) {
        BinaryRows rows;
        for (size_t i = 0; i < pred.rows; ++i) {
            const double p = k == 1 ? pred.values[i] : pred.values[i * size_t(k) + 1];
            if (std::isnan(truth[i]) || std::isnan(p))
                continue;
            rows.z.push_back(logit(p));
            rows.y.push_back(truth[i] == 1 ? 1.0 : 0.0);
        }
        if (rows.z.size() < kMinRows || k != 1)
            return none;
        fitted.kind = Calibration::Kind::Platt;
        if (!fitPlatt(rows, &fitted.slope, &fitted.intercept))
            return none;
    } else {
        std::vector<double> logp;
        std::vector<int> y;
        for (size_t i = 0; i < pred.rows; ++i) {
            const float *row = pred.values.data() + i * size_t(k);
            const int t = int(truth[i]);
            if (std::isnan(truth[i]) || t < 0 || t >= k
                || std::any_of(row, row + k, [](float v) { return std::isnan(v); }))
                continue;
            for (int c = 0; c < k; ++c)
                logp.push_back(std::log(std::max(double(row[c]), kClip)));
            y.push_back(t);
        }
        if (y.size() < kMinRows || k < 2)
            return none;
        // The loss is convex in 1/T: golden-section search on its logarithm.
        double lo = std::log(0.05), hi = std::log(20.0);
        const double g = (std::sqrt(5.0) - 1) / 2;
        double x1 = hi - g * (hi - lo), x2 = lo + g * (hi - lo);
        double f1 = temperatureLoss(logp, y, k, std::exp(x1)), f2 = temperatureLoss(logp, y, k, std::exp(x2));
        for (int it = 0; it < 80 && hi - lo > 1e-7; ++it) {
            if (f1 <= f2) {
                hi = x2;
                x2 = x1;
                f2 = f1;
                x1 = hi - g * (hi - lo);
                f1 = temperatureLoss(logp, y, k, std::exp(x1));
            } else {
                lo = x1;
                x1 = x2;
                f1 = f2;
                x2 = lo + g * (hi - lo);
                f2 = temperatureLoss(logp, y, k, std::exp(x2));
            }
        }
        fitted.kind = Calibration::Kind::Temperature;
        fitted.temperature = 1.0 / std::exp(0.5 * (lo + hi));
    }
    const double before = computeMetric(Metric::LogLoss, problem, truth, pred);
    Predictions calibrated = pred;
    fitted.apply(&calibrated);
    const double after = computeMetric(Metric::LogLoss, problem, truth, calibrated);
    if (!std::isfinite(before) || !std::isfinite(after) || before - after < minRelativeGain * before)
        return none;
    if (logLossBefore)
        *logLossBefore = before;
    if (logLossAfter)
        *logLossAfter = after;
    return fitted;
}

} // namespace easel
