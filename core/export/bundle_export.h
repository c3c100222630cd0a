#pragma once

#include "base/result.h"
#include "base/task_context.h"
#include "export/model_report.h"
#include "model/bundle.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace easel {

class TrainerRegistry;

//! What `easel-cli export` writes.
enum class ExportFormat {
    XGBoost,      //!< the XGBoost members' boosters as XGBoost JSON
    TorchScript,  //!< the network members as TorchScript modules
    Python,       //!< one standalone Python script reproducing the predictions
    Report,       //!< a model card as self-contained HTML
};

QString exportFormatName(ExportFormat format);  //!< "xgboost", "torchscript", "python", "report"
bool exportFormatFromName(const QString &name, ExportFormat *format);
QStringList exportFormatNames();

struct ExportOptions
{
    QString dataPath;   //!< report: a CSV with the target to compute a confusion matrix / residuals from
};

//! What an export wrote.
struct ExportOutcome
{
    QStringList files;  //!< every file written, absolute paths
    QStringList notes;  //!< plain-words remarks for the user
};

//! Exports bundle to outPath in format.
//!
//! XGBoost and TorchScript: exactly one model (one member, one fold) is written
//! as the file outPath; several are written into the folder outPath (created
//! when missing; must be empty or hold an earlier export) as one file per
//! member and fold plus manifest.json and README.txt saying how they combine
//! (weights, fold averaging, feature order and names, the pipelines). Families:
//! xgboost and random_forest (XGBoost boosters, via Model::exportAs("xgboost-json"));
//! mlp (Model::exportAs("torchscript")).
//!
//! Fails with InvalidArgument (a plain sentence) when the bundle has no member
//! of the format's kind, Corrupt for a damaged manifest, Unsupported when the
//! family's plugin cannot export, PermissionDenied/Io when outPath cannot be
//! written. Files are written atomically (QSaveFile).
Result<ExportOutcome> exportBundle(const ModelBundle &bundle, TrainerRegistry &registry, ExportFormat format,
                                   const QString &outPath, const ExportOptions &options = {},
                                   TaskContext *ctx = nullptr);

//! The final model's out-of-fold predictions stored in the bundle (confusion
//! matrix or residuals, and every metric), or nullopt for a bundle without them.
std::optional<ReportEvaluation> validationEvaluation(const ModelBundle &bundle);

//! Scores the rows of a CSV that have a known target with the bundle, for the
//! report: confusion matrix or residual summary, and every metric. Fails when
//! the file cannot be read, lacks the model's input columns or the target, or
//! holds no row with a known target.
Result<ReportEvaluation> evaluateBundle(const ModelBundle &bundle, TrainerRegistry &registry,
                                        const QString &csvPath, TaskContext *ctx = nullptr);

} // namespace easel
