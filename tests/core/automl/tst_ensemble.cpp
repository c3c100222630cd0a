// Ensemble selection over out-of-fold predictions, how a standard build judges
// whether its search's ensemble should replace the quick one, and the calibration
// of the ensemble's probabilities.
#include "automl/calibration.h"
#include "automl/ensemble.h"

#include <QtTest>

#include <cmath>
#include <random>

using namespace easel;

namespace {

Predictions values(std::vector<float> v, int outputs = 1)
{
    Predictions p;
    p.outputs = outputs;
    p.rows = v.size() / size_t(outputs);
    p.values = std::move(v);
    return p;
}

//! truth + independent Gaussian noise of the given spread.
Predictions noisy(const std::vector<float> &truth, double spread, unsigned seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<double> noise(0.0, spread);
    std::vector<float> v(truth.size());
    for (size_t i = 0; i < truth.size(); ++i)
        v[i] = float(truth[i] + noise(rng));
    return values(std::move(v));
}

double weightSum(const std::vector<double> &w)
{
    double s = 0;
    for (double x : w)
        s += x;
    return s;
}

//! n rows of a binary problem: truth drawn from P(yes) = σ(2x), and those probabilities.
void logisticRows(size_t n, unsigned seed, std::vector<float> *truth, std::vector<double> *probability)
{
    std::mt19937 rng(seed);
    std::normal_distribution<double> x(0.0, 1.0);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    truth->resize(n);
    probability->resize(n);
    for (size_t i = 0; i < n; ++i) {
        (*probability)[i] = 1.0 / (1.0 + std::exp(-2.0 * x(rng)));
        (*truth)[i] = u(rng) < (*probability)[i] ? 1.0f : 0.0f;
    }
}

} // namespace

class TestEnsemble : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void blendIsTheWeightedAverage()
    {
        const Predictions a = values({1, 2, 3, 4});
        const Predictions b = values({5, 6, 7, 8});
        const Predictions c = values({100, 100, 100, 100});
        const Predictions out = blend({&a, &b, &c}, {0.25, 0.75, 0.0});
        QCOMPARE(out.rows, size_t(4));
        QCOMPARE(out.values, (std::vector<float>{4, 5, 6, 7}));
    }

    //! Two equally good models with independent errors: the ensemble uses both about
    //! equally and beats either; a useless constant model gets no weight.
    void independentErrorsAverageOut()
    {
        std::vector<float> truth(400);
        for (size_t i = 0; i < truth.size(); ++i)
            truth[i] = float(std::sin(double(i) * 0.1) * 10);
        const Predictions a = noisy(truth, 1.0, 1);
        const Predictions b = noisy(truth, 1.0, 2);
        const Predictions constant = values(std::vector<float>(truth.size(), 0.0f));
        const EnsembleSelection sel =
            selectEnsemble({&constant, &a, &b}, truth, Metric::Rmse, ProblemType::Regression);
        QCOMPARE(weightSum(sel.weights), 1.0);
        QCOMPARE(sel.weights[0], 0.0);
        QVERIFY2(sel.weights[1] > 0.3 && sel.weights[2] > 0.3,
                 qPrintable(QStringLiteral("%1 %2").arg(sel.weights[1]).arg(sel.weights[2])));
        const double ra = computeMetric(Metric::Rmse, ProblemType::Regression, truth, a);
        const double rb = computeMetric(Metric::Rmse, ProblemType::Regression, truth, b);
        QVERIFY2(sel.score < 0.8 * std::min(ra, rb), qPrintable(QStringLiteral("%1 vs %2, %3").arg(sel.score).arg(ra).arg(rb)));
        // The reported score is the blend's.
        const Predictions blended = blend({&constant, &a, &b}, sel.weights);
        const double again = computeMetric(Metric::Rmse, ProblemType::Regression, truth, blended);
        QVERIFY2(std::abs(again - sel.score) < 1e-5 * sel.score, qPrintable(QStringLiteral("%1 vs %2").arg(again).arg(sel.score)));
    }

    //! A perfect model needs no help: all the weight goes to it.
    void aPerfectModelTakesAllTheWeight()
    {
        const std::vector<float> truth{0, 1, 0, 1, 1, 0, 1, 0};
        const Predictions perfect = values({0.1f, 0.9f, 0.2f, 0.8f, 0.7f, 0.3f, 0.95f, 0.05f});
        const Predictions poor = values({0.6f, 0.4f, 0.5f, 0.5f, 0.45f, 0.55f, 0.5f, 0.5f});
        const EnsembleSelection sel = selectEnsemble({&poor, &perfect}, truth, Metric::Auc, ProblemType::Binary);
        QCOMPARE(sel.weights, (std::vector<double>{0.0, 1.0}));
        QCOMPARE(sel.score, 1.0);
    }

    //! The ensemble never scores worse than the best single candidate.
    void neverWorseThanTheBestSingleModel()
    {
        std::vector<float> truth(300);
        for (size_t i = 0; i < truth.size(); ++i)
            truth[i] = float(i % 7);
        const Predictions good = noisy(truth, 0.5, 3);
        const Predictions bad = noisy(truth, 3.0, 4);
        const Predictions worse = noisy(truth, 6.0, 5);
        const EnsembleSelection sel =
            selectEnsemble({&bad, &good, &worse}, truth, Metric::Mae, ProblemType::Regression);
        QVERIFY(sel.score <= computeMetric(Metric::Mae, ProblemType::Regression, truth, good));
        QVERIFY(sel.weights[1] >= 0.5);
    }

    //! The blend an AUC ensemble once chose: the right order, every probability squeezed
    //! towards the middle. Platt scaling restores them and keeps the order (AUC).
    void calibrationUnsqueezesABinaryBlend()
    {
        std::vector<float> truth;
        std::vector<double> p;
        logisticRows(2000, 7, &truth, &p);
        std::vector<float> exact(p.begin(), p.end()), squeezed(p.size());
        // What a heavily regularised linear model does: the log-odds shrunk to a seventh.
        for (size_t i = 0; i < p.size(); ++i)
            squeezed[i] = float(1.0 / (1.0 + std::exp(-std::log(p[i] / (1 - p[i])) / 7.0)));
        const Predictions truthful = values(exact);
        Predictions blendPred = values(squeezed);
        const double bestLoss = computeMetric(Metric::LogLoss, ProblemType::Binary, truth, truthful);
        const double before = computeMetric(Metric::LogLoss, ProblemType::Binary, truth, blendPred);
        const double auc = computeMetric(Metric::Auc, ProblemType::Binary, truth, blendPred);
        QVERIFY(before > bestLoss + 0.1);

        const Calibration c = fitCalibration(ProblemType::Binary, truth, blendPred);
        QCOMPARE(c.kind, Calibration::Kind::Platt);
        QVERIFY2(std::abs(c.slope - 7) < 1, qPrintable(c.describe()));
        c.apply(&blendPred);
        const double after = computeMetric(Metric::LogLoss, ProblemType::Binary, truth, blendPred);
        QVERIFY2(after < bestLoss + 0.005, qPrintable(QStringLiteral("%1 → %2 (truth %3)").arg(before).arg(after).arg(bestLoss)));
        QCOMPARE(computeMetric(Metric::Auc, ProblemType::Binary, truth, blendPred), auc);
        QCOMPARE(float(c.applyToProbability(squeezed[3])), blendPred.values[3]);
        // A row the model could not score stays unscored.
        Predictions withNan = values({0.5f, std::nanf("")});
        c.apply(&withNan);
        QVERIFY(std::isnan(withNan.values[1]));
    }

    //! Probabilities that are already right: the map would gain nothing, so there is none.
    void calibratedProbabilitiesStayAsTheyAre()
    {
        std::vector<float> truth;
        std::vector<double> p;
        logisticRows(2000, 8, &truth, &p);
        const Predictions truthful = values(std::vector<float>(p.begin(), p.end()));
        QCOMPARE(fitCalibration(ProblemType::Binary, truth, truthful).kind, Calibration::Kind::None);
        // Too few rows to fit on, and regression, have none either.
        const Predictions few = values({0.45f, 0.46f, 0.55f});
        QCOMPARE(fitCalibration(ProblemType::Binary, {0, 0, 1}, few).kind, Calibration::Kind::None);
        QCOMPARE(fitCalibration(ProblemType::Regression, truth, truthful).kind, Calibration::Kind::None);
    }

    //! Three classes whose probabilities are flattened towards a third each: a temperature
    //! below 1 sharpens them without changing any row's predicted class.
    void temperatureSharpensAMulticlassBlend()
    {
        std::mt19937 rng(9);
        std::uniform_int_distribution<int> cls(0, 2);
        std::uniform_real_distribution<double> u(0.0, 1.0);
        const size_t n = 1500;
        std::vector<float> truth(n), flat(n * 3);
        for (size_t i = 0; i < n; ++i) {
            const int t = cls(rng);
            truth[i] = float(t);
            // The model is right four times in five; its probabilities say barely more than a third.
            const int said = u(rng) < 0.8 ? t : (t + 1 + int(u(rng) * 2)) % 3;
            for (int k = 0; k < 3; ++k)
                flat[i * 3 + size_t(k)] = k == said ? 0.40f : 0.30f;
        }
        Predictions pred = values(flat, 3);
        const double accuracy = computeMetric(Metric::Accuracy, ProblemType::Multiclass, truth, pred);
        const double before = computeMetric(Metric::LogLoss, ProblemType::Multiclass, truth, pred);
        const Calibration c = fitCalibration(ProblemType::Multiclass, truth, pred);
        QCOMPARE(c.kind, Calibration::Kind::Temperature);
        QVERIFY2(c.temperature < 0.5, qPrintable(c.describe()));
        c.apply(&pred);
        const double after = computeMetric(Metric::LogLoss, ProblemType::Multiclass, truth, pred);
        QVERIFY2(after < before - 0.2, qPrintable(QStringLiteral("%1 → %2").arg(before).arg(after)));
        QCOMPARE(computeMetric(Metric::Accuracy, ProblemType::Multiclass, truth, pred), accuracy);
        // Near the best a temperature can do here: 0.8 on the said class, 0.1 on each other.
        QVERIFY(std::abs(pred.values[0] + pred.values[1] + pred.values[2] - 1.0f) < 1e-6f);
        QVERIFY(std::abs(*std::max_element(pred.values.begin(), pred.values.begin() + 3) - 0.8f) < 0.03f);
    }

    void calibrationJson()
    {
        Calibration platt;
        platt.kind = Calibration::Kind::Platt;
        platt.slope = 2.5;
        platt.intercept = -0.25;
        Result<Calibration> back = Calibration::fromJson(platt.toJson());
        QVERIFY(back);
        QCOMPARE(back->kind, Calibration::Kind::Platt);
        QCOMPARE(back->slope, 2.5);
        QCOMPARE(back->intercept, -0.25);
        QVERIFY(Calibration().toJson().isEmpty());
        Result<Calibration> none = Calibration::fromJson({});
        QVERIFY(none);
        QVERIFY(!none->active());

        const Result<Calibration> unknown = Calibration::fromJson({{"method", "isotonic"}});
        QVERIFY(!unknown);
        QVERIFY(unknown.error().message.contains("isotonic"));
        QVERIFY(!Calibration::fromJson({{"method", "platt"}, {"slope", -1.0}, {"intercept", 0.0}}));
        QVERIFY(!Calibration::fromJson({{"method", "platt"}, {"slope", "2"}, {"intercept", 0.0}}));
        QVERIFY(!Calibration::fromJson({{"method", "temperature"}, {"temperature", 0.0}}));
    }

    void judgeSearch_data()
    {
        QTest::addColumn<int>("metric");
        QTest::addColumn<double>("first");
        QTest::addColumn<double>("full");
        QTest::addColumn<bool>("clearlyBetter");
        QTest::addColumn<int>("verdict");
        const int improved = int(SearchVerdict::Improved);
        const int tooSmall = int(SearchVerdict::GainTooSmall);
        const int notBetter = int(SearchVerdict::NotClearlyBetter);
        // AUC: remaining error 1 − AUC.
        QTest::newRow("auc, 5 % of the error") << int(Metric::Auc) << 0.90 << 0.905 << true << improved;
        QTest::newRow("auc, 0.5 % of the error") << int(Metric::Auc) << 0.90 << 0.9005 << true << tooSmall;
        QTest::newRow("auc, large gain by chance") << int(Metric::Auc) << 0.90 << 0.95 << false << notBetter;
        QTest::newRow("auc, nothing left to gain") << int(Metric::Auc) << 1.0 << 1.0 << true << tooSmall;
        // Lower is better: the remaining error is the score itself.
        QTest::newRow("rmse, 1.1 %") << int(Metric::Rmse) << 10.0 << 9.89 << true << improved;
        QTest::newRow("rmse, 0.5 %") << int(Metric::Rmse) << 10.0 << 9.95 << true << tooSmall;
        QTest::newRow("rmse, worse") << int(Metric::Rmse) << 10.0 << 10.5 << false << notBetter;
        QTest::newRow("log loss, 2 %") << int(Metric::LogLoss) << 0.20 << 0.196 << true << improved;
        QTest::newRow("log loss, 0.9 %") << int(Metric::LogLoss) << 0.20 << 0.1982 << true << tooSmall;
        // Small AUC gains that are large against a small remaining error count.
        QTest::newRow("auc 0.99 → 0.991") << int(Metric::Auc) << 0.99 << 0.991 << true << improved;
    }
    void judgeSearch()
    {
        QFETCH(int, metric);
        QFETCH(double, first);
        QFETCH(double, full);
        QFETCH(bool, clearlyBetter);
        QFETCH(int, verdict);
        QCOMPARE(int(easel::judgeSearch(Metric(metric), first, full, clearlyBetter)), verdict);
    }
};

QTEST_GUILESS_MAIN(TestEnsemble)
#include "tst_ensemble.moc"
