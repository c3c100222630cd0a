#pragma once

#include "automl/trainer.h"

namespace easel {

//! The "linear" family: ridge regression, logistic regression (binary) and
//! multinomial (softmax) regression with an L2 penalty, on Scaled features.
//!
//! Parameters (FitOptions::params):
//!  - "l2" (default 1.0, ≥ 0): the penalty l2/2·‖β‖² added to the *summed*
//!    (weighted) loss, with row weights normalised to mean 1 — scikit-learn's
//!    Ridge alpha, and 1/C of its LogisticRegression. Per row it weighs l2/n,
//!    so a fixed l2 regularises less as the data grows; portfolio() scales it
//!    with n. Intercepts are not penalised.
//!  - "max_iter" (default 300): L-BFGS iterations for the classifiers (ridge is
//!    solved in closed form).
//!
//! Deterministic: the result depends on the data and parameters only, not on
//! FitOptions::threads or seed (row blocks are reduced in a fixed order).
class LinearTrainer : public Trainer
{
public:
    QString family() const override { return QStringLiteral("linear"); }
    QString displayName() const override { return QStringLiteral("Linear / logistic regression (L2)"); }
    TrainerCapabilities capabilities() const override;

    //! The caller owns the result. InvalidArgument for inconsistent inputs or
    //! parameters, Canceled when ctx is canceled (polled per L-BFGS iteration).
    Result<std::unique_ptr<Model>> fit(const FeatureMatrix &trainX, const std::vector<float> &trainY,
                                       const std::vector<float> &trainWeights, const FeatureMatrix *validX,
                                       const std::vector<float> *validY, const FitOptions &options,
                                       TaskContext *ctx) const override;
    //! Parses the JSON of LinearModel::save(); never executes anything. The caller owns the result.
    Result<std::unique_ptr<Model>> load(const QByteArray &bytes, const FitOptions &options) const override;

    //! The validation rows only draw its curve: a build fits it on them too.
    bool choosesOnValidation(ProblemType problem) const override
    {
        Q_UNUSED(problem);
        return false;
    }

    //! l2 = 1e-4·n, 1e-2·n and 1e-1·n (at least 1e-3): light, medium, strong; then
    //! 1e-3, nearly none (the search's lower bound), for features that matter only as
    //! differences of nearly equal ones (a pick-up and a drop-off time), which any
    //! real penalty flattens.
    std::vector<QJsonObject> portfolio(ProblemType problem, size_t rows, size_t cols) const override;
    //! l2 log-uniform in [1e-3, 1e5].
    std::vector<ParamRange> searchSpace(ProblemType problem) const override;
};

} // namespace easel
