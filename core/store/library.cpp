#include "store/library.h"

#include "stats/profile.h"
#include "store/hash64.h"
#include "store/migrations.h"
#include "store/table_file.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QVariant>

#include <atomic>

namespace easel {

namespace {

const QString kDriver = QStringLiteral("QSQLITE");
constexpr int kBusyTimeoutMs = 10000;

QString nowUtc() { return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs); }

QDateTime parseUtc(const QString &text)
{
    QDateTime dt = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!dt.isValid())
        dt = QDateTime::fromString(text, Qt::ISODate);
    return dt.toUTC();
}

// A null QString binds as SQL NULL; the text columns are NOT NULL.
QString notNull(const QString &text) { return text.isNull() ? QStringLiteral("") : text; }

QString toJsonText(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QJsonObject fromJsonText(const QString &text)
{
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

Error sqlError(const QSqlDatabase &db, const QSqlQuery *query, const QString &what)
{
    QString detail = query && query->lastError().isValid() ? query->lastError().text() : db.lastError().text();
    return {ErrorCode::Database, QStringLiteral("%1: %2").arg(what, detail.trimmed()), db.databaseName()};
}

//! BEGIN IMMEDIATE … COMMIT, rolled back unless committed.
class Transaction
{
public:
    explicit Transaction(QSqlDatabase &db) : m_db(db) {}
    ~Transaction()
    {
        if (m_open)
            QSqlQuery(m_db).exec(QStringLiteral("ROLLBACK"));
    }
    Status begin()
    {
        QSqlQuery q(m_db);
        if (!q.exec(QStringLiteral("BEGIN IMMEDIATE")))
            return Status(sqlError(m_db, &q, QStringLiteral("Could not start writing to the library")));
        m_open = true;
        return {};
    }
    Status commit()
    {
        QSqlQuery q(m_db);
        if (!q.exec(QStringLiteral("COMMIT")))
            return Status(sqlError(m_db, &q, QStringLiteral("Could not save to the library")));
        m_open = false;
        return {};
    }

private:
    QSqlDatabase &m_db;
    bool m_open = false;
};

//! A slice [lo, hi] of a parent task's progress, for one stage of a longer job.
//! Cancelling the parent cancels the stage the next time the stage reports.
class Stage
{
public:
    Stage(TaskContext *parent, double lo, double hi)
        : m_parent(parent), m_lo(lo), m_hi(hi),
          m_context([this](double f, const QString &message) {
              if (m_parent) {
                  m_parent->progress(m_lo + (m_hi - m_lo) * f, message);
                  if (m_parent->isCanceled())
                      m_context.cancel();
              }
          })
    {
        if (isCanceled(parent))
            m_context.cancel();
    }
    TaskContext *context() { return m_parent ? &m_context : nullptr; }
    bool canceled() const { return isCanceled(m_parent) || m_context.isCanceled(); }

private:
    TaskContext *m_parent;
    double m_lo, m_hi;
    TaskContext m_context;
};

QJsonObject reportToJson(const ImportReport &report)
{
    QJsonArray issues;
    for (const RowIssue &issue : report.issues)
        issues.append(QJsonObject{{QStringLiteral("line"), qint64(issue.line)},
                                  {QStringLiteral("message"), issue.message}});
    return {
        {QStringLiteral("issue_count"), qint64(report.issueCount)},
        {QStringLiteral("skipped_rows"), qint64(report.skippedRows)},
        {QStringLiteral("issues"), issues},
        {QStringLiteral("notes"), QJsonArray::fromStringList(report.notes)},
        {QStringLiteral("bytes"), qint64(report.bytes)},
    };
}

QJsonObject schemaToJson(const Table &table)
{
    QJsonArray columns;
    for (const Column &c : table.columns())
        columns.append(QJsonObject{{QStringLiteral("name"), c.name()},
                                   {QStringLiteral("type"), columnTypeName(c.type())}});
    return {{QStringLiteral("columns"), columns}};
}

QJsonObject statsToJson(const Profile &profile, const ImportReport &report)
{
    QJsonArray columns;
    for (const ColumnStats &c : profile.columns)
        columns.append(c.toJson());
    QJsonArray warnings;
    for (const DataWarning &w : profile.warnings)
        warnings.append(w.toJson());
    return {
        {QStringLiteral("columns"), columns},
        {QStringLiteral("warnings"), warnings},
        {QStringLiteral("duplicate_rows"), qint64(profile.duplicateRows)},
        {QStringLiteral("report"), reportToJson(report)},
    };
}

const QString kRecordColumns = QStringLiteral(
    R"(id, name, source_path, size_bytes, content_hash, "rows", "columns", dialect_json, schema_json, stats_json, imported_at, data_file)");

DatasetRecord recordFromQuery(const QSqlQuery &q)
{
    DatasetRecord r;
    r.id = q.value(0).toLongLong();
    r.name = q.value(1).toString();
    r.sourcePath = q.value(2).toString();
    r.sizeBytes = q.value(3).toLongLong();
    r.contentHash = q.value(4).toString();
    r.rows = q.value(5).toLongLong();
    r.columns = q.value(6).toInt();
    r.dialect = fromJsonText(q.value(7).toString());
    r.schema = fromJsonText(q.value(8).toString());
    r.stats = fromJsonText(q.value(9).toString());
    r.importedAt = parseUtc(q.value(10).toString());
    r.dataFile = q.value(11).toString();
    return r;
}

Error fileError(const QString &path, const QFile &file)
{
    const QFileInfo info(path);
    if (!info.exists())
        return {ErrorCode::NotFound, QStringLiteral("The file does not exist."), path};
    if (info.isDir())
        return {ErrorCode::NotAFile, QStringLiteral("This is a folder, not a file."), path};
    if (file.error() == QFileDevice::PermissionsError || !info.isReadable())
        return {ErrorCode::PermissionDenied, QStringLiteral("No permission to read the file."), path};
    return {ErrorCode::Io, QStringLiteral("Could not read the file: %1").arg(file.errorString()), path};
}

} // namespace

// ---------------------------------------------------------------------------

Result<QString> hashFile(const QString &path, TaskContext *ctx)
{
    QFile file(path);
    if (QFileInfo(path).isDir())
        return Error{ErrorCode::NotAFile, QStringLiteral("This is a folder, not a file."), path};
    if (!file.open(QIODevice::ReadOnly | QIODevice::Unbuffered))
        return fileError(path, file);
    const qint64 size = file.size();
    constexpr qint64 kBlock = 4 << 20;
    std::vector<char> buffer(size_t(std::min<qint64>(std::max<qint64>(size, 1), kBlock)));
    Hash64 hash;
    qint64 done = 0;
    for (;;) {
        if (isCanceled(ctx))
            return Error{ErrorCode::Canceled, QStringLiteral("Canceled while reading the file."), path};
        const qint64 n = file.read(buffer.data(), qint64(buffer.size()));
        if (n < 0)
            return Error{ErrorCode::Io, QStringLiteral("Could not read the file: %1").arg(file.errorString()), path};
        if (n == 0)
            break;
        hash.update(buffer.data(), size_t(n));
        done += n;
        if (size > 0)
            reportProgress(ctx, double(done) / double(size), QStringLiteral("Checking the file"));
    }
    char hex[16];
    hash64ToHex(hash.digest(), hex);
    return QString::fromLatin1(hex, 16);
}

Library::~Library()
{
    if (m_connection.isEmpty())
        return;
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        if (db.isOpen())
            db.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
}

QString Library::defaultPath()
{
    const QString env = qEnvironmentVariable("EASEL_LIBRARY");
    if (!env.isEmpty())
        return env;
    QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    if (dir.isEmpty())
        dir = QDir::homePath() + QStringLiteral("/.local/share/easel");
    return dir + QStringLiteral("/library.easeldb");
}

int Library::currentSchemaVersion() { return int(libraryMigrations().size()); }

QString Library::dataDirectory() const { return m_path + QStringLiteral(".data"); }

QSqlDatabase Library::database() const { return QSqlDatabase::database(m_connection, false); }

int Library::schemaVersion() const
{
    QSqlQuery q(database());
    if (!q.exec(QStringLiteral("PRAGMA user_version")) || !q.next())
        return -1;
    return q.value(0).toInt();
}

Result<std::unique_ptr<Library>> Library::open(const QString &path)
{
    using R = Result<std::unique_ptr<Library>>;
    if (path.isEmpty())
        return R::failure(ErrorCode::InvalidArgument, QStringLiteral("No library path given."));
    const QFileInfo info(path);
    const QString absolute = info.absoluteFilePath();
    if (info.isDir())
        return R::failure(ErrorCode::NotAFile, QStringLiteral("This is a folder; a library is a file."), absolute);

    const QString folder = info.absolutePath();
    const auto denied = [&](const QString &where) {
        return R::failure(ErrorCode::PermissionDenied,
                          QStringLiteral("Easel cannot write to %1. Choose a folder you can write to, or set "
                                         "EASEL_LIBRARY to a library path there.")
                              .arg(QDir::toNativeSeparators(where)),
                          absolute);
    };
    if (!QDir().mkpath(folder) || !QFileInfo(folder).isWritable())
        return denied(folder);
    if (info.exists() && !info.isWritable())
        return denied(absolute);

    static std::atomic<quint64> counter{0};
    std::unique_ptr<Library> library(new Library);
    library->m_path = absolute;
    library->m_connection = QStringLiteral("easel_library_%1").arg(counter.fetch_add(1));

    QSqlDatabase db = QSqlDatabase::addDatabase(kDriver, library->m_connection);
    if (!db.isValid())
        return R::failure(ErrorCode::Database,
                          QStringLiteral("Qt's SQLite driver (QSQLITE) is not available; reinstall Easel."), absolute);
    db.setDatabaseName(absolute);
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(kBusyTimeoutMs));
    if (!db.open()) {
        if (!QFileInfo::exists(absolute))
            return denied(absolute);
        return R(sqlError(db, nullptr, QStringLiteral("Could not open the library")));
    }

    QSqlQuery q(db);
    const auto exec = [&](const QString &sql) { return q.exec(sql); };
    if (!exec(QStringLiteral("PRAGMA busy_timeout = %1").arg(kBusyTimeoutMs))
        || !exec(QStringLiteral("PRAGMA foreign_keys = ON")))
        return R(sqlError(db, &q, QStringLiteral("Could not set up the library")));

    // The first read of the file: a file that is not SQLite fails here.
    if (!exec(QStringLiteral("PRAGMA user_version")) || !q.next()) {
        const QString detail = q.lastError().text();
        if (detail.contains(QStringLiteral("not a database"), Qt::CaseInsensitive)
            || detail.contains(QStringLiteral("malformed"), Qt::CaseInsensitive))
            return R::failure(ErrorCode::Corrupt,
                              QStringLiteral("This file is not an Easel library, or it is damaged (%1).").arg(detail),
                              absolute);
        return R(sqlError(db, &q, QStringLiteral("Could not read the library")));
    }
    const int version = q.value(0).toInt();
    q.finish();
    if (version > currentSchemaVersion())
        return R::failure(ErrorCode::Unsupported,
                          QStringLiteral("This library was saved by a newer version of Easel (schema %1; this version "
                                         "knows up to %2). Update Easel to open it.")
                              .arg(version).arg(currentSchemaVersion()),
                          absolute);

    if (!exec(QStringLiteral("PRAGMA journal_mode = WAL")))
        return R(sqlError(db, &q, QStringLiteral("Could not set up the library")));
    q.finish();
    if (!exec(QStringLiteral("PRAGMA synchronous = FULL")))
        return R(sqlError(db, &q, QStringLiteral("Could not set up the library")));
    q.finish();

    if (Status s = migrateLibrary(db); !s)
        return R(Error{s.error().code, s.error().message, absolute});

    if (!QDir().mkpath(library->dataDirectory()))
        return denied(library->dataDirectory());
    return R(std::move(library));
}

// ---------------------------------------------------------------------------
// Data sets

std::optional<DatasetRecord> Library::findByHash(const QString &contentHash) const
{
    QSqlQuery q(database());
    q.prepare(QStringLiteral("SELECT %1 FROM datasets WHERE content_hash = ?").arg(kRecordColumns));
    q.addBindValue(contentHash);
    if (!q.exec() || !q.next())
        return std::nullopt;
    return recordFromQuery(q);
}

Result<DatasetRecord> Library::dataset(qint64 id) const
{
    QSqlDatabase db = database();
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT %1 FROM datasets WHERE id = ?").arg(kRecordColumns));
    q.addBindValue(id);
    if (!q.exec())
        return sqlError(db, &q, QStringLiteral("Could not read the data sets"));
    if (!q.next())
        return Error{ErrorCode::NotFound, QStringLiteral("There is no data set %1 in the library.").arg(id), m_path};
    return recordFromQuery(q);
}

Result<std::vector<DatasetRecord>> Library::datasets() const
{
    QSqlDatabase db = database();
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT %1 FROM datasets ORDER BY id").arg(kRecordColumns)))
        return sqlError(db, &q, QStringLiteral("Could not read the data sets"));
    std::vector<DatasetRecord> records;
    while (q.next())
        records.push_back(recordFromQuery(q));
    return records;
}

ImportReport Library::reportFromRecord(const DatasetRecord &record)
{
    const QJsonObject json = record.stats.value(QStringLiteral("report")).toObject();
    ImportReport report;
    report.issueCount = json.value(QStringLiteral("issue_count")).toInteger();
    report.skippedRows = json.value(QStringLiteral("skipped_rows")).toInteger();
    report.bytes = json.value(QStringLiteral("bytes")).toInteger();
    for (const QJsonValue &v : json.value(QStringLiteral("issues")).toArray()) {
        const QJsonObject issue = v.toObject();
        report.issues.push_back({issue.value(QStringLiteral("line")).toInteger(),
                                 issue.value(QStringLiteral("message")).toString()});
    }
    for (const QJsonValue &v : json.value(QStringLiteral("notes")).toArray())
        report.notes.append(v.toString());
    return report;
}

Result<Library::ImportOutcome> Library::importCsv(const QString &csvPath, const QString &name,
                                                  const ImportOptions &options, TaskContext *ctx)
{
    const QFileInfo info(csvPath);
    const QString source = info.absoluteFilePath();

    Result<QString> hash = [&] {
        Stage stage(ctx, 0.0, 0.1);
        return hashFile(source, stage.context());
    }();
    if (!hash)
        return hash.error();
    if (isCanceled(ctx))
        return Error{ErrorCode::Canceled, QStringLiteral("Import canceled."), source};
    if (std::optional<DatasetRecord> existing = findByHash(*hash)) {
        reportProgress(ctx, 1.0, QStringLiteral("Already in the library"));
        ImportOutcome outcome{*existing, true, reportFromRecord(*existing)};
        return outcome;
    }

    Result<CsvImport> csv = [&] {
        Stage stage(ctx, 0.1, 0.75);
        return readCsv(source, options, stage.context());
    }();
    if (!csv)
        return csv.error();
    if (isCanceled(ctx))
        return Error{ErrorCode::Canceled, QStringLiteral("Import canceled."), source};
    if (!csv->table)
        return Error{ErrorCode::Internal, QStringLiteral("The CSV reader returned no table."), source};

    DatasetRecord record;
    record.name = name.isEmpty() ? info.completeBaseName() : name;
    record.sourcePath = source;
    record.sizeBytes = info.size();
    record.contentHash = *hash;
    record.dialect = csv->dialect.toJson();
    return store(*csv->table, std::move(record), csv->report, ctx);
}

Result<Library::ImportOutcome> Library::importTable(const Table &table, const QString &name, TaskContext *ctx)
{
    Result<QString> hash = tableContentHash(table);
    if (!hash)
        return hash.error();
    if (std::optional<DatasetRecord> existing = findByHash(*hash)) {
        ImportOutcome outcome{*existing, true, reportFromRecord(*existing)};
        return outcome;
    }
    DatasetRecord record;
    record.name = name;
    record.contentHash = *hash;
    return store(table, std::move(record), ImportReport{}, ctx);
}

Result<Library::ImportOutcome> Library::store(const Table &table, DatasetRecord record, const ImportReport &report,
                                              TaskContext *ctx)
{
    // Statistics (correlations are computed on demand by the data set page, not stored).
    Profile profile;
    {
        Stage stage(ctx, 0.75, 0.9);
        ProfileOptions options;
        options.correlations = false;
        profile = profileTable(table, options, stage.context());
        if (stage.canceled())
            return Error{ErrorCode::Canceled, QStringLiteral("Import canceled."), record.sourcePath};
    }
    record.rows = qint64(table.rowCount());
    record.columns = int(table.columnCount());
    record.schema = schemaToJson(table);
    record.stats = statsToJson(profile, report);
    record.dataFile = record.contentHash + QLatin1Char('.') + tableFileSuffix();

    // 1. The table file, fsynced and renamed into place. A file of that name left
    //    by an earlier crash (written, never recorded) is simply replaced.
    const QString dataDir = dataDirectory();
    if (!QDir().mkpath(dataDir))
        return Error{ErrorCode::PermissionDenied,
                     QStringLiteral("Easel cannot write to %1.").arg(QDir::toNativeSeparators(dataDir)), dataDir};
    const QString filePath = dataDir + QLatin1Char('/') + record.dataFile;
    {
        Stage stage(ctx, 0.9, 0.99);
        if (Status s = writeTableFile(table, filePath, stage.context()); !s)
            return s.error();
    }

    // 2. The record, in one transaction.
    QSqlDatabase db = database();
    record.importedAt = QDateTime::currentDateTimeUtc();
    Error failure;
    {
        Transaction transaction(db);
        Status s = transaction.begin();
        if (s) {
            QSqlQuery q(db);
            q.prepare(QStringLiteral(
                R"(INSERT INTO datasets (name, source_path, size_bytes, content_hash, "rows", "columns", dialect_json,
                                         schema_json, stats_json, imported_at, data_file)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?))"));
            q.addBindValue(notNull(record.name));
            q.addBindValue(notNull(record.sourcePath));
            q.addBindValue(record.sizeBytes);
            q.addBindValue(record.contentHash);
            q.addBindValue(record.rows);
            q.addBindValue(record.columns);
            q.addBindValue(toJsonText(record.dialect));
            q.addBindValue(toJsonText(record.schema));
            q.addBindValue(toJsonText(record.stats));
            q.addBindValue(record.importedAt.toString(Qt::ISODateWithMs));
            q.addBindValue(record.dataFile);
            if (q.exec()) {
                record.id = q.lastInsertId().toLongLong();
                q.finish();
                s = transaction.commit();
            } else {
                s = Status(sqlError(db, &q, QStringLiteral("Could not record the data set")));
            }
        }
        if (s) {
            reportProgress(ctx, 1.0, QStringLiteral("Imported"));
            ImportOutcome outcome{record, false, report};
            return outcome;
        }
        failure = s.error();
    }

    // Another process may have recorded the same content meanwhile: the file it
    // points at is the one just written (same name, same bytes), so keep it.
    if (std::optional<DatasetRecord> existing = findByHash(record.contentHash)) {
        ImportOutcome outcome{*existing, true, reportFromRecord(*existing)};
        return outcome;
    }
    QFile::remove(filePath);
    return failure;
}

Result<std::shared_ptr<Table>> Library::loadTable(qint64 id, TaskContext *ctx) const
{
    Result<DatasetRecord> record = dataset(id);
    if (!record)
        return record.error();
    const QString filePath = dataDirectory() + QLatin1Char('/') + record->dataFile;
    if (!QFileInfo::exists(filePath))
        return Error{ErrorCode::NotFound,
                     QStringLiteral("The stored copy of data set \"%1\" is missing. Import %2 again.")
                         .arg(record->name,
                              record->sourcePath.isEmpty() ? QStringLiteral("it")
                                                           : QDir::toNativeSeparators(record->sourcePath)),
                     filePath};
    return readTableFile(filePath, ctx);
}

Result<int> Library::removeOrphanFiles(int minAgeSeconds)
{
    Result<std::vector<DatasetRecord>> records = datasets();
    if (!records)
        return records.error();
    QSet<QString> referenced;
    for (const DatasetRecord &r : *records)
        referenced.insert(r.dataFile);
    const QDateTime cutoff = QDateTime::currentDateTimeUtc().addSecs(-qint64(minAgeSeconds));
    const QString suffix = QLatin1Char('.') + tableFileSuffix();
    int removed = 0;
    const QFileInfoList files = QDir(dataDirectory()).entryInfoList(QDir::Files | QDir::Hidden);
    for (const QFileInfo &file : files) {
        const QString name = file.fileName();
        // "<hash>.easeltable" and QSaveFile's "<hash>.easeltable.XXXXXX".
        const bool ours = name.endsWith(suffix) || name.contains(suffix + QLatin1Char('.'));
        if (!ours || referenced.contains(name) || file.lastModified().toUTC() > cutoff)
            continue;
        if (QFile::remove(file.absoluteFilePath()))
            ++removed;
    }
    return removed;
}

Status Library::removeDataset(qint64 id)
{
    Result<DatasetRecord> record = dataset(id);
    if (!record)
        return record.error();
    QSqlDatabase db = database();
    {
        Transaction transaction(db);
        if (Status s = transaction.begin(); !s)
            return s;
        QSqlQuery q(db);
        q.prepare(QStringLiteral("DELETE FROM datasets WHERE id = ?"));
        q.addBindValue(id);
        if (!q.exec())
            return sqlError(db, &q, QStringLiteral("Could not remove the data set"));
        q.finish();
        if (Status s = transaction.commit(); !s)
            return s;
    }
    // Row first, file second: a crash in between leaves an unreferenced file,
    // never a record without its data.
    QFile::remove(dataDirectory() + QLatin1Char('/') + record->dataFile);
    return {};
}

} // namespace easel
