#include "base/process_setup.h"

#include <cstdlib>
#include <cstring>
#include <string>
#include <unistd.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace easel {

void applyRunTimeSettings(char **argv)
{
    bool changed = false;
    if (!std::getenv("OMP_WAIT_POLICY")) {
        ::setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
        changed = true;
    }
#if defined(__GLIBC__)
    const char *tunables = std::getenv("GLIBC_TUNABLES");
    if (!tunables || !std::strstr(tunables, "glibc.malloc.hugetlb")) {
        std::string value = tunables && *tunables ? std::string(tunables) + ":" : std::string();
        value += "glibc.malloc.hugetlb=1";
        ::setenv("GLIBC_TUNABLES", value.c_str(), 1);
        changed = true;
    }
#endif
    if (changed)
        ::execv("/proc/self/exe", argv);
    // exec failed (no /proc): carry on with the defaults.
}

void shareOneMallocArena()
{
#if defined(__GLIBC__)
    mallopt(M_ARENA_MAX, 1);
#endif
}

} // namespace easel
