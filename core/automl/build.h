#pragma once

#include "automl/calibration.h"
#include "automl/metrics.h"
#include "automl/preprocess.h"
#include "automl/problem.h"
#include "automl/trainer.h"
#include "base/result.h"
#include "base/task_context.h"
#include "data/table.h"
#include "model/bundle.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>
#include <vector>

namespace easel {

class TrainerRegistry;

enum class BuildMode {
    Preview,   //!< seconds: one fast model on a sample, a rough score and column impact
    Quick,     //!< ~2 minutes: a portfolio of strong defaults, then an ensemble
    Standard,  //!< ~15 minutes: hyper-parameter search per family, then an ensemble
};

QString buildModeName(BuildMode mode);  //!< "preview", "quick", "standard"
bool buildModeFromName(const QString &name, BuildMode *mode);
double defaultTimeLimit(BuildMode mode); //!< seconds: 10, 120, 900

//! Everything that defines a build; saved with the build and in the bundle.
struct BuildSpec
{
    QString target;
    QStringList dropped;                 //!< columns the user left out
    BuildMode mode = BuildMode::Quick;
    std::optional<ProblemType> problem;  //!< override of the detected type
    std::optional<Metric> metric;        //!< override of the default metric
    double timeLimitSeconds = 0;         //!< 0: defaultTimeLimit(mode)
    uint64_t seed = 0;
    int threads = 0;                     //!< 0: one per core
    bool useGpu = false;                 //!< use the GPU where a trainer supports it
    QStringList families;                //!< empty: every installed family
    int folds = 0;                       //!< cross-validation folds; 0: 10 below 2 000 rows (each model
                                         //!< sees 90 % of a small data set), else 5; 1: one holdout
    size_t holdoutAboveRows = 50000;     //!< above this, one 80/20 holdout instead of k folds
    //! At most this many candidates (0: no limit). With a limit the search ends on a
    //! count rather than the clock, so that the same seed, data and thread count give
    //! the same leaderboard on a fast machine and a slow one, as long as the time limit
    //! is long enough not to end it first.
    int maxCandidates = 0;

    QJsonObject toJson() const;
    static Result<BuildSpec> fromJson(const QJsonObject &json);
};

//! What became of a candidate, as saved in the library and the bundle's leaderboard
//! (the text is part of both formats: never reword one).
namespace trial_status {
inline constexpr QLatin1String Finished("finished");
inline constexpr QLatin1String CutShort("cut short");       //!< its trainer stopped at the time limit
inline constexpr QLatin1String Pruned("pruned");            //!< a poor first fold
inline constexpr QLatin1String OutOfTime("out of time");    //!< stopped between folds: the rest would not fit
inline constexpr QLatin1String Failed("failed");
inline constexpr QLatin1String Canceled("canceled");
//! Finished or cut short: a model with a score, ranked on the leaderboard.
inline bool ranked(const QString &status) { return status == Finished || status == CutShort; }
} // namespace trial_status

//! One candidate model tried during a build.
struct TrialRecord
{
    int id = 0;                 //!< 1-based order of the trial
    QString family;
    QJsonObject params;
    double score = 0;           //!< validation score (out-of-fold) in the build metric; NaN if failed
    double seconds = 0;
    int iterations = 0;         //!< rounds / epochs (mean over folds)
    QString status;             //!< one of trial_status
    QString message;            //!< why it failed or was pruned, in plain words
    std::vector<double> curve;  //!< the first fold's validation loss per round / epoch (at most 200 points)

    QJsonObject toJson() const;
};

//! A column's share of the model's decisions, summed back to the original column.
struct ColumnImpact
{
    QString column;
    double percent = 0;         //!< all columns sum to 100
};

//! Notified on the build's thread as trials start and end (GUI leaderboard, library).
struct BuildObserver
{
    std::function<void(const TrialRecord &)> trialStarted;
    std::function<void(const TrialRecord &)> trialFinished;
    std::function<void(double seconds, double bestScore)> bestScoreChanged;
    std::function<void(const QString &line)> log;
};

struct BuildResult
{
    TargetInfo target;
    Metric metric = Metric::Rmse;
    std::vector<TrialRecord> trials;       //!< in the order they ran
    std::vector<TrialRecord> leaderboard;  //!< finished trials, best first
    double bestSingleScore = 0;
    double ensembleScore = 0;              //!< out-of-fold score of the final model
    QJsonObject validationMetrics;         //!< every metric of metricsFor(problem) on out-of-fold predictions
    double threshold = 0.5;                //!< binary decision threshold
    Calibration calibration;               //!< applied to the blended probabilities
    std::vector<ColumnImpact> impact;
    std::vector<DroppedColumn> droppedColumns;
    QStringList log;
    bool canceled = false;                 //!< stopped early; the bundle holds the best so far
    //! The time limit, not the search's own stopping rule, ended the search (or cut a
    //! candidate short): a longer limit may find a better model, and with it the same
    //! seed may not give the same leaderboard, since trial times vary from run to run.
    bool timeLimited = false;
    double seconds = 0;
    ModelBundle bundle;                    //!< ready to save
};

//! Runs a build on table (all rows with a target value) and returns the bundle.
//! Fails with plain-words errors for an unusable target or data (see detectTarget),
//! when no trainer is installed, or when canceled before any model finished.
//! Canceled after a model finished: returns the best so far with canceled set.
Result<BuildResult> runBuild(const Table &table, const BuildSpec &spec, TrainerRegistry &registry,
                             TaskContext *ctx = nullptr, const BuildObserver &observer = {});

} // namespace easel
