// Metrics against reference values from scikit-learn 1.2.1 on the same float32 vectors:
//   y, p as below; roc_auc_score, accuracy_score(y, p >= 0.5), balanced_accuracy_score, f1_score,
//   precision_score, recall_score, log_loss (binary and multiclass), mean_squared_error (sqrt),
//   mean_absolute_error, r2_score, mean_absolute_percentage_error, with and without sample_weight.

#include "automl/metrics.h"

#include <QtTest>

#include <cmath>

using namespace easel;

namespace {

const std::vector<float> kBinaryTruth = {0, 0, 1, 1, 0, 1, 0, 1, 1, 0, 1, 0};
const std::vector<float> kBinaryProb = {0.1f, 0.4f, 0.35f, 0.8f, 0.2f, 0.9f, 0.6f, 0.6f, 0.55f, 0.3f, 0.7f, 0.6f};
const std::vector<float> kBinaryWeight = {1, 2, 1, 1, 0.5f, 1, 1, 2, 1, 1, 1, 3};

const std::vector<float> kMultiTruth = {0, 1, 2, 2, 1, 0, 2, 1, 0, 2};
const std::vector<float> kMultiProb = {0.7f, 0.2f, 0.1f,  0.2f, 0.5f,  0.3f, 0.1f,  0.2f, 0.7f, 0.3f,
                                       0.4f, 0.3f, 0.25f, 0.25f, 0.5f, 0.6f, 0.3f,  0.1f, 0.2f, 0.2f,
                                       0.6f, 0.1f, 0.8f,  0.1f, 0.3f,  0.3f, 0.4f,  0.05f, 0.15f, 0.8f};

const std::vector<float> kRegTruth = {3.0f, -0.5f, 2.0f, 7.0f, 4.2f, 1.5f};
const std::vector<float> kRegPred = {2.5f, 0.0f, 2.1f, 7.8f, 3.9f, 1.0f};
const std::vector<float> kRegWeight = {1, 2, 1, 0.5f, 1, 3};

Predictions single(const std::vector<float> &values)
{
    Predictions p;
    p.rows = values.size();
    p.outputs = 1;
    p.values = values;
    return p;
}

Predictions multi(const std::vector<float> &values, int k)
{
    Predictions p;
    p.rows = values.size() / size_t(k);
    p.outputs = k;
    p.values = values;
    return p;
}

} // namespace

class TestMetrics : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void names()
    {
        const Metric all[] = {Metric::Auc, Metric::Accuracy, Metric::BalancedAccuracy, Metric::F1,
                              Metric::Precision, Metric::Recall, Metric::LogLoss, Metric::MacroF1,
                              Metric::Rmse, Metric::Mae, Metric::R2, Metric::Mape};
        for (Metric m : all) {
            Metric back = Metric::Auc;
            QVERIFY(metricFromName(metricName(m), &back));
            QCOMPARE(back, m);
            QVERIFY(!metricLabel(m).isEmpty());
        }
        QCOMPARE(metricName(Metric::LogLoss), QStringLiteral("log_loss"));
        QVERIFY(!metricFromName(QStringLiteral("nonsense"), nullptr));
    }

    void directionsAndDefaults()
    {
        QVERIFY(higherIsBetter(Metric::Auc));
        QVERIFY(higherIsBetter(Metric::R2));
        QVERIFY(!higherIsBetter(Metric::LogLoss));
        QVERIFY(!higherIsBetter(Metric::Rmse));
        QCOMPARE(defaultMetric(ProblemType::Binary), Metric::Auc);
        QCOMPARE(defaultMetric(ProblemType::Multiclass), Metric::LogLoss);
        QCOMPARE(defaultMetric(ProblemType::Regression), Metric::Rmse);
        for (ProblemType problem : {ProblemType::Binary, ProblemType::Multiclass, ProblemType::Regression}) {
            const auto list = metricsFor(problem);
            QVERIFY(!list.empty());
            QCOMPARE(list.front(), defaultMetric(problem));
            for (Metric m : list)
                QVERIFY(metricApplies(m, problem));
        }
        QVERIFY(!metricApplies(Metric::Rmse, ProblemType::Binary));
        QVERIFY(!metricApplies(Metric::Auc, ProblemType::Regression));
        QVERIFY(metricApplies(Metric::MacroF1, ProblemType::Multiclass));
    }

    void binary()
    {
        const Predictions p = single(kBinaryProb);
        auto m = [&](Metric metric, double t = 0.5) {
            return computeMetric(metric, ProblemType::Binary, kBinaryTruth, p, t);
        };
        QVERIFY(std::abs(m(Metric::Auc) - 0.8333333333333334) < 1e-9);
        QVERIFY(std::abs(m(Metric::Accuracy) - 0.75) < 1e-9);
        QVERIFY(std::abs(m(Metric::BalancedAccuracy) - 0.75) < 1e-9);
        QVERIFY(std::abs(m(Metric::F1) - 0.7692307692307692) < 1e-9);
        QVERIFY(std::abs(m(Metric::Precision) - 0.7142857142857143) < 1e-9);
        QVERIFY(std::abs(m(Metric::Recall) - 0.8333333333333334) < 1e-9);
        QVERIFY(std::abs(m(Metric::LogLoss) - 0.48935416617909544) < 1e-7);
        QVERIFY(std::abs(m(Metric::Accuracy, 0.65) - 0.75) < 1e-9);
        QVERIFY(std::abs(m(Metric::F1, 0.65) - 0.6666666666666666) < 1e-9);

        // Two-column probabilities give the same answers.
        std::vector<float> two;
        for (float q : kBinaryProb)
            two.insert(two.end(), {1 - q, q});
        QVERIFY(std::abs(computeMetric(Metric::Auc, ProblemType::Binary, kBinaryTruth, multi(two, 2))
                         - 0.8333333333333334) < 1e-9);
    }

    void binaryWeighted()
    {
        const Predictions p = single(kBinaryProb);
        auto m = [&](Metric metric) {
            return computeMetric(metric, ProblemType::Binary, kBinaryTruth, p, 0.5, &kBinaryWeight);
        };
        QVERIFY(std::abs(m(Metric::Auc) - 0.7647058823529411) < 1e-9);
        QVERIFY(std::abs(m(Metric::Accuracy) - 0.6774193548387096) < 1e-9);
        QVERIFY(std::abs(m(Metric::F1) - 0.7058823529411764) < 1e-9);
        QVERIFY(std::abs(m(Metric::LogLoss) - 0.5558007107946231) < 1e-7);
    }

    void missingTruthAndUndefined()
    {
        std::vector<float> truth = kBinaryTruth;
        std::vector<float> prob = kBinaryProb;
        truth.push_back(std::numeric_limits<float>::quiet_NaN());
        prob.push_back(0.99f);
        QVERIFY(std::abs(computeMetric(Metric::Auc, ProblemType::Binary, truth, single(prob)) - 0.8333333333333334)
                < 1e-9);
        // One class only: AUC is undefined.
        const std::vector<float> ones(5, 1.0f);
        QVERIFY(std::isnan(computeMetric(Metric::Auc, ProblemType::Binary, ones, single({0.1f, 0.2f, 0.3f, 0.4f, 0.5f}))));
        // All ties: AUC 0.5.
        QCOMPARE(computeMetric(Metric::Auc, ProblemType::Binary, {0, 1, 0, 1}, single({0.3f, 0.3f, 0.3f, 0.3f})), 0.5);
        // Log loss clips certainty instead of returning infinity.
        const double ll = computeMetric(Metric::LogLoss, ProblemType::Binary, {1, 0}, single({0.0f, 1.0f}));
        QVERIFY(std::isfinite(ll));
        QVERIFY(std::abs(ll + std::log(1e-15)) < 1e-3);
    }

    void multiclass()
    {
        const Predictions p = multi(kMultiProb, 3);
        auto m = [&](Metric metric) { return computeMetric(metric, ProblemType::Multiclass, kMultiTruth, p); };
        QVERIFY(std::abs(m(Metric::LogLoss) - 0.6668675393868813) < 1e-7);
        QVERIFY(std::abs(m(Metric::Accuracy) - 0.7) < 1e-9);
        QVERIFY(std::abs(m(Metric::MacroF1) - 0.7111111111111111) < 1e-9);
        QVERIFY(std::abs(m(Metric::BalancedAccuracy) - 0.6944444444444443) < 1e-9);
    }

    void regression()
    {
        const Predictions p = single(kRegPred);
        auto m = [&](Metric metric) { return computeMetric(metric, ProblemType::Regression, kRegTruth, p); };
        QVERIFY(std::abs(m(Metric::Rmse) - 0.4983305653949403) < 1e-7);
        QVERIFY(std::abs(m(Metric::Mae) - 0.44999996821085614) < 1e-7);
        QVERIFY(std::abs(m(Metric::R2) - 0.9546192851515878) < 1e-7);
        QVERIFY(std::abs(m(Metric::Mape) - 0.28928570006710014) < 1e-7);
        auto w = [&](Metric metric) {
            return computeMetric(metric, ProblemType::Regression, kRegTruth, p, 0.5, &kRegWeight);
        };
        QVERIFY(std::abs(w(Metric::Rmse) - 0.47527081590742576) < 1e-7);
        QVERIFY(std::abs(w(Metric::R2) - 0.9390760611145345) < 1e-7);

        // MAPE skips rows whose truth is zero.
        const double mape = computeMetric(Metric::Mape, ProblemType::Regression, {0, 2, 4}, single({5, 3, 5}));
        QVERIFY(std::abs(mape - 0.375) < 1e-12);
        // R² of a constant truth is undefined.
        QVERIFY(std::isnan(computeMetric(Metric::R2, ProblemType::Regression, {1, 1, 1}, single({1, 2, 3}))));
    }

    void threshold()
    {
        const Predictions p = single(kBinaryProb);
        const double tF1 = chooseThreshold(Metric::F1, kBinaryTruth, p);
        QVERIFY(std::abs(computeMetric(Metric::F1, ProblemType::Binary, kBinaryTruth, p, tF1) - 0.8) < 1e-9);
        QCOMPARE(float(tF1), 0.35f);
        const double tAcc = chooseThreshold(Metric::Accuracy, kBinaryTruth, p);
        QVERIFY(std::abs(computeMetric(Metric::Accuracy, ProblemType::Binary, kBinaryTruth, p, tAcc) - 0.75) < 1e-9);
        const double tBal = chooseThreshold(Metric::BalancedAccuracy, kBinaryTruth, p);
        const double bal = computeMetric(Metric::BalancedAccuracy, ProblemType::Binary, kBinaryTruth, p, tBal);
        QVERIFY(bal >= computeMetric(Metric::BalancedAccuracy, ProblemType::Binary, kBinaryTruth, p, 0.5));
        // Threshold-free metrics keep 0.5.
        QCOMPARE(chooseThreshold(Metric::Auc, kBinaryTruth, p), 0.5);
        QCOMPARE(chooseThreshold(Metric::LogLoss, kBinaryTruth, p), 0.5);
        // Imbalanced scores all below 0.5: the chosen threshold finds the positives.
        const std::vector<float> truth = {0, 0, 0, 1, 1};
        const Predictions low = single({0.01f, 0.02f, 0.03f, 0.2f, 0.3f});
        const double t = chooseThreshold(Metric::F1, truth, low);
        QVERIFY(t > double(0.03f) && t <= double(0.2f));
        QCOMPARE(computeMetric(Metric::F1, ProblemType::Binary, truth, low, t), 1.0);
    }

    void headlines()
    {
        QCOMPARE(metricHeadline(Metric::Accuracy, 0.9412), QStringLiteral("Right 94 times out of 100 on rows it never saw."));
        QCOMPARE(metricHeadline(Metric::Auc, 0.968),
                 QStringLiteral("Ranks a random positive above a random negative 97 % of the time."));
        QCOMPARE(metricHeadline(Metric::Mae, 2.08), QStringLiteral("Off by about ±2.1 on average."));
        QCOMPARE(metricHeadline(Metric::Rmse, 3.01), QStringLiteral("Typical error about 3.0; big misses count extra."));
        QCOMPARE(metricHeadline(Metric::R2, 0.81, QStringLiteral("price")),
                 QStringLiteral("Explains 81 % of the variation in price."));
        QCOMPARE(metricHeadline(Metric::Mape, 0.06), QStringLiteral("Off by about 6 % of the actual value on average."));
        QCOMPARE(metricHeadline(Metric::LogLoss, 0.2104),
                 QStringLiteral("How confident and correct its probabilities are (lower is better): 0.21."));
        QCOMPARE(metricHeadline(Metric::F1, 0.891), QStringLiteral("A balance of precision and recall: 0.89 (1 is perfect)."));
        QCOMPARE(metricHeadline(Metric::Precision, 0.91), QStringLiteral("When it says yes it is right 91 % of the time."));
        QCOMPARE(metricHeadline(Metric::Recall, 0.88), QStringLiteral("It finds 88 % of the real yes cases."));
        QCOMPARE(metricHeadline(Metric::Rmse, 506.2), QStringLiteral("Typical error about 506; big misses count extra."));
        QCOMPARE(metricHeadline(Metric::Mae, 0.0347), QStringLiteral("Off by about ±0.035 on average."));
        QVERIFY(!metricHeadline(Metric::R2, -0.2, QStringLiteral("price")).contains(QLatin1String("-20")));
        QVERIFY(!metricHeadline(Metric::Auc, std::nan("")).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
