#pragma once

// The numerical core of the linear learner: plain C++ (no Qt), double precision.
//
// Definitions (also in linear_trainer.h). With row weights w_i normalised to
// mean 1 over the n training rows, the fitted coefficients minimise
//
//   ridge:       1/2 Σ w_i (y_i − b − x_i·β)²      + l2/2 ‖β‖²
//   logistic:        Σ w_i logloss(y_i, b + x_i·β) + l2/2 ‖β‖²
//   multinomial:     Σ w_i −log softmax(b + B x_i)_{y_i} + l2/2 ‖B‖²_F
//
// so "l2" is scikit-learn's Ridge alpha and 1/C of LogisticRegression, and its
// weight per row is l2 / n: the same l2 regularises less as data grows.
// The intercepts are never penalised.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace easel::linear {

//! The training rows as the solvers read them. NaN features read as 0 (the mean
//! of a standardised feature). Not owned.
struct Data
{
    const float *x = nullptr;          //!< rows × cols, row-major (all rows of the matrix)
    size_t cols = 0;
    std::vector<size_t> rows;          //!< the rows used (target present)
    std::vector<float> y;              //!< per used row: value or class id
    std::vector<double> w;             //!< per used row: weight, mean 1
    int threads = 1;
};

//! Parameters per output o, laid out [β_o0 … β_o(d−1), b_o]; outputs = 1 for
//! ridge and logistic, k for multinomial.
struct Coefficients
{
    int outputs = 1;
    size_t cols = 0;
    std::vector<double> theta;         //!< outputs × (cols + 1)

    double weight(int o, size_t j) const { return theta[size_t(o) * (cols + 1) + j]; }
    double bias(int o) const { return theta[size_t(o) * (cols + 1) + cols]; }
};

//! Runs fn(part) for part in [0, parts) on up to threads threads. Callers give
//! every part its own accumulator and reduce them in part order, so results do
//! not depend on the thread count.
void forParts(size_t parts, int threads, const std::function<void(size_t)> &fn);

//! The number of parts the solvers split n rows into (a function of n only).
size_t partsFor(size_t n);

//! Ridge regression in closed form: centred normal equations solved by Cholesky.
//! False (with error) when the system cannot be solved even with a small jitter.
bool solveRidge(const Data &data, double l2, Coefficients *out, std::string *error);

//! Penalised (weighted) log loss of logistic (classes = 2, one output) or
//! multinomial (classes ≥ 3) regression at theta, divided by n; fills grad.
double logLossObjective(const Data &data, int classes, double l2, const std::vector<double> &theta,
                        std::vector<double> *grad);

//! What L-BFGS asks after every iteration: keep going?
using IterationMonitor = std::function<bool(int iteration, const std::vector<double> &theta, double objective)>;

struct LbfgsOutcome
{
    int iterations = 0;
    bool converged = false;            //!< gradient or objective change below tolerance
    bool stopped = false;              //!< the monitor asked to stop
};

//! Minimises a smooth convex function by L-BFGS (memory 10) with a backtracking
//! Armijo line search. theta holds the start and receives the result.
LbfgsOutcome minimiseLbfgs(const std::function<double(const std::vector<double> &, std::vector<double> *)> &f,
                           std::vector<double> *theta, int maxIterations, const IterationMonitor &monitor);

} // namespace easel::linear
