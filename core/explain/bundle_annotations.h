#pragma once
// What the build runner adds to a finished bundle so that later questions can be
// answered without the training rows: column impact and the drift reference.

#include "base/result.h"
#include "base/task_context.h"
#include "data/table.h"
#include "explain/explain.h"
#include "model/bundle.h"

#include <vector>

namespace easel {

class TrainerRegistry;

//! Opens the bundle's models (through registry), measures column impact on the
//! given training rows (explainGlobal, out-of-fold when foldValidRows holds each
//! fold's validation rows in the bundle's fold order) and profiles those rows
//! (trainingProfile), then writes into bundle.manifest:
//!   "column_impact"        ImpactReport::toJson() (replaces the gain-based one)
//!   "column_impact_method" ImpactReport::method
//!   "drift_reference"      trainingProfile(table, rows, input columns)
//! impact (optional) receives the report. Fails when the bundle does not open or
//! on cancel; the bundle is left unchanged then.
Status annotateBundle(ModelBundle &bundle, const Table &table, const std::vector<size_t> &rows,
                      const std::vector<std::vector<size_t>> &foldValidRows, TrainerRegistry &registry,
                      ImpactReport *impact = nullptr, TaskContext *ctx = nullptr);

} // namespace easel
