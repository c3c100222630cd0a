#include "linear_model.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <cmath>

namespace easel {

static const QString kFormat = QStringLiteral("easel-linear");

LinearModel::LinearModel(ProblemType problem, int classes, size_t cols, size_t catCols, std::vector<double> weights,
                         std::vector<double> bias, QJsonObject params)
    : m_problem(problem), m_classes(classes), m_cols(cols), m_catCols(catCols), m_weights(std::move(weights)),
      m_bias(std::move(bias)), m_params(std::move(params))
{
}

Status LinearModel::checkInput(const FeatureMatrix &x) const
{
    if (x.cols != m_cols)
        return Status::failure(ErrorCode::InvalidArgument,
                               QStringLiteral("The linear model expects %1 features but was given %2.")
                                   .arg(m_cols).arg(x.cols));
    if (x.values.size() < x.rows * x.cols)
        return Status::failure(ErrorCode::InvalidArgument,
                               QStringLiteral("The feature matrix holds fewer values than rows × columns."));
    return Status::success();
}

void LinearModel::margins(const float *row, double *z) const
{
    for (int o = 0; o < outputs(); ++o) {
        const double *w = m_weights.data() + size_t(o) * m_cols;
        double s = m_bias[size_t(o)];
        for (size_t j = 0; j < m_cols; ++j) {
            const float v = row[j];
            if (!std::isnan(v))
                s += w[j] * double(v);
        }
        z[o] = s;
    }
}

Result<Predictions> LinearModel::predict(const FeatureMatrix &x) const
{
    if (Status s = checkInput(x); !s)
        return s.error();
    Predictions p;
    p.rows = x.rows;
    p.outputs = m_problem == ProblemType::Multiclass ? outputs() : 1;
    p.values.resize(x.rows * size_t(p.outputs));
    std::vector<double> z(static_cast<size_t>(outputs()));
    for (size_t r = 0; r < x.rows; ++r) {
        margins(x.row(r), z.data());
        float *out = p.values.data() + r * size_t(p.outputs);
        switch (m_problem) {
        case ProblemType::Regression:
            out[0] = float(z[0]);
            break;
        case ProblemType::Binary:
            out[0] = float(z[0] >= 0 ? 1.0 / (1.0 + std::exp(-z[0])) : std::exp(z[0]) / (1.0 + std::exp(z[0])));
            break;
        case ProblemType::Multiclass: {
            const double zmax = *std::max_element(z.begin(), z.end());
            double sum = 0;
            for (double &v : z)
                sum += (v = std::exp(v - zmax));
            for (size_t o = 0; o < z.size(); ++o)
                out[o] = float(z[o] / sum);
            break;
        }
        }
    }
    return p;
}

Result<QByteArray> LinearModel::save() const
{
    QJsonObject root;
    root[QStringLiteral("format")] = kFormat;
    root[QStringLiteral("version")] = 1;
    root[QStringLiteral("problem")] = problemTypeName(m_problem);
    root[QStringLiteral("classes")] = m_classes;
    root[QStringLiteral("cols")] = double(m_cols);
    root[QStringLiteral("catCols")] = double(m_catCols);
    QJsonArray weights;
    for (int o = 0; o < outputs(); ++o) {
        QJsonArray row;
        for (size_t j = 0; j < m_cols; ++j)
            row.append(m_weights[size_t(o) * m_cols + j]);
        weights.append(row);
    }
    root[QStringLiteral("weights")] = weights;
    QJsonArray bias;
    for (double b : m_bias)
        bias.append(b);
    root[QStringLiteral("bias")] = bias;
    root[QStringLiteral("params")] = m_params;
    return QJsonDocument(root).toJson(QJsonDocument::Compact);
}

Result<std::unique_ptr<LinearModel>> LinearModel::fromBytes(const QByteArray &bytes)
{
    using R = Result<std::unique_ptr<LinearModel>>;
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &parseError);
    if (!doc.isObject())
        return R::failure(ErrorCode::Corrupt,
                          QStringLiteral("The linear model is not valid JSON: %1").arg(parseError.errorString()));
    const QJsonObject root = doc.object();
    if (root.value(QStringLiteral("format")).toString() != kFormat)
        return R::failure(ErrorCode::InvalidArgument, QStringLiteral("These bytes are not a linear model."));
    if (root.value(QStringLiteral("version")).toInt() != 1)
        return R::failure(ErrorCode::Unsupported,
                          QStringLiteral("This linear model was saved by a newer version of Easel."));
    ProblemType problem;
    if (!problemTypeFromName(root.value(QStringLiteral("problem")).toString(), &problem))
        return R::failure(ErrorCode::Corrupt, QStringLiteral("The linear model names an unknown problem type."));
    const int classes = root.value(QStringLiteral("classes")).toInt();
    const double colsD = root.value(QStringLiteral("cols")).toDouble(-1);
    const double catColsD = root.value(QStringLiteral("catCols")).toDouble(0);
    const int outputs = problem == ProblemType::Multiclass ? classes : 1;
    const QJsonArray weights = root.value(QStringLiteral("weights")).toArray();
    const QJsonArray bias = root.value(QStringLiteral("bias")).toArray();
    if (colsD < 0 || colsD > 1e7 || catColsD < 0 || catColsD > 1e7 || outputs < 1
        || (problem == ProblemType::Multiclass && classes < 3) || weights.size() != outputs
        || bias.size() != outputs)
        return R::failure(ErrorCode::Corrupt, QStringLiteral("The linear model's shape is inconsistent."));
    const size_t cols = size_t(colsD);
    std::vector<double> w;
    w.reserve(size_t(outputs) * cols);
    for (const QJsonValue &rowValue : weights) {
        const QJsonArray row = rowValue.toArray();
        if (size_t(row.size()) != cols)
            return R::failure(ErrorCode::Corrupt, QStringLiteral("The linear model's shape is inconsistent."));
        for (const QJsonValue &v : row) {
            if (!v.isDouble() || !std::isfinite(v.toDouble()))
                return R::failure(ErrorCode::Corrupt, QStringLiteral("The linear model holds a non-numeric weight."));
            w.push_back(v.toDouble());
        }
    }
    std::vector<double> b;
    for (const QJsonValue &v : bias) {
        if (!v.isDouble() || !std::isfinite(v.toDouble()))
            return R::failure(ErrorCode::Corrupt, QStringLiteral("The linear model holds a non-numeric bias."));
        b.push_back(v.toDouble());
    }
    return std::make_unique<LinearModel>(problem, problem == ProblemType::Regression ? 1 : std::max(classes, 2), cols,
                                         size_t(catColsD), std::move(w), std::move(b),
                                         root.value(QStringLiteral("params")).toObject());
}

std::vector<double> LinearModel::importance() const
{
    std::vector<double> imp(m_cols + m_catCols, 0.0);
    for (int o = 0; o < outputs(); ++o)
        for (size_t j = 0; j < m_cols; ++j)
            imp[j] += std::abs(m_weights[size_t(o) * m_cols + j]);
    return imp;
}

Result<std::vector<float>> LinearModel::contributions(const FeatureMatrix &x) const
{
    if (Status s = checkInput(x); !s)
        return s.error();
    const size_t features = x.cols + x.catCols, width = features + 1, k = size_t(outputs());
    std::vector<float> out(x.rows * k * width, 0.0f);
    for (size_t r = 0; r < x.rows; ++r) {
        const float *row = x.row(r);
        for (size_t o = 0; o < k; ++o) {
            float *c = out.data() + (r * k + o) * width;
            const double *w = m_weights.data() + o * m_cols;
            for (size_t j = 0; j < m_cols; ++j)
                c[j] = std::isnan(row[j]) ? 0.0f : float(w[j] * double(row[j]));
            c[features] = float(m_bias[o]);
        }
    }
    return out;
}

} // namespace easel
