#include "automl/ensemble.h"

#include <cmath>
#include <limits>

namespace easel {

Predictions blend(const std::vector<const Predictions *> &candidates, const std::vector<double> &weights)
{
    Predictions out;
    if (candidates.empty())
        return out;
    out.rows = candidates.front()->rows;
    out.outputs = candidates.front()->outputs;
    out.values.assign(candidates.front()->values.size(), 0.0f);
    std::vector<double> acc(out.values.size(), 0.0);
    for (size_t c = 0; c < candidates.size(); ++c) {
        if (weights[c] <= 0)
            continue;
        const std::vector<float> &v = candidates[c]->values;
        for (size_t i = 0; i < acc.size(); ++i)
            acc[i] += weights[c] * double(v[i]);
    }
    for (size_t i = 0; i < acc.size(); ++i)
        out.values[i] = float(acc[i]);
    return out;
}

EnsembleSelection selectEnsemble(const std::vector<const Predictions *> &candidates, const std::vector<float> &truth,
                                 Metric metric, ProblemType problem, int iterations, double threshold)
{
    EnsembleSelection result;
    const size_t n = candidates.size();
    result.weights.assign(n, 0.0);
    if (n == 0)
        return result;
    const bool higher = higherIsBetter(metric);
    auto better = [higher](double a, double b) {
        if (std::isnan(b))
            return !std::isnan(a);
        if (std::isnan(a))
            return false;
        return higher ? a > b : a < b;
    };
    auto score = [&](const Predictions &p) { return computeMetric(metric, problem, truth, p, threshold); };

    // Start from the best single candidate.
    size_t best = 0;
    double bestScore = std::numeric_limits<double>::quiet_NaN();
    for (size_t c = 0; c < n; ++c) {
        const double s = score(*candidates[c]);
        if (better(s, bestScore)) {
            bestScore = s;
            best = c;
        }
    }
    std::vector<int> counts(n, 0);
    counts[best] = 1;
    int total = 1;
    std::vector<double> sum(candidates[best]->values.begin(), candidates[best]->values.end());
    std::vector<int> bestCounts = counts;
    double bestEnsemble = bestScore;

    Predictions trial = *candidates[best];
    for (int it = 1; it < iterations && n > 1; ++it) {
        size_t pick = n;
        double pickScore = std::numeric_limits<double>::quiet_NaN();
        for (size_t c = 0; c < n; ++c) {
            const std::vector<float> &v = candidates[c]->values;
            for (size_t i = 0; i < sum.size(); ++i)
                trial.values[i] = float((sum[i] + v[i]) / double(total + 1));
            const double s = score(trial);
            if (better(s, pickScore)) {
                pickScore = s;
                pick = c;
            }
        }
        if (pick == n)
            break;
        const std::vector<float> &v = candidates[pick]->values;
        for (size_t i = 0; i < sum.size(); ++i)
            sum[i] += v[i];
        ++counts[pick];
        ++total;
        if (better(pickScore, bestEnsemble)) {
            bestEnsemble = pickScore;
            bestCounts = counts;
        }
    }
    int bestTotal = 0;
    for (int c : bestCounts)
        bestTotal += c;
    for (size_t c = 0; c < n; ++c)
        result.weights[c] = double(bestCounts[c]) / double(bestTotal);
    result.score = bestEnsemble;
    return result;
}

SearchVerdict judgeSearch(Metric metric, double first, double full, bool clearlyBetter)
{
    if (!clearlyBetter)
        return SearchVerdict::NotClearlyBetter;
    // The cross-fitting protects the ensemble's weights, not the search's own choices:
    // its candidates were chosen for their scores on these same rows. A gain that
    // removes under 1 % of the remaining error is within what that choice adds by
    // chance (on the shared sets, such gains were lost on the test rows), and not
    // worth a different model.
    const double remainingFirst = higherIsBetter(metric) ? 1.0 - first : first;
    const double remainingFull = higherIsBetter(metric) ? 1.0 - full : full;
    const bool worthIt = remainingFirst > 0 && (remainingFirst - remainingFull) >= 0.01 * remainingFirst;
    return worthIt ? SearchVerdict::Improved : SearchVerdict::GainTooSmall;
}

} // namespace easel
