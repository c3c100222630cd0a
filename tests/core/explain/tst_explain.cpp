// EASEL_TEST_LABEL: slow
// Per-row explanations add up; column impact finds the informative columns.
#include "explain/explain.h"

#include "automl/preprocess.h"
#include "explain_test_util.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QElapsedTimer>
#include <QTest>

#include <cmath>

using namespace easel;
using namespace easel::testing;

class TestExplain : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    TrainerRegistry m_registry;
    std::shared_ptr<Table> m_binary, m_regression, m_multiclass;
    std::unique_ptr<ModelBundle> m_binaryBundle;

    std::unique_ptr<Predictor> open(const ModelBundle &bundle)
    {
        Result<std::unique_ptr<Predictor>> p = Predictor::open(bundle, m_registry);
        return p ? std::move(*p) : nullptr;
    }

    void checkSums(const Predictor &predictor, const Table &table, size_t count)
    {
        std::vector<size_t> rows(count);
        std::iota(rows.begin(), rows.end(), size_t(0));
        Result<std::vector<RowExplanation>> e = explainRows(predictor, table, rows);
        QVERIFY2(e.ok(), qPrintable(e.error().message));
        Result<Predictions> pred = predictor.predict(table, rows);
        QVERIFY(pred.ok());
        for (size_t i = 0; i < count; ++i) {
            const RowExplanation &x = (*e)[i];
            QCOMPARE(x.columns, predictor.inputColumns());
            const double sum = std::accumulate(x.contributions.begin(), x.contributions.end(), 0.0);
            QVERIFY2(std::abs(x.baseline + sum - x.prediction) < 1e-6 * std::max(1.0, std::abs(x.prediction)),
                     qPrintable(QStringLiteral("row %1: %2 + %3 != %4").arg(i).arg(x.baseline).arg(sum).arg(x.prediction)));
            double expected = 0;
            if (predictor.problem() == ProblemType::Multiclass) {
                QVERIFY(x.explainedClass >= 0);
                const float *p = pred->values.data() + i * size_t(pred->outputs);
                QCOMPARE(x.explainedClass, int(std::max_element(p, p + pred->outputs) - p));
                expected = p[x.explainedClass];
            } else {
                expected = pred->values[i];
            }
            QVERIFY2(std::abs(x.prediction - expected) < 2e-4 * std::max(1.0, std::abs(expected)),
                     qPrintable(QStringLiteral("row %1: explained %2, predicted %3").arg(i).arg(x.prediction).arg(expected)));
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_registry.discover();
        QVERIFY(makeLarge(m_dir.filePath("bin.csv"), 20000, "binary"));
        QVERIFY(makeLarge(m_dir.filePath("reg.csv"), 3000, "regression"));
        QVERIFY(makeLarge(m_dir.filePath("mc.csv"), 3000, "multiclass"));
        m_binary = readTable(m_dir.filePath("bin.csv"));
        m_regression = readTable(m_dir.filePath("reg.csv"));
        m_multiclass = readTable(m_dir.filePath("mc.csv"));
        QVERIFY(m_binary && m_regression && m_multiclass);
        m_binaryBundle = buildBundle(*m_binary, "label", {"xgboost", "linear"}, 8, m_registry);
        QVERIFY(m_binaryBundle);
    }

    //! Tree members: TreeSHAP values sum to the margin, whose sigmoid is the predicted probability.
    void treeContributionsAreExactInMarginSpace()
    {
        auto predictor = open(*m_binaryBundle);
        QVERIFY(predictor);
        bool sawTree = false;
        std::vector<size_t> rows(50);
        std::iota(rows.begin(), rows.end(), size_t(0));
        for (const MemberView &m : predictor->members()) {
            if (m.family != QLatin1String("xgboost"))
                continue;
            sawTree = true;
            const MemberFold &fold = m.folds.front();
            const FeatureMatrix x = fold.pipeline->transform(*m_binary, rows);
            Result<std::vector<float>> c = fold.model->contributions(x);
            QVERIFY(c.ok());
            Result<Predictions> p = fold.model->predict(x);
            QVERIFY(p.ok());
            const size_t width = x.cols + 1;
            QCOMPARE(c->size(), rows.size() * width);
            for (size_t i = 0; i < rows.size(); ++i) {
                double margin = 0;
                for (size_t f = 0; f < width; ++f)
                    margin += (*c)[i * width + f];
                QVERIFY(std::abs(1.0 / (1.0 + std::exp(-margin)) - p->values[i]) < 1e-5);
            }
        }
        QVERIFY(sawTree);
    }

    void binaryContributionsSumToProbabilityMinusBaseline()
    {
        auto predictor = open(*m_binaryBundle);
        QVERIFY(predictor);
        checkSums(*predictor, *m_binary, 40);
        Result<std::vector<RowExplanation>> e = explainRows(*predictor, *m_binary, {0});
        QVERIFY(e.ok());
        QCOMPARE(e->front().explainedLabel, QStringLiteral("yes"));
        QVERIFY(!e->front().sentences().isEmpty());
        QVERIFY(e->front().sentences().front().contains("pushed the probability of *yes*"));
    }

    void regressionContributionsSumToValue()
    {
        auto bundle = buildBundle(*m_regression, "target", {"xgboost", "linear"}, 5, m_registry, false);
        QVERIFY(bundle);
        auto predictor = open(*bundle);
        QVERIFY(predictor);
        checkSums(*predictor, *m_regression, 30);
    }

    void multiclassExplainsThePredictedClass()
    {
        auto bundle = buildBundle(*m_multiclass, "label", {"xgboost"}, 5, m_registry, false);
        QVERIFY(bundle);
        auto predictor = open(*bundle);
        QVERIFY(predictor);
        checkSums(*predictor, *m_multiclass, 30);
    }

    //! A calibrated model predicts the blend mapped by a monotone function: the
    //! explanation follows it (baseline and prediction calibrated, contributions
    //! rescaled, each keeping its direction).
    void calibratedContributionsSumToTheCalibratedProbability()
    {
        ModelBundle calibrated = *m_binaryBundle;
        calibrated.manifest.insert(QStringLiteral("calibration"),
                                   QJsonObject{{QStringLiteral("method"), QStringLiteral("platt")},
                                               {QStringLiteral("slope"), 2.5},
                                               {QStringLiteral("intercept"), -0.4}});
        calibrated.manifest.insert(QStringLiteral("format_version"), ModelBundle::kCalibratedManifestVersion);
        auto plain = open(*m_binaryBundle);
        auto predictor = open(calibrated);
        QVERIFY(plain && predictor);
        QCOMPARE(predictor->calibration().kind, Calibration::Kind::Platt);
        checkSums(*predictor, *m_binary, 40);

        Result<std::vector<RowExplanation>> before = explainRows(*plain, *m_binary, {0, 1, 2, 3});
        Result<std::vector<RowExplanation>> after = explainRows(*predictor, *m_binary, {0, 1, 2, 3});
        QVERIFY(before && after);
        for (size_t i = 0; i < 4; ++i) {
            const RowExplanation &b = (*before)[i], &a = (*after)[i];
            QVERIFY(std::abs(a.baseline - predictor->calibration().applyToProbability(b.baseline)) < 1e-9);
            QVERIFY(std::abs(a.prediction - predictor->calibration().applyToProbability(b.prediction)) < 1e-6);
            QVERIFY(std::abs(a.prediction - b.prediction) > 1e-3);
            for (size_t j = 0; j < a.contributions.size(); ++j)
                QVERIFY(a.contributions[j] * b.contributions[j] >= 0);
        }
    }

    void impactRanksInformativeColumnsAboveNoise()
    {
        auto predictor = open(*m_binaryBundle);
        QVERIFY(predictor);
        Result<ImpactReport> r = explainGlobal(*predictor, *m_binary);
        QVERIFY2(r.ok(), qPrintable(r.error().message));
        double total = 0;
        std::map<QString, ColumnImpactEntry> by;
        for (const ColumnImpactEntry &c : r->columns) {
            total += c.percent;
            by[c.column] = c;
        }
        QVERIFY(std::abs(total - 100) < 1e-6);
        for (const char *informative : {"x1", "x2"})
            for (const char *noise : {"x_noise1", "x_noise2"})
                QVERIFY2(by[informative].percent > by[noise].percent,
                         qPrintable(QStringLiteral("%1 %2 % vs %3 %4 %")
                                        .arg(informative).arg(by[informative].percent).arg(noise).arg(by[noise].percent)));
        QCOMPARE(by["x1"].direction, 1);   // s = 1.2·x1 − 0.9·x2 …
        QCOMPARE(by["x2"].direction, -1);
        QVERIFY(by["x1"].permutationDrop > 0);
        QVERIFY(!by.count("label"));
        QVERIFY(!by.count("row_id"));      // dropped as an identifier
        // Round trip through JSON.
        const ImpactReport back = ImpactReport::fromJson(r->toJson());
        QCOMPARE(back.columns.size(), r->columns.size());
        QCOMPARE(back.columns.front().column, r->columns.front().column);
    }

    //! Random-forest members get exact TreeSHAP shares too; when TreeSHAP of a deep forest
    //! would take too long, fewer rows are explained (never fewer than 16).
    void forestImpactUsesTreeShapOnFewerRowsWhenSlow()
    {
        QElapsedTimer clock;
        clock.start();
        auto bundle = buildBundle(*m_regression, "target", {"random_forest"}, 5, m_registry, false);
        QVERIFY(bundle);
        qInfo("forest build: %.1f s", clock.nsecsElapsed() / 1e9);
        clock.restart();
        auto predictor = open(*bundle);
        QVERIFY(predictor);
        QCOMPARE(predictor->families(), QStringList{QStringLiteral("random_forest")});
        ExplainOptions patient;  // TreeSHAP of a deep forest costs ~0.1–0.5 s a row here
        patient.maxExplainRows = 24;
        patient.maxExplainSeconds = 1e9;
        Result<ImpactReport> all = explainGlobal(*predictor, *m_regression, patient);
        QVERIFY2(all.ok(), qPrintable(all.error().message));
        QCOMPARE(all->explainedRows, size_t(24));
        qInfo("TreeSHAP of 24 rows: %.1f s", clock.nsecsElapsed() / 1e9);
        ExplainOptions hurried;
        hurried.maxExplainSeconds = 1e-6;
        Result<ImpactReport> few = explainGlobal(*predictor, *m_regression, hurried);
        QVERIFY2(few.ok(), qPrintable(few.error().message));
        QCOMPARE(few->explainedRows, size_t(16));
        for (const ImpactReport *r : {&*all, &*few}) {
            std::map<QString, double> by;
            for (const ColumnImpactEntry &c : r->columns)
                by[c.column] = c.percent;
            for (const char *informative : {"x1", "x2"})
                for (const char *noise : {"x_noise1", "x_noise2"})
                    QVERIFY2(by[informative] > by[noise], qPrintable(QStringLiteral("%1 %2 % vs %3 %4 % (%5 rows)")
                                                                         .arg(informative).arg(by[informative]).arg(noise)
                                                                         .arg(by[noise]).arg(r->explainedRows)));
        }
    }

    void annotatedBundleStoresImpactAndProfile()
    {
        const QJsonArray impact = m_binaryBundle->manifest.value("column_impact").toArray();
        QVERIFY(!impact.isEmpty());
        QVERIFY(impact.first().toObject().contains("direction"));
        const QJsonObject profile = m_binaryBundle->manifest.value("drift_reference").toObject();
        QVERIFY(profile.value("columns").toObject().contains("x1"));
        QCOMPARE(profile.value("columns").toObject().value("x1").toObject().value("quantiles").toArray().size(), 11);
    }

    void failsWithoutTarget()
    {
        auto predictor = open(*m_binaryBundle);
        Table t;
        t.setRowCount(0);
        Result<ImpactReport> r = explainGlobal(*predictor, t);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::InvalidArgument);
        QVERIFY(r.error().message.contains("label"));
    }
};

QTEST_GUILESS_MAIN(TestExplain)
#include "tst_explain.moc"
