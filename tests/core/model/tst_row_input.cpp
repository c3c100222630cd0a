// One-row predictions: values checked against the bundle's schema.
#include "model/row_input.h"

#include "../explain/explain_test_util.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

using namespace easel;
using namespace easel::testing;

class TestRowInput : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    TrainerRegistry m_registry;
    std::unique_ptr<ModelBundle> m_bundle;
    std::unique_ptr<Predictor> m_predictor;

    static QMap<QString, QString> goodRow()
    {
        return {{"x1", "1.5"},      {"x2", "-0.3"},  {"x3", "0.2"},      {"x4", "0.1"},        {"x_int", "42"},
                {"x_skew", "1.1"},  {"x_noise1", "0"}, {"x_noise2", "0"}, {"cat_lo", "A"},      {"cat_hi", "c0001"},
                {"city", "Paris"},  {"flag", "yes"},  {"date", "2020-07-01"}};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_registry.discover();
        QVERIFY(makeLarge(m_dir.filePath("bin.csv"), 3000, "binary"));
        auto table = readTable(m_dir.filePath("bin.csv"));
        QVERIFY(table);
        m_bundle = buildBundle(*table, "label", {"xgboost"}, 4, m_registry, false);
        QVERIFY(m_bundle);
        Result<std::unique_ptr<Predictor>> p = Predictor::open(*m_bundle, m_registry);
        QVERIFY(p.ok());
        m_predictor = std::move(*p);
    }

    void predictsAndExplains()
    {
        Result<RowPrediction> p = predictRow(*m_predictor, goodRow());
        QVERIFY2(p.ok(), qPrintable(p.error().message));
        QCOMPARE(p->classLabels, QStringList({"no", "yes"}));
        QVERIFY(p->label == "yes" || p->label == "no");
        QCOMPARE(p->probabilities.size(), size_t(2));
        QVERIFY(std::abs(p->probabilities[0] + p->probabilities[1] - 1) < 1e-6);
        QVERIFY(p->warnings.isEmpty());
        QVERIFY(p->explanation.has_value());
        const double sum = std::accumulate(p->explanation->contributions.begin(), p->explanation->contributions.end(), 0.0);
        QVERIFY(std::abs(p->explanation->baseline + sum - p->probabilities[1]) < 1e-4);
        const QJsonObject json = p->toJson();
        QVERIFY(json.value("probabilities").toObject().contains("yes"));
    }

    void wrongTypeNamesTheColumn()
    {
        QMap<QString, QString> row = goodRow();
        row["x1"] = "abc";
        row["date"] = "someday";
        Result<RowPrediction> p = predictRow(*m_predictor, row);
        QVERIFY(!p.ok());
        QCOMPARE(p.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(p.error().message.contains("x1 must be a number; got 'abc'"), qPrintable(p.error().message));
        QVERIFY(p.error().message.contains("date must be a date"));
    }

    void missingValueIsImputedWithAWarning()
    {
        QMap<QString, QString> row = goodRow();
        row.remove("x2");
        row["x3"] = "";
        Result<RowPrediction> p = predictRow(*m_predictor, row, RowOptions{false});
        QVERIFY(p.ok());
        QCOMPARE(p->warnings.size(), 2);
        QVERIFY(p->warnings.join(' ').contains("*x2* has no value"));
        QVERIFY(p->warnings.join(' ').contains("*x3* has no value"));
        QVERIFY(!p->explanation);
    }

    void unseenCategoryIsAcceptedWithAWarning()
    {
        QMap<QString, QString> row = goodRow();
        row["cat_lo"] = "Z";
        Result<RowPrediction> p = predictRow(*m_predictor, row);
        QVERIFY(p.ok());
        QCOMPARE(p->warnings.size(), 1);
        QVERIFY(p->warnings.front().contains("'Z', a value never seen in training"));
    }

    void extraKeysWarnAndTargetIsIgnored()
    {
        QMap<QString, QString> row = goodRow();
        row["label"] = "yes";
        row["colour"] = "blue";
        Result<RowPrediction> p = predictRow(*m_predictor, row);
        QVERIFY(p.ok());
        QCOMPARE(p->warnings, QStringList({"'colour' is not a column the model uses; it was ignored."}));
    }

    void outOfRangeNumberWarns()
    {
        QMap<QString, QString> row = goodRow();
        row["x1"] = "1000";
        Result<RowPrediction> p = predictRow(*m_predictor, row);
        QVERIFY(p.ok());
        QVERIFY(p->warnings.join(' ').contains("outside the range the model was trained on"));
    }

    void jsonValues()
    {
        QJsonObject o{{"x1", 1.5}, {"flag", true}, {"x2", QJsonValue::Null}, {"cat_lo", "B"}};
        Result<RowPrediction> p = predictRow(*m_predictor, o, RowOptions{false});
        QVERIFY2(p.ok(), qPrintable(p.error().message));
        QJsonObject bad{{"x1", QJsonArray{1, 2}}};
        Result<RowPrediction> q = predictRow(*m_predictor, bad);
        QVERIFY(!q.ok());
        QVERIFY(q.error().message.contains("x1"));
    }
};

QTEST_GUILESS_MAIN(TestRowInput)
#include "tst_row_input.moc"
