#pragma once

namespace easel {

//! Call first thing in main(). XGBoost's OpenMP threads busy-wait between
//! parallel regions by default, which slows training several-fold whenever
//! anything else runs on the machine. libgomp reads OMP_WAIT_POLICY only when
//! it is loaded (at start-up, through QtCore), so if it is unset this sets it
//! to PASSIVE and re-executes the program once. Returns normally otherwise.
void preferPassiveOpenMp(char **argv);

} // namespace easel
