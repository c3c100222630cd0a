#pragma once
// Worker side of the Build, Models and Predict pages: plain functions that run
// on a BackgroundJob's thread, open their own Library and TrainerRegistry when
// they need one, and hand back immutable values. Nothing here touches a widget.

#include "dataset_jobs.h"

#include "automl/build.h"
#include "data/csv_reader.h"
#include "model/batch_predict.h"
#include "model/predictor.h"
#include "model/row_input.h"
#include "store/build_store.h"

#include <QMap>

#include <memory>
#include <optional>
#include <vector>

namespace easel {

class TrainerRegistry;

//! Where builds can run: the families installed and whether XGBoost sees a GPU.
struct ComputeInfo
{
    bool known = false;
    QStringList families;
    bool gpuAvailable = false;
    QString gpuReason;
};
//! Reads the plugins' metadata and asks only the XGBoost trainer about the GPU
//! (LibTorch stays unloaded until a build uses networks).
ComputeInfo computeInfoJob(TaskContext *ctx);

//! A fresh registry with the installed plugins discovered (one per worker job:
//! TrainerRegistry::trainer() is not thread-safe; plugins stay loaded process-wide).
std::shared_ptr<TrainerRegistry> makeRegistry();

//! One column as a possible target: what Easel would predict, or why it can't.
struct TargetChoice
{
    QString column;
    ColumnType type = ColumnType::Text;
    bool usable = false;
    ProblemType problem = ProblemType::Regression;
    QString reason;     //!< detectTarget's reason, or the error saying why not
    int classes = 0;
};
std::vector<TargetChoice> targetChoicesJob(TablePtr table, TaskContext *ctx);

//! A column Easel suggests leaving out, with a short reason and the full sentence.
struct LeaveOutSuggestion
{
    QString column;
    QString reason;     //!< "looks like an ID"
    QString message;    //!< the warning's sentence
};

struct TargetAnalysis
{
    Error error;
    TargetInfo target;
    std::vector<LeaveOutSuggestion> leaveOut;
    std::vector<DataWarning> warnings;  //!< target-aware (imbalance, leaks)
    bool ok() const { return error.code == ErrorCode::None; }
};
//! detectTarget (or targetAs for an override) plus the target-aware warnings.
TargetAnalysis analyseTargetJob(DatasetContentPtr content, const QString &target,
                                std::optional<ProblemType> problem, TaskContext *ctx);

struct PreviewJobResult
{
    Error error;
    TargetInfo target;
    Metric metric = Metric::Rmse;
    double score = 0;
    std::vector<ColumnImpact> impact;
    double seconds = 0;
    bool ok() const { return error.code == ErrorCode::None; }
};
//! A preview build (BuildMode::Preview): a rough score and column impact in seconds.
PreviewJobResult previewJob(TablePtr table, BuildSpec spec, TaskContext *ctx);

struct BuildJobResult
{
    Error error;
    qint64 buildId = -1;
    qint64 modelId = -1;
    QString bundlePath;
    bool canceled = false;
    bool timeLimited = false;  //!< the time limit ended the search (BuildResult::timeLimited)
    int trials = 0;
    double seconds = 0;
    Metric metric = Metric::Rmse;
    double score = 0;
    QString target;
    bool ok() const { return error.code == ErrorCode::None; }
};
//! Runs a build, recording it and its trials in the library at libraryPath as the
//! CLI does, saves the bundle under <data folder>/models/build-<id>.easel and
//! records the model. observer (called on this thread) also gets every event.
BuildJobResult buildJob(const QString &libraryPath, qint64 datasetId, TablePtr table, const BuildSpec &spec,
                        const BuildObserver &observer, TaskContext *ctx);

//! A saved model, opened and ready to predict, with its validation evidence.
struct LoadedModel
{
    ModelRecord record;
    std::shared_ptr<TrainerRegistry> registry;  //!< declared before predictor: outlives it
    std::shared_ptr<Predictor> predictor;
    QJsonObject manifest;
    QString path;
    ProblemType problem = ProblemType::Regression;
    Metric metric = Metric::Rmse;
    QString target;
    QStringList classLabels;
    double threshold = 0.5;
    // Out-of-fold predictions of the final model (rows with a known target).
    std::vector<float> truth;
    std::vector<float> predictions;     //!< binary: P(1); multiclass: n×k; regression: value
    int outputs = 1;
    // Derived on the worker for the charts.
    std::vector<std::vector<qint64>> confusion;  //!< [actual][predicted]
    std::vector<double> rocFpr, rocTpr;           //!< binary
    std::vector<double> prRecall, prPrecision;    //!< binary
    double rocAuc = 0;
    double positiveShare = 0;                     //!< binary: share of class 1 (the PR baseline)
    std::vector<double> perClassRecall;           //!< classification

    //! The manifest's validation value of a metric (NaN when absent).
    double metricValue(Metric m) const;
};
using LoadedModelPtr = std::shared_ptr<const LoadedModel>;

struct ModelJobResult
{
    Error error;
    LoadedModelPtr model;
    bool ok() const { return error.code == ErrorCode::None; }
};
ModelJobResult loadModelJob(const ModelRecord &record, TaskContext *ctx);

struct RowJobResult
{
    Error error;
    RowPrediction prediction;
    quint64 generation = 0;
    bool ok() const { return error.code == ErrorCode::None; }
};
RowJobResult predictRowJob(LoadedModelPtr model, const QMap<QString, QString> &values);

struct BatchJobResult
{
    Error error;
    BatchReport report;
    QString output;
    CsvPreview preview;   //!< the first rows of the output
    bool ok() const { return error.code == ErrorCode::None; }
};
//! Scores input into output (streamed), then reads the first previewRows rows back.
BatchJobResult batchJob(LoadedModelPtr model, const QString &input, const QString &output, int previewRows,
                        TaskContext *ctx);

struct ExportJobResult
{
    Error error;
    QStringList files;
    QStringList notes;
    bool ok() const { return error.code == ErrorCode::None; }
};
//! format: "bundle" (a file copy) or an exportFormatName().
ExportJobResult exportJob(LoadedModelPtr model, const QString &format, const QString &outPath, TaskContext *ctx);

//! The families of a manifest's ensemble members ("xgboost", "mlp", …).
QStringList memberFamilies(const QJsonObject &manifest);

} // namespace easel
