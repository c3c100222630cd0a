#pragma once
// Why a model predicts what it does, per original CSV column.
//
// Two questions, two answers:
//  - explainRows(): how much each column pushed one prediction away from the
//    model's baseline prediction ("income pushed the probability of *yes* up by 0.12");
//  - explainGlobal(): each column's share of the model's decisions over many rows
//    (the "column impact" stored in the bundle), with a direction for numeric columns.
//
// Derived features (one-hot levels, date parts, target-encoding columns, missing
// indicators, embeddings) are always summed back to the column they came from
// (FeatureMatrix::sourceColumn / catSourceColumn).

#include "automl/metrics.h"
#include "base/result.h"
#include "base/task_context.h"
#include "data/table.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <vector>

namespace easel {

class Predictor;

//! One prediction taken apart by column. The numbers are in the output space a
//! user reads: the predicted value (regression) or the probability of
//! explainedClass (classification), so baseline + Σ contributions = prediction.
//!
//! How each member is taken apart (the ensemble is the weight-averaged member
//! explanations; a member is its fold models averaged):
//!  - Models with exact additive contributions (XGBoost / random forest: exact
//!    TreeSHAP; linear: coefficient × standardised value): the contributions are
//!    exact in margin space (log-odds, class scores, values) and the baseline is
//!    the model's bias (TreeSHAP: the mean margin over the training rows; linear:
//!    the margin at the training means). Regression stops there. Classification
//!    maps them to probability space: each column's margin contributions are
//!    weighted by the gradient of P(explained class) with respect to the margins
//!    (for binary simply P(1)·(1 − P(1))), then all are scaled by one factor so
//!    they sum exactly to P − P(baseline margins). For binary this is the plain
//!    proportional scaling φ·(P − P0)/(m − m0).
//!  - Other models (the MLP): an approximation by occlusion. The baseline is the
//!    model's prediction when every column is missing, which the pipeline imputes
//!    with the training median / most frequent level; column j's raw effect is
//!    P(row) − P(row with j missing). The raw effects are then made to add up:
//!    the remainder (P − P0 − Σ raw) is shared among the columns in proportion to
//!    |raw effect| (evenly when all are zero). exact is false for such rows.
struct RowExplanation
{
    QStringList columns;                 //!< the model's input columns (Predictor::inputColumns order)
    std::vector<double> contributions;   //!< one per column: how much it moved the prediction
    double baseline = 0;                 //!< the prediction for a "typical" row
    double prediction = 0;               //!< the model's prediction (= baseline + Σ contributions)
    int explainedClass = -1;             //!< classification: the class whose probability is explained
                                         //!< (binary: always class 1; multiclass: the predicted class); -1 regression
    QString explainedLabel;              //!< that class's label, as in the training CSV
    bool exact = true;                   //!< false when an occlusion approximation took part (MLP members)

    //! {"baseline", "prediction", "explained_class", "exact", "contributions": [{column, contribution}] by |size|}
    QJsonObject toJson() const;
    //! "income pushed the probability of *yes* up by 0.12" — the largest few, one per line.
    QStringList sentences(int maxColumns = 5) const;
};

//! Explains rows of table (which must hold the model's input columns; missing
//! ones read as missing). Fails only when a model fails to predict or on cancel.
Result<std::vector<RowExplanation>> explainRows(const Predictor &predictor, const Table &table,
                                                const std::vector<size_t> &rows, TaskContext *ctx = nullptr);

//! One column's share of the model's decisions.
struct ColumnImpactEntry
{
    QString column;
    double percent = 0;          //!< share of the model's decisions; all columns sum to 100
    int direction = 0;           //!< numeric columns: +1 higher values push the prediction up, −1 down; 0 mixed / n.a.
    double meanAbsContribution = 0; //!< mean |contribution| of the ensemble in output space (probability / value)
    double permutationDrop = 0;  //!< ensemble: mean worsening of the metric when the column is shuffled (≥ 0 helps)
    double permutationSpread = 0;//!< standard deviation of that worsening over the repeats
    QString directionText() const; //!< "higher values push the prediction up" / "" when direction is 0
};

//! Column impact of a model: what the bundle stores as "column_impact".
struct ImpactReport
{
    std::vector<ColumnImpactEntry> columns;  //!< largest share first
    QString metric;                          //!< metricName() used for permutation importance
    size_t rows = 0;                         //!< rows the permutation used
    size_t explainedRows = 0;                //!< rows whose contributions gave the tree shares and directions
    int repeats = 0;
    QString method;                          //!< plain words on how the shares were found

    //! [{column, percent, direction, mean_abs_contribution, permutation_drop, permutation_spread}]
    //! — keeps the {column, percent} keys the build wrote before.
    QJsonArray toJson() const;
    //! Reads toJson() (and the older [{column, percent}] form).
    static ImpactReport fromJson(const QJsonArray &json);
};

struct ExplainOptions
{
    //! Rows of the table to measure on; empty: every row whose target is not missing.
    std::vector<size_t> rows;
    //! Build time: per validation fold of the build (same order as the bundle's fold
    //! models, one entry per fold), its validation rows. Each row is then scored only by
    //! the fold model that did not train on it, so permutation importance is measured on
    //! out-of-fold predictions. Empty: every fold model scores every row (averaged).
    std::vector<std::vector<size_t>> foldValidRows;
    size_t maxRows = 3000;           //!< permutation importance on at most this many rows (a fixed random sample)
    size_t maxExplainRows = 200;     //!< rows for mean |contribution| and direction
    double maxExplainSeconds = 10;   //!< fewer rows (≥ 16) when TreeSHAP of a random forest would take longer
                                     //!< (or a quarter of the context's time left): deep forests cost ms a row
    int repeats = 3;                 //!< shuffles per column
    uint64_t seed = 0;
};

//! Column impact over many rows of a table that holds the target column.
//!
//! Per member: tree members (xgboost, random_forest) get their shares from
//! mean |TreeSHAP contribution| (summed back to columns); the other members (linear,
//! mlp) from permutation importance: the worsening of the build metric when one
//! column's values are shuffled among the rows, averaged over `repeats` shuffles
//! (negative worsening counts as 0). The shares of the members are averaged with
//! the ensemble weights and scaled to 100 %. The ensemble as a whole also gets a
//! permutation importance (permutationDrop ± permutationSpread), reported beside
//! the percentages. direction is the sign of the correlation, over the explained
//! rows, between a numeric column's value and the ensemble's contribution of that
//! column (0 when |r| < 0.1).
//!
//! Fails (InvalidArgument) when the table lacks the target column or no row has a
//! target value; Canceled on cancel.
Result<ImpactReport> explainGlobal(const Predictor &predictor, const Table &dataWithTarget,
                                   const ExplainOptions &options = {}, TaskContext *ctx = nullptr);

} // namespace easel
