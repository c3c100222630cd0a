#include "model/predictor.h"

#include "automl/preprocess.h"
#include "automl/trainer_registry.h"

#include <QJsonArray>
#include <QThread>

#include <cmath>
#include <limits>
#include <map>
#include <numeric>

namespace easel {

struct Predictor::Private
{
    struct FoldModel
    {
        QString pipeline;
        std::unique_ptr<Model> model;
    };
    struct Member
    {
        QString family;
        double weight = 0;
        std::vector<FoldModel> folds;
    };

    QJsonObject manifest;
    ProblemType problem = ProblemType::Regression;
    QStringList labels;
    double threshold = 0.5;
    Calibration calibration;
    QStringList inputs;
    std::map<QString, Preprocessor> pipelines;
    std::vector<Member> members;
    std::vector<MemberView> views;
    std::map<QString, QJsonObject> schema;
};

Predictor::Predictor() : d(std::make_unique<Private>()) {}
Predictor::~Predictor() = default;

Result<std::unique_ptr<Predictor>> Predictor::open(const ModelBundle &bundle, TrainerRegistry &registry)
{
    using R = Result<std::unique_ptr<Predictor>>;
    std::unique_ptr<Predictor> p(new Predictor);
    Private &d = *p->d;
    d.manifest = bundle.manifest;
    const QJsonObject &m = d.manifest;
    if (m.value(QStringLiteral("format")).toString() != QLatin1String("easel-model"))
        return R::failure(ErrorCode::Corrupt, QStringLiteral("The file holds no Easel model manifest."));
    if (!problemTypeFromName(m.value(QStringLiteral("problem_type")).toString(), &d.problem))
        return R::failure(ErrorCode::Corrupt, QStringLiteral("The model's problem type is unknown."));
    for (const QJsonValue &v : m.value(QStringLiteral("class_labels")).toArray())
        d.labels << v.toString();
    if (m.value(QStringLiteral("format_version")).toInt(1) > ModelBundle::kCalibratedManifestVersion)
        return R::failure(ErrorCode::Unsupported,
                          QStringLiteral("This model was saved by a newer Easel (manifest format %1; this one reads up "
                                         "to %2). Update Easel to open it.")
                              .arg(m.value(QStringLiteral("format_version")).toInt())
                              .arg(ModelBundle::kCalibratedManifestVersion));
    d.threshold = m.value(QStringLiteral("threshold")).toDouble(0.5);
    Result<Calibration> calibration = Calibration::fromJson(m.value(QStringLiteral("calibration")).toObject());
    if (!calibration)
        return R(calibration.error());
    d.calibration = *calibration;
    for (const QJsonValue &v : m.value(QStringLiteral("input_schema")).toArray()) {
        const QJsonObject o = v.toObject();
        d.inputs << o.value(QStringLiteral("name")).toString();
        d.schema[d.inputs.back()] = o;
    }

    const QJsonObject pipelines = m.value(QStringLiteral("pipelines")).toObject();
    for (auto it = pipelines.begin(); it != pipelines.end(); ++it) {
        Result<Preprocessor> pipeline = Preprocessor::fromJson(it.value().toObject());
        if (!pipeline)
            return R(pipeline.error());
        d.pipelines.emplace(it.key(), std::move(*pipeline));
    }

    FitOptions options;
    options.problem = d.problem;
    options.numClasses = d.problem == ProblemType::Regression ? 1 : int(d.labels.size());
    options.threads = std::max(1, QThread::idealThreadCount());
    for (const QJsonValue &mv : m.value(QStringLiteral("members")).toArray()) {
        const QJsonObject mo = mv.toObject();
        Private::Member member;
        member.family = mo.value(QStringLiteral("family")).toString();
        member.weight = mo.value(QStringLiteral("weight")).toDouble();
        Trainer *trainer = registry.trainer(member.family);
        if (!trainer)
            return R::failure(ErrorCode::Unsupported,
                              QStringLiteral("This model needs the '%1' trainer, which is not installed. %2")
                                  .arg(member.family, registry.lastError()));
        options.params = mo.value(QStringLiteral("params")).toObject();
        for (const QJsonValue &fv : mo.value(QStringLiteral("folds")).toArray()) {
            const QJsonObject fo = fv.toObject();
            const QString payload = fo.value(QStringLiteral("payload")).toString();
            const QString pipeline = fo.value(QStringLiteral("pipeline")).toString();
            auto bytes = bundle.payloads.find(payload);
            if (bytes == bundle.payloads.end() || !d.pipelines.count(pipeline))
                return R::failure(ErrorCode::Corrupt,
                                  QStringLiteral("The model file lacks the part '%1'. Export the model again.").arg(payload));
            Result<std::unique_ptr<Model>> model = trainer->load(bytes->second, options);
            if (!model)
                return R(model.error());
            member.folds.push_back({pipeline, std::move(*model)});
        }
        if (!member.folds.empty() && member.weight > 0)
            d.members.push_back(std::move(member));
    }
    if (d.members.empty())
        return R::failure(ErrorCode::Corrupt, QStringLiteral("The model file holds no trained model."));
    for (const Private::Member &member : d.members) {
        MemberView view{member.family, member.weight, {}};
        for (const Private::FoldModel &fold : member.folds)
            view.folds.push_back({fold.pipeline, &d.pipelines.at(fold.pipeline), fold.model.get()});
        d.views.push_back(std::move(view));
    }
    return p;
}

const QJsonObject &Predictor::manifest() const { return d->manifest; }
ProblemType Predictor::problem() const { return d->problem; }
QString Predictor::target() const { return d->manifest.value(QStringLiteral("target")).toString(); }
QStringList Predictor::classLabels() const { return d->labels; }
double Predictor::threshold() const { return d->threshold; }
const Calibration &Predictor::calibration() const { return d->calibration; }
QStringList Predictor::inputColumns() const { return d->inputs; }

QStringList Predictor::families() const
{
    QStringList out;
    for (const auto &m : d->members)
        if (!out.contains(m.family))
            out << m.family;
    return out;
}

const std::vector<MemberView> &Predictor::members() const { return d->views; }

double Predictor::totalWeight() const
{
    double total = 0;
    for (const auto &m : d->members)
        total += m.weight;
    return total;
}

QJsonObject Predictor::schemaOf(const QString &column) const
{
    auto it = d->schema.find(column);
    return it == d->schema.end() ? QJsonObject() : it->second;
}

Result<Predictions> Predictor::predictMember(size_t member, const Table &table, const std::vector<size_t> &rowsIn,
                                             const std::vector<int> *foldOfRow) const
{
    using R = Result<Predictions>;
    if (member >= d->members.size())
        return R::failure(ErrorCode::InvalidArgument, QStringLiteral("There is no member %1.").arg(member));
    std::vector<size_t> rows = rowsIn;
    if (rows.empty()) {
        rows.resize(table.rowCount());
        std::iota(rows.begin(), rows.end(), size_t(0));
    }
    const Private::Member &m = d->members[member];
    const int outputs = d->problem == ProblemType::Multiclass ? int(d->labels.size()) : 1;
    Predictions out;
    out.rows = rows.size();
    out.outputs = outputs;
    out.values.assign(rows.size() * size_t(outputs), 0.0f);
    const bool perFold = foldOfRow && foldOfRow->size() == rows.size();
    std::vector<double> acc(out.values.size(), 0.0);
    std::vector<double> count(rows.size(), 0.0);
    for (size_t f = 0; f < m.folds.size(); ++f) {
        std::vector<size_t> sub;
        std::vector<size_t> position;
        for (size_t i = 0; i < rows.size(); ++i)
            if (!perFold || (*foldOfRow)[i] < 0 || size_t((*foldOfRow)[i]) == f) {
                sub.push_back(rows[i]);
                position.push_back(i);
            }
        if (sub.empty())
            continue;
        const FeatureMatrix x = d->pipelines.at(m.folds[f].pipeline).transform(table, sub);
        R p = m.folds[f].model->predict(x);
        if (!p)
            return p;
        if (p->values.size() != sub.size() * size_t(outputs))
            return R::failure(ErrorCode::Internal, QStringLiteral("A model returned the wrong number of predictions."));
        for (size_t i = 0; i < sub.size(); ++i) {
            for (int k = 0; k < outputs; ++k)
                acc[position[i] * size_t(outputs) + size_t(k)] += p->values[i * size_t(outputs) + size_t(k)];
            count[position[i]] += 1;
        }
    }
    for (size_t i = 0; i < rows.size(); ++i)
        for (int k = 0; k < outputs; ++k) {
            const size_t j = i * size_t(outputs) + size_t(k);
            out.values[j] = count[i] > 0 ? float(acc[j] / count[i]) : std::numeric_limits<float>::quiet_NaN();
        }
    return out;
}

QStringList Predictor::missingColumns(const Table &table) const
{
    QStringList missing;
    for (const QString &c : d->inputs)
        if (table.indexOf(c) < 0)
            missing << c;
    return missing;
}

Result<Predictions> Predictor::predict(const Table &table, const std::vector<size_t> &rowsIn, TaskContext *ctx) const
{
    std::vector<size_t> rows = rowsIn;
    if (rows.empty()) {
        rows.resize(table.rowCount());
        for (size_t i = 0; i < rows.size(); ++i)
            rows[i] = i;
    }
    const int outputs = d->problem == ProblemType::Multiclass ? int(d->labels.size()) : 1;
    Predictions out;
    out.rows = rows.size();
    out.outputs = outputs;
    std::vector<double> acc(rows.size() * size_t(outputs), 0.0);
    double totalWeight = 0;

    // Each pipeline's features are computed once and shared by the members using it.
    std::map<QString, FeatureMatrix> features;
    size_t done = 0, total = 0;
    for (const auto &m : d->members)
        total += m.folds.size();
    for (const auto &member : d->members) {
        std::vector<double> memberAcc(acc.size(), 0.0);
        for (const auto &fold : member.folds) {
            if (isCanceled(ctx))
                return Result<Predictions>::failure(ErrorCode::Canceled, QStringLiteral("Prediction stopped."));
            auto it = features.find(fold.pipeline);
            if (it == features.end())
                it = features.emplace(fold.pipeline, d->pipelines.at(fold.pipeline).transform(table, rows)).first;
            Result<Predictions> p = fold.model->predict(it->second);
            if (!p)
                return p;
            if (p->values.size() != memberAcc.size())
                return Result<Predictions>::failure(ErrorCode::Internal,
                                                    QStringLiteral("A model returned the wrong number of predictions."));
            for (size_t i = 0; i < memberAcc.size(); ++i)
                memberAcc[i] += p->values[i];
            reportProgress(ctx, double(++done) / double(total), QStringLiteral("Scoring rows"));
        }
        const double w = member.weight / double(member.folds.size());
        for (size_t i = 0; i < acc.size(); ++i)
            acc[i] += w * memberAcc[i];
        totalWeight += member.weight;
    }
    out.values.resize(acc.size());
    for (size_t i = 0; i < acc.size(); ++i)
        out.values[i] = float(acc[i] / (totalWeight > 0 ? totalWeight : 1.0));
    d->calibration.apply(&out);
    return out;
}

QString Predictor::labelAt(const Predictions &pred, size_t row) const
{
    switch (d->problem) {
    case ProblemType::Regression: return QString::number(double(pred.values[row]), 'g', 8);
    case ProblemType::Binary:
        return d->labels.value(pred.values[row] >= d->threshold ? 1 : 0);
    case ProblemType::Multiclass: {
        const float *p = pred.values.data() + row * size_t(pred.outputs);
        int best = 0;
        for (int k = 1; k < pred.outputs; ++k)
            if (p[k] > p[best])
                best = k;
        return d->labels.value(best);
    }
    }
    return {};
}

std::vector<double> Predictor::probabilitiesAt(const Predictions &pred, size_t row) const
{
    if (d->problem == ProblemType::Binary)
        return {1.0 - pred.values[row], double(pred.values[row])};
    if (d->problem == ProblemType::Multiclass) {
        std::vector<double> out(size_t(pred.outputs));
        for (int k = 0; k < pred.outputs; ++k)
            out[size_t(k)] = pred.values[row * size_t(pred.outputs) + size_t(k)];
        return out;
    }
    return {};
}

} // namespace easel
