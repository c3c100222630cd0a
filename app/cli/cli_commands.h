#pragma once

#include <QStringList>

namespace easel::cli {

//! Exit codes of easel-cli (all below 126, as shells reserve the rest).
enum ExitCode {
    ExitOk = 0,
    ExitFailure = 1,       //!< anything not listed below
    ExitUsage = 2,         //!< wrong command-line arguments
    ExitNotFound = 3,      //!< a file is missing, unreadable or not a file
    ExitBadInput = 4,      //!< the file was read but refused (empty, binary, not a table, bad rows)
    ExitLibrary = 5,       //!< the library could not be opened or written
    ExitCanceled = 6,      //!< interrupted before anything usable was made
    ExitCannotBuild = 7,   //!< the data cannot make a model (target missing or constant, too few rows, …)
};

//! Runs one sub-command; args excludes the program name and the sub-command.
int runInspect(const QStringList &args);
int runImport(const QStringList &args);
int runDatasets(const QStringList &args);
int runBuild(const QStringList &args);
int runPredict(const QStringList &args);
int runExplain(const QStringList &args);
int runExport(const QStringList &args);
int runServe(const QStringList &args);

} // namespace easel::cli
