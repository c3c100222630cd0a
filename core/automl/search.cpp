#include "automl/search.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace easel {

namespace {

double uniform01(std::mt19937_64 &rng) { return double(rng() >> 11) * (1.0 / 9007199254740992.0); }

double normal(std::mt19937_64 &rng)
{
    // Box-Muller on our own uniform draws: the same numbers on every standard library.
    const double u1 = std::max(uniform01(rng), 1e-300);
    const double u2 = uniform01(rng);
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

double logDensity(const std::vector<double> &x, const std::vector<std::vector<double>> &centres, double bw)
{
    if (centres.empty())
        return 0.0;
    double total = 0.0;
    for (const auto &c : centres) {
        double e = 0.0;
        for (size_t d = 0; d < x.size(); ++d) {
            const double z = (x[d] - c[d]) / bw;
            e += -0.5 * z * z;
        }
        total += std::exp(e);
    }
    // A flat prior keeps the density positive far from every centre.
    return std::log(total / double(centres.size()) + 1e-3);
}

} // namespace

ParzenSearch::ParzenSearch(std::vector<ParamRange> space, uint64_t seed, int randomStartups)
    : m_space(std::move(space)), m_rng(seed ^ 0x9e3779b97f4a7c15ull), m_startups(randomStartups)
{}

std::vector<double> ParzenSearch::encode(const QJsonObject &params) const
{
    std::vector<double> x(m_space.size(), 0.5);
    for (size_t d = 0; d < m_space.size(); ++d) {
        const ParamRange &r = m_space[d];
        const QJsonValue v = params.value(r.name);
        if (v.isUndefined())
            continue;
        switch (r.kind) {
        case ParamRange::Kind::Real:
        case ParamRange::Kind::Integer:
            x[d] = r.high > r.low ? (v.toDouble() - r.low) / (r.high - r.low) : 0.5;
            break;
        case ParamRange::Kind::LogReal:
            x[d] = (std::log(std::max(v.toDouble(), 1e-300)) - std::log(r.low)) / (std::log(r.high) - std::log(r.low));
            break;
        case ParamRange::Kind::Choice: {
            const qsizetype i = r.choices.indexOf(v.toVariant().toString());
            x[d] = r.choices.size() > 1 ? (double(std::max<qsizetype>(i, 0)) + 0.5) / double(r.choices.size()) : 0.5;
            break;
        }
        }
        x[d] = std::clamp(x[d], 0.0, 1.0);
    }
    return x;
}

QJsonObject ParzenSearch::decode(const std::vector<double> &x, const QJsonObject &base) const
{
    QJsonObject out = base;
    for (size_t d = 0; d < m_space.size(); ++d) {
        const ParamRange &r = m_space[d];
        const double u = std::clamp(x[d], 0.0, 1.0);
        switch (r.kind) {
        case ParamRange::Kind::Real: out.insert(r.name, r.low + u * (r.high - r.low)); break;
        case ParamRange::Kind::LogReal:
            out.insert(r.name, std::exp(std::log(r.low) + u * (std::log(r.high) - std::log(r.low))));
            break;
        case ParamRange::Kind::Integer:
            out.insert(r.name, int(std::lround(r.low + u * (r.high - r.low))));
            break;
        case ParamRange::Kind::Choice:
            if (!r.choices.isEmpty()) {
                const int i = std::min(int(u * r.choices.size()), int(r.choices.size()) - 1);
                bool isNumber = false;
                const double number = r.choices[i].toDouble(&isNumber);
                if (isNumber)
                    out.insert(r.name, number);
                else
                    out.insert(r.name, r.choices[i]);
            }
            break;
        }
    }
    return out;
}

bool ParzenSearch::seen(const QJsonObject &params) const
{
    const std::vector<double> x = encode(params);
    return std::any_of(m_points.begin(), m_points.end(), [&](const std::vector<double> &p) {
        for (size_t d = 0; d < x.size(); ++d)
            if (std::abs(x[d] - p[d]) >= kMinGap)
                return false;
        return true;
    });
}

QJsonObject ParzenSearch::propose(const QJsonObject &base)
{
    const size_t dims = m_space.size();
    std::vector<double> x(dims);
    auto randomDraw = [&] {
        // A few tries for one not seen yet; a space too small for that repeats.
        QJsonObject out;
        for (int attempt = 0; attempt < 16; ++attempt) {
            for (double &v : x)
                v = uniform01(m_rng);
            out = decode(x, base);
            if (!seen(out))
                break;
        }
        return out;
    };
    if (int(m_points.size()) < m_startups || dims == 0)
        return randomDraw();
    std::vector<size_t> order(m_points.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [this](size_t a, size_t b) { return m_scores[a] > m_scores[b]; });
    const size_t nGood = std::max<size_t>(1, size_t(std::ceil(0.25 * double(order.size()))));
    std::vector<std::vector<double>> good, bad;
    for (size_t i = 0; i < order.size(); ++i)
        (i < nGood ? good : bad).push_back(m_points[order[i]]);
    const double bw = std::max(0.08, 0.3 / std::pow(double(m_points.size()), 0.25));

    double bestRatio = -1e300;
    std::vector<double> best;
    for (int c = 0; c < 32; ++c) {
        const std::vector<double> &centre = good[size_t(m_rng() % good.size())];
        std::vector<double> cand(dims);
        for (size_t d = 0; d < dims; ++d)
            cand[d] = std::clamp(centre[d] + bw * normal(m_rng), 0.0, 1.0);
        const double ratio = logDensity(cand, good, bw) - logDensity(cand, bad, bw);
        if (ratio > bestRatio && !seen(decode(cand, base))) {
            bestRatio = ratio;
            best = cand;
        }
    }
    // Every candidate had been tried: the good region is used up, look elsewhere.
    return best.empty() ? randomDraw() : decode(best, base);
}

void ParzenSearch::observe(const QJsonObject &params, double score)
{
    if (std::isnan(score))
        score = -1e300;
    m_points.push_back(encode(params));
    m_scores.push_back(score);
}

} // namespace easel
