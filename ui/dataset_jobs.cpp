#include "dataset_jobs.h"

#include <QFileInfo>
#include <QJsonArray>

namespace easel {

const ColumnStats *DatasetContent::statsFor(const QString &name) const
{
    for (const ColumnStats &s : stats)
        if (s.name == name)
            return &s;
    return nullptr;
}

ImportJobResult importCsvJob(const QString &libraryPath, const QString &csvPath, TaskContext *ctx)
{
    ImportJobResult result;
    auto library = Library::open(libraryPath);
    if (!library) {
        result.error = library.error();
        return result;
    }
    auto outcome = (*library)->importCsv(csvPath, QFileInfo(csvPath).fileName(), ImportOptions{}, ctx);
    if (!outcome) {
        result.error = outcome.error();
        return result;
    }
    result.outcome = std::move(outcome).value();
    return result;
}

std::vector<DataWarning> warningsFromJson(const QJsonArray &array)
{
    static const WarningKind kinds[] = {
        WarningKind::Constant,       WarningKind::MostlyMissing,  WarningKind::IdentifierLike,
        WarningKind::HighCardinality, WarningKind::DuplicateRows, WarningKind::ClassImbalance,
        WarningKind::TargetLeak,     WarningKind::NearDuplicatePair,
    };
    std::vector<DataWarning> warnings;
    for (const QJsonValue &value : array) {
        const QJsonObject o = value.toObject();
        DataWarning w;
        const QString kind = o.value(QStringLiteral("kind")).toString();
        for (WarningKind k : kinds)
            if (warningKindName(k) == kind)
                w.kind = k;
        w.column = o.value(QStringLiteral("column")).toString();
        w.otherColumn = o.value(QStringLiteral("otherColumn")).toString(
            o.value(QStringLiteral("other_column")).toString());
        w.value = o.value(QStringLiteral("value")).toDouble();
        w.message = o.value(QStringLiteral("message")).toString();
        if (!w.message.isEmpty())
            warnings.push_back(w);
    }
    return warnings;
}

static CorrelationMatrix matrixFromJson(const QJsonObject &o)
{
    CorrelationMatrix m;
    for (const QJsonValue &c : o.value(QStringLiteral("columns")).toArray())
        m.columns << c.toString();
    const QJsonArray rows = o.value(QStringLiteral("values")).toArray();
    if (rows.size() != m.columns.size())
        return {};
    for (const QJsonValue &row : rows) {
        const QJsonArray r = row.toArray();
        if (r.size() != m.columns.size())
            return {};
        for (const QJsonValue &v : r)
            m.values.push_back(v.isDouble() ? v.toDouble() : ColumnStats::kNaN);
    }
    return m;
}

static qint64 skippedRowsFromJson(const QJsonObject &stats)
{
    const QJsonObject report = stats.value(QStringLiteral("report")).toObject();
    for (const char *key : {"skippedRows", "skipped_rows", "skipped"}) {
        const QJsonValue v = report.value(QLatin1String(key));
        if (v.isDouble())
            return qint64(v.toDouble());
    }
    return 0;
}

LoadJobResult loadDatasetJob(const QString &libraryPath, qint64 id, const QString &target, TaskContext *ctx)
{
    LoadJobResult result;
    auto library = Library::open(libraryPath);
    if (!library) {
        result.error = library.error();
        return result;
    }
    auto record = (*library)->dataset(id);
    if (!record) {
        result.error = record.error();
        return result;
    }
    reportProgress(ctx, 0.05, QStringLiteral("Loading the table"));
    auto table = (*library)->loadTable(id, ctx);
    if (!table) {
        result.error = table.error();
        return result;
    }
    auto content = std::make_shared<DatasetContent>();
    content->record = record.value();
    content->table = table.value();
    const Table &t = *content->table;

    const QJsonObject &stats = content->record.stats;
    for (const QJsonValue &v : stats.value(QStringLiteral("columns")).toArray())
        content->stats.push_back(ColumnStats::fromJson(v.toObject()));
    bool statsMatch = content->stats.size() == t.columnCount();
    for (size_t i = 0; statsMatch && i < t.columnCount(); ++i)
        statsMatch = content->stats[i].name == t.column(i).name();
    content->skippedRows = skippedRowsFromJson(stats);

    if (statsMatch) {
        content->warnings = warningsFromJson(stats.value(QStringLiteral("warnings")).toArray());
        content->pearson = matrixFromJson(stats.value(QStringLiteral("pearson")).toObject());
        if (content->pearson.columns.isEmpty()) {
            reportProgress(ctx, 0.6, QStringLiteral("Measuring correlations"));
            content->pearson = pearsonCorrelation(t, ctx);
        }
    } else {
        reportProgress(ctx, 0.3, QStringLiteral("Summarising the columns"));
        ProfileOptions options;
        options.target = target;
        Profile profile = profileTable(t, options, ctx);
        content->stats = std::move(profile.columns);
        content->warnings = std::move(profile.warnings);
        content->pearson = std::move(profile.pearson);
    }
    if (isCanceled(ctx)) {
        result.error = Error{ErrorCode::Canceled, QStringLiteral("Canceled.")};
        return result;
    }
    reportProgress(ctx, 1.0, QStringLiteral("Done"));
    result.content = std::move(content);
    return result;
}

QString adviceFor(const Error &error)
{
    switch (error.code) {
    case ErrorCode::NotFound:
        return QStringLiteral("Check that the file is still there (it may have been moved or renamed), then import it again.");
    case ErrorCode::PermissionDenied:
        return QStringLiteral("Easel is not allowed to read this file. Copy it to a folder of your own and import the copy.");
    case ErrorCode::NotAFile:
        return QStringLiteral("Choose a CSV file rather than a folder.");
    case ErrorCode::EmptyInput:
        return QStringLiteral("The file is empty. Export the table again and check that the export finished.");
    case ErrorCode::BinaryInput:
        return QStringLiteral("This is not a text file. If it is a spreadsheet, open it in Excel or LibreOffice and "
                              "use File ▸ Save As ▸ CSV, then import that file.");
    case ErrorCode::NotCsv:
        return QStringLiteral("Easel needs a table: one row per line, the same number of fields on every line, "
                              "with the column names in the first line.");
    case ErrorCode::BadRow:
        return QStringLiteral("Fix that line in a text editor or spreadsheet, then import the file again.");
    case ErrorCode::Corrupt:
        return QStringLiteral("The stored copy is damaged. Delete this data set and import the CSV again.");
    case ErrorCode::Database:
    case ErrorCode::Io:
        return QStringLiteral("Check that the disk is not full and that the library folder can be written, then try again.");
    case ErrorCode::Unsupported:
        return QStringLiteral("This library was written by a newer Easel. Update Easel to open it.");
    default:
        return QStringLiteral("Try again; if it keeps happening, please report it with the file attached.");
    }
}

} // namespace easel
