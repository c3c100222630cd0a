#include "xgb_api.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <cmath>
#include <limits>

namespace easel::xgb {

QString lastErrorText()
{
    QString text = QString::fromUtf8(XGBGetLastError()).trimmed();
    // "[12:34:56] /build/src/learner.cc:742: Check failed: …" → "Check failed: …"
    static const QRegularExpression prefix(QStringLiteral("^\\[[0-9:]+\\]\\s+\\S+:\\d+:\\s*"));
    text.remove(prefix);
    // XGBoost appends a stack trace on some builds: keep the first paragraph.
    const qsizetype trace = text.indexOf(QLatin1String("\nStack trace"));
    if (trace >= 0)
        text.truncate(trace);
    return text.trimmed();
}

Status check(int rc, const QString &what, ErrorCode code)
{
    if (rc == 0)
        return Status::success();
    const QString detail = lastErrorText();
    return Status::failure(code, detail.isEmpty() ? what : what + QStringLiteral(": ") + detail);
}

QString version()
{
    int major = 0, minor = 0, patch = 0;
    XGBoostVersion(&major, &minor, &patch);
    return QStringLiteral("%1.%2.%3").arg(major).arg(minor).arg(patch);
}

QByteArray buildInfo()
{
    const char *out = nullptr;
    if (XGBuildInfo(&out) != 0 || !out)
        return QByteArrayLiteral("{}");
    return QByteArray(out);
}

bool builtWithCuda()
{
    const QJsonObject info = QJsonDocument::fromJson(buildInfo()).object();
    return info.value(QStringLiteral("USE_CUDA")).toBool(false);
}

// --- DMatrix ---------------------------------------------------------------

Result<DMatrix> DMatrix::dense(const float *values, size_t rows, size_t cols, int threads)
{
    DMatrixHandle handle = nullptr;
    const int rc = XGDMatrixCreateFromMat_omp(values, bst_ulong(rows), bst_ulong(cols),
                                              std::numeric_limits<float>::quiet_NaN(), &handle,
                                              std::max(1, threads));
    if (Status s = check(rc, QStringLiteral("XGBoost could not take the feature matrix")); !s)
        return s.error();
    DMatrix m;
    m.m_handle.reset(handle);
    return m;
}

Status DMatrix::setFloatInfo(const char *field, const std::vector<float> &values)
{
    return check(XGDMatrixSetFloatInfo(handle(), field, values.data(), bst_ulong(values.size())),
                 QStringLiteral("XGBoost refused the %1 column").arg(QLatin1String(field)),
                 ErrorCode::InvalidArgument);
}

// --- Booster ---------------------------------------------------------------

Result<Booster> Booster::create(const std::vector<DMatrixHandle> &cache)
{
    BoosterHandle handle = nullptr;
    const int rc = XGBoosterCreate(cache.empty() ? nullptr : const_cast<DMatrixHandle *>(cache.data()),
                                   bst_ulong(cache.size()), &handle);
    if (Status s = check(rc, QStringLiteral("XGBoost could not create a booster")); !s)
        return s.error();
    Booster b;
    b.m_handle.reset(handle);
    return b;
}

Result<Booster> Booster::load(const QByteArray &bytes)
{
    if (bytes.isEmpty())
        return Result<Booster>::failure(ErrorCode::Corrupt, QStringLiteral("The XGBoost model is empty."));
    Result<Booster> b = create({});
    if (!b)
        return b;
    const int rc = XGBoosterLoadModelFromBuffer(b->handle(), bytes.constData(), bst_ulong(bytes.size()));
    if (Status s = check(rc, QStringLiteral("The XGBoost model could not be read"), ErrorCode::Corrupt); !s)
        return s.error();
    return b;
}

Status Booster::setParam(const QString &name, const QString &value)
{
    const QByteArray n = name.toUtf8(), v = value.toUtf8();
    return check(XGBoosterSetParam(handle(), n.constData(), v.constData()),
                 QStringLiteral("XGBoost refused %1 = %2").arg(name, value), ErrorCode::InvalidArgument);
}

Status Booster::updateOneIter(int iteration, const DMatrix &train)
{
    // Invalid parameters surface here, at the first round (XGBoost configures lazily).
    return check(XGBoosterUpdateOneIter(handle(), iteration, train.handle()),
                 QStringLiteral("XGBoost failed in boosting round %1").arg(iteration + 1),
                 iteration == 0 ? ErrorCode::InvalidArgument : ErrorCode::Internal);
}

Result<double> Booster::evalOneIter(int iteration, const DMatrix &data, const char *name)
{
    DMatrixHandle dmats[] = {data.handle()};
    const char *names[] = {name};
    const char *out = nullptr;
    const int rc = XGBoosterEvalOneIter(handle(), iteration, dmats, names, 1, &out);
    if (Status s = check(rc, QStringLiteral("XGBoost could not evaluate round %1").arg(iteration + 1)); !s)
        return s.error();
    const QString text = QString::fromUtf8(out ? out : "");  // "[3]\tvalid-logloss:0.41234"
    const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
    bool ok = false;
    const double value = colon >= 0 ? text.mid(colon + 1).trimmed().toDouble(&ok) : 0.0;
    if (!ok && colon >= 0) {  // a diverging model: "nan", "-nan", "inf"
        const QString word = text.mid(colon + 1).trimmed().toLower();
        if (word.contains(QLatin1String("nan")))
            return std::numeric_limits<double>::quiet_NaN();
        if (word.contains(QLatin1String("inf")))
            return std::numeric_limits<double>::infinity();
    }
    if (!ok)
        return Result<double>::failure(ErrorCode::Internal,
                                       QStringLiteral("Unexpected XGBoost evaluation output: %1").arg(text));
    return value;
}

namespace {

//! XGBoost's prediction buffer is only valid until the next call: copy it at once.
PredictOutput copyOutput(const bst_ulong *shape, bst_ulong dim, const float *result)
{
    PredictOutput out;
    size_t count = dim > 0 ? 1 : 0;
    for (bst_ulong i = 0; i < dim; ++i) {
        out.shape.push_back(shape[i]);
        count *= size_t(shape[i]);
    }
    out.values.assign(result, result + count);
    return out;
}

//! The JSON config of XGBoosterPredictFrom*: the output type and the rounds to use, plus extra keys.
QByteArray predictConfig(PredictType type, int iterationEnd, const char *extra = "")
{
    return QStringLiteral("{\"type\": %1, \"training\": false, \"iteration_begin\": 0, \"iteration_end\": %2, "
                          "\"strict_shape\": false%3}")
        .arg(int(type))
        .arg(std::max(0, iterationEnd))
        .arg(QLatin1String(extra))
        .toUtf8();
}

} // namespace

Result<PredictOutput> Booster::predict(const DMatrix &data, PredictType type, int iterationEnd) const
{
    const QByteArray config = predictConfig(type, iterationEnd);
    const bst_ulong *shape = nullptr;
    bst_ulong dim = 0;
    const float *result = nullptr;
    const int rc = XGBoosterPredictFromDMatrix(handle(), data.handle(), config.constData(), &shape, &dim, &result);
    if (Status s = check(rc, QStringLiteral("XGBoost could not predict")); !s)
        return s.error();
    return copyOutput(shape, dim, result);
}

Result<PredictOutput> Booster::predictDense(const float *values, size_t rows, size_t cols, PredictType type,
                                            int iterationEnd) const
{
    // __array_interface__ of the caller's buffer (read in place, not copied).
    const QByteArray array = QStringLiteral(
        "{\"data\": [%1, true], \"shape\": [%2, %3], \"typestr\": \"<f4\", \"version\": 3}")
                                 .arg(quintptr(values))
                                 .arg(rows)
                                 .arg(cols)
                                 .toUtf8();
    const QByteArray config = predictConfig(type, iterationEnd, ", \"missing\": NaN, \"cache_id\": 0");
    const bst_ulong *shape = nullptr;
    bst_ulong dim = 0;
    const float *result = nullptr;
    const int rc = XGBoosterPredictFromDense(handle(), array.constData(), config.constData(), nullptr, &shape, &dim,
                                             &result);
    if (Status s = check(rc, QStringLiteral("XGBoost could not predict")); !s)
        return s.error();
    return copyOutput(shape, dim, result);
}

Result<QByteArray> Booster::save(const char *format) const
{
    const QByteArray config = QByteArrayLiteral("{\"format\": \"") + format + QByteArrayLiteral("\"}");
    bst_ulong len = 0;
    const char *bytes = nullptr;
    const int rc = XGBoosterSaveModelToBuffer(handle(), config.constData(), &len, &bytes);
    if (Status s = check(rc, QStringLiteral("XGBoost could not save the model")); !s)
        return s.error();
    return QByteArray(bytes, qsizetype(len));
}

Status Booster::setAttr(const char *key, const QString &value)
{
    const QByteArray v = value.toUtf8();
    return check(XGBoosterSetAttr(handle(), key, v.constData()),
                 QStringLiteral("XGBoost could not store %1").arg(QLatin1String(key)));
}

Result<std::optional<QString>> Booster::attr(const char *key) const
{
    const char *out = nullptr;
    int success = 0;
    if (Status s = check(XGBoosterGetAttr(handle(), key, &out, &success),
                         QStringLiteral("XGBoost could not read %1").arg(QLatin1String(key)));
        !s)
        return s.error();
    if (!success || !out)
        return std::optional<QString>();
    return std::optional<QString>(QString::fromUtf8(out));
}

Result<int> Booster::boostedRounds() const
{
    int rounds = 0;
    if (Status s = check(XGBoosterBoostedRounds(handle(), &rounds), QStringLiteral("XGBoost could not count rounds")); !s)
        return s.error();
    return rounds;
}

Result<uint64_t> Booster::featureCount() const
{
    bst_ulong n = 0;
    if (Status s = check(XGBoosterGetNumFeature(handle(), &n), QStringLiteral("XGBoost could not count features")); !s)
        return s.error();
    return uint64_t(n);
}

Result<std::vector<double>> Booster::featureScore(const char *importanceType, size_t cols) const
{
    QJsonArray names;
    for (size_t i = 0; i < cols; ++i)
        names.append(QStringLiteral("f%1").arg(i));
    QJsonObject config{{QStringLiteral("importance_type"), QLatin1String(importanceType)},
                       {QStringLiteral("feature_names"), names}};
    const QByteArray json = QJsonDocument(config).toJson(QJsonDocument::Compact);

    bst_ulong nFeatures = 0, dim = 0;
    const char **features = nullptr;
    const bst_ulong *shape = nullptr;
    const float *scores = nullptr;
    const int rc = XGBoosterFeatureScore(handle(), json.constData(), &nFeatures, &features, &dim, &shape, &scores);
    if (Status s = check(rc, QStringLiteral("XGBoost could not compute feature importance")); !s)
        return s.error();
    size_t nScores = dim > 0 ? 1 : 0;
    for (bst_ulong i = 0; i < dim; ++i)
        nScores *= size_t(shape[i]);
    const size_t perFeature = nFeatures > 0 ? nScores / size_t(nFeatures) : 0;

    std::vector<double> out(cols, 0.0);
    for (bst_ulong f = 0; f < nFeatures; ++f) {
        const char *name = features[f];
        if (!name || name[0] != 'f')
            continue;
        bool ok = false;
        const qulonglong index = QByteArray(name + 1).toULongLong(&ok);
        if (!ok || index >= cols)
            continue;
        for (size_t k = 0; k < perFeature; ++k)
            out[index] += double(scores[f * perFeature + k]);
    }
    return out;
}

} // namespace easel::xgb
