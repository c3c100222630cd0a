#pragma once

#include "base/result.h"
#include "model/bundle.h"

#include <QByteArray>

namespace easel {

//! Writes a bundle as one standalone Python script (pandas + numpy, and the
//! xgboost package when the bundle holds XGBoost members) that reproduces the
//! bundle's predictions: `python3 model.py input.csv output.csv` writes the
//! columns `easel-cli predict` writes (input columns, prediction,
//! probability_<label>…; `--precise` writes 17 significant digits).
//!
//! The script embeds everything: the manifest's fitted pipelines as a JSON
//! literal (MODEL) and every member's payload base64-encoded (PAYLOADS:
//! XGBoost UBJ, linear weights as JSON, the MLP's raw "EASELMLP" weights, whose
//! forward pass the script re-implements in numpy, so torch is never needed).
//! It reads the CSV with Easel's type rules, builds the features in float32
//! exactly as Preprocessor::transform does, averages each member's folds,
//! weights the members and applies the binary threshold, like Predictor.
//!
//! Fails with Corrupt when the manifest is not an Easel model or names a
//! payload the bundle lacks, Unsupported for a member family the script cannot
//! run (only xgboost, random_forest, linear and mlp are known).
Result<QByteArray> makePythonScript(const ModelBundle &bundle);

//! The fixed part of every exported script (python_runtime.cpp): the CSV
//! reader, the pipelines, the models and the ensemble. Expects the globals
//! MODEL and PAYLOADS and the imports made by the script's head.
const char *pythonRuntimeSource();

} // namespace easel
