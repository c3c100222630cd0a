// easel-cli explain: the column impact stored in a bundle, or measured again on a file.
#include "cli_commands.h"

#include "automl/trainer_registry.h"
#include "data/csv_reader.h"
#include "explain/explain.h"
#include "model/bundle.h"
#include "model/predictor.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>

namespace easel::cli {

namespace {

void print(const QString &text) { std::fputs(text.toUtf8().constData(), stdout); }
void printErr(const QString &text) { std::fputs(text.toUtf8().constData(), stderr); }

int failWith(const Error &e)
{
    printErr(QStringLiteral("easel-cli: %1\n").arg(e.toString()));
    switch (e.code) {
    case ErrorCode::NotFound:
    case ErrorCode::PermissionDenied:
    case ErrorCode::NotAFile: return ExitNotFound;
    case ErrorCode::Canceled: return ExitCanceled;
    case ErrorCode::Internal: return ExitFailure;
    default: return ExitBadInput;
    }
}

} // namespace

int runExplain(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Show how much each column drives a model's predictions."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("MODEL"), QStringLiteral("The model bundle (.easel)."));
    parser.addOptions({
        {QStringLiteral("data"),
         QStringLiteral("Measure the impact again on this CSV file (it must hold the target column)."),
         QStringLiteral("FILE")},
        {QStringLiteral("repeats"), QStringLiteral("With --data: shuffles per column (default 3)."), QStringLiteral("N")},
        {QStringLiteral("json"), QStringLiteral("Print JSON on stdout.")},
    });
    QStringList full = args;
    full.prepend(QStringLiteral("easel-cli explain"));
    if (!parser.parse(full)) {
        printErr(QStringLiteral("easel-cli: %1\n").arg(parser.errorText()));
        return ExitUsage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        print(parser.helpText());
        return ExitOk;
    }
    if (parser.positionalArguments().size() != 1) {
        printErr(QStringLiteral("easel-cli: explain takes one MODEL.easel. Try 'easel-cli explain --help'.\n"));
        return ExitUsage;
    }
    const QString modelPath = parser.positionalArguments().constFirst();
    Result<ModelBundle> bundle = ModelBundle::load(modelPath);
    if (!bundle)
        return failWith(bundle.error());
    const QJsonObject &manifest = bundle->manifest;

    ImpactReport report;
    QString source;
    if (parser.isSet(QStringLiteral("data"))) {
        TrainerRegistry registry;
        registry.discover();
        Result<std::unique_ptr<Predictor>> predictor = Predictor::open(*bundle, registry);
        if (!predictor)
            return failWith(Error{predictor.error().code, predictor.error().message, modelPath});
        const QString file = parser.value(QStringLiteral("data"));
        TaskContext ctx;
        Result<CsvImport> import = readCsv(file, {}, &ctx);
        if (!import)
            return failWith(import.error());
        ExplainOptions options;
        if (parser.isSet(QStringLiteral("repeats"))) {
            bool ok = false;
            options.repeats = parser.value(QStringLiteral("repeats")).toInt(&ok);
            if (!ok || options.repeats < 1) {
                printErr(QStringLiteral("easel-cli: --repeats takes a whole number above 0.\n"));
                return ExitUsage;
            }
        }
        Result<ImpactReport> measured = explainGlobal(**predictor, *import->table, options, &ctx);
        if (!measured)
            return failWith(Error{measured.error().code, measured.error().message, file});
        report = *measured;
        source = QStringLiteral("measured on %1 rows of %2").arg(report.rows).arg(file);
    } else {
        report = ImpactReport::fromJson(manifest.value(QStringLiteral("column_impact")).toArray());
        report.method = manifest.value(QStringLiteral("column_impact_method")).toString();
        report.metric = manifest.value(QStringLiteral("metric")).toString();
        source = QStringLiteral("stored in the model at build time");
    }

    if (parser.isSet(QStringLiteral("json"))) {
        QJsonObject o{{QStringLiteral("target"), manifest.value(QStringLiteral("target"))},
                      {QStringLiteral("metric"), report.metric},
                      {QStringLiteral("source"), parser.isSet(QStringLiteral("data")) ? QStringLiteral("data")
                                                                                        : QStringLiteral("bundle")},
                      {QStringLiteral("method"), report.method},
                      {QStringLiteral("column_impact"), report.toJson()}};
        if (parser.isSet(QStringLiteral("data")))
            o.insert(QStringLiteral("rows"), qint64(report.rows));
        print(QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Indented)));
        return ExitOk;
    }
    if (report.columns.empty()) {
        print(QStringLiteral("This model stores no column impact. Run 'easel-cli explain %1 --data TRAINING.csv' to "
                             "measure it.\n")
                  .arg(modelPath));
        return ExitOk;
    }
    print(QStringLiteral("What drives the predictions of %1 (%2)\n\n")
              .arg(manifest.value(QStringLiteral("target")).toString(), source));
    for (const ColumnImpactEntry &c : report.columns) {
        QString line = QStringLiteral("  %1 %2 %").arg(c.column, -24).arg(c.percent, 5, 'f', 1);
        if (c.direction != 0)
            line += QStringLiteral("   %1").arg(c.directionText());
        print(line + QLatin1Char('\n'));
    }
    if (!report.method.isEmpty())
        print(QStringLiteral("\n%1\n").arg(report.method));
    return ExitOk;
}

} // namespace easel::cli
