// easel-cli explain (being written).
#include "cli_commands.h"

#include <cstdio>

namespace easel::cli {

int runExplain(const QStringList &)
{
    std::fputs("easel-cli: 'explain' is not available in this version yet.\n", stderr);
    return ExitFailure;
}

} // namespace easel::cli
