#pragma once

#include "automl/metrics.h"
#include "automl/problem.h"

#include <QJsonObject>
#include <QString>

#include <vector>

namespace easel {

//! The studio's plain words for the AutoML engine: model families, problem
//! types, what to optimise, and a one-sentence definition of every metric.
namespace words {

//! "Gradient-boosted trees", "Random forest", "Linear model", "Neural network".
QString family(const QString &family);
//! What sets a candidate apart from others of its family, in a few words:
//! "depth 6 · learning rate 0.05 · 412 rounds", "L2 penalty 0.39". iterations:
//! rounds or epochs fitted (0 when unknown).
QString trialSettings(const QString &family, const QJsonObject &params, int iterations = 0);
//! Every parameter, one "name = value" per line, for a tooltip.
QString trialSettingsTip(const QJsonObject &params);
//! A candidate's status on the leaderboard: "done", "cut short by the time limit",
//! "stopped early (not promising)", "stopped: would not finish in time", …
QString trialStatus(const QString &status);
//! Whether rerunning a build with the same seed gives the same leaderboard, for the
//! model's settings: only a build that a candidate limit ended, not the clock, is
//! sure to (the clock decides which kinds of model fit in the time left).
QString seedNote(int maxCandidates, bool timeLimited);
//! "yes/no", "one of several categories", "a number".
QString problemKind(ProblemType type);
//! "Predicts one of several categories" style heading for a problem type.
QString problemTitle(ProblemType type);

//! One choice of "What matters most": a plain name, the metric, one line on it.
struct Objective
{
    QString name;      //!< "Correct predictions"
    Metric metric;
    QString line;      //!< "The share of rows it gets right."
};
//! The objectives that apply to a problem, the recommended one (defaultMetric) first.
std::vector<Objective> objectivesFor(ProblemType type);

//! One sentence defining a metric, for tooltips.
QString metricTip(Metric metric);
//! A metric value as a user reads it: percentages for shares, plain numbers otherwise.
QString metricValue(Metric metric, double value);

//! "Quick build", "Standard build", "Preview" from a build mode name in a spec.
QString modeTitle(const QString &modeName);
//! A duration in plain words: "45 s", "2 min", "1 h 5 min".
QString duration(double seconds);
//! Where a build computed, from the manifest's build settings: "CPU", "GPU", "GPU for
//! gradient-boosted trees; CPU for linear model", "CPU (no GPU could be used)".
QString compute(const QJsonObject &build);
//! How a classification model's probabilities came about, from its manifest: as its
//! models give them, or calibrated on the validation rows because the metric it was
//! built for does not judge them. Empty for regression.
QString probabilities(const QJsonObject &manifest);

} // namespace words
} // namespace easel
