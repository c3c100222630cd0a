// EASEL_TEST_LABEL: slow
// One row through an XGBoost-only bundle, in-process: p50 / p99 latency.
#include "model/row_input.h"

#include "../explain/explain_test_util.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

using namespace easel;
using namespace easel::testing;

class TestPredictorLatency : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void oneRowLatency()
    {
        QTemporaryDir dir;
        TrainerRegistry registry;
        registry.discover();
        QVERIFY(makeLarge(dir.filePath("bin.csv"), 3000, "binary"));
        auto table = readTable(dir.filePath("bin.csv"));
        auto bundle = buildBundle(*table, "label", {"xgboost"}, 4, registry, false);
        QVERIFY(bundle);
        Result<std::unique_ptr<Predictor>> p = Predictor::open(*bundle, registry);
        QVERIFY(p.ok());
        const QMap<QString, QString> row{{"x1", "1.5"},     {"x2", "-0.3"},   {"x3", "0.2"},      {"x4", "0.1"},
                                         {"x_int", "42"},   {"x_skew", "1.1"}, {"x_noise1", "0"},  {"x_noise2", "0"},
                                         {"cat_lo", "A"},   {"cat_hi", "c0001"}, {"city", "Paris"}, {"flag", "yes"},
                                         {"date", "2020-07-01"}};
        for (bool explain : {false, true}) {
            std::vector<double> us;
            for (int i = 0; i < 2000; ++i) {
                QElapsedTimer t;
                t.start();
                Result<RowPrediction> r = predictRow(**p, row, RowOptions{explain});
                us.push_back(double(t.nsecsElapsed()) / 1000.0);
                QVERIFY(r.ok());
            }
            std::sort(us.begin(), us.end());
            const double p50 = us[us.size() / 2], p99 = us[us.size() * 99 / 100];
            qInfo("one row, %d fold models, explain=%d: p50 %.0f us, p99 %.0f us", int((*p)->members().front().folds.size()),
                  int(explain), p50, p99);
            if (!explain && p99 > 1000)
                qWarning("p99 above 1 ms (shared CPU?)");
        }
    }
};

QTEST_GUILESS_MAIN(TestPredictorLatency)
#include "tst_predictor_latency.moc"
