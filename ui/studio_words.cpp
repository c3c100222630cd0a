#include "studio_words.h"

#include "format.h"

#include "automl/build.h"

#include <QJsonArray>
#include <QLocale>
#include <QStringList>

#include <cmath>

namespace easel::words {

QString family(const QString &family)
{
    if (family == QLatin1String("xgboost"))
        return QStringLiteral("Gradient-boosted trees");
    if (family == QLatin1String("random_forest"))
        return QStringLiteral("Random forest");
    if (family == QLatin1String("linear"))
        return QStringLiteral("Linear model");
    if (family == QLatin1String("mlp"))
        return QStringLiteral("Neural network");
    if (family == QLatin1String("ensemble"))
        return QStringLiteral("Ensemble of the best");
    QString s = family;
    s.replace(QLatin1Char('_'), QLatin1Char(' '));
    if (!s.isEmpty())
        s[0] = s[0].toUpper();
    return s;
}

namespace {

//! A parameter's value to three significant digits. Not fmt::number: it keeps at
//! most four decimals, so the search's l2 = 0.00104 would read as 0.001 like the
//! 0.001 beside it.
QString paramValue(double v)
{
    if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15)
        return fmt::count(qint64(v));  // 1500 trees, not 1.5e+03
    return QLocale::system().toString(v, 'g', 3);
}

QString jsonText(const QJsonValue &v)
{
    if (v.isDouble())
        return paramValue(v.toDouble());
    if (v.isArray()) {
        QStringList parts;
        for (const QJsonValue &x : v.toArray())
            parts << jsonText(x);
        return parts.join(QStringLiteral(", "));
    }
    if (v.isBool())
        return v.toBool() ? QStringLiteral("yes") : QStringLiteral("no");
    return v.toString();
}

} // namespace

QString trialSettings(const QString &family, const QJsonObject &params, int iterations)
{
    QStringList parts;
    const auto add = [&](const char *key, const QString &pattern) {
        const QJsonValue v = params.value(QLatin1String(key));
        if (!v.isUndefined() && !v.isNull())
            parts << pattern.arg(jsonText(v));
    };
    if (family == QLatin1String("xgboost")) {
        add("max_depth", QStringLiteral("depth %1"));
        add("learning_rate", QStringLiteral("learning rate %1"));
        if (iterations > 0)
            parts << QStringLiteral("%1 rounds").arg(fmt::count(iterations));
    } else if (family == QLatin1String("random_forest")) {
        add("max_depth", QStringLiteral("depth %1"));
        add("n_estimators", QStringLiteral("%1 trees"));
        add("colsample_bynode", QStringLiteral("%1 of columns per split"));
    } else if (family == QLatin1String("linear")) {
        add("l2", QStringLiteral("L2 penalty %1"));
    } else if (family == QLatin1String("mlp")) {
        const QJsonArray hidden = params.value(QStringLiteral("hidden")).toArray();
        if (!hidden.isEmpty()) {
            QStringList widths;
            for (const QJsonValue &w : hidden)
                widths << QString::number(w.toInt());
            parts << (hidden.size() == 1 ? QStringLiteral("1 layer of %1").arg(widths.front())
                                         : QStringLiteral("%1 layers (%2)").arg(hidden.size()).arg(widths.join(QStringLiteral("-"))));
        }
        add("dropout", QStringLiteral("dropout %1"));
        if (iterations > 0)
            parts << QStringLiteral("%1 epochs").arg(fmt::count(iterations));
    } else {
        for (auto it = params.begin(); it != params.end() && parts.size() < 3; ++it)
            parts << QStringLiteral("%1 %2").arg(it.key(), jsonText(it.value()));
    }
    return parts.join(QStringLiteral(" · "));
}

QString trialSettingsTip(const QJsonObject &params)
{
    if (params.isEmpty())
        return {};
    QStringList lines;
    for (auto it = params.begin(); it != params.end(); ++it)
        lines << QStringLiteral("%1 = %2").arg(it.key(), jsonText(it.value()));
    return lines.join(QLatin1Char('\n'));
}

QString trialStatus(const QString &status)
{
    if (status == trial_status::Finished)
        return QStringLiteral("done");
    if (status == trial_status::Pruned)
        return QStringLiteral("stopped early (not promising)");
    if (status == trial_status::OutOfTime)
        return QStringLiteral("stopped: would not finish in time");
    if (status == trial_status::CutShort)
        return QStringLiteral("cut short by the time limit");
    return status;
}

QString seedNote(int maxCandidates, bool timeLimited)
{
    if (maxCandidates > 0 && !timeLimited)
        return QStringLiteral("the same data, seed and number of threads give the same leaderboard");
    if (timeLimited)
        return QStringLiteral("the time limit ended this build, so a rerun may try other candidates; "
                              "limit the candidates for the same leaderboard every time");
    return QStringLiteral("a rerun may differ a little where the time left decided what to try; "
                          "limit the candidates for the same leaderboard every time");
}

QString problemKind(ProblemType type)
{
    switch (type) {
    case ProblemType::Binary: return QStringLiteral("yes/no");
    case ProblemType::Multiclass: return QStringLiteral("one of several categories");
    case ProblemType::Regression: return QStringLiteral("a number");
    }
    return {};
}

QString problemTitle(ProblemType type)
{
    switch (type) {
    case ProblemType::Binary: return QStringLiteral("Two outcomes (yes/no)");
    case ProblemType::Multiclass: return QStringLiteral("One of several categories");
    case ProblemType::Regression: return QStringLiteral("A number");
    }
    return {};
}

std::vector<Objective> objectivesFor(ProblemType type)
{
    std::vector<Objective> all;
    if (type == ProblemType::Regression) {
        all = {
            {QStringLiteral("Typical error"), Metric::Rmse,
             QStringLiteral("Keep the typical error small; big misses count extra.")},
            {QStringLiteral("Average error"), Metric::Mae,
             QStringLiteral("Keep the average size of a miss small; every miss counts the same.")},
            {QStringLiteral("Percentage error"), Metric::Mape,
             QStringLiteral("Keep misses small relative to the actual value.")},
            {QStringLiteral("Variation explained"), Metric::R2,
             QStringLiteral("Explain as much of the ups and downs of the target as possible.")},
        };
    } else {
        all = {
            {QStringLiteral("Correct predictions"), Metric::Accuracy,
             QStringLiteral("Get as many rows right as possible.")},
            {QStringLiteral("Ranking positives first"), Metric::Auc,
             QStringLiteral("Sort the rows so the real yes cases come first, whatever the cut-off.")},
            {QStringLiteral("Catching positives"), Metric::Recall,
             QStringLiteral("Miss as few real yes cases as possible, even at the cost of false alarms.")},
            {QStringLiteral("Balanced"), type == ProblemType::Binary ? Metric::F1 : Metric::MacroF1,
             QStringLiteral("Weigh false alarms and misses evenly, so rare outcomes count too.")},
            {QStringLiteral("Balanced"), Metric::BalancedAccuracy,
             QStringLiteral("Weigh false alarms and misses evenly, so rare outcomes count too.")},
            {QStringLiteral("Confident probabilities"), Metric::LogLoss,
             QStringLiteral("Give probabilities you can trust, not just the right answer.")},
        };
    }
    std::vector<Objective> out;
    const Metric recommended = defaultMetric(type);
    for (const Objective &o : all) {
        if (!metricApplies(o.metric, type))
            continue;
        bool duplicate = false;  // one "Balanced" per problem
        for (const Objective &seen : out)
            duplicate |= seen.name == o.name;
        if (duplicate)
            continue;
        if (o.metric == recommended)
            out.insert(out.begin(), o);
        else
            out.push_back(o);
    }
    return out;
}

QString metricTip(Metric metric)
{
    switch (metric) {
    case Metric::Auc:
        return QStringLiteral("How often the model ranks a random real yes above a random real no; 1 is perfect, "
                              "0.5 is guessing.");
    case Metric::Accuracy: return QStringLiteral("The share of rows the model predicts correctly.");
    case Metric::BalancedAccuracy:
        return QStringLiteral("The share found of each outcome, averaged, so a rare outcome counts as much as a "
                              "common one.");
    case Metric::F1:
        return QStringLiteral("A balance of precision and recall in one number; 1 is perfect.");
    case Metric::Precision: return QStringLiteral("When the model says yes, how often it is right.");
    case Metric::Recall: return QStringLiteral("Of the real yes cases, the share the model finds.");
    case Metric::LogLoss:
        return QStringLiteral("How confident and correct the probabilities are; lower is better and 0 is perfect.");
    case Metric::MacroF1:
        return QStringLiteral("The balance of precision and recall worked out per category and averaged, so every "
                              "category counts the same.");
    case Metric::Rmse:
        return QStringLiteral("The typical size of a miss, in the target's own units; big misses count extra.");
    case Metric::Mae: return QStringLiteral("The average size of a miss, in the target's own units.");
    case Metric::R2:
        return QStringLiteral("The share of the target's variation the model explains; 1 is perfect, 0 is no "
                              "better than always guessing the average.");
    case Metric::Mape: return QStringLiteral("The average miss as a percentage of the actual value.");
    }
    return {};
}

QString metricValue(Metric metric, double value)
{
    if (!std::isfinite(value))
        return QStringLiteral("—");
    const QLocale locale = QLocale::system();
    switch (metric) {
    case Metric::Accuracy:
    case Metric::BalancedAccuracy:
    case Metric::Precision:
    case Metric::Recall:
    case Metric::Mape:
        return fmt::percent(value);
    case Metric::Auc:
    case Metric::F1:
    case Metric::MacroF1:
    case Metric::LogLoss:
    case Metric::R2:
        return locale.toString(value, 'f', 3);
    case Metric::Rmse:
    case Metric::Mae:
        return fmt::number(value);
    }
    return fmt::number(value);
}

QString modeTitle(const QString &modeName)
{
    if (modeName == QLatin1String("preview"))
        return QStringLiteral("Preview");
    if (modeName == QLatin1String("standard"))
        return QStringLiteral("Standard build");
    return QStringLiteral("Quick build");
}

QString compute(const QJsonObject &build)
{
    if (!build.value(QStringLiteral("use_gpu")).toBool())
        return QStringLiteral("CPU");
    // Models built before the families on the GPU were recorded: what was asked for.
    if (!build.contains(QStringLiteral("gpu_families")))
        return QStringLiteral("GPU");
    const auto names = [&build](const char *key) {
        QStringList out;
        for (const QJsonValue &v : build.value(QLatin1String(key)).toArray())
            out << family(v.toString()).toLower();
        return out;
    };
    const QStringList gpu = names("gpu_families"), cpu = names("cpu_families");
    if (gpu.isEmpty())
        return QStringLiteral("CPU (no GPU could be used)");
    if (cpu.isEmpty())
        return QStringLiteral("GPU");
    return QStringLiteral("GPU for %1; CPU for %2").arg(gpu.join(QStringLiteral(", ")), cpu.join(QStringLiteral(", ")));
}

QString duration(double seconds)
{
    if (!std::isfinite(seconds) || seconds < 0)
        return QStringLiteral("—");
    if (seconds < 1)
        return QStringLiteral("under a second");
    if (seconds < 90)
        return QStringLiteral("%1 s").arg(qRound(seconds));
    const int minutes = qRound(seconds / 60.0);
    if (minutes < 60)
        return QStringLiteral("%1 min").arg(minutes);
    return QStringLiteral("%1 h %2 min").arg(minutes / 60).arg(minutes % 60);
}

QString probabilities(const QJsonObject &manifest)
{
    if (manifest.value(QStringLiteral("problem_type")).toString() == QLatin1String("regression"))
        return {};
    if (!manifest.value(QStringLiteral("calibration")).toObject().isEmpty()) {
        Metric metric = Metric::Auc;
        metricFromName(manifest.value(QStringLiteral("metric")).toString(), &metric);
        return QStringLiteral("Adjusted on the validation rows, so that 70 % means right about 7 times in 10 (%1 "
                              "alone does not check that)").arg(metricLabel(metric));
    }
    return QStringLiteral("As the models give them");
}

} // namespace easel::words
