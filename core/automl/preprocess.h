#pragma once

#include "automl/feature_matrix.h"
#include "automl/problem.h"
#include "automl/trainer.h"
#include "base/result.h"
#include "data/table.h"

#include <QJsonObject>
#include <QString>

#include <memory>
#include <vector>

namespace easel {

//! A column preprocessing leaves out, and why, in plain words.
struct DroppedColumn
{
    QString column;
    QString reason;  //!< "looks like an ID: a different value in every row"
};

struct PreprocessOptions
{
    FeatureFlavour flavour = FeatureFlavour::Trees;
    QStringList excluded;          //!< columns the user dropped (the target is always excluded)
    int oneHotMaxLevels = 12;      //!< categoricals with more levels are target-encoded (or embedded)
    int embedMaxLevels = 1000;     //!< Embedded flavour: more levels than this are target-encoded
    int targetEncodingFolds = 5;   //!< out-of-fold target encoding on the training rows
    double smoothing = 10;         //!< target-encoding prior weight
    uint64_t seed = 0;
};

//! The fitted preprocessing pipeline: imputation (median / most frequent,
//! missing-indicator columns), one-hot for low-cardinality categoricals,
//! out-of-fold target encoding for high-cardinality ones, scaling for networks
//! and linear models, date expansion (year, month, day of week, hour, day of
//! year, elapsed days), and removal of identifier-like and constant columns.
//! Fitted on training rows only and saved with the model as JSON.
//!
//! transform() matches input columns by name and reads values by their text or
//! number, so a CSV to predict may type a column differently than the training
//! CSV did (an integer column read as real, a category never seen).
//!
//! Rules (preprocess.cpp):
//!  - dropped, with a reason: Identifier columns; columns empty in every training
//!    row; columns with one value and no missing value; free text with no word to read.
//!  - Free text (Text columns where at least half the training rows hold a different
//!    value): words are the runs of letters and digits, lower-cased. Features: "review
//!    (words)", the number of words (NaN when missing in Trees; standardised, missing → 0
//!    plus "review (missing)" otherwise), then 'review has "great"' (0/1) for each word in
//!    at least 5 training rows (and a thousandth of them) but not in every one, the 100
//!    most frequent at most, ties by the word. Dropped when no word qualifies.
//!  - Integer / Real / Boolean: Trees keeps the raw number (NaN missing); Scaled and
//!    Embedded impute the training median, add "age (missing)" when training rows
//!    had missing values, and standardise with the training mean and (population)
//!    standard deviation (0 → 1).
//!  - Categorical / Text: levels are the texts of the training rows, sorted (numerically
//!    when all are numbers). Embedded flavour: ≤ embedMaxLevels levels → FeatureMatrix::cats.
//!    Otherwise ≤ oneHotMaxLevels → one-hot "sex=male" (missing / unseen → all zeros;
//!    Scaled / Embedded add "sex (missing)" when training rows had missing values);
//!    more → target encoding: (sum + smoothing·prior) / (count + smoothing), missing as
//!    its own bucket, unseen → the prior; one column "city (target mean)" for binary
//!    (P(class 1)) and regression, k columns "city (share of Adelie)" for multiclass;
//!    standardised in Scaled / Embedded. transformTraining() uses out-of-fold encodings:
//!    a row's fold is a hash of (seed, row index) modulo targetEncodingFolds, and its
//!    encoding comes from the other folds only.
//!  - Date / DateTime: "d.year", "d.month", "d.day_of_week" (Monday 0), "d.hour"
//!    (DateTime only, fractional), "d.day_of_year", "d.elapsed_days" (since the training
//!    minimum), computed in UTC; NaN when missing (Trees), else standardised, missing → 0
//!    plus "d (missing)". Text at predict time is parsed as ISO 8601.
//!  - A column absent at transform time reads as missing in every row (check the schema first).
//! Features come in inputColumns() order; sourceColumn indexes inputColumns().
class Preprocessor
{
public:
    Preprocessor();
    ~Preprocessor();
    Preprocessor(const Preprocessor &);
    Preprocessor &operator=(const Preprocessor &);
    Preprocessor(Preprocessor &&) noexcept;
    Preprocessor &operator=(Preprocessor &&) noexcept;

    //! Fits on the given training rows of table. y is encodeTarget(table, target) (all rows).
    //! Fails with InvalidArgument when no usable feature is left.
    static Result<Preprocessor> fit(const Table &table, const std::vector<size_t> &rows, const TargetInfo &target,
                                    const std::vector<float> &y, const PreprocessOptions &options);

    //! Features of the training rows used to fit: target-encoded columns use
    //! out-of-fold means so the encoding does not leak the row's own target.
    FeatureMatrix transformTraining(const Table &table, const std::vector<size_t> &rows) const;
    //! Features of any rows (of any table with the input columns).
    FeatureMatrix transform(const Table &table, const std::vector<size_t> &rows) const;
    //! All rows of table.
    FeatureMatrix transform(const Table &table) const;

    //! Names of the original columns the pipeline reads, in order.
    QStringList inputColumns() const;
    //! Columns left out automatically, with reasons.
    std::vector<DroppedColumn> dropped() const;
    FeatureFlavour flavour() const;

    QJsonObject toJson() const;
    static Result<Preprocessor> fromJson(const QJsonObject &json);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

//! Row indices for training and validation.
struct Fold
{
    std::vector<size_t> train;
    std::vector<size_t> valid;
};

//! k folds over rows (stratified by class for classification), shuffled with seed.
std::vector<Fold> makeFolds(const std::vector<size_t> &rows, const std::vector<float> &y, ProblemType problem, int k,
                            uint64_t seed);
//! One holdout split: validFraction of rows for validation (stratified for classification).
Fold makeHoldout(const std::vector<size_t> &rows, const std::vector<float> &y, ProblemType problem,
                 double validFraction, uint64_t seed);

} // namespace easel
