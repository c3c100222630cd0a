// easel-cli predict: one row (--row JSON) or a whole CSV file, streamed.
#include "cli_commands.h"
#include "cli_support.h"

#include "automl/trainer_registry.h"
#include "model/batch_predict.h"
#include "model/bundle.h"
#include "model/predictor.h"
#include "model/row_input.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>
#include <cstdio>

namespace easel::cli {

namespace {

//! Input the model cannot score is refused input here.
int failPredict(const Error &e)
{
    return fail(e, {{ErrorCode::InvalidArgument, ExitBadInput}, {ErrorCode::Unsupported, ExitBadInput}});
}

QString plain(const QString &text)
{
    QString t = text;
    return t.remove(QLatin1Char('*'));
}

QString num(double v) { return QString::number(v, 'g', 4); }

int predictOneRow(const Predictor &predictor, const QString &json, bool asJson, bool explain)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json.toUtf8(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject())
        return usageError(QStringLiteral("--row takes a JSON object such as '{\"age\": \"42\", \"city\": \"Lyon\"}' (%1).")
                         .arg(parseError.error != QJsonParseError::NoError ? parseError.errorString()
                                                                           : QStringLiteral("not an object")));
    RowOptions options;
    options.explain = explain;
    Result<RowPrediction> p = predictRow(predictor, doc.object(), options);
    if (!p)
        return failPredict(p.error());
    if (asJson) {
        out(QString::fromUtf8(QJsonDocument(p->toJson()).toJson(QJsonDocument::Indented)));
        return ExitOk;
    }
    if (predictor.problem() == ProblemType::Regression) {
        out(QStringLiteral("Prediction: %1 = %2\n").arg(predictor.target(), p->label));
    } else {
        out(QStringLiteral("Prediction: %1 = %2 (probability %3)\n").arg(predictor.target(), p->label, num(p->value)));
        QStringList probs;
        for (qsizetype k = 0; k < p->classLabels.size(); ++k)
            probs << QStringLiteral("%1 %2").arg(p->classLabels[k], num(p->probabilities[size_t(k)]));
        out(QStringLiteral("Probabilities: %1\n").arg(probs.join(QStringLiteral(" · "))));
    }
    if (p->explanation) {
        const RowExplanation &e = *p->explanation;
        const QString of = e.explainedClass >= 0 ? QStringLiteral("probability of %1").arg(e.explainedLabel)
                                                 : QStringLiteral("prediction");
        out(QStringLiteral("\nWhy: a typical row gets a %1 of %2; this one %3.%4\n")
                .arg(of, num(e.baseline), num(e.prediction),
                     e.exact ? QString() : QStringLiteral(" (approximate for the neural network)")));
        for (const QString &s : e.sentences(8))
            out(QStringLiteral("  %1\n").arg(plain(s)));
    }
    for (const QString &w : p->warnings)
        err(QStringLiteral("Warning: %1\n").arg(plain(w)));
    return ExitOk;
}

} // namespace

int runPredict(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Predict every row of a CSV file with a model bundle, or one row given as JSON."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("MODEL"), QStringLiteral("The model bundle (.easel)."));
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("The CSV file to score (not with --row)."));
    parser.addOptions({
        {QStringLiteral("out"), QStringLiteral("Where to write the predictions (CSV)."), QStringLiteral("OUTPUT")},
        {QStringLiteral("row"), QStringLiteral("One row to predict, as a JSON object {\"column\": \"value\", …}."),
         QStringLiteral("JSON")},
        {QStringLiteral("no-explain"), QStringLiteral("With --row: skip the explanation.")},
        {QStringLiteral("chunk-rows"), QStringLiteral("Rows scored at a time (default 50000)."), QStringLiteral("N")},
        {QStringLiteral("json"), QStringLiteral("Print a JSON summary on stdout.")},
    });
    int code = ExitOk;
    if (!parseCommandLine(parser, QStringLiteral("predict"), args, &code))
        return code;
    const QStringList positional = parser.positionalArguments();
    const bool oneRow = parser.isSet(QStringLiteral("row"));
    if (oneRow ? positional.size() != 1 : positional.size() != 2)
        return usageError(QStringLiteral("predict takes MODEL.easel and FILE --out OUTPUT.csv, or MODEL.easel --row JSON. "
                                    "Try 'easel-cli predict --help'."));
    if (!oneRow && !parser.isSet(QStringLiteral("out")))
        return usageError(QStringLiteral("say where to write the predictions with --out OUTPUT.csv."));
    BatchOptions batch;
    if (parser.isSet(QStringLiteral("chunk-rows"))) {
        bool ok = false;
        batch.chunkRows = parser.value(QStringLiteral("chunk-rows")).toULongLong(&ok);
        if (!ok || batch.chunkRows == 0)
            return usageError(QStringLiteral("--chunk-rows takes a whole number above 0."));
    }
    const QString modelPath = positional.at(0);
    const bool asJson = parser.isSet(QStringLiteral("json"));

    Result<ModelBundle> bundle = ModelBundle::load(modelPath);
    if (!bundle)
        return failPredict(bundle.error());
    TrainerRegistry registry;
    registry.discover();
    Result<std::unique_ptr<Predictor>> opened = Predictor::open(*bundle, registry);
    if (!opened)
        return failPredict(Error{opened.error().code, opened.error().message, modelPath});
    const Predictor &predictor = **opened;
    if (oneRow)
        return predictOneRow(predictor, parser.value(QStringLiteral("row")), asJson,
                             !parser.isSet(QStringLiteral("no-explain")));

    const QString file = positional.at(1);
    const QString outPath = parser.value(QStringLiteral("out"));
    TaskContext ctx(terminalProgress());
    InterruptGuard guard(&ctx);
    batch.onDrift = [](const DriftReport &drift) {
        for (const QString &w : drift.warnings)
            err(QStringLiteral("Warning: %1\n").arg(plain(w)));
    };
    Result<BatchReport> report = predictCsv(predictor, file, outPath, batch, &ctx);
    if (!report)
        return failPredict(report.error());
    for (const QString &w : report->warnings)
        if (!report->drift.warnings.contains(w))
            err(QStringLiteral("Warning: %1\n").arg(plain(w)));

    if (asJson) {
        QJsonObject o = report->toJson();
        o.insert(QStringLiteral("out"), QFileInfo(outPath).absoluteFilePath());
        out(QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Indented)));
        return ExitOk;
    }
    out(QStringLiteral("Predicted %1 rows into %2\n").arg(report->rows).arg(outPath));
    if (report->hasActual && !report->metricsAgainstActual.isEmpty()) {
        out(QStringLiteral("The file holds the actual %1 too (%2 rows):\n").arg(predictor.target()).arg(report->actualRows));
        for (auto it = report->metricsAgainstActual.begin(); it != report->metricsAgainstActual.end(); ++it)
            out(QStringLiteral("  %1  %2\n").arg(it.key(), -18).arg(it.value().toDouble(), 0, 'g', 5));
    }
    return ExitOk;
}

} // namespace easel::cli
