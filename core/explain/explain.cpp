// Per-row explanations and column impact (see explain.h for the method).
#include "explain/explain.h"

#include "automl/preprocess.h"
#include "automl/trainer.h"
#include "explain/table_ops.h"
#include "model/predictor.h"

#include <QHash>
#include <QJsonObject>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <random>
#include <unordered_map>

namespace easel {

using namespace explain_detail;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double sigmoid(double m) { return 1.0 / (1.0 + std::exp(-m)); }

void softmax(const std::vector<double> &m, std::vector<double> *p)
{
    p->resize(m.size());
    const double top = *std::max_element(m.begin(), m.end());
    double sum = 0;
    for (size_t k = 0; k < m.size(); ++k)
        sum += ((*p)[k] = std::exp(m[k] - top));
    for (double &v : *p)
        v /= sum;
}

//! Makes raw add up to total. Proportional scaling when allowed (same sign, and for
//! approximations a ratio within [0.5, 2]); otherwise the remainder is shared in
//! proportion to |raw| (evenly when every raw value is 0).
void fitToTotal(double *raw, size_t n, double total, bool exactUpToScale)
{
    if (n == 0)
        return;
    double sum = 0, absSum = 0;
    for (size_t j = 0; j < n; ++j) {
        sum += raw[j];
        absSum += std::abs(raw[j]);
    }
    if (std::abs(sum) > 1e-12 && sum * total > 0) {
        const double ratio = total / sum;
        if (exactUpToScale || (ratio >= 0.5 && ratio <= 2.0)) {
            for (size_t j = 0; j < n; ++j)
                raw[j] *= ratio;
            return;
        }
    }
    if (exactUpToScale && std::abs(total) < 1e-12)
        return;  // no change to explain: keep the gradient-weighted contributions
    const double rest = total - sum;
    for (size_t j = 0; j < n; ++j)
        raw[j] += absSum > 0 ? rest * std::abs(raw[j]) / absSum : rest / double(n);
}

//! One member's explanation of n rows: n × columns contributions in output space.
struct MemberExplanation
{
    std::vector<double> contributions;
    std::vector<double> baseline, prediction;
    bool exact = true;
};

double outputOf(const Predictions &p, size_t row, ProblemType problem, int cls)
{
    if (problem == ProblemType::Multiclass)
        return p.values[row * size_t(p.outputs) + size_t(cls)];
    return p.values[row];
}

Result<MemberExplanation> explainMember(const MemberView &member, const Table &sample, const std::vector<int> &cls,
                                        ProblemType problem, int outputs, const QStringList &inputs,
                                        TaskContext *ctx)
{
    using R = Result<MemberExplanation>;
    const size_t n = sample.rowCount(), C = size_t(inputs.size());
    MemberExplanation out;
    out.contributions.assign(n * C, 0.0);
    out.baseline.assign(n, 0.0);
    out.prediction.assign(n, 0.0);
    std::vector<double> raw(C);
    for (const MemberFold &fold : member.folds) {
        if (isCanceled(ctx))
            return R::failure(ErrorCode::Canceled, QStringLiteral("Explaining stopped."));
        const FeatureMatrix x = fold.pipeline->transform(sample);
        const QStringList pipelineInputs = fold.pipeline->inputColumns();
        const size_t F = x.cols + x.catCols;
        Result<std::vector<float>> contrib = fold.model->contributions(x);
        const int K = outputs;
        if (contrib && contrib->size() == n * size_t(K) * (F + 1)) {
            std::vector<int> target(F, -1);
            for (size_t f = 0; f < x.cols; ++f)
                target[f] = int(inputs.indexOf(pipelineInputs.value(x.sourceColumn[f])));
            for (size_t f = 0; f < x.catCols; ++f)
                target[x.cols + f] = int(inputs.indexOf(pipelineInputs.value(x.catSourceColumn[f])));
            std::vector<double> phi(size_t(K) * C), p, p0;
            std::vector<double> bias(static_cast<size_t>(K)), margin(static_cast<size_t>(K));
            for (size_t i = 0; i < n; ++i) {
                std::fill(phi.begin(), phi.end(), 0.0);
                for (int k = 0; k < K; ++k) {
                    const float *c = contrib->data() + (i * size_t(K) + size_t(k)) * (F + 1);
                    double sum = 0;
                    for (size_t f = 0; f < F; ++f) {
                        if (target[f] >= 0)
                            phi[size_t(k) * C + size_t(target[f])] += c[f];
                        sum += c[f];
                    }
                    bias[size_t(k)] = c[F];
                    margin[size_t(k)] = sum + c[F];
                }
                double pred = 0, base = 0;
                if (fold.model->contributionsArePredictions()) {
                    // Already in probability space (a classification forest's class fractions).
                    const size_t c = problem == ProblemType::Multiclass ? size_t(std::max(0, cls[i])) : 0;
                    for (size_t j = 0; j < C; ++j)
                        raw[j] = phi[c * C + j];
                    pred = margin[c];
                    base = bias[c];
                } else if (problem == ProblemType::Regression) {
                    for (size_t j = 0; j < C; ++j)
                        raw[j] = phi[j];
                    pred = margin[0];
                    base = bias[0];
                } else if (problem == ProblemType::Binary) {
                    pred = sigmoid(margin[0]);
                    base = sigmoid(bias[0]);
                    const double g = 0.5 * (pred * (1 - pred) + base * (1 - base));
                    for (size_t j = 0; j < C; ++j)
                        raw[j] = g * phi[j];
                    fitToTotal(raw.data(), C, pred - base, true);
                } else {
                    const size_t c = size_t(std::max(0, cls[i]));
                    softmax(margin, &p);
                    softmax(bias, &p0);
                    pred = p[c];
                    base = p0[c];
                    for (size_t j = 0; j < C; ++j) {
                        double v = 0;
                        for (size_t k = 0; k < size_t(K); ++k) {
                            const double delta = k == c ? 1.0 : 0.0;
                            const double g = 0.5 * (p[c] * (delta - p[k]) + p0[c] * (delta - p0[k]));
                            v += g * phi[k * C + j];
                        }
                        raw[j] = v;
                    }
                    fitToTotal(raw.data(), C, pred - base, true);
                }
                for (size_t j = 0; j < C; ++j)
                    out.contributions[i * C + j] += raw[j];
                out.prediction[i] += pred;
                out.baseline[i] += base;
            }
        } else {
            // Occlusion: the model with each column missing in turn, and with all of them missing.
            out.exact = false;
            Result<Predictions> full = fold.model->predict(x);
            if (!full)
                return R(full.error());
            Table empty;
            empty.setRowCount(n);
            Result<Predictions> none = fold.model->predict(fold.pipeline->transform(empty));
            if (!none)
                return R(none.error());
            std::vector<std::vector<double>> without(C);
            for (size_t j = 0; j < C; ++j) {
                if (isCanceled(ctx))
                    return R::failure(ErrorCode::Canceled, QStringLiteral("Explaining stopped."));
                if (!pipelineInputs.contains(inputs[qsizetype(j)]))
                    continue;  // the pipeline does not read this column: no effect
                const Table t = withoutColumn(sample, inputs[qsizetype(j)]);
                Result<Predictions> p = fold.model->predict(fold.pipeline->transform(t));
                if (!p)
                    return R(p.error());
                without[j].resize(n);
                for (size_t i = 0; i < n; ++i)
                    without[j][i] = outputOf(*p, i, problem, cls[i]);
            }
            for (size_t i = 0; i < n; ++i) {
                const double pred = outputOf(*full, i, problem, cls[i]);
                const double base = outputOf(*none, i, problem, cls[i]);
                for (size_t j = 0; j < C; ++j)
                    raw[j] = without[j].empty() ? 0.0 : pred - without[j][i];
                fitToTotal(raw.data(), C, pred - base, false);
                for (size_t j = 0; j < C; ++j)
                    out.contributions[i * C + j] += raw[j];
                out.prediction[i] += pred;
                out.baseline[i] += base;
            }
        }
    }
    const double folds = double(std::max<size_t>(1, member.folds.size()));
    for (double &v : out.contributions)
        v /= folds;
    for (double &v : out.prediction)
        v /= folds;
    for (double &v : out.baseline)
        v /= folds;
    return out;
}

//! The class each row's explanation is about: binary 1, multiclass the predicted class.
std::vector<int> explainedClasses(const Predictor &predictor, const Predictions &pred)
{
    std::vector<int> cls(pred.rows, -1);
    if (predictor.problem() == ProblemType::Binary)
        std::fill(cls.begin(), cls.end(), 1);
    else if (predictor.problem() == ProblemType::Multiclass)
        for (size_t i = 0; i < pred.rows; ++i) {
            const float *p = pred.values.data() + i * size_t(pred.outputs);
            cls[i] = int(std::max_element(p, p + pred.outputs) - p);
        }
    return cls;
}

int outputCount(const Predictor &p)
{
    return p.problem() == ProblemType::Multiclass ? int(p.classLabels().size()) : 1;
}

bool isTreeFamily(const QString &family)
{
    return family == QLatin1String("xgboost") || family == QLatin1String("random_forest");
}

QString fmt(double v)
{
    const double a = std::abs(v);
    return QString::number(a, 'g', a >= 1 ? 4 : 2);
}

} // namespace

QJsonObject RowExplanation::toJson() const
{
    std::vector<size_t> order(columns.size());
    std::iota(order.begin(), order.end(), size_t(0));
    std::stable_sort(order.begin(), order.end(), [this](size_t a, size_t b) {
        return std::abs(contributions[a]) > std::abs(contributions[b]);
    });
    QJsonArray list;
    for (size_t j : order)
        list.append(QJsonObject{{QStringLiteral("column"), columns[qsizetype(j)]},
                                {QStringLiteral("contribution"), contributions[j]}});
    QJsonObject o{{QStringLiteral("baseline"), baseline},
                  {QStringLiteral("prediction"), prediction},
                  {QStringLiteral("exact"), exact},
                  {QStringLiteral("contributions"), list}};
    if (explainedClass >= 0)
        o.insert(QStringLiteral("explained_class"), explainedLabel);
    return o;
}

QStringList RowExplanation::sentences(int maxColumns) const
{
    std::vector<size_t> order(columns.size());
    std::iota(order.begin(), order.end(), size_t(0));
    std::stable_sort(order.begin(), order.end(), [this](size_t a, size_t b) {
        return std::abs(contributions[a]) > std::abs(contributions[b]);
    });
    const QString what = explainedClass >= 0 ? QStringLiteral("the probability of *%1*").arg(explainedLabel)
                                             : QStringLiteral("the prediction");
    QStringList out;
    for (size_t i = 0; i < order.size() && int(i) < maxColumns; ++i) {
        const double v = contributions[order[i]];
        if (v == 0)
            break;
        out << QStringLiteral("%1 pushed %2 %3 by %4")
                   .arg(columns[qsizetype(order[i])], what, v > 0 ? QStringLiteral("up") : QStringLiteral("down"), fmt(v));
    }
    return out;
}

Result<std::vector<RowExplanation>> explainRows(const Predictor &predictor, const Table &table,
                                                const std::vector<size_t> &rows, TaskContext *ctx)
{
    using R = Result<std::vector<RowExplanation>>;
    const QStringList inputs = predictor.inputColumns();
    const Table sample = subsetTable(table, rows, inputs);
    Result<Predictions> pred = predictor.predict(sample);
    if (!pred)
        return R(pred.error());
    const std::vector<int> cls = explainedClasses(predictor, *pred);
    const size_t n = rows.size(), C = size_t(inputs.size());
    std::vector<RowExplanation> out(n);
    for (size_t i = 0; i < n; ++i) {
        out[i].columns = inputs;
        out[i].contributions.assign(C, 0.0);
        out[i].explainedClass = cls[i];
        if (cls[i] >= 0)
            out[i].explainedLabel = predictor.classLabels().value(cls[i]);
    }
    const double total = predictor.totalWeight() > 0 ? predictor.totalWeight() : 1.0;
    for (const MemberView &member : predictor.members()) {
        Result<MemberExplanation> m =
            explainMember(member, sample, cls, predictor.problem(), outputCount(predictor), inputs, ctx);
        if (!m)
            return R(m.error());
        const double w = member.weight / total;
        for (size_t i = 0; i < n; ++i) {
            for (size_t j = 0; j < C; ++j)
                out[i].contributions[j] += w * m->contributions[i * C + j];
            out[i].baseline += w * m->baseline[i];
            out[i].prediction += w * m->prediction[i];
            out[i].exact = out[i].exact && m->exact;
        }
    }
    // The members explain the blend; a calibrated model predicts the blend mapped by a
    // monotone function, so the contributions are rescaled to add up to its change.
    const Calibration &calibration = predictor.calibration();
    if (calibration.active())
        for (size_t i = 0; i < n; ++i) {
            RowExplanation &e = out[i];
            const double predicted = predictor.problem() == ProblemType::Binary
                                         ? double(pred->values[i])
                                         : double(pred->values[i * size_t(pred->outputs) + size_t(e.explainedClass)]);
            if (calibration.kind == Calibration::Kind::Platt)
                e.baseline = calibration.applyToProbability(e.baseline);
            e.prediction = predicted;
            fitToTotal(e.contributions.data(), C, e.prediction - e.baseline, true);
        }
    return out;
}

QString ColumnImpactEntry::directionText() const
{
    if (direction > 0)
        return QStringLiteral("higher values push the prediction up");
    if (direction < 0)
        return QStringLiteral("higher values push the prediction down");
    return {};
}

QJsonArray ImpactReport::toJson() const
{
    QJsonArray out;
    for (const ColumnImpactEntry &c : columns) {
        QJsonObject o{{QStringLiteral("column"), c.column},
                      {QStringLiteral("percent"), c.percent},
                      {QStringLiteral("direction"), c.direction},
                      {QStringLiteral("mean_abs_contribution"), c.meanAbsContribution},
                      {QStringLiteral("permutation_drop"), c.permutationDrop},
                      {QStringLiteral("permutation_spread"), c.permutationSpread}};
        if (c.direction != 0)
            o.insert(QStringLiteral("direction_text"), c.directionText());
        out.append(o);
    }
    return out;
}

ImpactReport ImpactReport::fromJson(const QJsonArray &json)
{
    ImpactReport r;
    for (const QJsonValue &v : json) {
        const QJsonObject o = v.toObject();
        ColumnImpactEntry c;
        c.column = o.value(QStringLiteral("column")).toString();
        c.percent = o.value(QStringLiteral("percent")).toDouble();
        c.direction = o.value(QStringLiteral("direction")).toInt();
        c.meanAbsContribution = o.value(QStringLiteral("mean_abs_contribution")).toDouble();
        c.permutationDrop = o.value(QStringLiteral("permutation_drop")).toDouble();
        c.permutationSpread = o.value(QStringLiteral("permutation_spread")).toDouble();
        r.columns.push_back(c);
    }
    return r;
}

Result<ImpactReport> explainGlobal(const Predictor &predictor, const Table &data, const ExplainOptions &options,
                                   TaskContext *ctx)
{
    using R = Result<ImpactReport>;
    const QStringList inputs = predictor.inputColumns();
    const ProblemType problem = predictor.problem();
    const int targetIndex = data.indexOf(predictor.target());
    if (targetIndex < 0)
        return R::failure(ErrorCode::InvalidArgument,
                          QStringLiteral("Column impact needs the actual values of %1, which the data lacks. Use a file "
                                         "with the %1 column.")
                              .arg(predictor.target()));
    const Column &targetColumn = data.column(size_t(targetIndex));
    const QStringList labels = predictor.classLabels();
    auto truthOf = [&](size_t r) -> float {
        if (targetColumn.isMissing(r))
            return float(kNaN);
        if (problem == ProblemType::Regression)
            return float(numericValue(targetColumn, r));
        const qsizetype k = labels.indexOf(targetColumn.textAt(r));
        return k < 0 ? float(kNaN) : float(k);
    };

    // Rows with a known target, a fixed random sample of them.
    std::vector<size_t> rows;
    if (options.rows.empty()) {
        for (size_t r = 0; r < data.rowCount(); ++r)
            rows.push_back(r);
    } else {
        rows = options.rows;
    }
    rows.erase(std::remove_if(rows.begin(), rows.end(),
                              [&](size_t r) { return r >= data.rowCount() || std::isnan(truthOf(r)); }),
               rows.end());
    if (rows.empty())
        return R::failure(ErrorCode::InvalidArgument,
                          QStringLiteral("No row has a value of %1, so column impact cannot be measured.")
                              .arg(predictor.target()));
    std::mt19937_64 rng(options.seed + 4242);
    if (rows.size() > options.maxRows) {
        for (size_t i = 0; i < options.maxRows; ++i)
            std::swap(rows[i], rows[i + size_t(rng() % (rows.size() - i))]);
        rows.resize(options.maxRows);
        std::sort(rows.begin(), rows.end());
    }
    const size_t n = rows.size(), C = size_t(inputs.size());
    std::vector<float> truth(n);
    for (size_t i = 0; i < n; ++i)
        truth[i] = truthOf(rows[i]);

    std::vector<int> foldOfRow;
    if (!options.foldValidRows.empty()) {
        std::unordered_map<size_t, int> fold;
        for (size_t f = 0; f < options.foldValidRows.size(); ++f)
            for (size_t r : options.foldValidRows[f])
                fold[r] = int(f);
        foldOfRow.resize(n, -1);
        for (size_t i = 0; i < n; ++i)
            if (auto it = fold.find(rows[i]); it != fold.end())
                foldOfRow[i] = it->second;
    }
    const Table sample = subsetTable(data, rows, inputs);

    Metric metric = defaultMetric(problem);
    if (Metric m; metricFromName(predictor.manifest().value(QStringLiteral("metric")).toString(), &m)
                  && metricApplies(m, problem))
        metric = m;
    const double threshold = predictor.threshold();
    const std::vector<MemberView> &members = predictor.members();
    const size_t M = members.size();
    const double totalWeight = predictor.totalWeight() > 0 ? predictor.totalWeight() : 1.0;
    const int outputs = outputCount(predictor);

    auto memberPredictions = [&](const Table &t, std::vector<Predictions> *out) -> Status {
        out->clear();
        for (size_t m = 0; m < M; ++m) {
            const bool perFold = !foldOfRow.empty() && members[m].folds.size() == options.foldValidRows.size();
            Result<Predictions> p = predictor.predictMember(m, t, {}, perFold ? &foldOfRow : nullptr);
            if (!p)
                return Status(p.error());
            out->push_back(std::move(*p));
        }
        return Status::success();
    };
    auto blendOf = [&](const std::vector<Predictions> &per) {
        Predictions e;
        e.rows = n;
        e.outputs = outputs;
        e.values.assign(n * size_t(outputs), 0.0f);
        for (size_t m = 0; m < M; ++m)
            for (size_t i = 0; i < e.values.size(); ++i)
                e.values[i] += float(members[m].weight / totalWeight) * per[m].values[i];
        predictor.calibration().apply(&e);
        return e;
    };
    // Worsening of the metric (positive: the column helped).
    auto worsening = [&](double base, double now) {
        if (std::isnan(base) || std::isnan(now))
            return 0.0;
        return higherIsBetter(metric) ? base - now : now - base;
    };

    std::vector<Predictions> basePer;
    if (Status s = memberPredictions(sample, &basePer); !s)
        return R(s.error());
    std::vector<double> baseScore(M + 1);
    for (size_t m = 0; m < M; ++m)
        baseScore[m] = computeMetric(metric, problem, truth, basePer[m], threshold);
    baseScore[M] = computeMetric(metric, problem, truth, blendOf(basePer), threshold);

    // Explanations of a smaller sample: tree members' mean |contribution| and the directions.
    // Exact TreeSHAP on a deep random forest costs milliseconds a row and fold model: time it
    // on a few rows and explain only as many as fit a share of the time left (at least 16).
    size_t ne = std::min(n, options.maxExplainRows);
    for (size_t m = 0; m < M && ne > 16; ++m) {
        if (members[m].family != QLatin1String("random_forest"))
            continue;
        const size_t probeRows = std::min<size_t>(ne, 8);
        std::vector<size_t> probe(probeRows);
        std::iota(probe.begin(), probe.end(), size_t(0));
        const std::vector<int> probeCls(probeRows, problem == ProblemType::Binary ? 1 : problem == ProblemType::Multiclass ? 0 : -1);
        const auto started = std::chrono::steady_clock::now();
        if (Result<MemberExplanation> e = explainMember(members[m], subsetTable(sample, probe), probeCls, problem,
                                                        outputs, inputs, ctx);
            !e)
            return R(e.error());
        const double perRow =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() / double(probeRows);
        const double allowed = std::min(options.maxExplainSeconds, 0.25 * (ctx ? ctx->secondsLeft() : 1e9));
        if (perRow > 0)
            ne = std::clamp(size_t(allowed / perRow), std::min<size_t>(ne, 16), ne);
    }
    std::vector<size_t> firstRows(ne);
    std::iota(firstRows.begin(), firstRows.end(), size_t(0));
    const Table explainSample = subsetTable(sample, firstRows);
    Predictions ensembleFirst = blendOf(basePer);
    ensembleFirst.rows = ne;
    ensembleFirst.values.resize(ne * size_t(outputs));
    const std::vector<int> cls = explainedClasses(predictor, ensembleFirst);
    std::vector<std::vector<double>> memberShare(M);
    std::vector<double> ensembleContrib(ne * C, 0.0);
    std::vector<bool> treeMember(M, false);
    for (size_t m = 0; m < M; ++m) {
        reportProgress(ctx, 0.05 + 0.15 * double(m) / double(M), QStringLiteral("Explaining the models"));
        Result<MemberExplanation> e = explainMember(members[m], explainSample, cls, problem, outputs, inputs, ctx);
        if (!e)
            return R(e.error());
        for (size_t i = 0; i < ne * C; ++i)
            ensembleContrib[i] += members[m].weight / totalWeight * e->contributions[i];
        if (isTreeFamily(members[m].family) && e->exact) {
            treeMember[m] = true;
            memberShare[m].assign(C, 0.0);
            for (size_t i = 0; i < ne; ++i)
                for (size_t j = 0; j < C; ++j)
                    memberShare[m][j] += std::abs(e->contributions[i * C + j]) / double(ne);
        }
    }

    // Permutation importance: every member (for the ensemble) on every shuffled column.
    const int repeats = std::max(1, options.repeats);
    std::vector<std::vector<double>> drops(M + 1, std::vector<double>(C * size_t(repeats), 0.0));
    for (size_t j = 0; j < C; ++j) {
        const int colIndex = sample.indexOf(inputs[qsizetype(j)]);
        for (int r = 0; r < repeats; ++r) {
            if (isCanceled(ctx))
                return R::failure(ErrorCode::Canceled, QStringLiteral("Measuring column impact stopped."));
            reportProgress(ctx, 0.2 + 0.8 * double(j * size_t(repeats) + size_t(r)) / double(C * size_t(repeats)),
                           QStringLiteral("Measuring column impact"));
            if (colIndex < 0)
                continue;
            std::vector<size_t> perm(n);
            std::iota(perm.begin(), perm.end(), size_t(0));
            std::shuffle(perm.begin(), perm.end(), rng);
            Table shuffled = sample;
            shuffled.column(size_t(colIndex)) = permutedColumn(sample.column(size_t(colIndex)), perm);
            std::vector<Predictions> per;
            if (Status s = memberPredictions(shuffled, &per); !s)
                return R(s.error());
            for (size_t m = 0; m < M; ++m)
                drops[m][j * size_t(repeats) + size_t(r)] =
                    worsening(baseScore[m], computeMetric(metric, problem, truth, per[m], threshold));
            drops[M][j * size_t(repeats) + size_t(r)] =
                worsening(baseScore[M], computeMetric(metric, problem, truth, blendOf(per), threshold));
        }
    }
    auto meanOf = [&](size_t m, size_t j) {
        double s = 0;
        for (int r = 0; r < repeats; ++r)
            s += drops[m][j * size_t(repeats) + size_t(r)];
        return s / repeats;
    };
    for (size_t m = 0; m < M; ++m)
        if (!treeMember[m]) {
            memberShare[m].assign(C, 0.0);
            for (size_t j = 0; j < C; ++j)
                memberShare[m][j] = std::max(0.0, meanOf(m, j));
        }

    // Shares: each member's normalised, averaged with the ensemble weights.
    std::vector<double> percent(C, 0.0);
    double used = 0;
    for (size_t m = 0; m < M; ++m) {
        const double sum = std::accumulate(memberShare[m].begin(), memberShare[m].end(), 0.0);
        if (sum <= 0)
            continue;
        for (size_t j = 0; j < C; ++j)
            percent[j] += members[m].weight * memberShare[m][j] / sum;
        used += members[m].weight;
    }
    if (used <= 0) {
        // No member says anything (a model that ignores its inputs): fall back to the ensemble's permutation.
        for (size_t j = 0; j < C; ++j)
            percent[j] = std::max(0.0, meanOf(M, j));
        used = std::accumulate(percent.begin(), percent.end(), 0.0);
        if (used <= 0) {
            std::fill(percent.begin(), percent.end(), 1.0);
            used = double(C);
        }
    }

    ImpactReport report;
    report.metric = metricName(metric);
    report.rows = n;
    report.explainedRows = ne;
    report.repeats = repeats;
    report.method = QStringLiteral("Tree models: mean size of each column's exact contribution; other models: how much "
                                   "%1 worsens when the column's values are shuffled (%2 times on %3 rows). Members "
                                   "averaged with their ensemble weights.")
                        .arg(metricLabel(metric))
                        .arg(repeats)
                        .arg(n);
    for (size_t j = 0; j < C; ++j) {
        ColumnImpactEntry e;
        e.column = inputs[qsizetype(j)];
        e.percent = 100.0 * percent[j] / used;
        e.permutationDrop = meanOf(M, j);
        double var = 0;
        for (int r = 0; r < repeats; ++r) {
            const double d = drops[M][j * size_t(repeats) + size_t(r)] - e.permutationDrop;
            var += d * d;
        }
        e.permutationSpread = repeats > 1 ? std::sqrt(var / (repeats - 1)) : 0.0;
        double mac = 0;
        for (size_t i = 0; i < ne; ++i)
            mac += std::abs(ensembleContrib[i * C + j]);
        e.meanAbsContribution = ne ? mac / double(ne) : 0.0;

        // Direction: numeric columns only.
        ColumnType type;
        const int ci = explainSample.indexOf(e.column);
        if (ci >= 0 && columnTypeFromName(predictor.schemaOf(e.column).value(QStringLiteral("type")).toString(), &type)
            && (isNumeric(type) || type == ColumnType::Boolean)) {
            const Column &col = explainSample.column(size_t(ci));
            double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0, cnt = 0;
            for (size_t i = 0; i < ne; ++i) {
                const double x = numericValue(col, i);
                if (std::isnan(x))
                    continue;
                const double y = ensembleContrib[i * C + j];
                sx += x, sy += y, sxx += x * x, syy += y * y, sxy += x * y, cnt += 1;
            }
            if (cnt >= 3) {
                const double cov = sxy - sx * sy / cnt, vx = sxx - sx * sx / cnt, vy = syy - sy * sy / cnt;
                const double corr = vx > 0 && vy > 0 ? cov / std::sqrt(vx * vy) : 0.0;
                e.direction = corr >= 0.1 ? 1 : corr <= -0.1 ? -1 : 0;
            }
        }
        report.columns.push_back(e);
    }
    std::stable_sort(report.columns.begin(), report.columns.end(),
                     [](const ColumnImpactEntry &a, const ColumnImpactEntry &b) { return a.percent > b.percent; });
    reportProgress(ctx, 1.0, QStringLiteral("Column impact measured"));
    return report;
}

} // namespace easel
