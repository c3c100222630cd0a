#pragma once

#include "automl/trainer.h"

#include <QJsonObject>

#include <random>
#include <vector>

namespace easel {

//! A small Tree-structured Parzen Estimator (Bergstra et al. 2011) over one
//! family's ParamRanges. Parameters are mapped to [0,1] (log scale where the
//! range says so); after a few random draws, candidates are sampled around the
//! best quarter of the observations and the one with the highest ratio of
//! "good" to "bad" density is proposed. Deterministic for a seed. It never
//! proposes parameters it has already observed, nor ones within 1 % of every
//! range of an observed point: a best point on a bound of the range, or an
//! integer one, drew (nearly) the same candidate again and again, each scoring
//! the same as the last.
class ParzenSearch
{
public:
    //! Two points closer than this on every encoded ([0, 1]) axis count as the same.
    static constexpr double kMinGap = 0.01;

    ParzenSearch(std::vector<ParamRange> space, uint64_t seed, int randomStartups = 5);

    //! The next parameters to try, merged over base (base keys not in the space are kept).
    QJsonObject propose(const QJsonObject &base);
    //! Reports the result of proposed params (score oriented so that higher is better).
    void observe(const QJsonObject &params, double score);

    size_t observations() const { return m_points.size(); }

private:
    std::vector<double> encode(const QJsonObject &params) const;
    QJsonObject decode(const std::vector<double> &x, const QJsonObject &base) const;
    //! Whether params, or ones within kMinGap of them on every axis, were observed already.
    bool seen(const QJsonObject &params) const;

    std::vector<ParamRange> m_space;
    std::mt19937_64 m_rng;
    int m_startups;
    std::vector<std::vector<double>> m_points;
    std::vector<double> m_scores;
};

} // namespace easel
