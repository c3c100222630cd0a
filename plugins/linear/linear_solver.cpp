#include "linear_solver.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <deque>
#include <limits>
#include <thread>

namespace easel::linear {

static inline double feature(const float *row, size_t j)
{
    const float v = row[j];
    return std::isnan(v) ? 0.0 : double(v);
}

void forParts(size_t parts, int threads, const std::function<void(size_t)> &fn)
{
    const size_t workers = std::min<size_t>(parts, size_t(std::max(1, threads)));
    if (workers <= 1) {
        for (size_t p = 0; p < parts; ++p)
            fn(p);
        return;
    }
    std::atomic<size_t> next{0};
    auto work = [&] {
        for (size_t p = next++; p < parts; p = next++)
            fn(p);
    };
    std::vector<std::thread> pool;
    pool.reserve(workers - 1);
    for (size_t t = 1; t < workers; ++t)
        pool.emplace_back(work);
    work();
    for (std::thread &t : pool)
        t.join();
}

size_t partsFor(size_t n)
{
    return std::clamp<size_t>(n / 8192, 1, 16);
}

static inline std::pair<size_t, size_t> partRange(size_t n, size_t parts, size_t p)
{
    return {n * p / parts, n * (p + 1) / parts};
}

// ---------------------------------------------------------------- ridge

//! In-place Cholesky of the symmetric positive definite d×d matrix a (lower
//! triangle used); false when a pivot is not positive.
static bool cholesky(std::vector<double> &a, size_t d)
{
    for (size_t j = 0; j < d; ++j) {
        double s = a[j * d + j];
        for (size_t k = 0; k < j; ++k)
            s -= a[j * d + k] * a[j * d + k];
        if (!(s > 0) || !std::isfinite(s))
            return false;
        const double l = std::sqrt(s);
        a[j * d + j] = l;
        for (size_t i = j + 1; i < d; ++i) {
            double t = a[i * d + j];
            for (size_t k = 0; k < j; ++k)
                t -= a[i * d + k] * a[j * d + k];
            a[i * d + j] = t / l;
        }
    }
    return true;
}

static void choleskySolve(const std::vector<double> &l, size_t d, std::vector<double> &b)
{
    for (size_t i = 0; i < d; ++i) {  // L z = b
        double s = b[i];
        for (size_t k = 0; k < i; ++k)
            s -= l[i * d + k] * b[k];
        b[i] = s / l[i * d + i];
    }
    for (size_t i = d; i-- > 0;) {  // Lᵀ x = z
        double s = b[i];
        for (size_t k = i + 1; k < d; ++k)
            s -= l[k * d + i] * b[k];
        b[i] = s / l[i * d + i];
    }
}

bool solveRidge(const Data &data, double l2, Coefficients *out, std::string *error)
{
    const size_t n = data.rows.size(), d = data.cols;
    const size_t parts = partsFor(n);

    // Weighted means (Σw = n).
    std::vector<std::vector<double>> partMeans(parts, std::vector<double>(d + 1, 0.0));
    forParts(parts, data.threads, [&](size_t p) {
        auto [begin, end] = partRange(n, parts, p);
        std::vector<double> &m = partMeans[p];
        for (size_t i = begin; i < end; ++i) {
            const float *row = data.x + data.rows[i] * d;
            const double w = data.w[i];
            for (size_t j = 0; j < d; ++j)
                m[j] += w * feature(row, j);
            m[d] += w * double(data.y[i]);
        }
    });
    std::vector<double> mean(d + 1, 0.0);
    for (const auto &m : partMeans)
        for (size_t j = 0; j <= d; ++j)
            mean[j] += m[j];
    for (double &m : mean)
        m /= double(n);

    // Centred XᵀWX (lower triangle) and XᵀWy.
    std::vector<std::vector<double>> partA(parts), partB(parts);
    forParts(parts, data.threads, [&](size_t p) {
        auto [begin, end] = partRange(n, parts, p);
        std::vector<double> a(d * d, 0.0), b(d, 0.0), xc(d);
        for (size_t i = begin; i < end; ++i) {
            const float *row = data.x + data.rows[i] * d;
            const double w = data.w[i];
            for (size_t j = 0; j < d; ++j)
                xc[j] = feature(row, j) - mean[j];
            const double yc = double(data.y[i]) - mean[d];
            for (size_t j = 0; j < d; ++j) {
                const double wx = w * xc[j];
                double *arow = a.data() + j * d;
                for (size_t k = 0; k <= j; ++k)
                    arow[k] += wx * xc[k];
                b[j] += wx * yc;
            }
        }
        partA[p] = std::move(a);
        partB[p] = std::move(b);
    });
    std::vector<double> a(d * d, 0.0), b(d, 0.0);
    for (size_t p = 0; p < parts; ++p) {
        for (size_t k = 0; k < d * d; ++k)
            a[k] += partA[p][k];
        for (size_t j = 0; j < d; ++j)
            b[j] += partB[p][j];
    }
    partA.clear();
    partB.clear();
    for (size_t j = 0; j < d; ++j)
        for (size_t k = 0; k < j; ++k)
            a[k * d + j] = a[j * d + k];
    double trace = 0;
    for (size_t j = 0; j < d; ++j) {
        a[j * d + j] += l2;
        trace += a[j * d + j];
    }

    // Cholesky; with l2 = 0 and collinear features add a growing jitter.
    std::vector<double> l = a;
    double jitter = 0;
    bool solved = d == 0 || cholesky(l, d);
    for (int attempt = 0; !solved && attempt < 6; ++attempt) {
        jitter = (jitter == 0 ? 1e-10 : jitter * 100) * std::max(trace / double(d), 1e-300);
        l = a;
        for (size_t j = 0; j < d; ++j)
            l[j * d + j] += jitter;
        solved = cholesky(l, d);
    }
    if (!solved) {
        if (error)
            *error = "the normal equations are singular (constant or duplicated features); use a larger l2";
        return false;
    }
    if (d > 0)
        choleskySolve(l, d, b);

    out->outputs = 1;
    out->cols = d;
    out->theta.assign(d + 1, 0.0);
    double bias = mean[d];
    for (size_t j = 0; j < d; ++j) {
        out->theta[j] = b[j];
        bias -= b[j] * mean[j];
    }
    out->theta[d] = bias;
    return true;
}

// ---------------------------------------------------------------- log loss

static inline double softplus(double z)
{
    return z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z));
}

static inline double sigmoid(double z)
{
    if (z >= 0)
        return 1.0 / (1.0 + std::exp(-z));
    const double e = std::exp(z);
    return e / (1.0 + e);
}

double logLossObjective(const Data &data, int classes, double l2, const std::vector<double> &theta,
                        std::vector<double> *grad)
{
    const size_t n = data.rows.size(), d = data.cols;
    const int k = classes <= 2 ? 1 : classes;
    const size_t stride = d + 1;
    const size_t parts = partsFor(n);
    std::vector<double> partLoss(parts, 0.0);
    std::vector<std::vector<double>> partGrad(grad ? parts : 0);

    forParts(parts, data.threads, [&](size_t p) {
        auto [begin, end] = partRange(n, parts, p);
        std::vector<double> g(grad ? size_t(k) * stride : 0, 0.0), z(static_cast<size_t>(k)), xr(d);
        double loss = 0;
        for (size_t i = begin; i < end; ++i) {
            const float *row = data.x + data.rows[i] * d;
            for (size_t j = 0; j < d; ++j)
                xr[j] = feature(row, j);
            const double w = data.w[i];
            for (int o = 0; o < k; ++o) {
                const double *t = theta.data() + size_t(o) * stride;
                double s = t[d];
                for (size_t j = 0; j < d; ++j)
                    s += t[j] * xr[j];
                z[size_t(o)] = s;
            }
            if (k == 1) {
                const double y = double(data.y[i]);
                loss += w * (softplus(z[0]) - y * z[0]);
                if (grad) {
                    const double r = w * (sigmoid(z[0]) - y);
                    for (size_t j = 0; j < d; ++j)
                        g[j] += r * xr[j];
                    g[d] += r;
                }
            } else {
                const int y = int(data.y[i]);
                const double zmax = *std::max_element(z.begin(), z.end());
                double sum = 0;
                for (int o = 0; o < k; ++o)
                    sum += std::exp(z[size_t(o)] - zmax);
                const double lse = zmax + std::log(sum);
                loss += w * (lse - z[size_t(y)]);
                if (grad) {
                    for (int o = 0; o < k; ++o) {
                        const double r = w * (std::exp(z[size_t(o)] - lse) - (o == y ? 1.0 : 0.0));
                        double *go = g.data() + size_t(o) * stride;
                        for (size_t j = 0; j < d; ++j)
                            go[j] += r * xr[j];
                        go[d] += r;
                    }
                }
            }
        }
        partLoss[p] = loss;
        if (grad)
            partGrad[p] = std::move(g);
    });

    const double inv = 1.0 / double(n);
    double loss = 0;
    for (double l : partLoss)
        loss += l;
    double penalty = 0;
    for (int o = 0; o < k; ++o)
        for (size_t j = 0; j < d; ++j)
            penalty += theta[size_t(o) * stride + j] * theta[size_t(o) * stride + j];
    if (grad) {
        grad->assign(size_t(k) * stride, 0.0);
        for (const auto &g : partGrad)
            for (size_t q = 0; q < g.size(); ++q)
                (*grad)[q] += g[q];
        for (int o = 0; o < k; ++o)
            for (size_t j = 0; j <= d; ++j) {
                const size_t q = size_t(o) * stride + j;
                (*grad)[q] = (*grad)[q] * inv + (j < d ? l2 * inv * theta[q] : 0.0);
            }
    }
    return (loss + 0.5 * l2 * penalty) * inv;
}

// ---------------------------------------------------------------- L-BFGS

static double dot(const std::vector<double> &a, const std::vector<double> &b)
{
    double s = 0;
    for (size_t i = 0; i < a.size(); ++i)
        s += a[i] * b[i];
    return s;
}

static double maxAbs(const std::vector<double> &a)
{
    double m = 0;
    for (double v : a)
        m = std::max(m, std::abs(v));
    return m;
}

LbfgsOutcome minimiseLbfgs(const std::function<double(const std::vector<double> &, std::vector<double> *)> &f,
                           std::vector<double> *theta, int maxIterations, const IterationMonitor &monitor)
{
    constexpr size_t memory = 10;
    constexpr double gradTol = 1e-7, relTol = 1e-12, c1 = 1e-4;
    LbfgsOutcome outcome;
    std::vector<double> &x = *theta;
    const size_t m = x.size();
    std::vector<double> g(m), gNew(m), xNew(m), dir(m);
    double fx = f(x, &g);
    struct Pair { std::vector<double> s, y; double rho; };
    std::deque<Pair> history;
    int flat = 0;

    for (int iter = 1; iter <= maxIterations; ++iter) {
        if (maxAbs(g) <= gradTol) {
            outcome.converged = true;
            break;
        }
        // Two-loop recursion: dir = −H g.
        dir = g;
        std::vector<double> alpha(history.size());
        for (size_t h = history.size(); h-- > 0;) {
            alpha[h] = history[h].rho * dot(history[h].s, dir);
            for (size_t i = 0; i < m; ++i)
                dir[i] -= alpha[h] * history[h].y[i];
        }
        if (!history.empty()) {
            const Pair &last = history.back();
            const double gamma = dot(last.s, last.y) / dot(last.y, last.y);
            for (double &v : dir)
                v *= gamma;
        }
        for (size_t h = 0; h < history.size(); ++h) {
            const double beta = history[h].rho * dot(history[h].y, dir);
            for (size_t i = 0; i < m; ++i)
                dir[i] += (alpha[h] - beta) * history[h].s[i];
        }
        for (double &v : dir)
            v = -v;
        double slope = dot(g, dir);
        if (!(slope < 0)) {  // not a descent direction: restart from steepest descent
            history.clear();
            dir = g;
            for (double &v : dir)
                v = -v;
            slope = dot(g, dir);
        }

        // Backtracking Armijo line search.
        double step = history.empty() ? std::min(1.0, 1.0 / std::max(1e-12, maxAbs(g))) : 1.0;
        double fNew = 0;
        bool accepted = false;
        for (int tries = 0; tries < 50; ++tries) {
            for (size_t i = 0; i < m; ++i)
                xNew[i] = x[i] + step * dir[i];
            fNew = f(xNew, &gNew);
            if (std::isfinite(fNew) && fNew <= fx + c1 * step * slope) {
                accepted = true;
                break;
            }
            step *= 0.5;
        }
        outcome.iterations = iter;
        if (!accepted) {  // no progress possible at double precision
            outcome.converged = true;
            break;
        }

        Pair pair{std::vector<double>(m), std::vector<double>(m), 0.0};
        for (size_t i = 0; i < m; ++i) {
            pair.s[i] = xNew[i] - x[i];
            pair.y[i] = gNew[i] - g[i];
        }
        const double sy = dot(pair.s, pair.y);
        if (sy > 1e-16 * dot(pair.y, pair.y)) {
            pair.rho = 1.0 / sy;
            history.push_back(std::move(pair));
            if (history.size() > memory)
                history.pop_front();
        }
        const double decrease = fx - fNew;
        x.swap(xNew);
        g.swap(gNew);
        fx = fNew;

        if (monitor && !monitor(iter, x, fx)) {
            outcome.stopped = true;
            break;
        }
        flat = decrease <= relTol * std::max(1.0, std::abs(fx)) ? flat + 1 : 0;
        if (flat >= 3) {
            outcome.converged = true;
            break;
        }
    }
    return outcome;
}

} // namespace easel::linear
