#pragma once
// One prediction from values typed in a form or passed on the command line:
// column → text, checked against the bundle's input_schema.

#include "base/result.h"
#include "data/table.h"
#include "explain/explain.h"

#include <QJsonObject>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace easel {

class Predictor;

//! The outcome of one row.
struct RowPrediction
{
    QString label;                       //!< classification: the predicted label as in the training CSV;
                                         //!< regression: the value as text
    double value = 0;                    //!< regression: the value; classification: probability of label
    QStringList classLabels;             //!< classification: every label, in probabilities order
    std::vector<double> probabilities;   //!< classification: one per label
    std::optional<RowExplanation> explanation;
    QStringList warnings;                //!< imputed, unseen or unknown values, in plain words

    //! {"prediction", "value", "probabilities": {label: p}, "explanation", "warnings"}
    QJsonObject toJson() const;
};

struct RowOptions
{
    bool explain = true;                 //!< also explain the prediction (explainRows)
};

//! Checks values against the model's input schema and builds a one-row table
//! (String storage; the pipelines parse numbers and dates from text). Rules:
//!  - a numeric column with text that is not a number, a yes/no column with
//!    something else, a date that is not ISO 8601 → InvalidArgument naming every such
//!    column ("price must be a number; got 'abc'.");
//!  - a missing or empty value (or NA, null, …) → missing, imputed by the pipelines, with a warning;
//!  - a number outside the training range → accepted, with a warning;
//!  - a category never seen in training → accepted (treated as unknown), with a warning;
//!  - a key that is not an input column → ignored with a warning; the target column → ignored silently.
Result<Table> rowTable(const Predictor &predictor, const QMap<QString, QString> &values, QStringList *warnings);

//! JSON values to text: strings as they are, numbers in full precision, true/false,
//! null as missing. Arrays and objects fail with InvalidArgument naming the key.
Result<QMap<QString, QString>> rowValuesFromJson(const QJsonObject &json);

//! Predicts (and explains) one row.
Result<RowPrediction> predictRow(const Predictor &predictor, const QMap<QString, QString> &values,
                                 const RowOptions &options = {});
Result<RowPrediction> predictRow(const Predictor &predictor, const QJsonObject &values, const RowOptions &options = {});

} // namespace easel
