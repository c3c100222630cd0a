#pragma once

#include "automl/trainer.h"

#include <QJsonObject>

namespace easel {

//! A fitted linear model: margins z_o = b_o + Σ_j β_oj x_j, read through the
//! identity (regression), the logistic function (binary) or softmax
//! (multiclass). NaN features read as 0, the mean of a standardised feature.
//! Immutable after construction, so predict() is thread-safe.
class LinearModel : public Model
{
public:
    //! weights: outputs × cols (outputs = 1 for regression and binary, k for
    //! multiclass); bias: outputs.
    LinearModel(ProblemType problem, int classes, size_t cols, size_t catCols, std::vector<double> weights,
                std::vector<double> bias, QJsonObject params);

    //! Rebuilds a model from save() bytes; InvalidArgument/Corrupt when they are not a linear model.
    static Result<std::unique_ptr<LinearModel>> fromBytes(const QByteArray &bytes);

    QString family() const override { return QStringLiteral("linear"); }
    Result<Predictions> predict(const FeatureMatrix &x) const override;
    //! JSON: {"format":"easel-linear","version":1,"problem","classes","cols","catCols","weights":[[…]],"bias":[…],"params"}.
    Result<QByteArray> save() const override;
    //! |β_j| per feature (multiclass: Σ over classes); categorical code columns get 0.
    std::vector<double> importance() const override;
    //! rows × outputs × (cols + catCols + 1): β_oj·x_j per feature, last the bias b_o (margin space).
    Result<std::vector<float>> contributions(const FeatureMatrix &x) const override;

    ProblemType problem() const { return m_problem; }
    int outputs() const { return int(m_bias.size()); }
    const std::vector<double> &weights() const { return m_weights; }
    const std::vector<double> &bias() const { return m_bias; }

private:
    Status checkInput(const FeatureMatrix &x) const;
    void margins(const float *row, double *z) const;

    ProblemType m_problem;
    int m_classes;
    size_t m_cols, m_catCols;
    std::vector<double> m_weights;
    std::vector<double> m_bias;
    QJsonObject m_params;
};

} // namespace easel
