#include "automl/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace easel {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kLogLossEps = 1e-15;
constexpr double kMapeMinAbs = 1e-12;

const Metric kAllMetrics[] = {Metric::Auc,     Metric::Accuracy, Metric::BalancedAccuracy, Metric::F1,
                              Metric::Precision, Metric::Recall, Metric::LogLoss,          Metric::MacroF1,
                              Metric::Rmse,    Metric::Mae,      Metric::R2,               Metric::Mape};

//! The rows that count: truth known; weight w (1 without weights).
struct Row
{
    size_t index;
    double truth;
    double weight;
};

std::vector<Row> usableRows(const std::vector<float> &truth, const Predictions &pred,
                            const std::vector<float> *weights)
{
    std::vector<Row> rows;
    const size_t n = std::min(truth.size(), pred.rows);
    rows.reserve(n);
    for (size_t i = 0; i < n; ++i) {
        if (std::isnan(truth[i]))
            continue;
        const double w = weights && i < weights->size() ? double((*weights)[i]) : 1.0;
        if (!(w > 0))
            continue;
        rows.push_back({i, double(truth[i]), w});
    }
    return rows;
}

//! P(class 1) of row i for a binary problem (one output, or two probabilities).
double positiveProbability(const Predictions &pred, size_t i)
{
    if (pred.outputs <= 1)
        return double(pred.values[i]);
    return double(pred.values[i * size_t(pred.outputs) + 1]);
}

int argmaxClass(const Predictions &pred, size_t i)
{
    const int k = std::max(1, pred.outputs);
    const float *p = pred.values.data() + i * size_t(k);
    return int(std::max_element(p, p + k) - p);
}

//! Predicted class per row: threshold on P(class 1) for binary, argmax for multiclass.
int predictedClass(const Predictions &pred, ProblemType problem, size_t i, double threshold)
{
    if (problem == ProblemType::Binary || pred.outputs <= 1)
        return positiveProbability(pred, i) >= threshold ? 1 : 0;
    return argmaxClass(pred, i);
}

int classCount(ProblemType problem, const Predictions &pred, const std::vector<Row> &rows)
{
    int k = problem == ProblemType::Binary ? 2 : std::max(2, pred.outputs);
    for (const Row &r : rows)
        k = std::max(k, int(r.truth) + 1);
    return k;
}

//! Weighted rank AUC with ties counted as half; NaN with a single class.
double aucOf(const std::vector<std::pair<double, double>> &scorePos, const std::vector<double> &w)
{
    // scorePos: (score, 1 positive / 0 negative)
    std::vector<size_t> order(scorePos.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scorePos[a].first < scorePos[b].first; });
    double negBelow = 0, totalPos = 0, totalNeg = 0, area = 0;
    for (size_t i = 0; i < order.size();) {
        size_t j = i;
        double pos = 0, neg = 0;
        while (j < order.size() && scorePos[order[j]].first == scorePos[order[i]].first) {
            if (scorePos[order[j]].second > 0.5)
                pos += w[order[j]];
            else
                neg += w[order[j]];
            ++j;
        }
        area += pos * (negBelow + 0.5 * neg);
        negBelow += neg;
        totalPos += pos;
        totalNeg += neg;
        i = j;
    }
    if (totalPos <= 0 || totalNeg <= 0)
        return kNaN;
    return area / (totalPos * totalNeg);
}

//! Confusion counts for binary labels.
struct Confusion
{
    double tp = 0, fp = 0, tn = 0, fn = 0;
};

double binaryLabelMetric(Metric metric, const Confusion &c)
{
    const double total = c.tp + c.fp + c.tn + c.fn;
    switch (metric) {
    case Metric::Accuracy: return total > 0 ? (c.tp + c.tn) / total : kNaN;
    case Metric::Precision: return c.tp + c.fp > 0 ? c.tp / (c.tp + c.fp) : 0.0;
    case Metric::Recall: return c.tp + c.fn > 0 ? c.tp / (c.tp + c.fn) : 0.0;
    case Metric::F1: return 2 * c.tp + c.fp + c.fn > 0 ? 2 * c.tp / (2 * c.tp + c.fp + c.fn) : 0.0;
    case Metric::BalancedAccuracy: {
        double sum = 0;
        int classes = 0;
        if (c.tp + c.fn > 0) {
            sum += c.tp / (c.tp + c.fn);
            ++classes;
        }
        if (c.tn + c.fp > 0) {
            sum += c.tn / (c.tn + c.fp);
            ++classes;
        }
        return classes ? sum / classes : kNaN;
    }
    case Metric::MacroF1: {
        // Mean of the F1 of class 1 and of class 0 (classes present in truth or predictions).
        double sum = 0;
        int classes = 0;
        if (2 * c.tp + c.fp + c.fn > 0) {
            sum += 2 * c.tp / (2 * c.tp + c.fp + c.fn);
            ++classes;
        }
        if (2 * c.tn + c.fp + c.fn > 0) {
            sum += 2 * c.tn / (2 * c.tn + c.fp + c.fn);
            ++classes;
        }
        return classes ? sum / classes : kNaN;
    }
    default: return kNaN;
    }
}

//! Multiclass label metrics from a k×k weighted confusion matrix (truth row, predicted column).
double multiclassLabelMetric(Metric metric, const std::vector<double> &cm, int k)
{
    std::vector<double> rowSum(size_t(k), 0), colSum(size_t(k), 0);
    double total = 0, diag = 0;
    for (int t = 0; t < k; ++t)
        for (int p = 0; p < k; ++p) {
            const double v = cm[size_t(t * k + p)];
            rowSum[size_t(t)] += v;
            colSum[size_t(p)] += v;
            total += v;
            if (t == p)
                diag += v;
        }
    if (total <= 0)
        return kNaN;
    switch (metric) {
    case Metric::Accuracy: return diag / total;
    case Metric::BalancedAccuracy: {
        double sum = 0;
        int classes = 0;
        for (int c = 0; c < k; ++c)
            if (rowSum[size_t(c)] > 0) {
                sum += cm[size_t(c * k + c)] / rowSum[size_t(c)];
                ++classes;
            }
        return classes ? sum / classes : kNaN;
    }
    case Metric::MacroF1:
    case Metric::F1:
    case Metric::Precision:
    case Metric::Recall: {
        // Macro average over the classes present in truth or predictions (as scikit-learn does).
        double sum = 0;
        int classes = 0;
        for (int c = 0; c < k; ++c) {
            const double tp = cm[size_t(c * k + c)];
            const double fn = rowSum[size_t(c)] - tp;
            const double fp = colSum[size_t(c)] - tp;
            if (rowSum[size_t(c)] <= 0 && colSum[size_t(c)] <= 0)
                continue;
            ++classes;
            if (metric == Metric::Precision)
                sum += tp + fp > 0 ? tp / (tp + fp) : 0.0;
            else if (metric == Metric::Recall)
                sum += tp + fn > 0 ? tp / (tp + fn) : 0.0;
            else
                sum += 2 * tp + fp + fn > 0 ? 2 * tp / (2 * tp + fp + fn) : 0.0;
        }
        return classes ? sum / classes : kNaN;
    }
    default: return kNaN;
    }
}

double classificationMetric(Metric metric, ProblemType problem, const std::vector<Row> &rows,
                            const Predictions &pred, double threshold)
{
    const bool binary = problem == ProblemType::Binary;
    const int k = classCount(problem, pred, rows);
    if (!binary && pred.outputs < 2 && metric != Metric::Auc)
        return kNaN;

    for (const Row &r : rows) {
        if (binary || pred.outputs <= 1) {
            if (std::isnan(positiveProbability(pred, r.index)))
                return kNaN;
        } else {
            for (int c = 0; c < pred.outputs; ++c)
                if (std::isnan(pred.values[r.index * size_t(pred.outputs) + size_t(c)]))
                    return kNaN;
        }
    }

    if (metric == Metric::LogLoss) {
        double loss = 0, weight = 0;
        for (const Row &r : rows) {
            const int t = int(r.truth);
            double p;
            if (binary || pred.outputs <= 1) {
                const double p1 = std::clamp(positiveProbability(pred, r.index), kLogLossEps, 1 - kLogLossEps);
                p = t == 1 ? p1 : 1 - p1;
            } else {
                // Clip, then renormalise each row to sum 1 (scikit-learn's log_loss).
                const float *row = pred.values.data() + r.index * size_t(pred.outputs);
                double sum = 0;
                for (int c = 0; c < pred.outputs; ++c)
                    sum += std::clamp(double(row[c]), kLogLossEps, 1 - kLogLossEps);
                p = t >= 0 && t < pred.outputs ? std::clamp(double(row[t]), kLogLossEps, 1 - kLogLossEps) / sum
                                               : kLogLossEps;
            }
            loss -= r.weight * std::log(p);
            weight += r.weight;
        }
        return weight > 0 ? loss / weight : kNaN;
    }

    if (metric == Metric::Auc) {
        if (binary || pred.outputs <= 1) {
            std::vector<std::pair<double, double>> sp;
            std::vector<double> w;
            sp.reserve(rows.size());
            w.reserve(rows.size());
            for (const Row &r : rows) {
                sp.emplace_back(positiveProbability(pred, r.index), r.truth == 1 ? 1.0 : 0.0);
                w.push_back(r.weight);
            }
            return aucOf(sp, w);
        }
        // Multiclass: unweighted mean of one-vs-rest AUCs over the classes present.
        double sum = 0;
        int classes = 0;
        for (int c = 0; c < pred.outputs; ++c) {
            std::vector<std::pair<double, double>> sp;
            std::vector<double> w;
            for (const Row &r : rows) {
                sp.emplace_back(pred.values[r.index * size_t(pred.outputs) + size_t(c)], int(r.truth) == c ? 1.0 : 0.0);
                w.push_back(r.weight);
            }
            const double a = aucOf(sp, w);
            if (!std::isnan(a)) {
                sum += a;
                ++classes;
            }
        }
        return classes ? sum / classes : kNaN;
    }

    if (binary) {
        Confusion c;
        for (const Row &r : rows) {
            const bool predicted = positiveProbability(pred, r.index) >= threshold;
            const bool actual = r.truth == 1;
            (predicted ? (actual ? c.tp : c.fp) : (actual ? c.fn : c.tn)) += r.weight;
        }
        return binaryLabelMetric(metric, c);
    }
    std::vector<double> cm(size_t(k * k), 0);
    for (const Row &r : rows) {
        const int t = int(r.truth);
        const int p = predictedClass(pred, problem, r.index, threshold);
        if (t >= 0 && t < k && p >= 0 && p < k)
            cm[size_t(t * k + p)] += r.weight;
    }
    return multiclassLabelMetric(metric, cm, k);
}

double regressionMetric(Metric metric, const std::vector<Row> &rows, const Predictions &pred)
{
    double weight = 0, sum = 0;
    for (const Row &r : rows) {
        const double p = double(pred.values[r.index * size_t(std::max(1, pred.outputs))]);
        if (std::isnan(p))
            return kNaN;
    }
    switch (metric) {
    case Metric::Rmse:
    case Metric::Mae:
        for (const Row &r : rows) {
            const double e = double(pred.values[r.index * size_t(std::max(1, pred.outputs))]) - r.truth;
            sum += r.weight * (metric == Metric::Rmse ? e * e : std::abs(e));
            weight += r.weight;
        }
        if (weight <= 0)
            return kNaN;
        return metric == Metric::Rmse ? std::sqrt(sum / weight) : sum / weight;
    case Metric::Mape:
        for (const Row &r : rows) {
            if (std::abs(r.truth) < kMapeMinAbs)
                continue;
            const double p = double(pred.values[r.index * size_t(std::max(1, pred.outputs))]);
            sum += r.weight * std::abs(p - r.truth) / std::abs(r.truth);
            weight += r.weight;
        }
        return weight > 0 ? sum / weight : kNaN;
    case Metric::R2: {
        double mean = 0;
        for (const Row &r : rows) {
            mean += r.weight * r.truth;
            weight += r.weight;
        }
        if (weight <= 0)
            return kNaN;
        mean /= weight;
        double ssRes = 0, ssTot = 0;
        for (const Row &r : rows) {
            const double p = double(pred.values[r.index * size_t(std::max(1, pred.outputs))]);
            ssRes += r.weight * (r.truth - p) * (r.truth - p);
            ssTot += r.weight * (r.truth - mean) * (r.truth - mean);
        }
        return ssTot > 0 ? 1 - ssRes / ssTot : kNaN;
    }
    default: return kNaN;
    }
}

//! "2.1", "3.0", "0.21", "506", "12 345": short, readable numbers for headlines.
QString shortNumber(double v)
{
    if (!std::isfinite(v))
        return QStringLiteral("–");
    const double a = std::abs(v);
    if (a >= 100) {
        QString digits = QString::number(qint64(std::llround(a)));
        for (int i = digits.size() - 3; i > 0; i -= 3)
            digits.insert(i, QLatin1Char(' '));
        return (v < 0 ? QStringLiteral("-") : QString()) + digits;
    }
    if (a >= 1)
        return QString::number(v, 'f', 1);
    if (a == 0)
        return QStringLiteral("0");
    // Two significant digits below 1: 0.21, 0.034.
    const int decimals = std::min(8, 1 - int(std::floor(std::log10(a))));
    return QString::number(v, 'f', decimals);
}

QString percent(double fraction)
{
    return QString::number(qint64(std::llround(fraction * 100)));
}

} // namespace

QString metricName(Metric metric)
{
    switch (metric) {
    case Metric::Auc: return QStringLiteral("auc");
    case Metric::Accuracy: return QStringLiteral("accuracy");
    case Metric::BalancedAccuracy: return QStringLiteral("balanced_accuracy");
    case Metric::F1: return QStringLiteral("f1");
    case Metric::Precision: return QStringLiteral("precision");
    case Metric::Recall: return QStringLiteral("recall");
    case Metric::LogLoss: return QStringLiteral("log_loss");
    case Metric::MacroF1: return QStringLiteral("macro_f1");
    case Metric::Rmse: return QStringLiteral("rmse");
    case Metric::Mae: return QStringLiteral("mae");
    case Metric::R2: return QStringLiteral("r2");
    case Metric::Mape: return QStringLiteral("mape");
    }
    return {};
}

bool metricFromName(const QString &name, Metric *metric)
{
    const QString wanted = name.trimmed().toLower();
    for (Metric m : kAllMetrics) {
        if (metricName(m) == wanted) {
            if (metric)
                *metric = m;
            return true;
        }
    }
    return false;
}

QString metricLabel(Metric metric)
{
    switch (metric) {
    case Metric::Auc: return QStringLiteral("AUC");
    case Metric::Accuracy: return QStringLiteral("Accuracy");
    case Metric::BalancedAccuracy: return QStringLiteral("Balanced accuracy");
    case Metric::F1: return QStringLiteral("F1");
    case Metric::Precision: return QStringLiteral("Precision");
    case Metric::Recall: return QStringLiteral("Recall");
    case Metric::LogLoss: return QStringLiteral("Log loss");
    case Metric::MacroF1: return QStringLiteral("Macro F1");
    case Metric::Rmse: return QStringLiteral("RMSE");
    case Metric::Mae: return QStringLiteral("MAE");
    case Metric::R2: return QStringLiteral("R²");
    case Metric::Mape: return QStringLiteral("MAPE");
    }
    return {};
}

bool higherIsBetter(Metric metric)
{
    switch (metric) {
    case Metric::LogLoss:
    case Metric::Rmse:
    case Metric::Mae:
    case Metric::Mape: return false;
    default: return true;
    }
}

bool metricApplies(Metric metric, ProblemType problem)
{
    switch (problem) {
    case ProblemType::Binary:
        return metric == Metric::Auc || metric == Metric::Accuracy || metric == Metric::BalancedAccuracy
               || metric == Metric::F1 || metric == Metric::Precision || metric == Metric::Recall
               || metric == Metric::LogLoss;
    case ProblemType::Multiclass:
        return metric == Metric::LogLoss || metric == Metric::Accuracy || metric == Metric::MacroF1;
    case ProblemType::Regression:
        return metric == Metric::Rmse || metric == Metric::Mae || metric == Metric::R2 || metric == Metric::Mape;
    }
    return false;
}

Metric defaultMetric(ProblemType problem)
{
    switch (problem) {
    case ProblemType::Binary: return Metric::Auc;
    case ProblemType::Multiclass: return Metric::LogLoss;
    case ProblemType::Regression: return Metric::Rmse;
    }
    return Metric::Rmse;
}

std::vector<Metric> metricsFor(ProblemType problem)
{
    switch (problem) {
    case ProblemType::Binary:
        return {Metric::Auc, Metric::Accuracy, Metric::BalancedAccuracy, Metric::F1,
                Metric::Precision, Metric::Recall, Metric::LogLoss};
    case ProblemType::Multiclass: return {Metric::LogLoss, Metric::Accuracy, Metric::MacroF1};
    case ProblemType::Regression: return {Metric::Rmse, Metric::Mae, Metric::R2, Metric::Mape};
    }
    return {};
}

double computeMetric(Metric metric, ProblemType problem, const std::vector<float> &truth, const Predictions &pred,
                     double threshold, const std::vector<float> *weights)
{
    if (pred.values.size() < pred.rows * size_t(std::max(1, pred.outputs)))
        return kNaN;
    const std::vector<Row> rows = usableRows(truth, pred, weights);
    if (rows.empty())
        return kNaN;
    if (problem == ProblemType::Regression)
        return regressionMetric(metric, rows, pred);
    switch (metric) {
    case Metric::Rmse:
    case Metric::Mae:
    case Metric::R2:
    case Metric::Mape: return kNaN;
    default: return classificationMetric(metric, problem, rows, pred, threshold);
    }
}

double chooseThreshold(Metric metric, const std::vector<float> &truth, const Predictions &pred)
{
    // Precision alone is maximised by saying yes almost never and recall by saying yes always:
    // for those the threshold balances both (F1).
    Metric target = metric;
    if (metric == Metric::Precision || metric == Metric::Recall)
        target = Metric::F1;
    if (target != Metric::Accuracy && target != Metric::BalancedAccuracy && target != Metric::F1
        && target != Metric::MacroF1)
        return 0.5;
    if (pred.values.size() < pred.rows * size_t(std::max(1, pred.outputs)))
        return 0.5;
    const std::vector<Row> rows = usableRows(truth, pred, nullptr);

    std::vector<std::pair<double, bool>> scored;  // (P(class 1), actual positive)
    scored.reserve(rows.size());
    double positives = 0, negatives = 0;
    for (const Row &r : rows) {
        const double p = positiveProbability(pred, r.index);
        if (std::isnan(p))
            continue;
        const bool actual = r.truth == 1;
        scored.emplace_back(p, actual);
        (actual ? positives : negatives) += 1;
    }
    if (scored.empty() || positives == 0 || negatives == 0)
        return 0.5;
    std::sort(scored.begin(), scored.end(), [](const auto &a, const auto &b) { return a.first > b.first; });

    // Walk thresholds from the highest prediction down; a row is "yes" when p >= threshold.
    // Start with "nobody is yes" (threshold just above the highest prediction).
    Confusion c;
    c.fn = positives;
    c.tn = negatives;
    double bestThreshold = std::nextafter(scored.front().first, std::numeric_limits<double>::infinity());
    double bestScore = binaryLabelMetric(target, c);
    if (std::isnan(bestScore))
        bestScore = -std::numeric_limits<double>::infinity();
    for (size_t i = 0; i < scored.size();) {
        const double t = scored[i].first;
        while (i < scored.size() && scored[i].first == t) {
            if (scored[i].second) {
                c.tp += 1;
                c.fn -= 1;
            } else {
                c.fp += 1;
                c.tn -= 1;
            }
            ++i;
        }
        const double score = binaryLabelMetric(target, c);
        // Ties: keep the threshold nearer 0.5, the least surprising choice.
        if (score > bestScore + 1e-12
            || (std::abs(score - bestScore) <= 1e-12 && std::abs(t - 0.5) < std::abs(bestThreshold - 0.5))) {
            bestScore = score;
            bestThreshold = t;
        }
    }
    return bestThreshold;
}

QString metricHeadline(Metric metric, double value, const QString &target)
{
    if (std::isnan(value))
        return QStringLiteral("Not enough rows of each kind to measure this.");
    const QString what = target.isEmpty() ? QStringLiteral("the target") : target;
    switch (metric) {
    case Metric::Accuracy:
        return QStringLiteral("Right %1 times out of 100 on rows it never saw.").arg(percent(value));
    case Metric::BalancedAccuracy:
        return QStringLiteral("Right %1 times out of 100 when every class counts the same, however rare.")
            .arg(percent(value));
    case Metric::Auc:
        return QStringLiteral("Ranks a random positive above a random negative %1 % of the time.").arg(percent(value));
    case Metric::Precision:
        return QStringLiteral("When it says yes it is right %1 % of the time.").arg(percent(value));
    case Metric::Recall:
        return QStringLiteral("It finds %1 % of the real yes cases.").arg(percent(value));
    case Metric::F1:
        return QStringLiteral("A balance of precision and recall: %1 (1 is perfect).")
            .arg(QString::number(value, 'f', 2));
    case Metric::MacroF1:
        return QStringLiteral("A balance of precision and recall, averaged over the classes: %1 (1 is perfect).")
            .arg(QString::number(value, 'f', 2));
    case Metric::LogLoss:
        return QStringLiteral("How confident and correct its probabilities are (lower is better): %1.")
            .arg(QString::number(value, 'f', 2));
    case Metric::Mae:
        return QStringLiteral("Off by about ±%1 on average.").arg(shortNumber(value));
    case Metric::Rmse:
        return QStringLiteral("Typical error about %1; big misses count extra.").arg(shortNumber(value));
    case Metric::R2:
        if (value < 0)
            return QStringLiteral("Does worse than always guessing the average %1.").arg(what);
        return QStringLiteral("Explains %1 % of the variation in %2.").arg(percent(value), what);
    case Metric::Mape:
        return QStringLiteral("Off by about %1 % of the actual value on average.").arg(percent(value));
    }
    return {};
}

} // namespace easel
