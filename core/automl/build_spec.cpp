#include "automl/build.h"

#include <QJsonArray>

#include <algorithm>

namespace easel {

QString buildModeName(BuildMode mode)
{
    switch (mode) {
    case BuildMode::Preview: return QStringLiteral("preview");
    case BuildMode::Quick: return QStringLiteral("quick");
    case BuildMode::Standard: return QStringLiteral("standard");
    }
    return QStringLiteral("quick");
}

bool buildModeFromName(const QString &name, BuildMode *mode)
{
    for (BuildMode m : {BuildMode::Preview, BuildMode::Quick, BuildMode::Standard}) {
        if (buildModeName(m) == name) {
            *mode = m;
            return true;
        }
    }
    return false;
}

double defaultTimeLimit(BuildMode mode)
{
    switch (mode) {
    case BuildMode::Preview: return 10;
    case BuildMode::Quick: return 120;
    case BuildMode::Standard: return 900;
    }
    return 120;
}

QJsonObject BuildSpec::toJson() const
{
    QJsonObject o{{QStringLiteral("target"), target},
                  {QStringLiteral("dropped"), QJsonArray::fromStringList(dropped)},
                  {QStringLiteral("mode"), buildModeName(mode)},
                  {QStringLiteral("time_limit"), timeLimitSeconds > 0 ? timeLimitSeconds : defaultTimeLimit(mode)},
                  {QStringLiteral("seed"), QString::number(seed)},
                  {QStringLiteral("threads"), threads},
                  {QStringLiteral("use_gpu"), useGpu},
                  {QStringLiteral("families"), QJsonArray::fromStringList(families)},
                  {QStringLiteral("folds"), folds},
                  {QStringLiteral("holdout_above_rows"), qint64(holdoutAboveRows)}};
    if (maxCandidates > 0)
        o.insert(QStringLiteral("max_candidates"), maxCandidates);
    if (problem)
        o.insert(QStringLiteral("problem_type"), problemTypeName(*problem));
    if (metric)
        o.insert(QStringLiteral("metric"), metricName(*metric));
    return o;
}

Result<BuildSpec> BuildSpec::fromJson(const QJsonObject &o)
{
    BuildSpec s;
    s.target = o.value(QStringLiteral("target")).toString();
    for (const QJsonValue &v : o.value(QStringLiteral("dropped")).toArray())
        s.dropped << v.toString();
    if (!buildModeFromName(o.value(QStringLiteral("mode")).toString(QStringLiteral("quick")), &s.mode))
        return Result<BuildSpec>::failure(ErrorCode::InvalidArgument, QStringLiteral("Unknown build mode."));
    s.timeLimitSeconds = o.value(QStringLiteral("time_limit")).toDouble();
    s.seed = o.value(QStringLiteral("seed")).toString().toULongLong();
    s.threads = o.value(QStringLiteral("threads")).toInt();
    s.useGpu = o.value(QStringLiteral("use_gpu")).toBool();
    for (const QJsonValue &v : o.value(QStringLiteral("families")).toArray())
        s.families << v.toString();
    s.folds = o.value(QStringLiteral("folds")).toInt(0);
    s.holdoutAboveRows = size_t(o.value(QStringLiteral("holdout_above_rows")).toInteger(50000));
    s.maxCandidates = std::max(0, o.value(QStringLiteral("max_candidates")).toInt(0));
    if (o.contains(QStringLiteral("problem_type"))) {
        ProblemType p;
        if (!problemTypeFromName(o.value(QStringLiteral("problem_type")).toString(), &p))
            return Result<BuildSpec>::failure(ErrorCode::InvalidArgument, QStringLiteral("Unknown problem type."));
        s.problem = p;
    }
    if (o.contains(QStringLiteral("metric"))) {
        Metric m;
        if (!metricFromName(o.value(QStringLiteral("metric")).toString(), &m))
            return Result<BuildSpec>::failure(ErrorCode::InvalidArgument, QStringLiteral("Unknown metric."));
        s.metric = m;
    }
    return s;
}

QJsonObject TrialRecord::toJson() const
{
    return QJsonObject{{QStringLiteral("id"), id},
                       {QStringLiteral("family"), family},
                       {QStringLiteral("params"), params},
                       {QStringLiteral("score"), std::isnan(score) ? QJsonValue() : QJsonValue(score)},
                       {QStringLiteral("seconds"), seconds},
                       {QStringLiteral("iterations"), iterations},
                       {QStringLiteral("status"), status},
                       {QStringLiteral("message"), message}};
}

} // namespace easel
