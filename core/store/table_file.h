#pragma once

#include "base/result.h"
#include "base/task_context.h"
#include "data/table.h"

#include <QString>

#include <memory>

namespace easel {

//! The compact binary columnar form of an imported table (".easeltable"):
//! a header with magic, format version and schema, then each column's values
//! as raw little-endian arrays (dictionaries as length-prefixed UTF-8), and a
//! checksum. Reading it back is a few large reads, never a CSV re-parse.
//!
//! Writes to a temporary file in the same folder and renames it into place, so
//! a crash never leaves a half-written file under the final name; the data is
//! fsynced before the rename. Fails with InvalidArgument (a column whose size
//! differs from the row count, a code outside its dictionary), PermissionDenied,
//! Io or Canceled. The layout is described at the top of table_file.cpp.
Status writeTableFile(const Table &table, const QString &path, TaskContext *ctx = nullptr);

//! Reads a file written by writeTableFile. A truncated or altered file gives
//! ErrorCode::Corrupt; a newer format version gives ErrorCode::Unsupported.
Result<std::shared_ptr<Table>> readTableFile(const QString &path, TaskContext *ctx = nullptr);

//! The checksum writeTableFile would store for table, as 16 hex digits: equal
//! tables (same names, types, values and dictionaries) give equal hashes.
//! Fails with InvalidArgument for a malformed table (column sizes, codes).
Result<QString> tableContentHash(const Table &table);

//! The file name extension of table files, without the dot.
inline QString tableFileSuffix() { return QStringLiteral("easeltable"); }

} // namespace easel
