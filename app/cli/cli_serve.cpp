// easel-cli serve (being written).
#include "cli_commands.h"

#include <cstdio>

namespace easel::cli {

int runServe(const QStringList &)
{
    std::fputs("easel-cli: 'serve' is not available in this version yet.\n", stderr);
    return ExitFailure;
}

} // namespace easel::cli
