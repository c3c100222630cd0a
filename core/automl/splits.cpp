// makeFolds / makeHoldout (declared in preprocess.h): deterministic, stratified splits.

#include "automl/preprocess.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

namespace easel {

namespace {

//! Fisher–Yates with std::mt19937_64 drawn directly (no std distribution), so
//! the same seed gives the same order with every standard library.
void shuffle(std::vector<size_t> &v, std::mt19937_64 &rng)
{
    for (size_t i = v.size(); i > 1; --i) {
        const size_t j = size_t(rng() % uint64_t(i));
        std::swap(v[i - 1], v[j]);
    }
}

bool isClassification(ProblemType problem) { return problem != ProblemType::Regression; }

//! Rows grouped by class (rows with a missing or out-of-range target form their
//! own group at the end), each group in row order.
std::vector<std::vector<size_t>> groupByClass(const std::vector<size_t> &rows, const std::vector<float> &y)
{
    std::map<int64_t, std::vector<size_t>> groups;  // key: class id; INT64_MAX for missing
    for (size_t row : rows) {
        const float v = row < y.size() ? y[row] : std::numeric_limits<float>::quiet_NaN();
        const int64_t key = std::isnan(v) ? std::numeric_limits<int64_t>::max() : int64_t(std::llround(v));
        groups[key].push_back(row);
    }
    std::vector<std::vector<size_t>> out;
    out.reserve(groups.size());
    for (auto &[key, members] : groups)
        out.push_back(std::move(members));
    return out;
}

} // namespace

std::vector<Fold> makeFolds(const std::vector<size_t> &rows, const std::vector<float> &y, ProblemType problem, int k,
                            uint64_t seed)
{
    k = std::max(2, k);
    if (rows.size() < size_t(k))
        k = std::max(1, int(rows.size()));
    std::mt19937_64 rng(seed);
    std::vector<int> foldOf(rows.size(), 0);
    std::vector<std::vector<size_t>> groups;
    if (isClassification(problem))
        groups = groupByClass(rows, y);
    else
        groups.push_back(rows);

    // Deal each group's shuffled rows round-robin; the dealer position carries on
    // from one group to the next so fold sizes differ by at most one row overall,
    // and each class's count per fold by at most one.
    auto valid = std::vector<std::vector<size_t>>(size_t(k));
    size_t dealer = 0;
    for (std::vector<size_t> &group : groups) {
        shuffle(group, rng);
        for (size_t row : group) {
            valid[dealer % size_t(k)].push_back(row);
            ++dealer;
        }
    }

    auto folds = std::vector<Fold>(size_t(k));
    for (size_t f = 0; f < size_t(k); ++f) {
        std::sort(valid[f].begin(), valid[f].end());
        folds[f].valid = valid[f];
        folds[f].train.reserve(rows.size() - valid[f].size());
        for (size_t g = 0; g < size_t(k); ++g)
            if (g != f)
                folds[f].train.insert(folds[f].train.end(), valid[g].begin(), valid[g].end());
        std::sort(folds[f].train.begin(), folds[f].train.end());
    }
    if (k == 1) {
        // A single row: nothing to validate on.
        folds[0].train = folds[0].valid;
        folds[0].valid.clear();
    }
    return folds;
}

Fold makeHoldout(const std::vector<size_t> &rows, const std::vector<float> &y, ProblemType problem,
                 double validFraction, uint64_t seed)
{
    validFraction = std::clamp(std::isnan(validFraction) ? 0.2 : validFraction, 0.0, 1.0);
    std::mt19937_64 rng(seed);
    std::vector<std::vector<size_t>> groups;
    if (isClassification(problem))
        groups = groupByClass(rows, y);
    else
        groups.push_back(rows);

    Fold fold;
    for (std::vector<size_t> &group : groups) {
        shuffle(group, rng);
        size_t nValid = size_t(std::llround(double(group.size()) * validFraction));
        if (isClassification(problem) && group.size() >= 2 && validFraction > 0 && validFraction < 1)
            nValid = std::clamp<size_t>(nValid, 1, group.size() - 1);  // every class on both sides
        nValid = std::min(nValid, group.size());
        fold.valid.insert(fold.valid.end(), group.begin(), group.begin() + ptrdiff_t(nValid));
        fold.train.insert(fold.train.end(), group.begin() + ptrdiff_t(nValid), group.end());
    }
    std::sort(fold.train.begin(), fold.train.end());
    std::sort(fold.valid.begin(), fold.valid.end());
    return fold;
}

} // namespace easel
