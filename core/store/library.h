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
//! Not thread-safe: use one Library per thread (each opens its own connection).
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
    //! Folder holding the binary tables: "<library>.data" beside the library file.
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

    Result<std::vector<DatasetRecord>> datasets() const;
    Result<DatasetRecord> dataset(qint64 id) const;
    std::optional<DatasetRecord> findByHash(const QString &contentHash) const;
    //! Loads the imported table of a data set from its binary file (no CSV parsing).
    Result<std::shared_ptr<Table>> loadTable(qint64 id, TaskContext *ctx = nullptr) const;
    Status removeDataset(qint64 id);

    //! The underlying connection, for subsystems that add their own tables through migrations.
    QSqlDatabase database() const;

private:
    Library() = default;
    QString m_path;
    QString m_connection;
};

//! Hex content hash of a file (fast, non-cryptographic; used to recognise re-imports).
Result<QString> hashFile(const QString &path);

} // namespace easel
