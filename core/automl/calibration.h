#pragma once

#include "automl/metrics.h"
#include "base/result.h"

#include <QJsonObject>

#include <vector>

namespace easel {

//! A monotone map from the ensemble's blended probabilities to calibrated ones.
//!
//! Ensemble selection for a ranking or label metric (AUC, accuracy, F1 …) does not
//! look at how far the probabilities are from the truth: a blend that ranks the rows
//! best may say 0.35 for a row that is almost surely "no". A heavily regularised
//! linear model, nearly constant but ranking well, once took 86 % of an AUC ensemble
//! and squeezed every probability into 0.30–0.70 (accuracy 0.77 at AUC 0.95).
//! The map is fitted on the out-of-fold predictions:
//!  - binary: Platt scaling, p' = σ(slope · logit p + intercept), slope > 0, so the
//!    order of the rows (AUC) is kept;
//!  - multiclass: temperature, p'_k ∝ p_k^(1/T), so the predicted class is kept.
struct Calibration
{
    enum class Kind { None, Platt, Temperature };
    Kind kind = Kind::None;
    double slope = 1, intercept = 0;  //!< Platt
    double temperature = 1;           //!< Temperature

    bool active() const { return kind != Kind::None; }
    //! Maps predictions in place (binary: P(class 1) per row; multiclass: k per row). NaN stays NaN.
    void apply(Predictions *pred) const;
    //! One binary probability.
    double applyToProbability(double p) const;
    //! "Platt scaling (slope 2.31, intercept -0.12)" / "temperature 0.8"; empty when none.
    QString describe() const;

    //! {"method": "platt", "slope": …, "intercept": …} or {"method": "temperature", "temperature": …}
    QJsonObject toJson() const;
    //! An empty object reads as none; an unknown method or a bad number is an error.
    static Result<Calibration> fromJson(const QJsonObject &json);
};

//! Fits the map on out-of-fold predictions of a classification problem (rows with NaN
//! truth or predictions are skipped). Returns none for regression, for fewer than 20
//! usable rows, and when the map lowers the log loss by less than minRelativeGain.
//! logLossBefore / logLossAfter (optional): the log loss without and with the map kept.
Calibration fitCalibration(ProblemType problem, const std::vector<float> &truth, const Predictions &pred,
                           double minRelativeGain = 0.005, double *logLossBefore = nullptr,
                           double *logLossAfter = nullptr);

} // namespace easel
