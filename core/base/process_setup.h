#pragma once

namespace easel {

//! Call first thing in main(). Settings the C and OpenMP run-times read only when
//! the process starts; when one is not set yet, this sets them and re-executes the
//! program once. Returns normally otherwise (or when re-executing fails).
//! - OMP_WAIT_POLICY=PASSIVE: XGBoost's OpenMP threads busy-wait between parallel
//!   regions by default, which slows training several-fold whenever anything else
//!   runs on the machine (libgomp is loaded at start-up, through QtCore).
//! - glibc.malloc.hugetlb=1 in GLIBC_TUNABLES: large allocations (columns, sort
//!   buffers) get transparent huge pages, which halves the page faults of an import.
void applyRunTimeSettings(char **argv);

//! For a process that only reads and summarises data (easel-cli inspect, import),
//! called before any thread starts: every thread allocates from the main malloc
//! arena, whose heap gets huge pages (threads' own arenas do not), so the column
//! pieces the reader's threads fill fault in 2 MB at a time. A process that trains
//! keeps one arena per thread: its threads allocate often and would contend.
void shareOneMallocArena();

} // namespace easel
