// The XGBoost plugin through the registry, as the AutoML engine uses it:
// binary / multiclass / regression with early stopping, cancel, deadline,
// save → load, TreeSHAP, importance, determinism, NaN, weights, random forest,
// and one real data set (phoneme) when the shared data folder is present.
#include "automl/trainer.h"
#include "automl/trainer_registry.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <thread>

using namespace easel;

namespace {

struct Data
{
    FeatureMatrix x;
    std::vector<float> y;
};

//! Synthetic data, cols features uniform in [-1, 1]; the target depends on x0 (and x1).
Data synthetic(ProblemType problem, size_t rows, size_t cols, unsigned seed, double nanRate = 0.0)
{
    std::mt19937 gen(seed);
    std::uniform_real_distribution<float> u(-1.f, 1.f);
    std::uniform_real_distribution<float> p(0.f, 1.f);
    std::normal_distribution<float> noise(0.f, 0.1f);
    Data d;
    d.x.rows = rows;
    d.x.cols = cols;
    d.x.values.resize(rows * cols);
    for (size_t c = 0; c < cols; ++c) {
        d.x.names << QStringLiteral("x%1").arg(c);
        d.x.sourceColumn.push_back(int(c));
    }
    for (size_t r = 0; r < rows; ++r) {
        float *row = d.x.values.data() + r * cols;
        for (size_t c = 0; c < cols; ++c)
            row[c] = u(gen);
        const float x0 = row[0], x1 = row[1];
        switch (problem) {
        case ProblemType::Binary:
            d.y.push_back(x0 > 0.3f ? 1.f : 0.f);
            break;
        case ProblemType::Multiclass:
            d.y.push_back(x0 < -0.3f ? 0.f : (x1 > 0.f ? 1.f : 2.f));
            break;
        case ProblemType::Regression:
            d.y.push_back(3.f * x0 + std::sin(3.f * x1) + noise(gen));
            break;
        }
        if (nanRate > 0)  // after the target: missing values hide information
            for (size_t c = 0; c < cols; ++c)
                if (p(gen) < nanRate)
                    row[c] = std::numeric_limits<float>::quiet_NaN();
    }
    return d;
}

double auc(const std::vector<float> &y, const std::vector<float> &score)
{
    std::vector<size_t> order(y.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return score[a] < score[b]; });
    double rankSum = 0, pos = 0;
    for (size_t i = 0; i < order.size();) {  // average ranks over ties
        size_t j = i;
        while (j < order.size() && score[order[j]] == score[order[i]])
            ++j;
        const double rank = (double(i + 1) + double(j)) / 2;
        for (size_t k = i; k < j; ++k)
            if (y[order[k]] > 0.5f) {
                rankSum += rank;
                ++pos;
            }
        i = j;
    }
    const double neg = double(y.size()) - pos;
    return (rankSum - pos * (pos + 1) / 2) / (pos * neg);
}

double accuracy(const std::vector<float> &y, const Predictions &p)
{
    size_t right = 0;
    for (size_t r = 0; r < p.rows; ++r) {
        const float *row = p.values.data() + r * size_t(p.outputs);
        const int cls = p.outputs == 1 ? (row[0] > 0.5f ? 1 : 0) : int(std::max_element(row, row + p.outputs) - row);
        right += cls == int(y[r]);
    }
    return double(right) / double(p.rows);
}

double rmse(const std::vector<float> &y, const std::vector<float> &pred)
{
    double s = 0;
    for (size_t i = 0; i < y.size(); ++i)
        s += (double(y[i]) - pred[i]) * (double(y[i]) - pred[i]);
    return std::sqrt(s / double(y.size()));
}

double stddev(const std::vector<float> &y)
{
    const double mean = std::accumulate(y.begin(), y.end(), 0.0) / double(y.size());
    double s = 0;
    for (float v : y)
        s += (v - mean) * (v - mean);
    return std::sqrt(s / double(y.size()));
}

//! One thread by default: XGBoost's OpenMP workers spin while they wait, and
//! on a busy machine (a parallel ctest run) two spinning threads train 5–10×
//! slower unless OMP_WAIT_POLICY=PASSIVE is set before the process starts
//! (QtCore loads libgomp through libb2). deterministic() uses 2; phoneme() EASEL_TEST_THREADS.
FitOptions options(ProblemType problem, int classes = 1, QJsonObject params = {}, int threads = 1)
{
    FitOptions o;
    o.problem = problem;
    o.numClasses = problem == ProblemType::Binary ? 2 : classes;
    o.params = std::move(params);
    o.threads = threads;
    o.seed = 7;
    return o;
}

//! A numeric CSV with a header (the shared phoneme set); empty when unreadable.
Data readNumericCsv(const QString &path, const QString &target)
{
    Data d;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text))
        return d;
    const QStringList header = QString::fromUtf8(f.readLine()).trimmed().split(QLatin1Char(','));
    const qsizetype t = header.indexOf(target);
    if (t < 0)
        return d;
    d.x.cols = size_t(header.size() - 1);
    for (qsizetype c = 0; c < header.size(); ++c)
        if (c != t)
            d.x.names << header[c];
    while (!f.atEnd()) {
        const QList<QByteArray> fields = f.readLine().trimmed().split(',');
        if (fields.size() != header.size())
            continue;
        for (qsizetype c = 0; c < fields.size(); ++c) {
            const float v = fields[c].toFloat();
            if (c == t)
                d.y.push_back(v);
            else
                d.x.values.push_back(v);
        }
        ++d.x.rows;
    }
    return d;
}

//! Rows [begin, end) of d.
Data slice(const Data &d, const std::vector<size_t> &rows)
{
    Data s;
    s.x.cols = d.x.cols;
    s.x.names = d.x.names;
    for (size_t r : rows) {
        s.x.values.insert(s.x.values.end(), d.x.row(r), d.x.row(r) + d.x.cols);
        s.y.push_back(d.y[r]);
    }
    s.x.rows = rows.size();
    return s;
}

} // namespace

class TestXgboostTrainer : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void capabilities();
    void binaryEarlyStopping();
    void multiclass();
    void regression();
    void cancel();
    void deadline();
    void deadlineRaisesASlowLearningRate();
    void saveLoad();
    void loadRejectsGarbage();
    void contributionsSumToMargin();
    void importanceRanksInformativeFeature();
    void deterministic();
    void missingValues();
    void weights();
    void invalidParameters();
    void concurrentPredict();
    void portfolioAndSearchSpace();
    void randomForest();
    void forestPredictsLeafFractions();
    void multiclassForestCapsItsTrees();
    void phoneme();

private:
    TrainerRegistry m_registry;
    Trainer *m_xgb = nullptr;
    Trainer *m_rf = nullptr;
    Data m_binTrain, m_binValid;
};

void TestXgboostTrainer::initTestCase()
{
    m_registry.discover();
    QVERIFY2(m_registry.families().contains(QStringLiteral("xgboost")), "xgboost plugin not found in the build");
    m_xgb = m_registry.trainer(QStringLiteral("xgboost"));
    QVERIFY2(m_xgb, qPrintable(m_registry.lastError()));
    m_rf = m_registry.trainer(QStringLiteral("random_forest"));
    QVERIFY2(m_rf, qPrintable(m_registry.lastError()));
    QCOMPARE(m_xgb->family(), QStringLiteral("xgboost"));
    QCOMPARE(m_rf->family(), QStringLiteral("random_forest"));
    m_binTrain = synthetic(ProblemType::Binary, 2000, 5, 1);
    m_binValid = synthetic(ProblemType::Binary, 1000, 5, 2);
}

void TestXgboostTrainer::capabilities()
{
    const TrainerCapabilities c = m_xgb->capabilities();
    QVERIFY(c.binary && c.multiclass && c.regression);
    QVERIFY(c.nativeMissing);
    QVERIFY(c.contributions);
    QCOMPARE(c.flavour, FeatureFlavour::Trees);
    if (!c.gpuAvailable)
        QVERIFY(!c.gpuReason.isEmpty());
    qInfo() << "GPU:" << c.gpuAvailable << c.gpuReason;

    // Boosting stops early on its validation rows; a forest chooses nothing on them
    // but a multiclass forest's smoothing, so a build gives it those rows to fit on.
    for (ProblemType p : {ProblemType::Binary, ProblemType::Multiclass, ProblemType::Regression})
        QVERIFY(m_xgb->choosesOnValidation(p));
    QVERIFY(!m_rf->choosesOnValidation(ProblemType::Binary));
    QVERIFY(!m_rf->choosesOnValidation(ProblemType::Regression));
    QVERIFY(m_rf->choosesOnValidation(ProblemType::Multiclass));

    // useGpu on a machine without one is ignored, with a note.
    if (!c.gpuAvailable) {
        FitOptions o = options(ProblemType::Binary, 2, {{"n_estimators", 5}});
        o.useGpu = true;
        auto model = m_xgb->fit(m_binTrain.x, m_binTrain.y, {}, nullptr, nullptr, o, nullptr);
        QVERIFY2(model, qPrintable(model.error().message));
        QVERIFY((*model)->fitReport().note.contains(QLatin1String("CPU")));
    }
}

void TestXgboostTrainer::binaryEarlyStopping()
{
    const QJsonObject params{{"n_estimators", 2000}, {"early_stopping_rounds", 20}, {"learning_rate", 0.3}};
    auto model = m_xgb->fit(m_binTrain.x, m_binTrain.y, {}, &m_binValid.x, &m_binValid.y,
                            options(ProblemType::Binary, 2, params), nullptr);
    QVERIFY2(model, qPrintable(model.error().message));
    const FitReport &report = (*model)->fitReport();
    QVERIFY2(report.iterations > 0 && report.iterations < 2000, qPrintable(QString::number(report.iterations)));
    // Stopped 20 rounds after the best one.
    QCOMPARE(int(report.validCurve.size()), report.iterations + 20);
    QVERIFY(report.note.contains(QLatin1String("early")));
    const double bestLoss = *std::min_element(report.validCurve.begin(), report.validCurve.end());
    QCOMPARE(report.validCurve[size_t(report.iterations - 1)], bestLoss);

    auto pred = (*model)->predict(m_binValid.x);
    QVERIFY(pred);
    QCOMPARE(pred->rows, m_binValid.x.rows);
    QCOMPARE(pred->outputs, 1);
    for (float p : pred->values)
        QVERIFY(p >= 0.f && p <= 1.f);
    const double a = auc(m_binValid.y, pred->values);
    QVERIFY2(a > 0.98, qPrintable(QString::number(a)));
    QVERIFY(accuracy(m_binValid.y, *pred) > 0.95);
}

void TestXgboostTrainer::multiclass()
{
    const Data train = synthetic(ProblemType::Multiclass, 1500, 4, 3);
    const Data valid = synthetic(ProblemType::Multiclass, 600, 4, 4);
    auto model = m_xgb->fit(train.x, train.y, {}, &valid.x, &valid.y,
                            options(ProblemType::Multiclass, 3, {{"learning_rate", 0.3}}), nullptr);
    QVERIFY2(model, qPrintable(model.error().message));
    QVERIFY((*model)->fitReport().iterations < 2000);
    auto pred = (*model)->predict(valid.x);
    QVERIFY(pred);
    QCOMPARE(pred->outputs, 3);
    QCOMPARE(pred->values.size(), valid.x.rows * 3);
    for (size_t r = 0; r < pred->rows; ++r) {
        const float *row = pred->values.data() + r * 3;
        QVERIFY(std::abs(row[0] + row[1] + row[2] - 1.f) < 1e-4f);
    }
    const double acc = accuracy(valid.y, *pred);
    QVERIFY2(acc > 0.95, qPrintable(QString::number(acc)));
}

void TestXgboostTrainer::regression()
{
    const Data train = synthetic(ProblemType::Regression, 2000, 4, 5);
    const Data valid = synthetic(ProblemType::Regression, 800, 4, 6);
    auto model = m_xgb->fit(train.x, train.y, {}, &valid.x, &valid.y,
                            options(ProblemType::Regression, 1, {{"learning_rate", 0.2}}), nullptr);
    QVERIFY2(model, qPrintable(model.error().message));
    auto pred = (*model)->predict(valid.x);
    QVERIFY(pred);
    QCOMPARE(pred->outputs, 1);
    const double e = rmse(valid.y, pred->values), sd = stddev(valid.y);
    QVERIFY2(e < 0.2 * sd, qPrintable(QStringLiteral("rmse %1, sd %2").arg(e).arg(sd)));
    // The validation curve is the RMSE; its best value matches what we measure.
    const auto &curve = (*model)->fitReport().validCurve;
    QVERIFY(std::abs(*std::min_element(curve.begin(), curve.end()) - e) < 1e-3);
}

void TestXgboostTrainer::cancel()
{
    // Cancel as soon as boosting has started; the next round's check stops it.
    TaskContext *self = nullptr;
    TaskContext ctx([&](double fraction, const QString &) {
        if (fraction > 0)
            self->cancel();
    });
    self = &ctx;
    QElapsedTimer t;
    t.start();
    const int maxRounds = 5000;
    auto model = m_xgb->fit(m_binTrain.x, m_binTrain.y, {}, &m_binValid.x, &m_binValid.y,
                            options(ProblemType::Binary, 2, {{"learning_rate", 0.001}, {"n_estimators", maxRounds}}),
                            &ctx);
    QVERIFY(!model);
    QCOMPARE(model.error().code, ErrorCode::Canceled);
    const double rounds = ctx.fraction() * maxRounds;  // progress is rounds / n_estimators
    QVERIFY2(rounds >= 1 && rounds <= 3, qPrintable(QString::number(rounds)));
    QVERIFY(t.elapsed() < 2000);

    // Canceled before it starts: no round at all.
    TaskContext early;
    early.cancel();
    auto none = m_rf->fit(m_binTrain.x, m_binTrain.y, {}, nullptr, nullptr, options(ProblemType::Binary), &early);
    QVERIFY(!none);
    QCOMPARE(none.error().code, ErrorCode::Canceled);
}

void TestXgboostTrainer::deadline()
{
    FitOptions o = options(ProblemType::Binary, 2,
                           {{"learning_rate", 0.001}, {"n_estimators", 100000}, {"early_stopping_rounds", 100000}});
    o.deadlineSeconds = 0.2;
    QElapsedTimer t;
    t.start();
    auto model = m_xgb->fit(m_binTrain.x, m_binTrain.y, {}, &m_binValid.x, &m_binValid.y, o, nullptr);
    QVERIFY2(model, qPrintable(model.error().message));
    QVERIFY(t.elapsed() < 3000);
    const FitReport &r = (*model)->fitReport();
    QVERIFY(r.iterations > 0 && r.iterations < 100000);
    QVERIFY2(r.note.contains(QLatin1String("time limit")), qPrintable(r.note));
    QVERIFY(r.stoppedAtDeadline);
    QVERIFY((*model)->predict(m_binValid.x));
}

//! A learning rate too small for the rounds that fit before the deadline is raised
//! once the first rounds show what a round costs, so that the model still gets near
//! its best; with time enough it is left alone.
void TestXgboostTrainer::deadlineRaisesASlowLearningRate()
{
    const QJsonObject slow{{"learning_rate", 0.001}, {"n_estimators", 100000}, {"early_stopping_rounds", 50}};
    FitOptions o = options(ProblemType::Binary, 2, slow);
    o.deadlineSeconds = 0.5;
    auto model = m_xgb->fit(m_binTrain.x, m_binTrain.y, {}, &m_binValid.x, &m_binValid.y, o, nullptr);
    QVERIFY2(model, qPrintable(model.error().message));
    const FitReport &r = (*model)->fitReport();
    QVERIFY2(r.note.contains(QLatin1String("Learning rate raised from 0.001 to")), qPrintable(r.note));
    // The class is x0 > 0.3 exactly: a model near its best is sure of most rows. At
    // 0.001 the rounds that fit in half a second leave every probability near the
    // base rate (below 0.85 and above 0.15).
    auto p = (*model)->predict(m_binValid.x);
    QVERIFY(p);
    const auto sure = std::count_if(p->values.begin(), p->values.end(), [](float v) { return v > 0.95f || v < 0.05f; });
    QVERIFY2(sure > qsizetype(p->values.size() / 2), qPrintable(QString::number(sure)));

    // Time enough, or no deadline at all: the rate stays as asked.
    o.params = QJsonObject{{"learning_rate", 0.1}, {"early_stopping_rounds", 20}};
    o.deadlineSeconds = 60;
    model = m_xgb->fit(m_binTrain.x, m_binTrain.y, {}, &m_binValid.x, &m_binValid.y, o, nullptr);
    QVERIFY(model);
    QVERIFY2(!(*model)->fitReport().note.contains(QLatin1String("raised")), qPrintable((*model)->fitReport().note));
    o.params = slow;
    o.params[QStringLiteral("n_estimators")] = 300;
    o.deadlineSeconds = 0;
    model = m_xgb->fit(m_binTrain.x, m_binTrain.y, {}, &m_binValid.x, &m_binValid.y, o, nullptr);
    QVERIFY(model);
    QVERIFY(!(*model)->fitReport().note.contains(QLatin1String("raised")));
    p = (*model)->predict(m_binValid.x);
    QVERIFY(p);
    QVERIFY(*std::max_element(p->values.begin(), p->values.end()) < 0.85f);
}

void TestXgboostTrainer::saveLoad()
{
    const QJsonObject params{{"learning_rate", 0.3}, {"early_stopping_rounds", 10}};
    auto model = m_xgb->fit(m_binTrain.x, m_binTrain.y, {}, &m_binValid.x, &m_binValid.y,
                            options(ProblemType::Binary, 2, params), nullptr);
    QVERIFY(model);
    auto bytes = (*model)->save();
    QVERIFY(bytes);
    QVERIFY(!bytes->isEmpty());
    QCOMPARE(bytes->at(0), '{');   // UBJ object
    QVERIFY(bytes->at(1) != '"');  // not JSON text

    auto loaded = m_xgb->load(*bytes, options(ProblemType::Binary));
    QVERIFY2(loaded, qPrintable(loaded.error().message));
    QCOMPARE((*loaded)->family(), QStringLiteral("xgboost"));
    // The best iteration travels with the bytes: predictions are identical.
    QCOMPARE((*loaded)->fitReport().iterations, (*model)->fitReport().iterations);
    auto a = (*model)->predict(m_binValid.x), b = (*loaded)->predict(m_binValid.x);
    QVERIFY(a && b);
    QVERIFY(a->values == b->values);
    QCOMPARE((*loaded)->importance(), (*model)->importance());

    // JSON on request (for export); it loads too.
    QJsonObject jsonParams = params;
    jsonParams[QStringLiteral("save_format")] = QStringLiteral("json");
    auto jsonModel = m_xgb->load(*bytes, options(ProblemType::Binary, 2, jsonParams));
    QVERIFY(jsonModel);
    auto json = (*jsonModel)->save();
    QVERIFY(json && json->startsWith("{\""));
    QVERIFY(json->contains("\"best_iteration\""));
    auto fromJson = m_xgb->load(*json, options(ProblemType::Binary));
    QVERIFY2(fromJson, qPrintable(fromJson.error().message));
    QVERIFY((*fromJson)->predict(m_binValid.x)->values == a->values);

    // A model of the other family is refused.
    auto wrong = m_rf->load(*bytes, options(ProblemType::Binary));
    QVERIFY(!wrong);
    QCOMPARE(wrong.error().code, ErrorCode::InvalidArgument);
}

void TestXgboostTrainer::loadRejectsGarbage()
{
    for (const QByteArray &bytes : {QByteArray(), QByteArray("not a model"), QByteArray("{\"learner\": 1}"),
                                    QByteArray("{i\x05hello")}) {
        auto m = m_xgb->load(bytes, options(ProblemType::Binary));
        QVERIFY(!m);
        QCOMPARE(m.error().code, ErrorCode::Corrupt);
        QVERIFY(!m.error().message.isEmpty());
    }
}

void TestXgboostTrainer::contributionsSumToMargin()
{
    // Regression: the prediction is the margin itself.
    {
        const Data train = synthetic(ProblemType::Regression, 800, 4, 8);
        auto model = m_xgb->fit(train.x, train.y, {}, nullptr, nullptr,
                                options(ProblemType::Regression, 1, {{"n_estimators", 100}}), nullptr);
        QVERIFY(model);
        const Data test = synthetic(ProblemType::Regression, 50, 4, 9, 0.1);
        auto contrib = (*model)->contributions(test.x);
        QVERIFY2(contrib, qPrintable(contrib.error().message));
        QCOMPARE(contrib->size(), test.x.rows * (test.x.cols + 1));
        auto pred = (*model)->predict(test.x);
        for (size_t r = 0; r < test.x.rows; ++r) {
            double sum = 0;
            for (size_t c = 0; c <= test.x.cols; ++c)
                sum += (*contrib)[r * (test.x.cols + 1) + c];
            QVERIFY2(std::abs(sum - pred->values[r]) < 1e-4, qPrintable(QString::number(sum - pred->values[r])));
        }
    }
    // Binary: sigmoid(sum) is the probability; uses only the trees up to the best round.
    {
        auto model = m_xgb->fit(m_binTrain.x, m_binTrain.y, {}, &m_binValid.x, &m_binValid.y,
                                options(ProblemType::Binary, 2, {{"learning_rate", 0.3}, {"early_stopping_rounds", 5}}),
                                nullptr);
        QVERIFY(model);
        const size_t n = 100, k = m_binValid.x.cols + 1;
        Data test = m_binValid;
        test.x.rows = n;
        test.x.values.resize(n * test.x.cols);
        auto contrib = (*model)->contributions(test.x);
        QVERIFY(contrib);
        QCOMPARE(contrib->size(), n * k);
        auto pred = (*model)->predict(test.x);
        for (size_t r = 0; r < n; ++r) {
            const double margin = std::accumulate(contrib->begin() + long(r * k), contrib->begin() + long((r + 1) * k), 0.0);
            QVERIFY(std::abs(1 / (1 + std::exp(-margin)) - pred->values[r]) < 1e-5);
        }
    }
    // Multiclass: n × classes × (cols + 1); softmax of the sums is the probability.
    {
        const Data train = synthetic(ProblemType::Multiclass, 600, 3, 10);
        auto model = m_xgb->fit(train.x, train.y, {}, nullptr, nullptr,
                                options(ProblemType::Multiclass, 3, {{"n_estimators", 30}}), nullptr);
        QVERIFY(model);
        auto contrib = (*model)->contributions(train.x);
        QVERIFY(contrib);
        const size_t k = train.x.cols + 1;
        QCOMPARE(contrib->size(), train.x.rows * 3 * k);
        auto pred = (*model)->predict(train.x);
        for (size_t r = 0; r < 20; ++r) {
            double m[3], z = 0;
            for (size_t c = 0; c < 3; ++c) {
                const auto begin = contrib->begin() + long((r * 3 + c) * k);
                m[c] = std::exp(std::accumulate(begin, begin + long(k), 0.0));
                z += m[c];
            }
            for (size_t c = 0; c < 3; ++c)
                QVERIFY(std::abs(m[c] / z - pred->values[r * 3 + c]) < 1e-5);
        }
    }
}

void TestXgboostTrainer::importanceRanksInformativeFeature()
{
    auto model = m_xgb->fit(m_binTrain.x, m_binTrain.y, {}, &m_binValid.x, &m_binValid.y,
                            options(ProblemType::Binary, 2, {{"learning_rate", 0.3}}), nullptr);
    QVERIFY(model);
    const std::vector<double> imp = (*model)->importance();
    QCOMPARE(imp.size(), m_binTrain.x.cols);
    QCOMPARE(std::max_element(imp.begin(), imp.end()) - imp.begin(), 0L);
    QVERIFY(imp[0] > 10 * imp[1]);
    for (double v : imp)
        QVERIFY(v >= 0);
}

void TestXgboostTrainer::deterministic()
{
    const QJsonObject params{{"subsample", 0.7}, {"colsample_bytree", 0.6}, {"n_estimators", 20}};
    std::vector<float> first;
    for (int run = 0; run < 2; ++run) {
        auto model = m_xgb->fit(m_binTrain.x, m_binTrain.y, {}, &m_binValid.x, &m_binValid.y,
                                options(ProblemType::Binary, 2, params, 2), nullptr);
        QVERIFY(model);
        auto pred = (*model)->predict(m_binValid.x);
        QVERIFY(pred);
        if (run == 0)
            first = pred->values;
        else
            QVERIFY(first == pred->values);
    }
    // Another seed samples other rows.
    FitOptions o = options(ProblemType::Binary, 2, params, 2);
    o.seed = 8;
    auto other = m_xgb->fit(m_binTrain.x, m_binTrain.y, {}, &m_binValid.x, &m_binValid.y, o, nullptr);
    QVERIFY(other);
    QVERIFY((*other)->predict(m_binValid.x)->values != first);
}

void TestXgboostTrainer::missingValues()
{
    const Data train = synthetic(ProblemType::Binary, 2000, 5, 11, 0.2);
    const Data valid = synthetic(ProblemType::Binary, 800, 5, 12, 0.2);
    auto model = m_xgb->fit(train.x, train.y, {}, &valid.x, &valid.y, options(ProblemType::Binary), nullptr);
    QVERIFY2(model, qPrintable(model.error().message));
    auto pred = (*model)->predict(valid.x);
    QVERIFY(pred);
    for (float p : pred->values)
        QVERIFY(std::isfinite(p));
    // 20% of x0 is missing: those rows are guesses, the rest are right.
    const double a = auc(valid.y, pred->values);
    QVERIFY2(a > 0.85, qPrintable(QString::number(a)));

    // A row with every feature missing still gets a probability.
    FeatureMatrix allMissing;
    allMissing.rows = 1;
    allMissing.cols = 5;
    allMissing.values.assign(5, std::numeric_limits<float>::quiet_NaN());
    auto one = (*model)->predict(allMissing);
    QVERIFY(one && std::isfinite(one->values[0]));

    // Rows without a target are left out of training.
    Data unlabelled = train;
    for (size_t i = 0; i < unlabelled.y.size(); i += 3)
        unlabelled.y[i] = std::numeric_limits<float>::quiet_NaN();
    QVERIFY(m_xgb->fit(unlabelled.x, unlabelled.y, {}, &valid.x, &valid.y, options(ProblemType::Binary), nullptr));
}

void TestXgboostTrainer::weights()
{
    // Weighting the positive class ten times raises the predicted probabilities on average.
    const Data train = synthetic(ProblemType::Binary, 1000, 3, 13);
    Data noisy = train;
    std::mt19937 gen(1);
    for (float &y : noisy.y)  // label noise so that probabilities are not all 0/1
        if (gen() % 4 == 0)
            y = 1 - y;
    std::vector<float> w(noisy.y.size());
    for (size_t i = 0; i < w.size(); ++i)
        w[i] = noisy.y[i] > 0.5f ? 10.f : 1.f;
    const QJsonObject params{{"n_estimators", 50}};
    auto plain = m_xgb->fit(noisy.x, noisy.y, {}, nullptr, nullptr, options(ProblemType::Binary, 2, params), nullptr);
    auto weighted = m_xgb->fit(noisy.x, noisy.y, w, nullptr, nullptr, options(ProblemType::Binary, 2, params), nullptr);
    QVERIFY(plain && weighted);
    auto mean = [&](const Result<std::unique_ptr<Model>> &m) {
        auto p = m.value()->predict(train.x);
        return std::accumulate(p->values.begin(), p->values.end(), 0.0) / double(p->values.size());
    };
    QVERIFY2(mean(weighted) > mean(plain) + 0.15, qPrintable(QStringLiteral("%1 vs %2").arg(mean(weighted)).arg(mean(plain))));

    // Wrong sizes are refused.
    auto bad = m_xgb->fit(noisy.x, noisy.y, std::vector<float>(3, 1.f), nullptr, nullptr,
                          options(ProblemType::Binary), nullptr);
    QVERIFY(!bad);
    QCOMPARE(bad.error().code, ErrorCode::InvalidArgument);
}

void TestXgboostTrainer::invalidParameters()
{
    for (const QJsonObject &params : {QJsonObject{{"max_depth", "deep"}}, QJsonObject{{"subsample", 2.0}},
                                      QJsonObject{{"grow_policy", "sideways"}}}) {
        auto m = m_xgb->fit(m_binTrain.x, m_binTrain.y, {}, nullptr, nullptr, options(ProblemType::Binary, 2, params),
                            nullptr);
        QVERIFY(!m);
        QCOMPARE(m.error().code, ErrorCode::InvalidArgument);
        qInfo() << m.error().message;
    }
    // Class ids out of range.
    std::vector<float> y = m_binTrain.y;
    y[0] = 2;
    auto m = m_xgb->fit(m_binTrain.x, y, {}, nullptr, nullptr, options(ProblemType::Binary), nullptr);
    QVERIFY(!m);
    QCOMPARE(m.error().code, ErrorCode::InvalidArgument);
    // Predicting with the wrong number of features.
    auto model = m_xgb->fit(m_binTrain.x, m_binTrain.y, {}, nullptr, nullptr,
                            options(ProblemType::Binary, 2, {{"n_estimators", 5}}), nullptr);
    QVERIFY(model);
    FeatureMatrix narrow;
    narrow.rows = 1;
    narrow.cols = 2;
    narrow.values = {0.f, 0.f};
    QCOMPARE((*model)->predict(narrow).error().code, ErrorCode::InvalidArgument);
}

void TestXgboostTrainer::concurrentPredict()
{
    auto model = m_xgb->fit(m_binTrain.x, m_binTrain.y, {}, &m_binValid.x, &m_binValid.y,
                            options(ProblemType::Binary, 2, {{"learning_rate", 0.3}}), nullptr);
    QVERIFY(model);
    const std::vector<float> expected = (*model)->predict(m_binValid.x)->values;
    std::atomic<int> same{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 5; ++i) {
                auto p = (*model)->predict(m_binValid.x);
                if (p && p->values == expected)
                    ++same;
            }
        });
    for (auto &t : threads)
        t.join();
    QCOMPARE(same.load(), 20);
}

void TestXgboostTrainer::portfolioAndSearchSpace()
{
    const Data train = synthetic(ProblemType::Regression, 500, 4, 14);
    for (Trainer *t : {m_xgb, m_rf}) {
        for (ProblemType problem : {ProblemType::Binary, ProblemType::Multiclass, ProblemType::Regression}) {
            const auto portfolio = t->portfolio(problem, 10000, 20);
            QVERIFY(!portfolio.empty());
            QVERIFY(portfolio.size() <= (t == m_xgb ? 4u : 2u));
            const auto space = t->searchSpace(problem);
            QVERIFY(space.size() >= 4);
            for (const ParamRange &r : space)
                QVERIFY(r.low < r.high);
        }
        // Every configuration fits.
        for (QJsonObject config : t->portfolio(ProblemType::Regression, train.x.rows, train.x.cols)) {
            if (t == m_xgb)
                config[QStringLiteral("n_estimators")] = 20;
            else
                config[QStringLiteral("n_estimators")] = 20;
            auto m = t->fit(train.x, train.y, {}, nullptr, nullptr, options(ProblemType::Regression, 1, config), nullptr);
            QVERIFY2(m, qPrintable(m.error().message));
        }
    }
    const auto space = m_xgb->searchSpace(ProblemType::Binary);
    auto lr = std::find_if(space.begin(), space.end(), [](const ParamRange &r) { return r.name == "learning_rate"; });
    QVERIFY(lr != space.end());
    QCOMPARE(lr->kind, ParamRange::Kind::LogReal);
}

void TestXgboostTrainer::randomForest()
{
    auto model = m_rf->fit(m_binTrain.x, m_binTrain.y, {}, &m_binValid.x, &m_binValid.y,
                           options(ProblemType::Binary, 2, {{"n_estimators", 100}}), nullptr);
    QVERIFY2(model, qPrintable(model.error().message));
    QCOMPARE((*model)->family(), QStringLiteral("random_forest"));
    QCOMPARE((*model)->fitReport().iterations, 1);
    QCOMPARE((*model)->fitReport().validCurve.size(), size_t(1));
    auto pred = (*model)->predict(m_binValid.x);
    QVERIFY(pred);
    const double a = auc(m_binValid.y, pred->values);
    QVERIFY2(a > 0.97, qPrintable(QString::number(a)));
    auto bytes = (*model)->save();
    QVERIFY(bytes);
    auto loaded = m_rf->load(*bytes, options(ProblemType::Binary));
    QVERIFY(loaded);
    QVERIFY((*loaded)->predict(m_binValid.x)->values == pred->values);
    QVERIFY(!m_xgb->load(*bytes, options(ProblemType::Binary)));

    const Data train = synthetic(ProblemType::Regression, 1500, 4, 15);
    const Data valid = synthetic(ProblemType::Regression, 500, 4, 16);
    QElapsedTimer clock;
    clock.start();
    auto reg = m_rf->fit(train.x, train.y, {}, &valid.x, &valid.y,
                         options(ProblemType::Regression, 1, {{"n_estimators", 100}}), nullptr);
    QVERIFY(reg);
    const qint64 fitMs = clock.restart();
    const double e = rmse(valid.y, (*reg)->predict(valid.x)->values);
    QVERIFY2(e < 0.35 * stddev(valid.y), qPrintable(QString::number(e)));
    // TreeSHAP is exact but costly on deep forests (trees × leaves × depth² per row): a few rows.
    FeatureMatrix few = valid.x;
    few.rows = 10;
    few.values.resize(10 * few.cols);
    auto contrib = (*reg)->contributions(few);
    QVERIFY(contrib && contrib->size() == few.rows * 5);
    auto fewPred = (*reg)->predict(few);
    for (size_t r = 0; r < few.rows; ++r)
        QVERIFY(std::abs(std::accumulate(contrib->begin() + long(r * 5), contrib->begin() + long(r * 5 + 5), 0.0)
                         - fewPred->values[r]) < 1e-4);
    qInfo() << "forest regression fit" << fitMs << "ms, 10 rows of contributions" << clock.elapsed() << "ms";
}

//! A classification forest's probability is its trees' mean class fraction. On
//! classes that x0 and x1 separate cleanly, the right class then gets nearly all of it;
//! the softmax of the mean Newton step (XGBoost's own output) tops out near 0.83 for
//! three classes. TreeSHAP values add up to those probabilities, and survive save/load.
void TestXgboostTrainer::forestPredictsLeafFractions()
{
    const Data train = synthetic(ProblemType::Multiclass, 1500, 4, 3);
    const Data valid = synthetic(ProblemType::Multiclass, 600, 4, 4);
    auto model = m_rf->fit(train.x, train.y, {}, &valid.x, &valid.y,
                           options(ProblemType::Multiclass, 3, {{"n_estimators", 100}}), nullptr);
    QVERIFY2(model, qPrintable(model.error().message));
    QVERIFY((*model)->contributionsArePredictions());
    auto pred = (*model)->predict(valid.x);
    QVERIFY(pred);
    QCOMPARE(pred->outputs, 3);
    std::vector<double> right;
    for (size_t r = 0; r < valid.x.rows; ++r) {
        const float *p = pred->values.data() + r * 3;
        QVERIFY(std::abs(p[0] + p[1] + p[2] - 1.0) < 1e-5);
        for (int k = 0; k < 3; ++k)
            QVERIFY(p[k] >= 0 && p[k] <= 1);
        right.push_back(p[int(valid.y[r])]);
    }
    std::nth_element(right.begin(), right.begin() + long(right.size() / 2), right.end());
    QVERIFY2(right[right.size() / 2] > 0.95, qPrintable(QString::number(right[right.size() / 2])));

    FeatureMatrix few = valid.x;
    few.rows = 8;
    few.values.resize(few.rows * few.cols);
    auto fewPred = (*model)->predict(few);
    auto contrib = (*model)->contributions(few);
    QVERIFY(fewPred && contrib);
    const size_t width = few.cols + 1;
    QCOMPARE(contrib->size(), few.rows * 3 * width);
    for (size_t i = 0; i < few.rows * 3; ++i) {
        const double sum = std::accumulate(contrib->begin() + long(i * width), contrib->begin() + long((i + 1) * width), 0.0);
        QVERIFY2(std::abs(sum - fewPred->values[i]) < 1e-5, qPrintable(QStringLiteral("%1 vs %2").arg(sum).arg(fewPred->values[i])));
    }
    auto bytes = (*model)->save();
    QVERIFY(bytes);
    auto loaded = m_rf->load(*bytes, options(ProblemType::Multiclass, 3));
    QVERIFY(loaded);
    QVERIFY((*loaded)->contributionsArePredictions());
    QVERIFY((*loaded)->predict(valid.x)->values == pred->values);

    // Binary: the fraction is linear in the margin, so TreeSHAP stays exact.
    auto binary = m_rf->fit(m_binTrain.x, m_binTrain.y, {}, &m_binValid.x, &m_binValid.y,
                            options(ProblemType::Binary, 2, {{"n_estimators", 50}}), nullptr);
    QVERIFY(binary);
    FeatureMatrix fewBinary = m_binValid.x;
    fewBinary.rows = 8;
    fewBinary.values.resize(fewBinary.rows * fewBinary.cols);
    const size_t binaryWidth = fewBinary.cols + 1;
    auto bp = (*binary)->predict(fewBinary);
    auto bc = (*binary)->contributions(fewBinary);
    QVERIFY(bp && bc && bc->size() == fewBinary.rows * binaryWidth);
    for (size_t r = 0; r < fewBinary.rows; ++r) {
        const double sum = std::accumulate(bc->begin() + long(r * binaryWidth),
                                           bc->begin() + long((r + 1) * binaryWidth), 0.0);
        QVERIFY(std::abs(sum - bp->values[r]) < 1e-5);
    }
    // Boosted trees keep their link.
    auto boosted = m_xgb->fit(m_binTrain.x, m_binTrain.y, {}, &m_binValid.x, &m_binValid.y,
                              options(ProblemType::Binary, 2, {{"n_estimators", 20}}), nullptr);
    QVERIFY(boosted);
    QVERIFY(!(*boosted)->contributionsArePredictions());
}

//! total_trees caps a multiclass forest's trees across its classes (never below 100
//! per class); binary forests and regression grow n_estimators whatever it says.
void TestXgboostTrainer::multiclassForestCapsItsTrees()
{
    const Data train = synthetic(ProblemType::Multiclass, 400, 4, 5);
    const auto treesOf = [&](ProblemType problem, int classes, const Data &data, QJsonObject params) {
        params[QStringLiteral("save_format")] = QStringLiteral("json");
        auto model = m_rf->fit(data.x, data.y, {}, nullptr, nullptr, options(problem, classes, params), nullptr);
        if (!model)
            return -1;
        auto bytes = (*model)->save();
        if (!bytes)
            return -1;
        const QJsonObject gbtree = QJsonDocument::fromJson(*bytes)
                                       .object()[QStringLiteral("learner")].toObject()[QStringLiteral("gradient_booster")]
                                       .toObject()[QStringLiteral("model")].toObject();
        return gbtree[QStringLiteral("gbtree_model_param")].toObject()[QStringLiteral("num_trees")].toString().toInt();
    };
    // Three classes: 600 trees in all is 200 per class.
    QCOMPARE(treesOf(ProblemType::Multiclass, 3, train, {{"n_estimators", 300}, {"total_trees", 600}}), 600);
    QCOMPARE(treesOf(ProblemType::Multiclass, 3, train, {{"n_estimators", 150}, {"total_trees", 600}}), 450);
    QCOMPARE(treesOf(ProblemType::Multiclass, 3, train, {{"n_estimators", 300}, {"total_trees", 30}}), 300);
    QCOMPARE(treesOf(ProblemType::Multiclass, 3, train, {{"n_estimators", 120}}), 360);
    QCOMPARE(treesOf(ProblemType::Binary, 2, m_binTrain, {{"n_estimators", 120}, {"total_trees", 30}}), 120);
    // The quick portfolio's classification forests carry the cap.
    for (const QJsonObject &config : m_rf->portfolio(ProblemType::Multiclass, 5000, 10))
        QVERIFY(config.value(QStringLiteral("total_trees")).toInt() > 0);
}

void TestXgboostTrainer::phoneme()
{
    const QString path = QStringLiteral(EASEL_SHARED_DATA_DIR "/phoneme.csv");
    if (!QFile::exists(path))
        QSKIP("The shared phoneme.csv is not here");
    const Data all = readNumericCsv(path, QStringLiteral("Class"));
    QVERIFY(all.x.rows > 5000);
    QCOMPARE(all.x.cols, size_t(5));
    std::vector<size_t> order(all.x.rows);
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), std::mt19937(42));
    const size_t nTrain = order.size() * 6 / 10, nValid = order.size() * 2 / 10;
    const Data train = slice(all, {order.begin(), order.begin() + long(nTrain)});
    const Data valid = slice(all, {order.begin() + long(nTrain), order.begin() + long(nTrain + nValid)});
    const Data test = slice(all, {order.begin() + long(nTrain + nValid), order.end()});

    const int threads = qEnvironmentVariableIntValue("EASEL_TEST_THREADS") > 0
                            ? qEnvironmentVariableIntValue("EASEL_TEST_THREADS")
                            : 1;
    for (Trainer *t : {m_xgb, m_rf}) {
        QElapsedTimer clock;
        clock.start();
        const QJsonObject config = t->portfolio(ProblemType::Binary, train.x.rows, train.x.cols).front();
        auto model = t->fit(train.x, train.y, {}, &valid.x, &valid.y, options(ProblemType::Binary, 2, config, threads),
                            nullptr);
        QVERIFY2(model, qPrintable(model.error().message));
        const qint64 ms = clock.elapsed();
        auto pred = (*model)->predict(test.x);
        QVERIFY(pred);
        const double a = auc(test.y, pred->values), acc = accuracy(test.y, *pred);
        qInfo().noquote() << QStringLiteral("phoneme %1: AUC %2, accuracy %3, %4 rounds, %5 ms (%6 threads)")
                                 .arg(t->family())
                                 .arg(a, 0, 'f', 4)
                                 .arg(acc, 0, 'f', 4)
                                 .arg((*model)->fitReport().iterations)
                                 .arg(ms)
                                 .arg(threads);
        QVERIFY2(a > 0.9, qPrintable(QString::number(a)));
        QVERIFY(acc > 0.85);
    }
}

QTEST_GUILESS_MAIN(TestXgboostTrainer)
#include "tst_xgboost_trainer.moc"
