#include "mlp_model.h"

#include "mlp_net.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtEndian>

#include <cmath>
#include <cstring>

namespace easel {

static const QByteArray kMagic = QByteArrayLiteral("EASELMLP");
static constexpr quint32 kVersion = 1;

static QString taskName(mlp::Task task)
{
    switch (task) {
    case mlp::Task::Binary:
        return QStringLiteral("binary");
    case mlp::Task::Multiclass:
        return QStringLiteral("multiclass");
    case mlp::Task::Regression:
        break;
    }
    return QStringLiteral("regression");
}

MlpModel::MlpModel(std::unique_ptr<mlp::Net> net, QJsonObject params) : m_net(std::move(net)), m_params(std::move(params))
{
}

MlpModel::~MlpModel() = default;

QJsonObject MlpModel::header() const
{
    const mlp::Architecture &a = m_net->architecture();
    auto ints = [](const std::vector<int> &v) {
        QJsonArray array;
        for (int i : v)
            array.append(i);
        return array;
    };
    return QJsonObject{
        {QStringLiteral("format"), QStringLiteral("easel-mlp")},
        {QStringLiteral("task"), taskName(a.task)},
        {QStringLiteral("outputs"), a.outputs},
        {QStringLiteral("numeric"), a.numeric},
        {QStringLiteral("catCardinality"), ints(a.catCardinality)},
        {QStringLiteral("embedDims"), ints(a.embedDims)},
        {QStringLiteral("hidden"), ints(a.hidden)},
        {QStringLiteral("activation"), QString::fromStdString(a.activation)},
        {QStringLiteral("norm"), QString::fromStdString(a.norm)},
        {QStringLiteral("dropout"), a.dropout},
        {QStringLiteral("targetMean"), a.targetMean},
        {QStringLiteral("targetStd"), a.targetStd},
        {QStringLiteral("params"), m_params},
    };
}

Result<Predictions> MlpModel::predict(const FeatureMatrix &x) const
{
    const mlp::Architecture &a = m_net->architecture();
    if (x.cols != size_t(a.numeric) || x.catCols != a.catCardinality.size())
        return Result<Predictions>::failure(
            ErrorCode::InvalidArgument,
            QStringLiteral("The neural network expects %1 numeric and %2 categorical features but was given %3 and %4.")
                .arg(a.numeric).arg(a.catCardinality.size()).arg(x.cols).arg(x.catCols));
    if (x.values.size() < x.rows * x.cols || x.cats.size() < x.rows * x.catCols)
        return Result<Predictions>::failure(ErrorCode::InvalidArgument,
                                            QStringLiteral("The feature matrix holds fewer values than its shape says."));
    Predictions p;
    p.rows = x.rows;
    p.outputs = a.outputs;
    std::string error;
    if (!m_net->predict(mlp::Batch{x.rows, x.values.data(), x.cats.data(), nullptr, nullptr}, &p.values, &error))
        return Result<Predictions>::failure(ErrorCode::Internal,
                                            QStringLiteral("The neural network failed to predict: %1")
                                                .arg(QString::fromStdString(error)));
    return p;
}

Result<QByteArray> MlpModel::save() const
{
    const QByteArray json = QJsonDocument(header()).toJson(QJsonDocument::Compact);
    const std::string weights = m_net->weights();
    QByteArray bytes;
    bytes.reserve(kMagic.size() + 8 + json.size() + qsizetype(weights.size()));
    bytes += kMagic;
    char word[4];
    qToLittleEndian<quint32>(kVersion, word);
    bytes.append(word, 4);
    qToLittleEndian<quint32>(quint32(json.size()), word);
    bytes.append(word, 4);
    bytes += json;
    bytes.append(weights.data(), qsizetype(weights.size()));
    return bytes;
}

Result<std::unique_ptr<MlpModel>> MlpModel::fromBytes(const QByteArray &bytes)
{
    using R = Result<std::unique_ptr<MlpModel>>;
    if (!bytes.startsWith(kMagic))
        return R::failure(ErrorCode::InvalidArgument, QStringLiteral("These bytes are not an Easel neural network."));
    if (bytes.size() < kMagic.size() + 8)
        return R::failure(ErrorCode::Corrupt, QStringLiteral("The neural network is truncated."));
    const quint32 version = qFromLittleEndian<quint32>(bytes.constData() + kMagic.size());
    const quint32 headerSize = qFromLittleEndian<quint32>(bytes.constData() + kMagic.size() + 4);
    if (version != kVersion)
        return R::failure(ErrorCode::Unsupported,
                          QStringLiteral("This neural network was saved by a newer version of Easel."));
    const qsizetype start = kMagic.size() + 8;
    if (headerSize > quint32(bytes.size() - start))
        return R::failure(ErrorCode::Corrupt, QStringLiteral("The neural network is truncated."));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes.mid(start, qsizetype(headerSize)), &parseError);
    const QJsonObject h = doc.object();
    if (!doc.isObject() || h.value(QStringLiteral("format")).toString() != QLatin1String("easel-mlp"))
        return R::failure(ErrorCode::Corrupt, QStringLiteral("The neural network's header is damaged."));

    mlp::Architecture a;
    const QString task = h.value(QStringLiteral("task")).toString();
    if (task == QLatin1String("binary"))
        a.task = mlp::Task::Binary;
    else if (task == QLatin1String("multiclass"))
        a.task = mlp::Task::Multiclass;
    else if (task == QLatin1String("regression"))
        a.task = mlp::Task::Regression;
    else
        return R::failure(ErrorCode::Corrupt, QStringLiteral("The neural network names an unknown task."));
    auto ints = [](const QJsonValue &v) {
        std::vector<int> out;
        for (const QJsonValue &i : v.toArray())
            out.push_back(i.toInt(-1));
        return out;
    };
    a.outputs = h.value(QStringLiteral("outputs")).toInt(-1);
    a.numeric = h.value(QStringLiteral("numeric")).toInt(-1);
    a.catCardinality = ints(h.value(QStringLiteral("catCardinality")));
    a.embedDims = ints(h.value(QStringLiteral("embedDims")));
    a.hidden = ints(h.value(QStringLiteral("hidden")));
    a.activation = h.value(QStringLiteral("activation")).toString().toStdString();
    a.norm = h.value(QStringLiteral("norm")).toString().toStdString();
    a.dropout = h.value(QStringLiteral("dropout")).toDouble(-1);
    a.targetMean = h.value(QStringLiteral("targetMean")).toDouble(NAN);
    a.targetStd = h.value(QStringLiteral("targetStd")).toDouble(NAN);
    if (const std::string problem = a.validate(); !problem.empty())
        return R::failure(ErrorCode::Corrupt, QStringLiteral("The neural network's header is inconsistent: %1.")
                                                  .arg(QString::fromStdString(problem)));
    const qsizetype weightsStart = start + qsizetype(headerSize);
    const std::string weights(bytes.constData() + weightsStart, size_t(bytes.size() - weightsStart));
    std::string error;
    std::unique_ptr<mlp::Net> net = mlp::Net::fromWeights(a, weights, &error);
    if (!net)
        return R::failure(ErrorCode::Corrupt, QStringLiteral("The neural network's weights are damaged: %1.")
                                                  .arg(QString::fromStdString(error)));
    return std::make_unique<MlpModel>(std::move(net), h.value(QStringLiteral("params")).toObject());
}

Result<QByteArray> MlpModel::exportTorchScript() const
{
    std::string bytes, error;
    if (!m_net->exportTorchScript(&bytes, &error))
        return Result<QByteArray>::failure(ErrorCode::Internal,
                                           QStringLiteral("The TorchScript export failed: %1")
                                               .arg(QString::fromStdString(error)));
    return QByteArray(bytes.data(), qsizetype(bytes.size()));
}

Result<QByteArray> MlpModel::exportAs(const QString &format) const
{
    if (format == QLatin1String("torchscript"))
        return exportTorchScript();
    return Model::exportAs(format);
}

} // namespace easel
