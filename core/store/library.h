#pragma once

#include "base/result.h"
#include "base/task_context.h"
#include "data/csv_reader.h"
#include "data/table.h"

#include <QDateTime>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QString>

#include <memory>
#include <optional>
#include <vector>

namespace easel {

//! One imported data set as the library remembers it.
struct DatasetRecord
{
    qint64 id = -1;
    QString name;
    QString sourcePath;
    qint64 sizeBytes = 0;
    QString contentHash;      //!< hex digest of the file's bytes
    qint64 rows = 0;
    int columns = 0;
    QJsonObject dialect;      //!< Dialect::toJson()
    QJsonObject schema;       //!< {"columns": [{"name", "type"}]}
    QJsonObject stats;        //!< {"columns": [ColumnStats::toJson()], "warnings": [...], "report": {...}}
    QDateTime importedAt;     //!< UTC
    QString dataFile;         //!< file name of the binary table, relative to Library::dataDirectory()
};

//! The user's library: one SQLite file (WAL, foreign keys, versioned schema with
//! forward migrations) plus a folder beside it holding the imported tables.
//!
//! Durability: journal_mode=WAL with synchronous=FULL, so every committed
//! transaction is fsynced and survives a killed process and a power cut alike
//! (NORMAL would survive only the former). Commits are human-scale events
//! (imports, build and trial rows), so the fsync per commit costs nothing
//! visible. Table files are fsynced and renamed into place before their row is
//! inserted, so a row never points at a missing or half-written file; a crash
//! between the two leaves an unreferenced file that the next import of the same
//! content simply overwrites.
//!
//! Several processes may open the same library (busy_timeout, IMMEDIATE
//! transactions). Not thread-safe: use one Library per thread (each opens its
//! own uniquely named connection, removed by the destructor).
class Library
{
public:
    ~Library();

    //! The library path used when none is given: $EASEL_LIBRARY if set, else
    //! "library.easeldb" in the platform's app-data location.
    static QString defaultPath();
    //! The schema version this build writes.
    static int currentSchemaVersion();

    //! Opens (creating if needed) and migrates the library at path. The caller owns the result.
    //! Fails with Database / PermissionDenied / Unsupported (a newer schema).
    static Result<std::unique_ptr<Library>> open(const QString &path);

    QString path() const { return m_path; }
    //! Folder holding the binary tables: the library path plus ".data"
    //! ("library.easeldb.data"), beside the library file; files are "<content hash>.easeltable".
    QString dataDirectory() const;
    int schemaVersion() const;

    //! Imports a CSV: reads it (unless the same content is already in the
    //! library, in which case that record is returned with alreadyPresent set),
    //! profiles it, writes the binary table, then records it in one transaction.
    struct ImportOutcome
    {
        DatasetRecord record;
        bool alreadyPresent = false;
        ImportReport report;
    };
    Result<ImportOutcome> importCsv(const QString &csvPath, const QString &name = {},
                                    const ImportOptions &options = {}, TaskContext *ctx = nullptr);

    //! Stores a table that did not come from a CSV file (a derived or generated
    //! table) like an import: its content hash is tableContentHash(table), so
    //! storing the same table twice gives the first record with alreadyPresent.
    //! sourcePath, dialect and the report stay empty; stats are computed.
    Result<ImportOutcome> importTable(const Table &table, const QString &name, TaskContext *ctx = nullptr);

    //! Every data set, oldest first.
    Result<std::vector<DatasetRecord>> datasets() const;
    //! Fails with NotFound for an unknown id.
    Result<DatasetRecord> dataset(qint64 id) const;
    std::optional<DatasetRecord> findByHash(const QString &contentHash) const;
    //! Loads the imported table of a data set from its binary file (no CSV parsing).
    Result<std::shared_ptr<Table>> loadTable(qint64 id, TaskContext *ctx = nullptr) const;
    //! Deletes the record (builds of it go with it, see migrations.cpp) and then
    //! its table file. Fails with NotFound for an unknown id.
    Status removeDataset(qint64 id);

    //! Deletes files in dataDirectory() that no record points at and that were
    //! last modified at least minAgeSeconds ago: table files left by a crash
    //! between writing and recording, and interrupted temporaries. The age guard
    //! keeps an import that another process is finishing right now safe.
    //! Returns how many files were deleted.
    Result<int> removeOrphanFiles(int minAgeSeconds = 3600);

    //! The import report stored with a record (stats["report"]).
    static ImportReport reportFromRecord(const DatasetRecord &record);

    //! The underlying connection, for subsystems that add their own tables through migrations.
    QSqlDatabase database() const;

private:
    Library() = default;
    Result<ImportOutcome> store(const Table &table, DatasetRecord record, const ImportReport &report,
                                TaskContext *ctx);

    QString m_path;
    QString m_connection;
};

//! Hex content hash of a file (fast, non-cryptographic; used to recognise re-imports):
//! XXH64 (seed 0) of the bytes as 16 lowercase hex digits, the same as `xxhsum -H1`.
//! Streams the file in large blocks. Fails with NotFound / NotAFile /
//! PermissionDenied / Io, or Canceled through ctx.
Result<QString> hashFile(const QString &path, TaskContext *ctx = nullptr);

} // namespace easel
