// easel-cli build (predict lives in cli_predict.cpp).
#include "cli_commands.h"
#include "cli_support.h"

#include "automl/build.h"
#include "automl/trainer_registry.h"
#include "data/csv_reader.h"
#include "model/bundle.h"
#include "model/predictor.h"
#include "store/build_store.h"
#include "store/library.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>
#include <cstdio>
#include <unistd.h>

namespace easel::cli {

namespace {

//! Data that cannot make a model exits with ExitCannotBuild.
int failBuild(const Error &e) { return fail(e, {{ErrorCode::InvalidArgument, ExitCannotBuild}}); }

QJsonValue number(double v) { return std::isfinite(v) ? QJsonValue(v) : QJsonValue(); }

} // namespace

int runBuild(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Train and compare models on a CSV file and save the best as a bundle."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("The training CSV file."));
    parser.addOptions({
        {QStringLiteral("target"), QStringLiteral("The column to predict."), QStringLiteral("COLUMN")},
        {QStringLiteral("out"), QStringLiteral("Where to save the model bundle (.easel)."), QStringLiteral("MODEL")},
        {QStringLiteral("mode"), QStringLiteral("preview, quick (default) or standard."), QStringLiteral("MODE"),
         QStringLiteral("quick")},
        {QStringLiteral("time-limit"), QStringLiteral("Time budget in seconds (default: 10 / 120 / 900 by mode)."),
         QStringLiteral("SECONDS")},
        {QStringLiteral("max-candidates"),
         QStringLiteral("Stop after this many candidate models (default: no limit). With a time limit long enough, "
                        "the same seed then gives the same leaderboard on any machine."),
         QStringLiteral("N")},
        {QStringLiteral("drop"), QStringLiteral("Comma-separated columns to leave out."), QStringLiteral("COLUMNS")},
        {QStringLiteral("metric"),
         QStringLiteral("What to optimise: auc, accuracy, balanced_accuracy, f1, precision, recall, log_loss, "
                        "macro_f1, rmse, mae, r2, mape."),
         QStringLiteral("NAME")},
        {QStringLiteral("problem-type"), QStringLiteral("binary, multiclass or regression (default: detected)."),
         QStringLiteral("TYPE")},
        {QStringLiteral("seed"), QStringLiteral("Random seed (default 0)."), QStringLiteral("N"), QStringLiteral("0")},
        {QStringLiteral("threads"), QStringLiteral("Threads (default: one per core)."), QStringLiteral("N")},
        {QStringLiteral("families"), QStringLiteral("Comma-separated model families to try (default: all)."),
         QStringLiteral("LIST")},
        {QStringLiteral("gpu"), QStringLiteral("Use the GPU where a trainer supports it.")},
        {QStringLiteral("json"), QStringLiteral("Print a JSON summary on stdout.")},
        {QStringLiteral("library"), QStringLiteral("Record the build in this library file."), QStringLiteral("PATH")},
    });
    int code = ExitOk;
    if (!parseCommandLine(parser, QStringLiteral("build"), args, &code))
        return code;
    if (parser.positionalArguments().size() != 1)
        return usageError(QStringLiteral("build takes one FILE. Try 'easel-cli build --help'."));
    if (!parser.isSet(QStringLiteral("target")))
        return usageError(QStringLiteral("say which column to predict with --target COLUMN."));
    if (!parser.isSet(QStringLiteral("out")))
        return usageError(QStringLiteral("say where to save the model with --out MODEL.easel."));

    BuildSpec spec;
    spec.target = parser.value(QStringLiteral("target"));
    if (!buildModeFromName(parser.value(QStringLiteral("mode")), &spec.mode))
        return usageError(QStringLiteral("--mode takes preview, quick or standard."));
    if (parser.isSet(QStringLiteral("time-limit"))) {
        bool ok = false;
        spec.timeLimitSeconds = parser.value(QStringLiteral("time-limit")).toDouble(&ok);
        if (!ok || spec.timeLimitSeconds <= 0)
            return usageError(QStringLiteral("--time-limit takes a number of seconds above 0."));
    }
    if (parser.isSet(QStringLiteral("max-candidates"))) {
        bool ok = false;
        spec.maxCandidates = parser.value(QStringLiteral("max-candidates")).toInt(&ok);
        if (!ok || spec.maxCandidates <= 0)
            return usageError(QStringLiteral("--max-candidates takes a whole number above 0."));
    }
    if (parser.isSet(QStringLiteral("drop")))
        spec.dropped = parser.value(QStringLiteral("drop")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    if (parser.isSet(QStringLiteral("metric"))) {
        Metric m;
        if (!metricFromName(parser.value(QStringLiteral("metric")), &m))
            return usageError(QStringLiteral("unknown metric '%1'. See 'easel-cli build --help'.")
                             .arg(parser.value(QStringLiteral("metric"))));
        spec.metric = m;
    }
    if (parser.isSet(QStringLiteral("problem-type"))) {
        ProblemType p;
        if (!problemTypeFromName(parser.value(QStringLiteral("problem-type")), &p))
            return usageError(QStringLiteral("--problem-type takes binary, multiclass or regression."));
        spec.problem = p;
    }
    bool ok = false;
    spec.seed = parser.value(QStringLiteral("seed")).toULongLong(&ok);
    if (!ok)
        return usageError(QStringLiteral("--seed takes a whole number of 0 or more."));
    if (parser.isSet(QStringLiteral("threads"))) {
        spec.threads = parser.value(QStringLiteral("threads")).toInt(&ok);
        if (!ok || spec.threads < 0)
            return usageError(QStringLiteral("--threads takes a whole number of 0 or more."));
    }
    if (parser.isSet(QStringLiteral("families")))
        spec.families = parser.value(QStringLiteral("families")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    spec.useGpu = parser.isSet(QStringLiteral("gpu"));
    const QString file = parser.positionalArguments().constFirst();
    const QString outPath = parser.value(QStringLiteral("out"));

    QElapsedTimer timer;
    timer.start();
    TaskContext ctx(terminalProgress());
    InterruptGuard guard(&ctx);

    // The data set goes into the library (recognised if already there) so the
    // build and its trials are recorded with it; a library that cannot be
    // opened only costs the record, not the build.
    // Reading the data has its own progress; Ctrl+C on ctx still stops it.
    TaskContext readContext(terminalProgress());
    readContext.setParent(&ctx);
    std::unique_ptr<Library> library;
    std::unique_ptr<BuildStore> store;
    qint64 datasetId = -1;
    std::shared_ptr<Table> tablePtr;
    {
        const QString libraryPath = parser.isSet(QStringLiteral("library")) ? parser.value(QStringLiteral("library"))
                                                                             : Library::defaultPath();
        Result<std::unique_ptr<Library>> opened = Library::open(libraryPath);
        if (opened) {
            library = std::move(*opened);
            Result<Library::ImportOutcome> outcome = library->importCsv(file, {}, {}, &readContext);
            if (!outcome)
                return failBuild(outcome.error());
            datasetId = outcome->record.id;
            Result<std::shared_ptr<Table>> loaded = library->loadTable(datasetId, &readContext);
            if (!loaded)
                return failBuild(loaded.error());
            tablePtr = *loaded;
            store = std::make_unique<BuildStore>(*library);
            (void)store->markInterrupted();
        } else {
            err(QStringLiteral("easel-cli: warning: the build will not be recorded: %1\n").arg(opened.error().toString()));
            Result<CsvImport> import = readCsv(file, {}, &readContext);
            if (!import)
                return failBuild(import.error());
            tablePtr = import->table;
        }
    }
    const Table &table = *tablePtr;
    if (table.indexOf(spec.target) < 0) {
        QStringList names;
        for (const Column &c : table.columns())
            names << c.name();
        return failBuild(Error{ErrorCode::InvalidArgument,
                          QStringLiteral("there is no column named '%1'. The columns are: %2.")
                              .arg(spec.target, names.join(QStringLiteral(", "))),
                          file});
    }
    for (const QString &d : spec.dropped)
        if (table.indexOf(d) < 0)
            return failBuild(Error{ErrorCode::InvalidArgument,
                              QStringLiteral("--drop names '%1', which is not a column of this file.").arg(d), file});

    TrainerRegistry registry;
    registry.discover();
    qint64 buildId = -1;
    if (store) {
        Result<qint64> created = store->createBuild(datasetId, spec.toJson());
        if (created)
            buildId = *created;
    }
    BuildObserver observer;
    const bool tty = isatty(STDERR_FILENO);
    Metric metricForRecords = spec.metric.value_or(Metric::Rmse);
    if (Result<TargetInfo> t = spec.problem ? targetAs(table, spec.target, *spec.problem)
                                            : detectTarget(table, spec.target))
        metricForRecords = spec.metric.value_or(defaultMetric(t->problem));
    observer.log = [&](const QString &line) {
        err((tty ? QStringLiteral("\r\033[K") : QString()) + line + QLatin1Char('\n'));
        if (buildId > 0)
            (void)store->appendLog(buildId, line);
    };
    observer.trialFinished = [&](const TrialRecord &t) {
        if (buildId > 0)
            (void)store->addTrial(buildId, {-1, buildId, t.family, t.params, t.score, metricName(metricForRecords),
                                            t.seconds, t.status});
    };
    Result<BuildResult> result = runBuild(table, spec, registry, &ctx, observer);
    if (!result) {
        if (buildId > 0)
            (void)store->finishBuild(buildId, result.error().code == ErrorCode::Canceled ? QStringLiteral("canceled")
                                                                                          : QStringLiteral("failed"));
        return failBuild(result.error());
    }
    if (Status s = result->bundle.save(outPath); !s) {
        if (buildId > 0)
            (void)store->finishBuild(buildId, QStringLiteral("failed"));
        return failBuild(s.error());
    }
    if (buildId > 0) {
        QJsonObject summary = result->bundle.manifest;
        summary.remove(QStringLiteral("pipelines"));
        (void)store->addModel(buildId, QFileInfo(outPath).absoluteFilePath(), summary);
        (void)store->finishBuild(buildId, result->canceled ? QStringLiteral("canceled") : QStringLiteral("finished"),
                                 QJsonObject{{QStringLiteral("seconds"), result->seconds},
                                             {QStringLiteral("trials"), int(result->trials.size())}});
    }
    if (result->canceled)
        err(QStringLiteral("Stopped: saved the best model so far.\n"));

    const BuildResult &r = *result;
    if (parser.isSet(QStringLiteral("json"))) {
        QJsonArray board;
        for (const TrialRecord &t : r.leaderboard)
            board.append(QJsonObject{{QStringLiteral("id"), t.id},
                                     {QStringLiteral("family"), t.family},
                                     {QStringLiteral("score"), number(t.score)},
                                     {QStringLiteral("seconds"), t.seconds},
                                     {QStringLiteral("iterations"), t.iterations},
                                     {QStringLiteral("status"), t.status},
                                     {QStringLiteral("params"), t.params}});
        QJsonArray impact;
        for (const ColumnImpact &c : r.impact)
            impact.append(QJsonObject{{QStringLiteral("column"), c.column}, {QStringLiteral("percent"), c.percent}});
        QJsonArray dropped;
        for (const DroppedColumn &d : r.droppedColumns)
            dropped.append(QJsonObject{{QStringLiteral("column"), d.column}, {QStringLiteral("reason"), d.reason}});
        const QJsonObject summary{
            {QStringLiteral("problem_type"), problemTypeName(r.target.problem)},
            {QStringLiteral("problem_reason"), r.target.reason},
            {QStringLiteral("class_labels"), QJsonArray::fromStringList(r.target.classLabels)},
            {QStringLiteral("metric"), metricName(r.metric)},
            {QStringLiteral("validation_score"), number(r.ensembleScore)},
            {QStringLiteral("best_single_score"), number(r.bestSingleScore)},
            {QStringLiteral("validation"), r.validationMetrics},
            {QStringLiteral("threshold"), r.threshold},
            {QStringLiteral("leaderboard"), board},
            {QStringLiteral("trials"), int(r.trials.size())},
            {QStringLiteral("column_impact"), impact},
            {QStringLiteral("dropped_columns"), dropped},
            {QStringLiteral("seconds"), timer.nsecsElapsed() / 1e9},
            {QStringLiteral("build_seconds"), r.seconds},
            {QStringLiteral("canceled"), r.canceled},
            {QStringLiteral("time_limited"), r.timeLimited},
            {QStringLiteral("model"), QFileInfo(outPath).absoluteFilePath()},
        };
        out(QString::fromUtf8(QJsonDocument(summary).toJson(QJsonDocument::Indented)));
        return ExitOk;
    }
    out(QStringLiteral("%1\n").arg(r.target.reason));
    out(QStringLiteral("%1 (%2 = %3 on rows the models did not train on)\n")
            .arg(metricHeadline(r.metric, r.ensembleScore, r.target.column), metricLabel(r.metric))
            .arg(r.ensembleScore, 0, 'g', 4));
    out(QStringLiteral("\nCandidates (best first)\n"));
    int shown = 0;
    for (const TrialRecord &t : r.leaderboard) {
        if (++shown > 10)
            break;
        out(QStringLiteral("  %1  %2  %3  %4 s\n")
                .arg(t.id, 3)
                .arg(t.family, -14)
                .arg(QString::number(t.score, 'g', 5), 10)
                .arg(t.seconds, 6, 'f', 1));
    }
    if (!r.impact.empty()) {
        out(QStringLiteral("\nColumn impact\n"));
        for (size_t i = 0; i < r.impact.size() && i < 10; ++i)
            out(QStringLiteral("  %1  %2 %\n").arg(r.impact[i].column, -24).arg(r.impact[i].percent, 5, 'f', 1));
    }
    for (const DroppedColumn &d : r.droppedColumns)
        out(QStringLiteral("Left out %1: %2\n").arg(d.column, d.reason));
    out(QStringLiteral("\nSaved %1\n").arg(outPath));
    return ExitOk;
}

} // namespace easel::cli
