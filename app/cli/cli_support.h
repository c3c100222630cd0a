#pragma once

#include "cli_commands.h"

#include "base/result.h"
#include "base/task_context.h"

#include <QCommandLineParser>
#include <QString>
#include <QStringList>

#include <initializer_list>
#include <utility>

namespace easel::cli {

//! UTF-8 text on stdout / stderr.
void out(const QString &text);
void err(const QString &text);

//! The exit code for an error: missing/unreadable → ExitNotFound, refused input →
//! ExitBadInput, library → ExitLibrary, canceled → ExitCanceled, a bad argument →
//! ExitUsage; a command passes overrides for the codes it means otherwise.
int exitCodeFor(const Error &error, std::initializer_list<std::pair<ErrorCode, int>> overrides = {});
//! Prints "easel-cli: <file, line: message>" on stderr and returns exitCodeFor(error, overrides).
int fail(const Error &error, std::initializer_list<std::pair<ErrorCode, int>> overrides = {});
//! Prints "easel-cli: <message>" on stderr and returns ExitUsage.
int usageError(const QString &message);

//! Parses "easel-cli COMMAND args"; false when the caller should return *exitCode
//! (a parse error, or --help printed).
bool parseCommandLine(QCommandLineParser &parser, const QString &command, const QStringList &args, int *exitCode);

//! Progress on stderr, only when a person is watching (stderr is a terminal).
TaskContext::ProgressCallback terminalProgress();

//! While alive, Ctrl+C and SIGTERM cancel ctx (which keeps what is finished)
//! instead of killing the process.
class InterruptGuard
{
public:
    explicit InterruptGuard(TaskContext *ctx);
    ~InterruptGuard();
    InterruptGuard(const InterruptGuard &) = delete;
    InterruptGuard &operator=(const InterruptGuard &) = delete;
};

} // namespace easel::cli
