// easel-cli export: a bundle as XGBoost JSON, TorchScript, a standalone Python script or an HTML model card.
#include "cli_commands.h"

#include "automl/trainer_registry.h"
#include "export/bundle_export.h"
#include "model/bundle.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>

namespace easel::cli {

namespace {

void out(const QString &text) { std::fputs(text.toUtf8().constData(), stdout); }
void err(const QString &text) { std::fputs(text.toUtf8().constData(), stderr); }

int exportUsage(const QString &message)
{
    err(QStringLiteral("easel-cli export: %1\n").arg(message));
    return ExitUsage;
}

int exportFail(const Error &e)
{
    err(QStringLiteral("easel-cli export: %1%2\n")
            .arg(e.file.isEmpty() ? QString() : e.file + QStringLiteral(": "), e.message));
    switch (e.code) {
    case ErrorCode::NotFound:
    case ErrorCode::NotAFile: return ExitNotFound;
    case ErrorCode::PermissionDenied:
    case ErrorCode::Io: return ExitFailure;
    case ErrorCode::Corrupt:
    case ErrorCode::EmptyInput:
    case ErrorCode::BinaryInput:
    case ErrorCode::NotCsv:
    case ErrorCode::BadRow:
    case ErrorCode::InvalidArgument: return ExitBadInput;
    case ErrorCode::Canceled: return ExitCanceled;
    default: return ExitFailure;
    }
}

} // namespace

int runExport(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Export a model bundle for use outside Easel.\n"
        "  xgboost      the XGBoost members as XGBoost JSON (a folder when there are several)\n"
        "  torchscript  the neural-network members as TorchScript modules (same rule)\n"
        "  python       one standalone Python script: python3 model.py INPUT.csv OUTPUT.csv\n"
        "  report       a model card as one self-contained HTML file"));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("MODEL"), QStringLiteral("The model bundle (.easel)."));
    parser.addOptions({
        {QStringLiteral("format"), QStringLiteral("xgboost, torchscript, python or report."), QStringLiteral("FORMAT")},
        {QStringLiteral("out"), QStringLiteral("Where to write (a file, or a folder for several models)."),
         QStringLiteral("PATH")},
        {QStringLiteral("data"),
         QStringLiteral("report: a CSV with the target, for a confusion matrix or residual summary."),
         QStringLiteral("FILE")},
        {QStringLiteral("json"), QStringLiteral("Print a JSON summary on stdout.")},
    });
    QStringList argv{QStringLiteral("easel-cli export")};
    argv += args;
    if (!parser.parse(argv))
        return exportUsage(parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        out(parser.helpText());
        return ExitOk;
    }
    if (parser.positionalArguments().size() != 1)
        return exportUsage(QStringLiteral("export takes one MODEL.easel. Try 'easel-cli export --help'."));
    if (!parser.isSet(QStringLiteral("format")))
        return exportUsage(QStringLiteral("say which format with --format (%1).")
                               .arg(exportFormatNames().join(QStringLiteral(", "))));
    ExportFormat format;
    if (!exportFormatFromName(parser.value(QStringLiteral("format")), &format))
        return exportUsage(QStringLiteral("unknown format '%1'; use one of %2.")
                               .arg(parser.value(QStringLiteral("format")), exportFormatNames().join(QStringLiteral(", "))));
    if (!parser.isSet(QStringLiteral("out")) || parser.value(QStringLiteral("out")).isEmpty())
        return exportUsage(QStringLiteral("say where to write with --out PATH."));
    if (parser.isSet(QStringLiteral("data")) && format != ExportFormat::Report)
        return exportUsage(QStringLiteral("--data is only used by --format report."));

    const QString modelPath = parser.positionalArguments().at(0);
    Result<ModelBundle> bundle = ModelBundle::load(modelPath);
    if (!bundle)
        return exportFail(bundle.error());
    TrainerRegistry registry;
    registry.discover();
    ExportOptions options;
    options.dataPath = parser.value(QStringLiteral("data"));
    TaskContext ctx;
    Result<ExportOutcome> outcome = exportBundle(*bundle, registry, format, parser.value(QStringLiteral("out")),
                                                 options, &ctx);
    if (!outcome) {
        Error e = outcome.error();
        if (e.file.isEmpty() && e.code == ErrorCode::Corrupt)
            e.file = modelPath;
        return exportFail(e);
    }
    if (parser.isSet(QStringLiteral("json"))) {
        const QJsonObject o{{QStringLiteral("format"), exportFormatName(format)},
                            {QStringLiteral("files"), QJsonArray::fromStringList(outcome->files)},
                            {QStringLiteral("notes"), QJsonArray::fromStringList(outcome->notes)}};
        out(QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Indented)));
        return ExitOk;
    }
    out(QStringLiteral("Exported %1 as %2:\n").arg(modelPath, exportFormatName(format)));
    for (const QString &f : outcome->files)
        out(QStringLiteral("  %1\n").arg(f));
    for (const QString &n : outcome->notes)
        out(QStringLiteral("%1\n").arg(n));
    return ExitOk;
}

} // namespace easel::cli
