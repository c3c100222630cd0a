#pragma once

// A thin RAII wrapper of XGBoost's C API, used only inside this plugin.
// Every call's return code is checked; failures become an easel::Error with
// XGBGetLastError()'s text. Output buffers that XGBoost owns are copied at once.

#include "base/result.h"

#include <xgboost/c_api.h>

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace easel::xgb {

//! The text of XGBoost's last error on this thread, with its log prefix removed.
QString lastErrorText();
//! Checks an XGBoost return code: success, or code + "what: XGBoost's message".
Status check(int rc, const QString &what, ErrorCode code = ErrorCode::Internal);

//! The library's version, "1.7.4".
QString version();
//! XGBuildInfo() as JSON text ("{}" if it cannot be read).
QByteArray buildInfo();
//! Whether this libxgboost was compiled with CUDA (XGBuildInfo's USE_CUDA).
bool builtWithCuda();

//! An owned DMatrix handle (XGDMatrixFree on destruction).
class DMatrix
{
public:
    //! Dense row-major float32 data; NaN is missing. Copies the data. Fails with Internal.
    static Result<DMatrix> dense(const float *values, size_t rows, size_t cols, int threads);

    DMatrixHandle handle() const { return m_handle.get(); }
    //! Sets a per-row float field ("label", "weight", "base_margin").
    Status setFloatInfo(const char *field, const std::vector<float> &values);

private:
    struct Free { void operator()(void *h) const noexcept { XGDMatrixFree(h); } };
    std::unique_ptr<void, Free> m_handle;
};

//! What XGBoosterPredictFromDMatrix returns, copied.
struct PredictOutput
{
    std::vector<uint64_t> shape;
    std::vector<float> values;
};

//! Prediction types of XGBoosterPredictFromDMatrix (XGBoost 1.7 numbering).
enum class PredictType { Value = 0, Margin = 1, Contributions = 2 };

//! An owned Booster handle (XGBoosterFree on destruction). Not thread-safe:
//! callers serialise access (XGBoost's output buffers are per thread, but its
//! prediction cache and parameters are shared).
class Booster
{
public:
    //! A new booster that caches predictions for these matrices (train first).
    static Result<Booster> create(const std::vector<DMatrixHandle> &cache);
    //! Reads a model saved as UBJ or JSON. Parses data only; never runs code.
    //! Fails with Corrupt when XGBoost cannot read the bytes.
    static Result<Booster> load(const QByteArray &bytes);

    BoosterHandle handle() const { return m_handle.get(); }

    //! XGBoosterSetParam; a rejected value fails with InvalidArgument.
    Status setParam(const QString &name, const QString &value);
    Status updateOneIter(int iteration, const DMatrix &train);
    //! The metric value of one evaluation matrix after round iteration
    //! (parses "[i]\tname-metric:value"; the last metric if several).
    Result<double> evalOneIter(int iteration, const DMatrix &data, const char *name);
    //! iterationEnd 0 = every round.
    Result<PredictOutput> predict(const DMatrix &data, PredictType type, int iterationEnd) const;
    //! In-place prediction on a dense row-major float matrix (NaN = missing), without
    //! building a DMatrix: much faster for scoring. Value and Margin types only.
    Result<PredictOutput> predictDense(const float *values, size_t rows, size_t cols, PredictType type,
                                       int iterationEnd) const;
    //! "ubj" or "json".
    Result<QByteArray> save(const char *format) const;
    Status setAttr(const char *key, const QString &value);
    //! The attribute, or nullopt when it is not set.
    Result<std::optional<QString>> attr(const char *key) const;
    Result<int> boostedRounds() const;
    Result<uint64_t> featureCount() const;
    //! The importance per feature 0..cols-1 ("weight", "gain", "total_gain", …);
    //! features the trees never use get 0. Multi-output scores are summed.
    Result<std::vector<double>> featureScore(const char *importanceType, size_t cols) const;

private:
    struct Free { void operator()(void *h) const noexcept { XGBoosterFree(h); } };
    std::unique_ptr<void, Free> m_handle;
};

} // namespace easel::xgb
