#pragma once

#include "automl/calibration.h"
#include "automl/metrics.h"
#include "automl/problem.h"
#include "base/result.h"
#include "base/task_context.h"
#include "data/table.h"
#include "model/bundle.h"

#include <QJsonObject>
#include <QStringList>

#include <memory>
#include <vector>

namespace easel {

class TrainerRegistry;
class Model;
class Preprocessor;

//! One fold model of an ensemble member and the pipeline that feeds it.
struct MemberFold
{
    QString pipelineName;                  //!< "trees/0"
    const Preprocessor *pipeline = nullptr;//!< owned by the Predictor
    const Model *model = nullptr;          //!< owned by the Predictor
};

//! A read-only view of one ensemble member (explanations, per-member scores).
struct MemberView
{
    QString family;                        //!< "xgboost", "linear", …
    double weight = 0;                     //!< ensemble weight (members' weights need not sum to 1)
    std::vector<MemberFold> folds;         //!< one per validation fold of the build; predictions average them
};

//! A loaded model bundle, ready to predict: the fitted pipelines and every
//! ensemble member's fold models. Thread-safe for concurrent predict() calls.
class Predictor
{
public:
    ~Predictor();

    //! Loads the members through the registry's trainers (loading a plugin only
    //! if a member needs it). The caller owns the result. Fails when a member's
    //! family is not installed or a payload does not load.
    static Result<std::unique_ptr<Predictor>> open(const ModelBundle &bundle, TrainerRegistry &registry);

    const QJsonObject &manifest() const;
    ProblemType problem() const;
    QString target() const;
    QStringList classLabels() const;   //!< as written in the training CSV
    double threshold() const;          //!< binary decision threshold on P(class 1)
    //! The map predict() applies to the blended probabilities (none for most log-loss models).
    const Calibration &calibration() const;
    QStringList inputColumns() const;  //!< the columns the model reads
    QStringList families() const;      //!< the member families

    //! Input columns the table lacks (empty when it can be scored).
    QStringList missingColumns(const Table &table) const;

    //! Predictions for the given rows (all rows when rows is empty): values for
    //! regression, P(class 1) for binary, n×k probabilities for multiclass; the
    //! members' blend, calibrated.
    Result<Predictions> predict(const Table &table, const std::vector<size_t> &rows = {},
                                TaskContext *ctx = nullptr) const;

    //! The ensemble's members, for explanations. Views stay valid while the Predictor lives.
    const std::vector<MemberView> &members() const;
    //! Sum of the members' weights.
    double totalWeight() const;
    //! One member's predictions (its folds averaged), in the same form as predict().
    //! foldOfRow (optional, one entry per requested row): score each row with that fold's
    //! model only (out-of-fold evaluation at build time); -1 averages every fold.
    Result<Predictions> predictMember(size_t member, const Table &table, const std::vector<size_t> &rows = {},
                                      const std::vector<int> *foldOfRow = nullptr) const;
    //! The input_schema entry of a column ({name, type, levels | min/max}); empty if unknown.
    QJsonObject schemaOf(const QString &column) const;

    //! The predicted label (classification) or value (regression) of one row of predictions.
    QString labelAt(const Predictions &pred, size_t row) const;
    //! Class probabilities of one row (classification), in classLabels() order.
    std::vector<double> probabilitiesAt(const Predictions &pred, size_t row) const;

private:
    Predictor();
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace easel
