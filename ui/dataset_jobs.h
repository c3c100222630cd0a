#pragma once

#include "base/result.h"
#include "base/task_context.h"
#include "data/table.h"
#include "stats/profile.h"
#include "store/library.h"

#include <memory>
#include <vector>

namespace easel {

//! Everything the data set page shows, built on a worker and then read-only.
struct DatasetContent
{
    DatasetRecord record;
    TablePtr table;
    std::vector<ColumnStats> stats;     //!< one per column, in table order
    std::vector<DataWarning> warnings;
    CorrelationMatrix pearson;
    qint64 skippedRows = 0;             //!< rows left out on import (from the stored report)

    //! The statistics of the column named name, or nullptr.
    const ColumnStats *statsFor(const QString &name) const;
};
using DatasetContentPtr = std::shared_ptr<const DatasetContent>;

struct ImportJobResult
{
    Error error;                       //!< code None on success
    Library::ImportOutcome outcome;
    bool ok() const { return error.code == ErrorCode::None; }
};

struct LoadJobResult
{
    Error error;
    DatasetContentPtr content;
    bool ok() const { return error.code == ErrorCode::None; }
};

//! Worker side of "Import CSV…": opens its own Library at libraryPath and imports
//! csvPath into it. Runs on any thread; touches no widget.
ImportJobResult importCsvJob(const QString &libraryPath, const QString &csvPath, TaskContext *ctx);

//! Worker side of opening a data set: loads its table from the library's binary
//! file and its statistics from the stored record (profiling the table only when
//! the record has none), plus the Pearson matrix.
LoadJobResult loadDatasetJob(const QString &libraryPath, qint64 id, const QString &target, TaskContext *ctx);

//! Warnings stored in a record's stats JSON ({"warnings": [DataWarning::toJson()]}).
std::vector<DataWarning> warningsFromJson(const QJsonArray &array);

//! What to do next after a failed import, in one sentence, by error kind.
QString adviceFor(const Error &error);

} // namespace easel
