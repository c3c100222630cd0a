#include "store/migrations.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace easel {

// Conventions: times are ISO 8601 text in UTC ("2024-05-01T12:00:00.000Z");
// *_json columns hold compact JSON objects; ids are AUTOINCREMENT so a removed
// id is never handed out again (files and logs may still mention it).
const std::vector<Migration> &libraryMigrations()
{
    static const std::vector<Migration> steps = {
        {1,
         QStringLiteral("data sets"),
         {
             QStringLiteral(R"(CREATE TABLE datasets (
                 id INTEGER PRIMARY KEY AUTOINCREMENT,
                 name TEXT NOT NULL,
                 source_path TEXT NOT NULL DEFAULT '',
                 size_bytes INTEGER NOT NULL DEFAULT 0,
                 content_hash TEXT NOT NULL UNIQUE,
                 "rows" INTEGER NOT NULL DEFAULT 0,
                 "columns" INTEGER NOT NULL DEFAULT 0,
                 dialect_json TEXT NOT NULL DEFAULT '{}',
                 schema_json TEXT NOT NULL DEFAULT '{}',
                 stats_json TEXT NOT NULL DEFAULT '{}',
                 imported_at TEXT NOT NULL,
                 data_file TEXT NOT NULL
             ))"),
         }},
        {2,
         QStringLiteral("builds, trials, models, prediction jobs"),
         {
             QStringLiteral(R"(CREATE TABLE builds (
                 id INTEGER PRIMARY KEY AUTOINCREMENT,
                 dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
                 spec_json TEXT NOT NULL DEFAULT '{}',
                 status TEXT NOT NULL DEFAULT 'running'
                     CHECK (status IN ('running', 'finished', 'failed', 'canceled', 'interrupted')),
                 log TEXT NOT NULL DEFAULT '',
                 created_at TEXT NOT NULL,
                 finished_at TEXT,
                 timings_json TEXT NOT NULL DEFAULT '{}',
                 owner_pid INTEGER NOT NULL DEFAULT 0
             ))"),
             QStringLiteral("CREATE INDEX builds_by_dataset ON builds(dataset_id)"),
             QStringLiteral(R"(CREATE TABLE trials (
                 id INTEGER PRIMARY KEY AUTOINCREMENT,
                 build_id INTEGER NOT NULL REFERENCES builds(id) ON DELETE CASCADE,
                 family TEXT NOT NULL,
                 params_json TEXT NOT NULL DEFAULT '{}',
                 score REAL,
                 metric TEXT NOT NULL DEFAULT '',
                 seconds REAL,
                 status TEXT NOT NULL DEFAULT 'running',
                 created_at TEXT NOT NULL
             ))"),
             QStringLiteral("CREATE INDEX trials_by_build ON trials(build_id)"),
             // A finished model outlives its build and data set: deleting those
             // only detaches it (build_id NULL); the bundle on disk stays usable.
             QStringLiteral(R"(CREATE TABLE models (
                 id INTEGER PRIMARY KEY AUTOINCREMENT,
                 build_id INTEGER REFERENCES builds(id) ON DELETE SET NULL,
                 path TEXT NOT NULL,
                 manifest_json TEXT NOT NULL DEFAULT '{}',
                 created_at TEXT NOT NULL
             ))"),
             QStringLiteral("CREATE INDEX models_by_build ON models(build_id)"),
             QStringLiteral(R"(CREATE TABLE prediction_jobs (
                 id INTEGER PRIMARY KEY AUTOINCREMENT,
                 model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
                 input_path TEXT NOT NULL,
                 output_path TEXT NOT NULL DEFAULT '',
                 status TEXT NOT NULL DEFAULT 'running',
                 created_at TEXT NOT NULL
             ))"),
             QStringLiteral("CREATE INDEX prediction_jobs_by_model ON prediction_jobs(model_id)"),
         }},
        // Later steps go here: {3, "…", {…}}. Never edit a released step.
    };
    return steps;
}

namespace {

Status dbFailure(const QSqlDatabase &db, const QSqlQuery &query, const QString &what)
{
    const QString detail = query.lastError().isValid() ? query.lastError().text() : db.lastError().text();
    return Status::failure(ErrorCode::Database, QStringLiteral("%1: %2").arg(what, detail), db.databaseName());
}

Result<int> userVersion(QSqlDatabase &db)
{
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("PRAGMA user_version")) || !q.next())
        return dbFailure(db, q, QStringLiteral("Could not read the library's schema version")).error();
    return q.value(0).toInt();
}

} // namespace

Status migrateLibrary(QSqlDatabase &db)
{
    const auto &steps = libraryMigrations();
    const int latest = int(steps.size());

    Result<int> current = userVersion(db);
    if (!current)
        return current.error();
    if (*current > latest)
        return Status::failure(ErrorCode::Unsupported,
                               QStringLiteral("This library was saved by a newer version of Easel (schema %1; this "
                                              "version knows up to %2). Update Easel to open it.")
                                   .arg(*current).arg(latest),
                               db.databaseName());

    for (const Migration &step : steps) {
        if (step.version <= *current)
            continue;
        QSqlQuery q(db);
        // IMMEDIATE takes the write lock at once; re-reading the version inside
        // the transaction makes a concurrent opener's migration a no-op here.
        if (!q.exec(QStringLiteral("BEGIN IMMEDIATE")))
            return dbFailure(db, q, QStringLiteral("Could not start upgrading the library"));
        Result<int> now = userVersion(db);
        if (!now) {
            q.exec(QStringLiteral("ROLLBACK"));
            return now.error();
        }
        if (*now >= step.version) {
            q.exec(QStringLiteral("ROLLBACK"));
            *current = *now;
            continue;
        }
        for (const QString &sql : step.statements) {
            if (!q.exec(sql)) {
                Status failure = dbFailure(db, q, QStringLiteral("Could not upgrade the library to schema %1 (%2)")
                                                      .arg(step.version).arg(step.description));
                QSqlQuery(db).exec(QStringLiteral("ROLLBACK"));
                return failure;
            }
        }
        if (!q.exec(QStringLiteral("PRAGMA user_version = %1").arg(step.version)) || !q.exec(QStringLiteral("COMMIT"))) {
            Status failure = dbFailure(db, q, QStringLiteral("Could not finish upgrading the library to schema %1")
                                                  .arg(step.version));
            QSqlQuery(db).exec(QStringLiteral("ROLLBACK"));
            return failure;
        }
        *current = step.version;
    }
    return {};
}

} // namespace easel
