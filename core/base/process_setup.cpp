#include "base/process_setup.h"

#include <cstdlib>
#include <unistd.h>

namespace easel {

void preferPassiveOpenMp(char **argv)
{
    if (std::getenv("OMP_WAIT_POLICY"))
        return;
    ::setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
    ::execv("/proc/self/exe", argv);
    // exec failed (no /proc): carry on with the default policy.
}

} // namespace easel
