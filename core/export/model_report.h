#pragma once

#include "base/result.h"
#include "model/bundle.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <vector>

namespace easel {

//! How the model did on a data file the user passed (rows with a known target).
struct ReportEvaluation
{
    QString source;                         //!< the file's name, as the report shows it
    size_t rows = 0;                        //!< rows scored (with a known target)
    QJsonObject metrics;                    //!< metricName → value on those rows
    // Classification: confusion[actual][predicted], in class-label order.
    QStringList labels;
    std::vector<std::vector<qint64>> confusion;
    // Regression: residual = actual − predicted.
    double meanResidual = 0, meanAbsResidual = 0, medianAbsResidual = 0, p90AbsResidual = 0, maxAbsResidual = 0;
};

//! A model card for a bundle as one self-contained HTML page (inline CSS and
//! SVG, no script, no external resource): data summary with dropped columns and
//! reasons, the problem type and why, the headline metric in plain words and
//! every validation metric, a confusion matrix (classification) or residual
//! summary (regression) when evaluation is given, the column impact as an SVG
//! bar chart, the leaderboard, the ensemble, the build settings, dates and
//! versions. evaluation may be null (the report then says where the matrix
//! would come from). Corrupt when the manifest is not an Easel model.
Result<QByteArray> makeModelReport(const ModelBundle &bundle, const ReportEvaluation *evaluation);

} // namespace easel
