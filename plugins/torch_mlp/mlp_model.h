#pragma once

#include "automl/trainer.h"

#include <QJsonObject>

#include <memory>

namespace easel {

namespace mlp {
class Net;
}

//! A trained tabular MLP (family "mlp"). Immutable after construction; predict()
//! is thread-safe.
//!
//! save() bytes: "EASELMLP", u32 format version (1), u32 header length, a JSON
//! header (architecture, target scaling, params), then the raw little-endian
//! float32 weights (see mlp::Net::weights()). Loading parses those and never
//! executes code from the bytes.
class MlpModel : public Model
{
public:
    //! Takes ownership of net (non-null). params: the hyper-parameters used (for the record).
    MlpModel(std::unique_ptr<mlp::Net> net, QJsonObject params);
    ~MlpModel() override;

    //! Rebuilds a model from save() bytes; Corrupt / Unsupported / InvalidArgument on bad bytes.
    static Result<std::unique_ptr<MlpModel>> fromBytes(const QByteArray &bytes);

    QString family() const override { return QStringLiteral("mlp"); }
    Result<Predictions> predict(const FeatureMatrix &x) const override;
    Result<QByteArray> save() const override;

    //! A self-contained TorchScript module (torch::jit::save bytes) for
    //! `export --format torchscript`: forward(numeric: float32[n, cols],
    //! cats: int64[n, catCols]) returns what predict() returns (regression values,
    //! P(class 1) as [n, 1], or [n, k] probabilities); categorical codes −1 or
    //! unseen map to the "missing" embedding, NaN numbers to 0. Checked against
    //! predict() before it is returned; Internal on failure.
    Result<QByteArray> exportTorchScript() const;

    //! "torchscript": exportTorchScript(); other formats: Unsupported.
    Result<QByteArray> exportAs(const QString &format) const override;

    //! The architecture header of save(), as JSON.
    QJsonObject header() const;

private:
    std::unique_ptr<mlp::Net> m_net;
    QJsonObject m_params;
};

} // namespace easel
