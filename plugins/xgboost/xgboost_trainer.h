#pragma once

#include "automl/trainer.h"
#include "xgb_api.h"

#include <mutex>

namespace easel {

//! What an XgboostTrainer fits: boosted trees, or XGBoost's random forest
//! (many parallel trees in one round, bagged rows, random features per split).
enum class XgbFlavour { Boosting, RandomForest };

//! A fitted XGBoost model. Thread-safe: every call into the booster is
//! serialised by a mutex of its own.
class XgboostModel final : public Model
{
public:
    //! Takes the booster. bestIteration is the last round predictions use (0-based).
    XgboostModel(xgb::Booster booster, XgbFlavour flavour, ProblemType problem, int numClasses, int bestIteration,
                 int threads, bool saveJson);

    QString family() const override;
    Result<Predictions> predict(const FeatureMatrix &x) const override;
    //! XGBoost's UBJ model bytes (JSON when fitted or loaded with params {"save_format": "json"}).
    Result<QByteArray> save() const override;
    //! "xgboost-json": the booster as XGBoost's JSON model (loadable by the Python package).
    Result<QByteArray> exportAs(const QString &format) const override
    {
        if (format == QLatin1String("xgboost-json"))
            return saveJson();
        return Model::exportAs(format);
    }
    //! Total gain per feature (FeatureMatrix::cols); 0 for features no tree uses.
    std::vector<double> importance() const override;
    //! Exact TreeSHAP values, n × outputs × (cols + 1), the bias last; they sum to margins(),
    //! or, for a classification forest, to its probabilities (see LeafFractions).
    Result<std::vector<float>> contributions(const FeatureMatrix &x) const override;
    bool contributionsArePredictions() const override { return m_fractions.on; }

    //! How a classification forest turns its margins into probabilities: the mean of
    //! its trees' class fractions, as a random forest should, not the softmax of the
    //! mean Newton step (overconfident where trees agree, timid elsewhere: test log
    //! loss 0.97 against 0.86 on winequality_white). A one-round forest's leaf holds
    //! (fraction − p0) / h at the base probability p0 with hessian h, so the fraction
    //! is p0 + scale · (margin − offset). Stored in the booster's attributes.
    struct LeafFractions
    {
        bool on = false;
        double offset = 0;     //!< the base margin
        double base = 0;       //!< the base probability p0
        double scale = 1;      //!< h: p0(1 − p0) for binary, 2 p0(1 − p0) for softprob
        double smoothing = 0;  //!< p = (1 − s) · fraction + s / classes
    };
    //! Probabilities from margins (rows × outputs) as the forest predicts them.
    static void applyFractions(const LeafFractions &f, ProblemType problem, size_t rows, int outputs,
                               std::vector<float> &values);

    //! The model as XGBoost's JSON document (for export and inspection).
    Result<QByteArray> saveJson() const;
    //! Raw scores before the link (log-odds, per-class scores, values), n × outputs.
    Result<Predictions> margins(const FeatureMatrix &x) const;
    //! The last boosting round that predictions use (0-based).
    int bestIteration() const { return m_bestIteration; }
    //! Number of features the model was fitted on.
    size_t featureCount() const { return m_features; }
    ProblemType problem() const { return m_problem; }

private:
    Result<xgb::PredictOutput> run(const FeatureMatrix &x, xgb::PredictType type) const;

    mutable std::mutex m_mutex;
    xgb::Booster m_booster;
    XgbFlavour m_flavour;
    ProblemType m_problem;
    int m_numClasses;
    int m_bestIteration;
    int m_threads;
    bool m_saveJson;
    size_t m_features = 0;
    LeafFractions m_fractions;
};

//! Gradient-boosted trees ("xgboost") or XGBoost's random forest ("random_forest").
//!
//! Boosting parameters (FitOptions::params, unknown keys ignored): learning_rate
//! (eta), max_depth, min_child_weight, subsample, colsample_bytree,
//! colsample_bylevel, colsample_bynode, reg_lambda (lambda), reg_alpha (alpha),
//! gamma, max_bin, grow_policy, max_leaves, max_delta_step, scale_pos_weight,
//! n_estimators (most rounds, default 2000 with a validation set, 300 without),
//! early_stopping_rounds (default 50), save_format ("ubj" | "json").
//! Random forest: n_estimators (= num_parallel_tree, default 300), max_depth
//! (default 14), min_child_weight, subsample (0.63), colsample_bynode
//! (√d/d for classification, 1/3 for regression), max_bin, reg_lambda.
class XgboostTrainer final : public Trainer
{
public:
    explicit XgboostTrainer(XgbFlavour flavour);

    QString family() const override;
    QString displayName() const override;
    TrainerCapabilities capabilities() const override;

    Result<std::unique_ptr<Model>> fit(const FeatureMatrix &trainX, const std::vector<float> &trainY,
                                       const std::vector<float> &trainWeights, const FeatureMatrix *validX,
                                       const std::vector<float> *validY, const FitOptions &options,
                                       TaskContext *ctx) const override;
    //! Reads UBJ or JSON bytes from save(). Fails with Corrupt for bytes XGBoost
    //! cannot read, InvalidArgument for a model of the other family.
    Result<std::unique_ptr<Model>> load(const QByteArray &bytes, const FitOptions &options) const override;
    //! Boosted trees stop early on the validation rows. A forest grows all its trees
    //! and chooses nothing on them but the smoothing of a multiclass forest's class
    //! fractions, which log loss needs.
    bool choosesOnValidation(ProblemType problem) const override;

    std::vector<QJsonObject> portfolio(ProblemType problem, size_t rows, size_t cols) const override;
    std::vector<ParamRange> searchSpace(ProblemType problem) const override;

private:
    XgbFlavour m_flavour;
};

//! Converts model bytes from save() (UBJ or JSON) to XGBoost's JSON document,
//! for export. Fails with Corrupt when the bytes are not an XGBoost model.
Result<QByteArray> xgboostModelToJson(const QByteArray &bytes);

//! Whether XGBoost can train on a CUDA device here, and why not (probed once).
bool xgboostGpuAvailable(QString *reason);

} // namespace easel
