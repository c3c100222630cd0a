#pragma once
// Scoring a CSV file of any size: streamed in chunks of rows with bounded memory.

#include "base/result.h"
#include "base/task_context.h"
#include "model/drift.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <functional>

namespace easel {

class Predictor;

struct BatchOptions
{
    size_t chunkRows = 50000;            //!< rows scored at a time (memory grows with it)
    size_t driftRows = 10000;            //!< the first rows compared with the training data before scoring
    bool checkDrift = true;
    size_t maxMetricRows = 1000000;      //!< metrics against the actual values use at most the first this many rows (bounded memory)
    //! Called once, after the drift check and before any row is scored (CLI: print the warnings).
    std::function<void(const DriftReport &)> onDrift;
};

//! What scoring a file did.
struct BatchReport
{
    qint64 rows = 0;                     //!< data rows written
    qint64 unreadRows = 0;               //!< rows with the wrong number of fields: written with an empty prediction
    QStringList warnings;                //!< drift, unreadable rows, values that are not numbers, ignored columns
    DriftReport drift;
    QStringList extraColumns;            //!< columns of the file the model does not use (passed through)
    bool hasActual = false;              //!< the file holds the target column
    qint64 actualRows = 0;               //!< rows with an actual value used for the metrics
    QJsonObject metricsAgainstActual;    //!< metricName → value (null when undefined), when hasActual

    //! {"rows", "unread_rows", "warnings", "drift", "extra_columns", "metrics_against_actual"}
    QJsonObject toJson() const;
};

//! The names of the columns predictCsv adds after a file's own (header):
//! "prediction", then "probability_<label>" per class for classification. A name
//! the file already has gets "_2", "_3" … until it is new, so that no two columns
//! share a name (pandas and spreadsheets would mix them up).
QStringList predictionColumnNames(const QStringList &header, const QStringList &classLabels, bool classification);

//! Scores every row of the CSV at input and writes output: each input row's
//! fields exactly as written in the file (the record's bytes, quotes and number
//! formatting untouched), then the columns of predictionColumnNames (a renamed one
//! is reported among the warnings), separated by the input's delimiter. The file is read in
//! chunks of options.chunkRows rows with a quote-aware splitter (a quoted field
//! may hold delimiters and line breaks), so memory stays bounded whatever the size.
//!
//! Before scoring: the dialect is sniffed (sniffCsv); the header must name every
//! input column of the model (else InvalidArgument listing the missing ones);
//! other columns are passed through; a column named like the target is not used
//! to predict, and when present the metrics against its values are reported. The
//! first driftRows rows are compared with the training data (checkDrift).
//!
//! Errors: the sniffer's (NotFound, EmptyInput, NotCsv, …); Unsupported for UTF-16
//! files; PermissionDenied / Io for the output; Canceled (no output file is left).
//! Progress is the share of the input bytes read.
Result<BatchReport> predictCsv(const Predictor &predictor, const QString &input, const QString &output,
                               const BatchOptions &options = {}, TaskContext *ctx = nullptr);

} // namespace easel
