#include "cli_commands.h"
#include "cli_support.h"

#include "data/csv_reader.h"
#include "stats/profile.h"
#include "store/library.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>

#include <cmath>
#include <cstdio>

namespace easel::cli {
namespace {

void addCommonOptions(QCommandLineParser &parser)
{
    parser.addHelpOption();
    parser.addOption({QStringLiteral("library"), QStringLiteral("Use this library file."), QStringLiteral("PATH")});
}

bool importOptionsFrom(const QCommandLineParser &parser, ImportOptions *options, int *exitCode)
{
    const QString badRows = parser.value(QStringLiteral("bad-rows"));
    if (badRows == QLatin1String("skip"))
        options->badRows = BadRowPolicy::Skip;
    else if (badRows == QLatin1String("refuse"))
        options->badRows = BadRowPolicy::Refuse;
    else {
        *exitCode = usageError(QStringLiteral("--bad-rows takes 'skip' or 'refuse', not '%1'.").arg(badRows));
        return false;
    }
    if (parser.isSet(QStringLiteral("threads"))) {
        bool ok = false;
        options->threads = parser.value(QStringLiteral("threads")).toInt(&ok);
        if (!ok || options->threads < 0) {
            *exitCode = usageError(QStringLiteral("--threads takes a whole number of 0 or more."));
            return false;
        }
    }
    if (parser.isSet(QStringLiteral("missing")))
        options->missingTokens = parser.value(QStringLiteral("missing")).split(QLatin1Char(','));
    return true;
}

void addImportOptions(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("bad-rows"),
                      QStringLiteral("What to do with malformed rows: skip (list them) or refuse (stop at the first)."),
                      QStringLiteral("skip|refuse"), QStringLiteral("skip")});
    parser.addOption({QStringLiteral("threads"), QStringLiteral("Threads to use (0: one per core)."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("missing"),
                      QStringLiteral("Comma-separated values to read as missing (default: empty, NA, N/A, NaN, null, ?)."),
                      QStringLiteral("LIST")});
}

QString number(double v, int precision = 4)
{
    if (std::isnan(v))
        return QStringLiteral("–");
    if (std::isinf(v))
        return v > 0 ? QStringLiteral("inf") : QStringLiteral("-inf");
    return QString::number(v, 'g', precision);
}

QString summaryOf(const ColumnStats &s)
{
    switch (s.type) {
    case ColumnType::Integer:
    case ColumnType::Real:
        if (s.count == 0)
            return QStringLiteral("all missing");
        return QStringLiteral("mean %1 · sd %2 · %3 … %4")
            .arg(number(s.mean), number(s.stddev), number(s.min), number(s.max));
    case ColumnType::Date:
    case ColumnType::DateTime:
        if (std::isnan(s.firstTimestamp))
            return QStringLiteral("all missing");
        return QStringLiteral("%1 … %2")
            .arg(formatTimestamp(int64_t(s.firstTimestamp), s.type == ColumnType::Date),
                 formatTimestamp(int64_t(s.lastTimestamp), s.type == ColumnType::Date));
    default: {
        QStringList parts;
        for (size_t i = 0; i < s.topValues.size() && i < 3; ++i)
            parts << QStringLiteral("%1 %2").arg(s.topValues[i].value.left(24)).arg(s.topValues[i].count);
        if (s.distinct > 3)
            parts << QStringLiteral("…");
        return parts.join(QStringLiteral(" · "));
    }
    }
}

QJsonObject reportJson(const ImportReport &report)
{
    QJsonArray issues;
    for (const RowIssue &issue : report.issues)
        issues.append(QJsonObject{{QStringLiteral("line"), issue.line}, {QStringLiteral("message"), issue.message}});
    return QJsonObject{{QStringLiteral("issues"), issues},
                       {QStringLiteral("issue_count"), report.issueCount},
                       {QStringLiteral("skipped_rows"), report.skippedRows},
                       {QStringLiteral("notes"), QJsonArray::fromStringList(report.notes)}};
}

void printHumanReport(const QString &file, const CsvImport &import, const Profile &profile, double seconds)
{
    const Table &table = *import.table;
    const QLocale locale;
    out(QStringLiteral("%1 — %2 rows × %3 columns (%4), read in %5 s\n\n")
            .arg(QFileInfo(file).fileName(), locale.toString(qulonglong(table.rowCount())))
            .arg(table.columnCount())
            .arg(import.dialect.describe())
            .arg(seconds, 0, 'f', 2));

    int nameWidth = 6;
    for (const ColumnStats &s : profile.columns)
        nameWidth = std::min(28, std::max(nameWidth, int(s.name.size())));
    out(QStringLiteral("%1  %2  %3  %4  %5\n")
            .arg(QStringLiteral("column"), -nameWidth)
            .arg(QStringLiteral("type"), -11)
            .arg(QStringLiteral("missing"), 9)
            .arg(QStringLiteral("distinct"), 9)
            .arg(QStringLiteral("summary")));
    for (const ColumnStats &s : profile.columns) {
        QString name = s.name;
        if (name.size() > nameWidth)
            name = name.left(nameWidth - 1) + QChar(0x2026);
        out(QStringLiteral("%1  %2  %3  %4  %5\n")
                .arg(name, -nameWidth)
                .arg(columnTypeName(s.type), -11)
                .arg(locale.toString(qlonglong(s.missing)), 9)
                .arg(locale.toString(qlonglong(s.distinct)), 9)
                .arg(summaryOf(s)));
    }

    if (!profile.warnings.empty()) {
        out(QStringLiteral("\nWarnings\n"));
        for (const DataWarning &w : profile.warnings)
            out(QStringLiteral("  • %1\n").arg(w.message));
    }
    if (!import.report.notes.isEmpty()) {
        out(QStringLiteral("\nNotes\n"));
        for (const QString &note : import.report.notes)
            out(QStringLiteral("  • %1\n").arg(note));
    }
    if (import.report.issueCount > 0) {
        out(QStringLiteral("\nRows left out: %1\n").arg(locale.toString(import.report.skippedRows)));
        for (const RowIssue &issue : import.report.issues)
            out(QStringLiteral("  line %1: %2\n").arg(issue.line).arg(issue.message));
        const qint64 rest = import.report.issueCount - qint64(import.report.issues.size());
        if (rest > 0)
            out(QStringLiteral("  … and %1 more\n").arg(locale.toString(rest)));
    }
}

Result<std::unique_ptr<Library>> openLibrary(const QCommandLineParser &parser)
{
    const QString path = parser.isSet(QStringLiteral("library")) ? parser.value(QStringLiteral("library"))
                                                                  : Library::defaultPath();
    return Library::open(path);
}

} // namespace

int runInspect(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Read a CSV file and summarise every column."));
    addCommonOptions(parser);
    addImportOptions(parser);
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print JSON on stdout.")});
    parser.addOption({QStringLiteral("target"),
                      QStringLiteral("The column you want to predict (adds imbalance and leakage checks)."),
                      QStringLiteral("COLUMN")});
    parser.addOption({QStringLiteral("no-correlations"), QStringLiteral("Skip the correlation matrices.")});
    parser.addOption({QStringLiteral("spearman"),
                      QStringLiteral("Also compute Spearman rank correlations (sorts every number column; slower on "
                                     "large files).")});
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("The CSV file."));
    int code = ExitOk;
    if (!parseCommandLine(parser, QStringLiteral("inspect"), args, &code))
        return code;
    if (parser.positionalArguments().size() != 1)
        return usageError(QStringLiteral("inspect takes one FILE. Try 'easel-cli inspect --help'."));
    ImportOptions options;
    if (!importOptionsFrom(parser, &options, &code))
        return code;
    const QString file = parser.positionalArguments().constFirst();

    QElapsedTimer timer;
    timer.start();
    TaskContext ctx(terminalProgress());
    Result<CsvImport> import = readCsv(file, options, &ctx);
    if (!import)
        return fail(import.error());
    const Table &table = *import->table;

    ProfileOptions profileOptions;
    profileOptions.correlations = !parser.isSet(QStringLiteral("no-correlations"));
    profileOptions.spearman = parser.isSet(QStringLiteral("spearman"));
    if (parser.isSet(QStringLiteral("target"))) {
        profileOptions.target = parser.value(QStringLiteral("target"));
        if (table.indexOf(profileOptions.target) < 0)
            return fail(Error{ErrorCode::InvalidArgument,
                              QStringLiteral("there is no column named '%1'.").arg(profileOptions.target), file});
    }
    const double readSeconds = timer.nsecsElapsed() / 1e9;
    TaskContext statsContext(terminalProgress());
    statsContext.setParent(&ctx);
    const Profile profile = profileTable(table, profileOptions, &statsContext);
    const double seconds = timer.nsecsElapsed() / 1e9;

    if (!parser.isSet(QStringLiteral("json"))) {
        printHumanReport(file, *import, profile, seconds);
        return ExitOk;
    }

    QJsonArray columns;
    for (const ColumnStats &s : profile.columns)
        columns.append(s.toJson());
    QJsonArray warnings;
    for (const DataWarning &w : profile.warnings)
        warnings.append(w.toJson());
    QJsonArray issues;
    for (const RowIssue &issue : import->report.issues)
        issues.append(QJsonObject{{QStringLiteral("line"), issue.line}, {QStringLiteral("message"), issue.message}});
    QJsonObject root{
        {QStringLiteral("file"), QFileInfo(file).absoluteFilePath()},
        {QStringLiteral("rows"), qint64(table.rowCount())},
        {QStringLiteral("columns"), columns},
        {QStringLiteral("dialect"), import->dialect.toJson()},
        {QStringLiteral("warnings"), warnings},
        {QStringLiteral("issues"), issues},
        {QStringLiteral("issue_count"), import->report.issueCount},
        {QStringLiteral("skipped_rows"), import->report.skippedRows},
        {QStringLiteral("notes"), QJsonArray::fromStringList(import->report.notes)},
        {QStringLiteral("duplicate_rows"), qint64(profile.duplicateRows)},
        {QStringLiteral("seconds"), seconds},
    };
    QJsonObject phases{{QStringLiteral("read"), readSeconds}};
    for (const auto &[phase, phaseSeconds] : profile.phaseSeconds)
        phases.insert(phase, phaseSeconds);
    root.insert(QStringLiteral("phase_seconds"), phases);
    if (profileOptions.correlations) {
        QJsonObject correlations{{QStringLiteral("pearson"), profile.pearson.toJson()},
                                 {QStringLiteral("association"), profile.association.toJson()}};
        if (profileOptions.spearman)
            correlations.insert(QStringLiteral("spearman"), profile.spearman.toJson());
        root.insert(QStringLiteral("correlations"), correlations);
    }
    out(QString::fromUtf8(QJsonDocument(root).toJson(QJsonDocument::Indented)));
    return ExitOk;
}

int runImport(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Add a CSV file to the library."));
    addCommonOptions(parser);
    addImportOptions(parser);
    parser.addOption({QStringLiteral("name"), QStringLiteral("Name shown in the library (default: the file name)."),
                      QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print the new record as JSON.")});
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("The CSV file."));
    int code = ExitOk;
    if (!parseCommandLine(parser, QStringLiteral("import"), args, &code))
        return code;
    if (parser.positionalArguments().size() != 1)
        return usageError(QStringLiteral("import takes one FILE. Try 'easel-cli import --help'."));
    ImportOptions options;
    if (!importOptionsFrom(parser, &options, &code))
        return code;

    Result<std::unique_ptr<Library>> library = openLibrary(parser);
    if (!library)
        return fail(library.error());
    TaskContext ctx(terminalProgress());
    const QString file = parser.positionalArguments().constFirst();
    auto outcome = (*library)->importCsv(file, parser.value(QStringLiteral("name")), options, &ctx);
    if (!outcome)
        return fail(outcome.error());
    const DatasetRecord &r = outcome->record;
    if (parser.isSet(QStringLiteral("json"))) {
        QJsonObject o{{QStringLiteral("id"), r.id},
                      {QStringLiteral("name"), r.name},
                      {QStringLiteral("rows"), r.rows},
                      {QStringLiteral("columns"), r.columns},
                      {QStringLiteral("already_present"), outcome->alreadyPresent},
                      {QStringLiteral("report"), reportJson(outcome->report)}};
        out(QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Indented)));
        return ExitOk;
    }
    const QLocale locale;
    if (outcome->alreadyPresent)
        out(QStringLiteral("%1 is already in the library as data set %2 \"%3\" (same content); nothing imported.\n")
                .arg(QFileInfo(file).fileName()).arg(r.id).arg(r.name));
    else
        out(QStringLiteral("Imported %1 as data set %2 \"%3\": %4 rows × %5 columns.\n")
                .arg(QFileInfo(file).fileName()).arg(r.id).arg(r.name)
                .arg(locale.toString(r.rows)).arg(r.columns));
    if (outcome->report.skippedRows > 0)
        out(QStringLiteral("%1 malformed rows were left out; 'easel-cli inspect %2' lists them.\n")
                .arg(locale.toString(outcome->report.skippedRows), file));
    return ExitOk;
}

int runDatasets(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("List the data sets in the library."));
    addCommonOptions(parser);
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print JSON on stdout.")});
    int code = ExitOk;
    if (!parseCommandLine(parser, QStringLiteral("datasets"), args, &code))
        return code;
    Result<std::unique_ptr<Library>> library = openLibrary(parser);
    if (!library)
        return fail(library.error());
    auto records = (*library)->datasets();
    if (!records)
        return fail(records.error());

    if (parser.isSet(QStringLiteral("json"))) {
        QJsonArray list;
        for (const DatasetRecord &r : *records)
            list.append(QJsonObject{{QStringLiteral("id"), r.id},
                                    {QStringLiteral("name"), r.name},
                                    {QStringLiteral("source_path"), r.sourcePath},
                                    {QStringLiteral("rows"), r.rows},
                                    {QStringLiteral("columns"), r.columns},
                                    {QStringLiteral("size_bytes"), r.sizeBytes},
                                    {QStringLiteral("content_hash"), r.contentHash},
                                    {QStringLiteral("imported_at"), r.importedAt.toString(Qt::ISODate)}});
        out(QString::fromUtf8(QJsonDocument(list).toJson(QJsonDocument::Indented)));
        return ExitOk;
    }
    if (records->empty()) {
        out(QStringLiteral("The library at %1 holds no data sets yet. Add one with 'easel-cli import FILE'.\n")
                .arg((*library)->path()));
        return ExitOk;
    }
    const QLocale locale;
    out(QStringLiteral("%1  %2  %3  %4  %5\n")
            .arg(QStringLiteral("id"), 4).arg(QStringLiteral("name"), -28).arg(QStringLiteral("rows"), 12)
            .arg(QStringLiteral("columns"), 7).arg(QStringLiteral("imported")));
    for (const DatasetRecord &r : *records)
        out(QStringLiteral("%1  %2  %3  %4  %5\n")
                .arg(r.id, 4).arg(r.name.left(28), -28).arg(locale.toString(r.rows), 12).arg(r.columns, 7)
                .arg(r.importedAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"))));
    return ExitOk;
}

} // namespace easel::cli
