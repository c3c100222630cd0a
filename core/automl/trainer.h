#pragma once

#include "automl/feature_matrix.h"
#include "automl/metrics.h"
#include "automl/problem.h"
#include "base/result.h"
#include "base/task_context.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QtPlugin>

#include <memory>
#include <vector>

namespace easel {

//! Which features a trainer wants from preprocessing.
enum class FeatureFlavour {
    Trees,   //!< raw numbers, NaN kept (native missing values), one-hot / target-encoded categories
    Scaled,  //!< imputed + missing indicators, standardised, one-hot / target-encoded categories
    Embedded,//!< like Scaled, but low-cardinality categoricals as codes in FeatureMatrix::cats
};

struct TrainerCapabilities
{
    bool binary = true, multiclass = true, regression = true;
    bool nativeMissing = false;     //!< handles NaN itself
    bool gpuAvailable = false;      //!< the linked library has GPU support and a device is present
    QString gpuReason;              //!< why not, in plain words ("XGBoost was built without CUDA")
    FeatureFlavour flavour = FeatureFlavour::Trees;
    bool contributions = false;     //!< Model::contributions gives exact per-feature contributions
    //! Fits one model per class (a tree per class per boosting round): a multiclass fit
    //! takes about the number of classes times as long as a binary one. A build uses it
    //! to guess how long a family it has not tried yet will take.
    bool timeGrowsWithClasses = false;
    //! Empty, or why this trainer runs slower on this computer than it could and what
    //! to install, in plain words; a build logs it once.
    QString speedNote;
};

//! One hyper-parameter's range for the standard build's search.
struct ParamRange
{
    enum class Kind { Real, LogReal, Integer, Choice };
    QString name;
    Kind kind = Kind::Real;
    double low = 0, high = 1;        //!< Real / LogReal / Integer bounds (inclusive)
    QStringList choices;             //!< Choice

    //! A Real, LogReal or Integer range.
    static ParamRange of(const char *name, Kind kind, double low, double high)
    {
        ParamRange r;
        r.name = QLatin1String(name);
        r.kind = kind;
        r.low = low;
        r.high = high;
        return r;
    }
    //! A Choice among values.
    static ParamRange oneOf(const char *name, QStringList choices)
    {
        ParamRange r;
        r.name = QLatin1String(name);
        r.kind = Kind::Choice;
        r.choices = std::move(choices);
        return r;
    }
};

struct FitOptions
{
    ProblemType problem = ProblemType::Regression;
    int numClasses = 1;              //!< classification: number of classes
    QJsonObject params;              //!< hyper-parameters (family-specific; unknown keys ignored)
    int threads = 1;                 //!< real thread count to use (never above the core count)
    uint64_t seed = 0;
    bool useGpu = false;             //!< only honoured when capabilities().gpuAvailable
    double deadlineSeconds = 0;      //!< >0: stop adding rounds/epochs after this long (keep what is fitted)
};

//! The training curve and where early stopping settled.
struct FitReport
{
    int iterations = 0;              //!< rounds / epochs actually used
    std::vector<double> validCurve;  //!< validation loss per round/epoch (the trainer's own loss)
    QString note;
    //! The fit ended at FitOptions::deadlineSeconds: with more time it would have
    //! trained longer.
    bool stoppedAtDeadline = false;
    //! Settings the trainer changed from those it was given, and why, in plain words
    //! ("Learning rate raised from 0.05 to 0.12 to finish within the time limit.").
    QString changedSettings;
};

//! A fitted model. Thread-safe for concurrent predict() calls.
class Model
{
public:
    virtual ~Model() = default;
    virtual QString family() const = 0;
    //! Regression: n values; binary: n probabilities of class 1; multiclass: n×k probabilities.
    virtual Result<Predictions> predict(const FeatureMatrix &x) const = 0;
    //! The model's own bytes (XGBoost UBJ, TorchScript / weights, linear weights as JSON).
    virtual Result<QByteArray> save() const = 0;
    //! Gain-like importance per numeric feature (FeatureMatrix::cols, then catCols); empty if none.
    virtual std::vector<double> importance() const { return {}; }
    //! Exact additive contributions, n × outputs × (features + 1) (last = bias); empty when unsupported.
    //! They sum to the margin before the link (log-odds, class scores), or to predict()'s
    //! values themselves when contributionsArePredictions().
    virtual Result<std::vector<float>> contributions(const FeatureMatrix &x) const
    {
        Q_UNUSED(x);
        return Result<std::vector<float>>::failure(ErrorCode::Unsupported, QStringLiteral("no exact contributions"));
    }
    //! True when contributions() sum to predict()'s values (probabilities), with no link between.
    virtual bool contributionsArePredictions() const { return false; }
    //! The model in a format other tools read: "xgboost-json" (XGBoost's JSON model),
    //! "torchscript" (a TorchScript module). Unsupported for formats the family lacks.
    virtual Result<QByteArray> exportAs(const QString &format) const
    {
        return Result<QByteArray>::failure(ErrorCode::Unsupported,
                                           QStringLiteral("A %1 model cannot be exported as %2.").arg(family(), format));
    }
    const FitReport &fitReport() const { return m_report; }
    void setFitReport(FitReport report) { m_report = std::move(report); }

private:
    FitReport m_report;
};

//! A model family: fits and loads models. Implementations live in plugins/.
class Trainer
{
public:
    virtual ~Trainer() = default;
    virtual QString family() const = 0;          //!< "xgboost", "random_forest", "linear", "mlp" (stable)
    virtual QString displayName() const = 0;     //!< "Gradient-boosted trees (XGBoost)"
    virtual TrainerCapabilities capabilities() const = 0;

    //! Fits on train, early-stopping on valid when given. Polls ctx per round/epoch;
    //! on cancel returns ErrorCode::Canceled. The caller owns the result.
    virtual Result<std::unique_ptr<Model>> fit(const FeatureMatrix &trainX, const std::vector<float> &trainY,
                                               const std::vector<float> &trainWeights, const FeatureMatrix *validX,
                                               const std::vector<float> *validY, const FitOptions &options,
                                               TaskContext *ctx) const = 0;

    //! Whether fit() chooses anything on its validation rows for this problem: when to
    //! stop, a penalty, a calibration. When not, a build fits it on the rows it would
    //! have set aside for that as well, and passes no validation rows.
    virtual bool choosesOnValidation(ProblemType problem) const
    {
        Q_UNUSED(problem);
        return true;
    }

    //! Rebuilds a model from save() bytes. Never executes code from the bytes.
    virtual Result<std::unique_ptr<Model>> load(const QByteArray &bytes, const FitOptions &options) const = 0;

    //! Strong default configurations for quick builds, best first.
    virtual std::vector<QJsonObject> portfolio(ProblemType problem, size_t rows, size_t cols) const = 0;
    //! The ranges a standard build searches.
    virtual std::vector<ParamRange> searchSpace(ProblemType problem) const = 0;
};

//! What a trainer plugin exports (Qt plugin, see plugins/*/plugin.json).
class TrainerPlugin
{
public:
    virtual ~TrainerPlugin() = default;
    //! The trainers of this plugin; the caller owns them.
    virtual std::vector<std::unique_ptr<Trainer>> createTrainers() = 0;
};

} // namespace easel

#define EaselTrainerPlugin_iid "org.easel.TrainerPlugin/1.0"
Q_DECLARE_INTERFACE(easel::TrainerPlugin, EaselTrainerPlugin_iid)
