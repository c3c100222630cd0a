#include "cli_support.h"

#include <cmath>
#include <csignal>
#include <cstdio>
#include <unistd.h>

namespace easel::cli {

void out(const QString &text) { std::fputs(text.toUtf8().constData(), stdout); }
void err(const QString &text) { std::fputs(text.toUtf8().constData(), stderr); }

int exitCodeFor(const Error &error, std::initializer_list<std::pair<ErrorCode, int>> overrides)
{
    for (const auto &[code, exit] : overrides)
        if (code == error.code)
            return exit;
    switch (error.code) {
    case ErrorCode::NotFound:
    case ErrorCode::PermissionDenied:
    case ErrorCode::NotAFile: return ExitNotFound;
    case ErrorCode::EmptyInput:
    case ErrorCode::BinaryInput:
    case ErrorCode::NotCsv:
    case ErrorCode::BadRow:
    case ErrorCode::Corrupt: return ExitBadInput;
    case ErrorCode::Database: return ExitLibrary;
    case ErrorCode::Canceled: return ExitCanceled;
    case ErrorCode::InvalidArgument: return ExitUsage;
    default: return ExitFailure;
    }
}

int fail(const Error &error, std::initializer_list<std::pair<ErrorCode, int>> overrides)
{
    err(QStringLiteral("easel-cli: %1\n").arg(error.toString()));
    return exitCodeFor(error, overrides);
}

int usageError(const QString &message)
{
    err(QStringLiteral("easel-cli: %1\n").arg(message));
    return ExitUsage;
}

bool parseCommandLine(QCommandLineParser &parser, const QString &command, const QStringList &args, int *exitCode)
{
    QStringList full = args;
    full.prepend(QStringLiteral("easel-cli %1").arg(command));
    if (!parser.parse(full)) {
        *exitCode = usageError(parser.errorText());
        return false;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out(parser.helpText());
        *exitCode = ExitOk;
        return false;
    }
    return true;
}

TaskContext::ProgressCallback terminalProgress()
{
    if (!isatty(STDERR_FILENO))
        return {};
    return [](double fraction, const QString &message) {
        std::fprintf(stderr, "\r\033[K%3d%%  %s", int(std::lround(fraction * 100)), qPrintable(message));
        if (fraction >= 1.0)
            std::fputs("\r\033[K", stderr);
        std::fflush(stderr);
    };
}

namespace {

TaskContext *g_running = nullptr;

extern "C" void onInterrupt(int)
{
    if (g_running)
        g_running->cancel();
}

} // namespace

InterruptGuard::InterruptGuard(TaskContext *ctx)
{
    g_running = ctx;
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
}

InterruptGuard::~InterruptGuard()
{
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    g_running = nullptr;
}

} // namespace easel::cli
