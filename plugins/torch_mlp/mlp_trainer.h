#pragma once

#include "automl/trainer.h"

namespace easel {

//! The "mlp" family: a tabular multi-layer perceptron on LibTorch, with an
//! embedding per categorical column (FeatureFlavour::Embedded).
//!
//! Parameters (FitOptions::params; numbers may also be given as strings):
//!  - "hidden": array of layer widths, e.g. [256, 128]; otherwise "width"
//!    (default 256) and "depth" (default 2) give [width, width/2, width/2, …]
//!  - "activation": "relu" (default) | "silu"; "norm": "batch" (default) | "layer" | "none"
//!  - "dropout" (0.1), "lr" (3e-3, peak), "weight_decay" (1e-4, AdamW, not on biases/norms)
//!  - "batch_size" (512), "max_epochs" (100), "patience" (10 epochs), "warmup" (0.05 of the steps)
//! The learning rate warms up linearly, then follows a cosine to 1 % of lr over
//! max_epochs. Early stopping watches the validation loss (BCE / cross-entropy /
//! MSE on the standardised target) and keeps the best epoch's weights; without
//! validation rows every epoch runs and validCurve holds the training loss.
//!
//! Deterministic given seed and threads (Torch's seed and thread count are
//! process-wide: fits running at the same time in one process share them).
class MlpTrainer : public Trainer
{
public:
    MlpTrainer();

    QString family() const override { return QStringLiteral("mlp"); }
    QString displayName() const override { return QStringLiteral("Neural network (MLP, LibTorch)"); }
    TrainerCapabilities capabilities() const override;

    //! The caller owns the result. InvalidArgument for inconsistent inputs or
    //! parameters, Canceled (polled per batch), Internal when Torch fails.
    Result<std::unique_ptr<Model>> fit(const FeatureMatrix &trainX, const std::vector<float> &trainY,
                                       const std::vector<float> &trainWeights, const FeatureMatrix *validX,
                                       const std::vector<float> *validY, const FitOptions &options,
                                       TaskContext *ctx) const override;
    //! Parses MlpModel::save() bytes (JSON header + raw weights); never executes code.
    Result<std::unique_ptr<Model>> load(const QByteArray &bytes, const FitOptions &options) const override;

    //! Two configs: 256-128 ReLU/BatchNorm (best first), and a smaller, faster 128-64 SiLU/LayerNorm.
    std::vector<QJsonObject> portfolio(ProblemType problem, size_t rows, size_t cols) const override;
    //! lr, dropout, width, depth, weight_decay, batch_size.
    std::vector<ParamRange> searchSpace(ProblemType problem) const override;

private:
    bool m_gpu = false;
    QString m_gpuReason;
    QString m_speedNote;
};

} // namespace easel
