// Tests of the "mlp" trainer plugin (plugins/torch_mlp, LibTorch), loaded through the registry.

#include "automl/trainer_registry.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

#include <cmath>
#include <random>

using namespace easel;

namespace {

struct Synthetic
{
    FeatureMatrix x;
    std::vector<float> y;
};

FeatureMatrix makeMatrix(size_t rows, size_t cols, std::vector<int32_t> catCardinality = {})
{
    FeatureMatrix x;
    x.rows = rows;
    x.cols = cols;
    x.values.resize(rows * cols);
    for (size_t j = 0; j < cols; ++j) {
        x.names << QStringLiteral("x%1").arg(j);
        x.sourceColumn.push_back(int(j));
    }
    x.catCols = catCardinality.size();
    x.catCardinality = catCardinality;
    x.cats.resize(rows * x.catCols);
    for (size_t j = 0; j < x.catCols; ++j) {
        x.catNames << QStringLiteral("c%1").arg(j);
        x.catSourceColumn.push_back(int(cols + j));
    }
    return x;
}

//! Not linearly separable: class 1 when x0·x1 > 0 (XOR of signs).
Synthetic xorData(size_t rows, uint32_t seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal;
    Synthetic s{makeMatrix(rows, 3), {}};
    for (size_t r = 0; r < rows; ++r) {
        float *row = s.x.values.data() + r * 3;
        for (int j = 0; j < 3; ++j)
            row[j] = normal(rng);
        s.y.push_back(row[0] * row[1] > 0 ? 1.f : 0.f);
    }
    return s;
}

Synthetic blobs(size_t rows, uint32_t seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal;
    const float centres[3][2] = {{2, 0}, {-1, 1.7f}, {-1, -1.7f}};
    Synthetic s{makeMatrix(rows, 2), {}};
    for (size_t r = 0; r < rows; ++r) {
        const int c = int(r % 3);
        s.x.values[r * 2] = centres[c][0] + 0.6f * normal(rng);
        s.x.values[r * 2 + 1] = centres[c][1] + 0.6f * normal(rng);
        s.y.push_back(float(c));
    }
    return s;
}

//! y = 2·x0 − x1 + N(0, 0.3²), unstandardised target (mean 10).
Synthetic regressionData(size_t rows, uint32_t seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal;
    Synthetic s{makeMatrix(rows, 3), {}};
    for (size_t r = 0; r < rows; ++r) {
        float *row = s.x.values.data() + r * 3;
        for (int j = 0; j < 3; ++j)
            row[j] = normal(rng);
        s.y.push_back(10 + 2 * row[0] - row[1] + 0.3f * normal(rng));
    }
    return s;
}

//! The class depends on a categorical column only: class 1 for levels {1, 2, 4}; −1 (missing) → 0.
Synthetic categoricalData(size_t rows, uint32_t seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal;
    std::uniform_int_distribution<int> level(-1, 5);
    Synthetic s{makeMatrix(rows, 1, {6}), {}};
    for (size_t r = 0; r < rows; ++r) {
        s.x.values[r] = normal(rng);
        const int c = level(rng);
        s.x.cats[r] = c;
        s.y.push_back(c == 1 || c == 2 || c == 4 ? 1.f : 0.f);
    }
    return s;
}

double accuracy(const Predictions &p, const std::vector<float> &y)
{
    size_t right = 0;
    for (size_t r = 0; r < p.rows; ++r) {
        int label;
        if (p.outputs == 1) {
            label = p.values[r] >= 0.5f ? 1 : 0;
        } else {
            const float *row = p.values.data() + r * size_t(p.outputs);
            label = int(std::max_element(row, row + p.outputs) - row);
        }
        right += label == int(y[r]);
    }
    return double(right) / double(p.rows);
}

double rSquared(const Predictions &p, const std::vector<float> &y)
{
    double mean = 0;
    for (float v : y)
        mean += v;
    mean /= double(y.size());
    double ssRes = 0, ssTot = 0;
    for (size_t r = 0; r < y.size(); ++r) {
        ssRes += (y[r] - p.values[r]) * (y[r] - p.values[r]);
        ssTot += (y[r] - mean) * (y[r] - mean);
    }
    return 1 - ssRes / ssTot;
}

//! Small and quick: 64-32, 25 epochs at most.
FitOptions options(ProblemType problem, int classes = 1, QJsonObject extra = {})
{
    FitOptions o;
    o.problem = problem;
    o.numClasses = classes;
    o.params = QJsonObject{{"hidden", QJsonArray{64, 32}}, {"dropout", 0.05}, {"lr", 1e-2}, {"batch_size", 64},
                           {"max_epochs", 25}, {"patience", 5}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        o.params[it.key()] = it.value();
    o.threads = 1;
    o.seed = 42;
    return o;
}

} // namespace

class TestMlpTrainer : public QObject
{
    Q_OBJECT

private:
    TrainerRegistry m_registry;
    Trainer *m_trainer = nullptr;

    std::unique_ptr<Model> fit(const Synthetic &train, const Synthetic *valid, const FitOptions &o,
                               TaskContext *ctx = nullptr)
    {
        auto model = m_trainer->fit(train.x, train.y, {}, valid ? &valid->x : nullptr, valid ? &valid->y : nullptr, o,
                                    ctx);
        if (!model)
            qWarning() << model.error().toString();
        return model ? std::move(model.value()) : nullptr;
    }

private slots:
    void initTestCase()
    {
        m_registry.discover();
        QVERIFY(m_registry.families().contains(QStringLiteral("mlp")));
        // Heavy: discovering reads metadata only; LibTorch is not loaded yet.
        QVERIFY(!m_registry.isLoaded(QStringLiteral("mlp")));
        QElapsedTimer clock;
        clock.start();
        m_trainer = m_registry.trainer(QStringLiteral("mlp"));
        QVERIFY2(m_trainer, qPrintable(m_registry.lastError()));
        qInfo("Loading the LibTorch plugin took %lld ms", clock.elapsed());
        QVERIFY(m_registry.isLoaded(QStringLiteral("mlp")));
        QCOMPARE(m_trainer->family(), QStringLiteral("mlp"));
    }

    void capabilities()
    {
        const TrainerCapabilities caps = m_trainer->capabilities();
        QVERIFY(caps.binary && caps.multiclass && caps.regression);
        QCOMPARE(caps.flavour, FeatureFlavour::Embedded);
        if (!caps.gpuAvailable)
            QVERIFY(!caps.gpuReason.isEmpty());
        const auto portfolio = m_trainer->portfolio(ProblemType::Binary, 10000, 20);
        QCOMPARE(portfolio.size(), size_t(2));
        QVERIFY(portfolio[0].value("hidden").isArray());
        QCOMPARE(m_trainer->searchSpace(ProblemType::Binary).size(), size_t(6));
    }

    //! The plugin says when LibTorch runs on the reference BLAS (5 times slower on
    //! adult's networks). Checked against the BLAS files mapped into this process.
    void speedNoteNamesTheReferenceBlas()
    {
        QFile maps(QStringLiteral("/proc/self/maps"));
        QVERIFY(maps.open(QIODevice::ReadOnly));
        const QByteArray mapped = maps.readAll();
        // libblas.so.3 is the reference one when Debian's libblas3 file is mapped: then
        // sgemm_ binds to it, even with OpenBLAS behind liblapack.so.3.
        const bool reference = mapped.contains("/blas/libblas.so");
        QVERIFY2(mapped.contains("libblas.so"), "LibTorch is loaded, so a BLAS must be");
        const QString note = m_trainer->capabilities().speedNote;
        qInfo("BLAS: %s; note: %s", reference ? "reference" : "optimised", qPrintable(note));
        QCOMPARE(!note.isEmpty(), reference);
        if (reference)
            QVERIFY(note.contains(QStringLiteral("libopenblas0-openmp")));
    }

    void learnsXor()
    {
        const Synthetic train = xorData(1200, 1), valid = xorData(400, 2), test = xorData(400, 3);
        auto model = fit(train, &valid, options(ProblemType::Binary, 2));
        QVERIFY(model);
        auto pred = model->predict(test.x);
        QVERIFY(pred);
        QCOMPARE(pred->outputs, 1);
        const double acc = accuracy(*pred, test.y);
        qInfo("XOR accuracy %.3f after %d epochs", acc, model->fitReport().iterations);
        QVERIFY2(acc > 0.85, qPrintable(QString::number(acc)));  // a linear model gets ~0.5
        const FitReport &report = model->fitReport();
        QCOMPARE(report.validCurve.size(), size_t(report.iterations));
        QVERIFY(report.validCurve.front() > *std::min_element(report.validCurve.begin(), report.validCurve.end()));
    }

    void learnsMulticlass()
    {
        const Synthetic train = blobs(900, 4), valid = blobs(300, 5);
        auto model = fit(train, &valid, options(ProblemType::Multiclass, 3));
        QVERIFY(model);
        auto pred = model->predict(valid.x);
        QVERIFY(pred);
        QCOMPARE(pred->outputs, 3);
        qInfo("3-class accuracy %.3f", accuracy(*pred, valid.y));
        QVERIFY2(accuracy(*pred, valid.y) > 0.9, qPrintable(QString::number(accuracy(*pred, valid.y))));
        for (size_t r = 0; r < pred->rows; ++r)
            QVERIFY(std::abs(pred->values[r * 3] + pred->values[r * 3 + 1] + pred->values[r * 3 + 2] - 1) < 1e-4f);
    }

    void learnsRegression()
    {
        const Synthetic train = regressionData(1000, 6), valid = regressionData(300, 7);
        auto model = fit(train, &valid, options(ProblemType::Regression));
        QVERIFY(model);
        auto pred = model->predict(valid.x);
        QVERIFY(pred);
        const double r2 = rSquared(*pred, valid.y);
        qInfo("regression R² %.3f after %d epochs", r2, model->fitReport().iterations);
        QVERIFY2(r2 > 0.8, qPrintable(QString::number(r2)));
    }

    void learnsEmbeddings()
    {
        const Synthetic train = categoricalData(1000, 8), valid = categoricalData(300, 9);
        auto model = fit(train, &valid, options(ProblemType::Binary, 2));
        QVERIFY(model);
        auto pred = model->predict(valid.x);
        QVERIFY(pred);
        qInfo("embedding accuracy %.3f", accuracy(*pred, valid.y));
        QVERIFY2(accuracy(*pred, valid.y) > 0.95, qPrintable(QString::number(accuracy(*pred, valid.y))));
        // Unseen codes read as missing, without failing.
        Synthetic unseen = categoricalData(10, 10);
        unseen.x.cats[0] = 17;
        QVERIFY(model->predict(unseen.x));
    }

    void earlyStopping()
    {
        // Pure noise: the validation loss stops improving almost at once.
        Synthetic train = xorData(400, 11), valid = xorData(200, 12);
        std::mt19937 rng(3);
        for (float &y : train.y)
            y = float(rng() % 2);
        for (float &y : valid.y)
            y = float(rng() % 2);
        auto model = fit(train, &valid, options(ProblemType::Binary, 2, {{"max_epochs", 200}, {"patience", 3}}));
        QVERIFY(model);
        const FitReport &report = model->fitReport();
        qInfo("noise: %s", qPrintable(report.note));
        QVERIFY2(report.iterations < 200, qPrintable(report.note));
        QCOMPARE(report.validCurve.size(), size_t(report.iterations));
        QVERIFY(report.note.contains(QStringLiteral("early")));
    }

    void saveLoadIdentical()
    {
        const Synthetic train = categoricalData(300, 13);
        auto model = fit(train, &train, options(ProblemType::Binary, 2, {{"max_epochs", 3}}));
        QVERIFY(model);
        auto bytes = model->save();
        QVERIFY(bytes);
        auto loaded = m_trainer->load(bytes.value(), options(ProblemType::Binary, 2));
        QVERIFY2(loaded, qPrintable(loaded.error().toString()));
        auto a = model->predict(train.x), b = loaded.value()->predict(train.x);
        QVERIFY(a && b);
        QVERIFY(a->values == b->values);
        QCOMPARE(loaded.value()->save().value(), bytes.value());

        // Regression keeps its target scaling.
        const Synthetic reg = regressionData(200, 14);
        auto r = fit(reg, &reg, options(ProblemType::Regression, 1, {{"max_epochs", 2}, {"norm", "layer"}}));
        QVERIFY(r);
        auto rl = m_trainer->load(r->save().value(), options(ProblemType::Regression));
        QVERIFY(rl);
        QVERIFY(r->predict(reg.x)->values == rl.value()->predict(reg.x)->values);
    }

    void loadRejectsDamage()
    {
        const Synthetic train = blobs(90, 15);
        auto model = fit(train, nullptr, options(ProblemType::Multiclass, 3, {{"max_epochs", 1}}));
        QVERIFY(model);
        QCOMPARE(model->fitReport().iterations, 1);
        const QByteArray bytes = model->save().value();
        const FitOptions o = options(ProblemType::Multiclass, 3);
        QVERIFY(!m_trainer->load("not a model", o));
        auto truncated = m_trainer->load(bytes.left(bytes.size() - 7), o);
        QVERIFY(!truncated);
        QCOMPARE(truncated.error().code, ErrorCode::Corrupt);
        auto header = m_trainer->load(bytes.left(30), o);
        QVERIFY(!header);
        // A header that promises a huge network is refused before allocating it.
        QByteArray huge = bytes;
        huge.replace("\"hidden\":[64,32]", "\"hidden\":[65536,65536]");
        QVERIFY(huge != bytes);
        QVERIFY(!m_trainer->load(huge, o));

        FeatureMatrix wrong = makeMatrix(2, 5);
        auto pred = model->predict(wrong);
        QVERIFY(!pred);
        QCOMPARE(pred.error().code, ErrorCode::InvalidArgument);
    }

    void cancel()
    {
        const Synthetic train = xorData(600, 16);
        TaskContext before;
        before.cancel();
        auto early = m_trainer->fit(train.x, train.y, {}, nullptr, nullptr, options(ProblemType::Binary, 2), &before);
        QVERIFY(!early);
        QCOMPARE(early.error().code, ErrorCode::Canceled);

        // Canceled at the end of the first epoch: stops within the second one.
        TaskContext *self = nullptr;
        int epochs = 0;
        TaskContext during([&](double, const QString &) {
            ++epochs;
            self->cancel();
        });
        self = &during;
        auto result = m_trainer->fit(train.x, train.y, {}, nullptr, nullptr, options(ProblemType::Binary, 2), &during);
        QVERIFY(!result);
        QCOMPARE(result.error().code, ErrorCode::Canceled);
        QCOMPARE(epochs, 1);
    }

    void deterministic()
    {
        const Synthetic train = categoricalData(400, 17), valid = categoricalData(100, 18);
        const FitOptions o = options(ProblemType::Binary, 2, {{"max_epochs", 4}});
        auto a = fit(train, &valid, o), b = fit(train, &valid, o);
        FitOptions other = o;
        other.seed = 43;
        auto c = fit(train, &valid, other);
        QVERIFY(a && b && c);
        QCOMPARE(a->save().value(), b->save().value());
        QVERIFY(a->save().value() != c->save().value());
    }

    void deadline()
    {
        const Synthetic train = xorData(2000, 19);
        FitOptions o = options(ProblemType::Binary, 2, {{"max_epochs", 1000}, {"patience", 0}});
        o.deadlineSeconds = 0.3;
        QElapsedTimer clock;
        clock.start();
        auto model = fit(train, &train, o);
        QVERIFY(model);
        QVERIFY(model->fitReport().iterations < 1000);
        QVERIFY(clock.elapsed() < 5000);
        QVERIFY(model->fitReport().stoppedAtDeadline);
    }
};

QTEST_GUILESS_MAIN(TestMlpTrainer)
#include "tst_mlp_trainer.moc"
