// easel-cli export (being written).
#include "cli_commands.h"

#include <cstdio>

namespace easel::cli {

int runExport(const QStringList &)
{
    std::fputs("easel-cli: 'export' is not available in this version yet.\n", stderr);
    return ExitFailure;
}

} // namespace easel::cli
