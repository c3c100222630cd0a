#pragma once

#include "automl/problem.h"

#include <QString>

#include <vector>

namespace easel {

enum class Metric {
    Auc, Accuracy, BalancedAccuracy, F1, Precision, Recall, LogLoss,  // binary (accuracy/log loss also multiclass)
    MacroF1,                                                          // multiclass
    Rmse, Mae, R2, Mape,                                              // regression
};

QString metricName(Metric metric);                       //!< "auc", "log_loss", "rmse", … (stable; CLI --metric)
bool metricFromName(const QString &name, Metric *metric);
QString metricLabel(Metric metric);                      //!< "AUC", "Log loss", "RMSE" …
bool higherIsBetter(Metric metric);
bool metricApplies(Metric metric, ProblemType problem);
Metric defaultMetric(ProblemType problem);               //!< AUC / log loss / RMSE
std::vector<Metric> metricsFor(ProblemType problem);     //!< every metric reported for this problem

//! Predictions as trainers return them: one value per row (regression: the
//! value; binary: P(class 1)), or k probabilities per row for multiclass
//! (row-major n×k).
struct Predictions
{
    size_t rows = 0;
    int outputs = 1;
    std::vector<float> values;
};

//! Scores predictions against truth (class ids or values). threshold applies to
//! binary label metrics (accuracy, F1, precision, recall, balanced accuracy).
//! Rows with NaN truth are ignored. Returns NaN when undefined (e.g. AUC with one class).
double computeMetric(Metric metric, ProblemType problem, const std::vector<float> &truth, const Predictions &pred,
                     double threshold = 0.5, const std::vector<float> *weights = nullptr);

//! For binary problems: the decision threshold on P(class 1) that maximises
//! metric (F1, accuracy, balanced accuracy …) on these predictions; 0.5 for
//! metrics that do not depend on a threshold.
double chooseThreshold(Metric metric, const std::vector<float> &truth, const Predictions &pred);

//! "Right 94 times out of 100 on rows it never saw." — the plain-language headline (UX.md).
QString metricHeadline(Metric metric, double value, const QString &target = {});

} // namespace easel
