// Tests of the "linear" trainer plugin (plugins/linear), loaded through the registry.

#include "automl/trainer_registry.h"

#include <QJsonArray>
#include <QJsonDocument>
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

FeatureMatrix makeMatrix(size_t rows, size_t cols)
{
    FeatureMatrix x;
    x.rows = rows;
    x.cols = cols;
    x.values.resize(rows * cols);
    for (size_t j = 0; j < cols; ++j) {
        x.names << QStringLiteral("x%1").arg(j);
        x.sourceColumn.push_back(int(j));
    }
    return x;
}

//! y = 2·x0 − x1 + 0·x2 + 0.5 + N(0, 0.1²).
Synthetic regressionData(size_t rows, uint32_t seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal;
    Synthetic s{makeMatrix(rows, 3), {}};
    for (size_t r = 0; r < rows; ++r) {
        float *row = s.x.values.data() + r * 3;
        for (int j = 0; j < 3; ++j)
            row[j] = normal(rng);
        s.y.push_back(2 * row[0] - row[1] + 0.5f + 0.1f * normal(rng));
    }
    return s;
}

//! Class 1 when x0 + x1 > 0, with a margin (linearly separable) unless noise > 0.
Synthetic binaryData(size_t rows, uint32_t seed, float noise = 0)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal;
    Synthetic s{makeMatrix(rows, 4), {}};
    for (size_t r = 0; r < rows;) {
        float *row = s.x.values.data() + r * 4;
        for (int j = 0; j < 4; ++j)
            row[j] = normal(rng);
        const float margin = row[0] + row[1] + noise * normal(rng);
        if (noise == 0 && std::abs(row[0] + row[1]) < 0.2f)
            continue;  // keep a gap between the classes
        s.y.push_back(margin > 0 ? 1.f : 0.f);
        ++r;
    }
    return s;
}

//! Three Gaussian blobs in the first two features; a third, pure-noise feature.
Synthetic multiclassData(size_t rows, uint32_t seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal;
    const float centres[3][2] = {{3, 0}, {-1.5f, 2.6f}, {-1.5f, -2.6f}};
    Synthetic s{makeMatrix(rows, 3), {}};
    for (size_t r = 0; r < rows; ++r) {
        const int c = int(r % 3);
        float *row = s.x.values.data() + r * 3;
        row[0] = centres[c][0] + normal(rng);
        row[1] = centres[c][1] + normal(rng);
        row[2] = normal(rng);
        s.y.push_back(float(c));
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

//! Solves a small dense system by Gaussian elimination with partial pivoting.
std::vector<double> gaussSolve(std::vector<std::vector<double>> a, std::vector<double> b)
{
    const size_t n = b.size();
    for (size_t c = 0; c < n; ++c) {
        size_t p = c;
        for (size_t r = c + 1; r < n; ++r)
            if (std::abs(a[r][c]) > std::abs(a[p][c]))
                p = r;
        std::swap(a[c], a[p]);
        std::swap(b[c], b[p]);
        for (size_t r = c + 1; r < n; ++r) {
            const double f = a[r][c] / a[c][c];
            for (size_t k = c; k < n; ++k)
                a[r][k] -= f * a[c][k];
            b[r] -= f * b[c];
        }
    }
    std::vector<double> x(n);
    for (size_t i = n; i-- > 0;) {
        double s = b[i];
        for (size_t k = i + 1; k < n; ++k)
            s -= a[i][k] * x[k];
        x[i] = s / a[i][i];
    }
    return x;
}

//! Weighted ridge with an unpenalised intercept, by the augmented normal
//! equations [XᵀWX + l2·diag(1,…,1,0)] θ = XᵀWy, θ = (β, b), weights scaled to mean 1.
std::vector<double> referenceRidge(const Synthetic &s, const std::vector<float> &weights, double l2)
{
    const size_t d = s.x.cols, m = d + 1;
    double wsum = 0;
    for (size_t r = 0; r < s.x.rows; ++r)
        wsum += weights.empty() ? 1.0 : weights[r];
    const double scale = double(s.x.rows) / wsum;
    std::vector<std::vector<double>> a(m, std::vector<double>(m, 0.0));
    std::vector<double> b(m, 0.0);
    for (size_t r = 0; r < s.x.rows; ++r) {
        const double w = (weights.empty() ? 1.0 : weights[r]) * scale;
        std::vector<double> xr(m, 1.0);
        for (size_t j = 0; j < d; ++j)
            xr[j] = s.x.at(r, j);
        for (size_t i = 0; i < m; ++i) {
            for (size_t k = 0; k < m; ++k)
                a[i][k] += w * xr[i] * xr[k];
            b[i] += w * xr[i] * s.y[r];
        }
    }
    for (size_t j = 0; j < d; ++j)
        a[j][j] += l2;
    return gaussSolve(a, b);
}

FitOptions options(ProblemType problem, int classes = 1, QJsonObject params = {})
{
    FitOptions o;
    o.problem = problem;
    o.numClasses = classes;
    o.params = params;
    o.seed = 7;
    return o;
}

} // namespace

class TestLinearTrainer : public QObject
{
    Q_OBJECT

private:
    TrainerRegistry m_registry;
    Trainer *m_trainer = nullptr;

    std::unique_ptr<Model> fit(const Synthetic &s, const FitOptions &o, const std::vector<float> &weights = {},
                               const Synthetic *valid = nullptr, TaskContext *ctx = nullptr)
    {
        auto model = m_trainer->fit(s.x, s.y, weights, valid ? &valid->x : nullptr, valid ? &valid->y : nullptr, o,
                                    ctx);
        if (!model)
            qWarning() << model.error().toString();
        return model ? std::move(model.value()) : nullptr;
    }

    // Reads the fitted coefficients back from the saved JSON.
    static QJsonObject saved(const Model &model)
    {
        auto bytes = model.save();
        return bytes ? QJsonDocument::fromJson(bytes.value()).object() : QJsonObject();
    }

private slots:
    void initTestCase()
    {
        m_registry.discover();
        QVERIFY(m_registry.families().contains(QStringLiteral("linear")));
        m_trainer = m_registry.trainer(QStringLiteral("linear"));
        QVERIFY2(m_trainer, qPrintable(m_registry.lastError()));
        QCOMPARE(m_trainer->family(), QStringLiteral("linear"));
        QVERIFY(m_registry.isLoaded(QStringLiteral("linear")));
    }

    void capabilities()
    {
        const TrainerCapabilities caps = m_trainer->capabilities();
        QVERIFY(caps.binary && caps.multiclass && caps.regression);
        QCOMPARE(caps.flavour, FeatureFlavour::Scaled);
        QVERIFY(caps.contributions);
        QVERIFY(!caps.gpuAvailable);
        // Light, medium, strong, then nearly no penalty, scaled with the rows.
        const std::vector<QJsonObject> configs = m_trainer->portfolio(ProblemType::Binary, 100000, 10);
        QCOMPARE(configs.size(), size_t(4));
        QCOMPARE(configs[0].value(QStringLiteral("l2")).toDouble(), 10.0);
        QCOMPARE(configs[1].value(QStringLiteral("l2")).toDouble(), 1000.0);
        QCOMPARE(configs[3].value(QStringLiteral("l2")).toDouble(), 1e-3);
        QCOMPARE(m_trainer->portfolio(ProblemType::Binary, 5, 10)[0].value(QStringLiteral("l2")).toDouble(), 1e-3);
        // It chooses nothing on validation rows, so a build lets it fit on them.
        QVERIFY(!m_trainer->choosesOnValidation(ProblemType::Binary));
        QVERIFY(!m_trainer->choosesOnValidation(ProblemType::Regression));
        const auto space = m_trainer->searchSpace(ProblemType::Binary);
        QCOMPARE(space.size(), size_t(1));
        QCOMPARE(space[0].name, QStringLiteral("l2"));
        QCOMPARE(space[0].kind, ParamRange::Kind::LogReal);
    }

    void ridgeMatchesClosedForm_data()
    {
        QTest::addColumn<double>("l2");
        QTest::addColumn<bool>("weighted");
        QTest::newRow("l2=1") << 1.0 << false;
        QTest::newRow("l2=50 weighted") << 50.0 << true;
        QTest::newRow("l2=0") << 0.0 << false;
    }
    void ridgeMatchesClosedForm()
    {
        QFETCH(double, l2);
        QFETCH(bool, weighted);
        const Synthetic s = regressionData(300, 1);
        std::vector<float> weights;
        if (weighted)
            for (size_t r = 0; r < s.x.rows; ++r)
                weights.push_back(0.5f + float(r % 4));
        auto model = fit(s, options(ProblemType::Regression, 1, {{"l2", l2}}), weights);
        QVERIFY(model);
        const std::vector<double> ref = referenceRidge(s, weights, l2);
        const QJsonObject json = saved(*model);
        const QJsonArray w = json.value("weights").toArray().at(0).toArray();
        QCOMPARE(w.size(), 3);
        for (int j = 0; j < 3; ++j)
            QVERIFY2(std::abs(w.at(j).toDouble() - ref[size_t(j)]) < 1e-6,
                     qPrintable(QStringLiteral("β%1 = %2, expected %3").arg(j).arg(w.at(j).toDouble()).arg(ref[size_t(j)])));
        QVERIFY(std::abs(json.value("bias").toArray().at(0).toDouble() - ref[3]) < 1e-6);
        if (l2 <= 1) {  // and close to the truth
            QVERIFY(std::abs(w.at(0).toDouble() - 2) < 0.05);
            QVERIFY(std::abs(w.at(1).toDouble() + 1) < 0.05);
            QVERIFY(std::abs(w.at(2).toDouble()) < 0.05);
        }
        auto pred = model->predict(s.x);
        QVERIFY(pred);
        QCOMPARE(pred->outputs, 1);
        QCOMPARE(pred->rows, s.x.rows);
        QCOMPARE(model->fitReport().iterations, 1);
    }

    void logisticSeparable()
    {
        const Synthetic train = binaryData(400, 2), test = binaryData(400, 3);
        auto model = fit(train, options(ProblemType::Binary, 2), {}, &test);
        QVERIFY(model);
        auto pred = model->predict(test.x);
        QVERIFY(pred);
        QCOMPARE(pred->outputs, 1);
        QVERIFY2(accuracy(*pred, test.y) > 0.97, qPrintable(QString::number(accuracy(*pred, test.y))));
        const FitReport &report = model->fitReport();
        QVERIFY(report.iterations > 0);
        QCOMPARE(report.validCurve.size(), size_t(report.iterations));
        QVERIFY(report.validCurve.back() < report.validCurve.front());
        const std::vector<double> imp = model->importance();
        QCOMPARE(imp.size(), size_t(4));
        QVERIFY(imp[0] > 5 * imp[2] && imp[1] > 5 * imp[3]);
    }

    //! The fit is the optimum: the gradient of Σ w·logloss + l2/2‖β‖² vanishes.
    void logisticIsOptimal()
    {
        const Synthetic s = binaryData(500, 4, 1.0f);
        std::vector<float> weights;
        for (size_t r = 0; r < s.x.rows; ++r)
            weights.push_back(r % 3 == 0 ? 2.0f : 1.0f);
        const double l2 = 3.0;
        auto model = fit(s, options(ProblemType::Binary, 2, {{"l2", l2}, {"max_iter", 1000}}), weights);
        QVERIFY(model);
        const QJsonObject json = saved(*model);
        const QJsonArray w = json.value("weights").toArray().at(0).toArray();
        const double b = json.value("bias").toArray().at(0).toDouble();
        double wsum = 0;
        for (float v : weights)
            wsum += v;
        const double scale = double(s.x.rows) / wsum;
        std::vector<double> grad(5, 0.0);
        for (size_t r = 0; r < s.x.rows; ++r) {
            double z = b;
            for (int j = 0; j < 4; ++j)
                z += w.at(j).toDouble() * s.x.at(r, size_t(j));
            const double resid = weights[r] * scale * (1 / (1 + std::exp(-z)) - s.y[r]);
            for (int j = 0; j < 4; ++j)
                grad[size_t(j)] += resid * s.x.at(r, size_t(j));
            grad[4] += resid;
        }
        for (int j = 0; j < 4; ++j)
            grad[size_t(j)] += l2 * w.at(j).toDouble();
        for (double g : grad)
            QVERIFY2(std::abs(g) / double(s.x.rows) < 1e-5, qPrintable(QString::number(g)));
    }

    void multiclass()
    {
        const Synthetic train = multiclassData(600, 5), test = multiclassData(300, 6);
        auto model = fit(train, options(ProblemType::Multiclass, 3));
        QVERIFY(model);
        auto pred = model->predict(test.x);
        QVERIFY(pred);
        QCOMPARE(pred->outputs, 3);
        QVERIFY2(accuracy(*pred, test.y) > 0.95, qPrintable(QString::number(accuracy(*pred, test.y))));
        for (size_t r = 0; r < pred->rows; ++r) {
            const float *p = pred->values.data() + r * 3;
            QVERIFY(std::abs(p[0] + p[1] + p[2] - 1.0f) < 1e-5f);
        }
        const std::vector<double> imp = model->importance();
        QVERIFY(imp[0] > 3 * imp[2] && imp[1] > 3 * imp[2]);
    }

    void saveLoadIdentical_data()
    {
        QTest::addColumn<int>("problem");
        QTest::newRow("regression") << int(ProblemType::Regression);
        QTest::newRow("binary") << int(ProblemType::Binary);
        QTest::newRow("multiclass") << int(ProblemType::Multiclass);
    }
    void saveLoadIdentical()
    {
        QFETCH(int, problem);
        const auto type = ProblemType(problem);
        const Synthetic s = type == ProblemType::Regression ? regressionData(200, 7)
                            : type == ProblemType::Binary   ? binaryData(200, 7, 0.5f)
                                                            : multiclassData(200, 7);
        const int classes = type == ProblemType::Multiclass ? 3 : type == ProblemType::Binary ? 2 : 1;
        auto model = fit(s, options(type, classes));
        QVERIFY(model);
        auto bytes = model->save();
        QVERIFY(bytes);
        auto loaded = m_trainer->load(bytes.value(), options(type, classes));
        QVERIFY2(loaded, qPrintable(loaded.error().toString()));
        QCOMPARE(loaded.value()->family(), QStringLiteral("linear"));
        auto a = model->predict(s.x), b = loaded.value()->predict(s.x);
        QVERIFY(a && b);
        QCOMPARE(a->outputs, b->outputs);
        QVERIFY(a->values == b->values);  // bit for bit
        QCOMPARE(loaded.value()->save().value(), bytes.value());
    }

    void loadRejectsGarbage()
    {
        const FitOptions o = options(ProblemType::Binary, 2);
        QVERIFY(!m_trainer->load("not json", o));
        QVERIFY(!m_trainer->load(R"({"format":"something-else"})", o));
        auto bad = m_trainer->load(
            R"({"format":"easel-linear","version":1,"problem":"binary","classes":2,"cols":2,"weights":[[1]],"bias":[0]})",
            o);
        QVERIFY(!bad);
        QCOMPARE(bad.error().code, ErrorCode::Corrupt);
    }

    void contributionsSumToMargin_data() { saveLoadIdentical_data(); }
    void contributionsSumToMargin()
    {
        QFETCH(int, problem);
        const auto type = ProblemType(problem);
        const Synthetic s = type == ProblemType::Regression ? regressionData(100, 8)
                            : type == ProblemType::Binary   ? binaryData(100, 8, 0.5f)
                                                            : multiclassData(99, 8);
        const int classes = type == ProblemType::Multiclass ? 3 : type == ProblemType::Binary ? 2 : 1;
        auto model = fit(s, options(type, classes));
        QVERIFY(model);
        auto contrib = model->contributions(s.x);
        QVERIFY(contrib);
        auto pred = model->predict(s.x);
        const size_t outputs = size_t(type == ProblemType::Multiclass ? 3 : 1), width = s.x.cols + 1;
        QCOMPARE(contrib->size(), s.x.rows * outputs * width);
        for (size_t r = 0; r < s.x.rows; ++r) {
            std::vector<double> margin(outputs, 0.0);
            for (size_t o = 0; o < outputs; ++o)
                for (size_t j = 0; j < width; ++j)
                    margin[o] += (*contrib)[(r * outputs + o) * width + j];
            if (type == ProblemType::Regression) {
                QVERIFY(std::abs(margin[0] - pred->values[r]) < 1e-4);
            } else if (type == ProblemType::Binary) {
                QVERIFY(std::abs(1 / (1 + std::exp(-margin[0])) - pred->values[r]) < 1e-5);
            } else {
                double sum = 0;
                for (double m : margin)
                    sum += std::exp(m);
                for (size_t o = 0; o < outputs; ++o)
                    QVERIFY(std::abs(std::exp(margin[o]) / sum - pred->values[r * 3 + o]) < 1e-5);
            }
        }
    }

    void cancel()
    {
        const Synthetic s = binaryData(300, 9, 0.5f);
        TaskContext ctx;
        ctx.cancel();
        auto before = m_trainer->fit(s.x, s.y, {}, nullptr, nullptr, options(ProblemType::Binary, 2), &ctx);
        QVERIFY(!before);
        QCOMPARE(before.error().code, ErrorCode::Canceled);

        // Canceled from the progress callback, i.e. during the iterations.
        TaskContext *self = nullptr;
        int calls = 0;
        TaskContext during([&](double, const QString &) {
            ++calls;
            self->cancel();
        });
        self = &during;
        auto result = m_trainer->fit(s.x, s.y, {}, nullptr, nullptr, options(ProblemType::Binary, 2), &during);
        QVERIFY(!result);
        QCOMPARE(result.error().code, ErrorCode::Canceled);
        QCOMPARE(calls, 1);
    }

    //! Same data → same model, whatever the seed and the thread count.
    void deterministic()
    {
        const Synthetic s = multiclassData(20000, 10);  // several row blocks
        FitOptions o = options(ProblemType::Multiclass, 3, {{"l2", 0.5}});
        o.threads = 1;
        auto a = fit(s, o);
        auto b = fit(s, o);
        o.threads = 2;
        o.seed = 99;
        auto c = fit(s, o);
        QVERIFY(a && b && c);
        QCOMPARE(a->save().value(), b->save().value());
        QCOMPARE(a->save().value(), c->save().value());
    }

    void rejectsBadInput()
    {
        Synthetic s = binaryData(50, 11, 0.5f);
        s.y[3] = 2;  // not a binary class
        auto bad = m_trainer->fit(s.x, s.y, {}, nullptr, nullptr, options(ProblemType::Binary, 2), nullptr);
        QVERIFY(!bad);
        QCOMPARE(bad.error().code, ErrorCode::InvalidArgument);
        s.y[3] = 1;
        auto negative = m_trainer->fit(s.x, s.y, {}, nullptr, nullptr, options(ProblemType::Binary, 2, {{"l2", -1}}),
                                       nullptr);
        QVERIFY(!negative);
        QCOMPARE(negative.error().code, ErrorCode::InvalidArgument);

        s.y[5] = std::nanf("");  // rows without a target are skipped
        auto model = fit(s, options(ProblemType::Binary, 2));
        QVERIFY(model);
        FeatureMatrix narrow = makeMatrix(2, 3);
        auto pred = model->predict(narrow);
        QVERIFY(!pred);
        QCOMPARE(pred.error().code, ErrorCode::InvalidArgument);
    }
};

QTEST_GUILESS_MAIN(TestLinearTrainer)
#include "tst_linear_trainer.moc"
