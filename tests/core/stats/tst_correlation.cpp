// Correlation matrices against pandas DataFrame.corr("pearson" / "spearman") and
// Cramér's V computed from pandas.crosstab (chi² without continuity correction).
#include "stats/correlation.h"
#include "stats_test_util.h"

#include <QJsonArray>
#include <QTest>

using namespace easel;
using namespace easel::test;

class TestCorrelation : public QObject
{
    Q_OBJECT

private:
    static Table numericTable()
    {
        return makeTable({
            realColumn(QStringLiteral("a"), {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}),
            realColumn(QStringLiteral("b"), {2, 1, 4, 3, 6, kNaN, 8, 7, 10, 9}),
            intColumn(QStringLiteral("c"), {5, 5, 3, 3, 1, 1, 2, 2, 4, 4}),
            realColumn(QStringLiteral("d"), {1, kNaN, 0.5, 0.5, 2, 8, kNaN, 3, 0.5, 1}),
            intColumn(QStringLiteral("k"), {7, 7, 7, 7, 7, 7, 7, 7, 7, 7}),
            stringColumn(QStringLiteral("label"), {"x", "y", "x", "z", "y", "x", nullptr, "z", "z", "x"}),
        });
    }

    static void compareMatrix(const CorrelationMatrix &m, const std::vector<std::vector<double>> &expected)
    {
        QCOMPARE(size_t(m.columns.size()), expected.size());
        for (size_t i = 0; i < expected.size(); ++i)
            for (size_t j = 0; j < expected.size(); ++j)
                QVERIFY2(near(m.at(int(i), int(j)), expected[i][j], 1e-12),
                         qPrintable(QStringLiteral("(%1, %2) = %3, expected %4").arg(i).arg(j)
                                        .arg(m.at(int(i), int(j)), 0, 'g', 17).arg(expected[i][j], 0, 'g', 17)));
    }

private Q_SLOTS:
    void pearsonMatchesPandas()
    {
        const CorrelationMatrix m = pearsonCorrelation(numericTable());
        QCOMPARE(m.columns, (QStringList{"a", "b", "c", "d", "k"}));
        compareMatrix(m, {{1.0, 0.9459459459459458, -0.29541957835039856, 0.11025721863858795, kNaN},
                          {0.9459459459459458, 1.0, -0.366608161940708, 0.15728821740147406, kNaN},
                          {-0.29541957835039856, -0.366608161940708, 1.0, -0.6686649507925726, kNaN},
                          {0.11025721863858795, 0.15728821740147406, -0.6686649507925726, 1.0, kNaN},
                          {kNaN, kNaN, kNaN, kNaN, kNaN}});
    }

    void spearmanMatchesPandas()
    {
        // b and d have gaps, c has ties: ranks are re-taken over each pair's complete rows.
        const CorrelationMatrix m = spearmanCorrelation(numericTable());
        compareMatrix(m, {{1.0, 0.9333333333333333, -0.29541957835039856, 0.20868716185960043, kNaN},
                          {0.9333333333333333, 1.0, -0.33903175181040524, 0.09356014857063996, kNaN},
                          {-0.29541957835039856, -0.33903175181040524, 1.0, -0.5937963921554015, kNaN},
                          {0.20868716185960043, 0.09356014857063996, -0.5937963921554015, 1.0, kNaN},
                          {kNaN, kNaN, kNaN, kNaN, kNaN}});
    }

    void spearmanIsOneForMonotoneNonLinear()
    {
        std::vector<double> x, y;
        for (int i = 1; i <= 50; ++i) {
            x.push_back(i);
            y.push_back(std::exp(i / 5.0));
        }
        const Table t = makeTable({realColumn(QStringLiteral("x"), x), realColumn(QStringLiteral("y"), y)});
        QVERIFY(std::abs(spearmanCorrelation(t).at(0, 1) - 1.0) < 1e-12);
        QVERIFY(pearsonCorrelation(t).at(0, 1) < 0.9);
    }

    void infinitiesCountAsMissing()
    {
        const Table t = makeTable({realColumn(QStringLiteral("x"), {1, 2, 3, kInf, 5}),
                                   realColumn(QStringLiteral("y"), {2, 4, 6, 8, 10.5})});
        const double r = pearsonCorrelation(t).at(0, 1);
        QVERIFY(std::isfinite(r));
        // pandas on the rows without inf: x = 1, 2, 3, 5; y = 2, 4, 6, 10.5.
        QVERIFY(near(r, 0.99945992164925113, 1e-12));
    }

    void cramersVMatchesCrosstab()
    {
        const Table t = makeTable({
            stringColumn(QStringLiteral("g"), {"x", "y", "x", "z", "y", "x", nullptr, "z", "z", "x"}),
            stringColumn(QStringLiteral("h"), {"p", "q", "p", "p", "q", "q", "q", "p", nullptr, "p"}),
            boolColumn(QStringLiteral("b"), {1, 0, 1, 1, 0, 0, 1, 1, 0, 1}),
            realColumn(QStringLiteral("ignored"), {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}),
            stringColumn(QStringLiteral("one"), {"u", "u", "u", "u", "u", "u", "u", "u", "u", "u"}),
        });
        const CorrelationMatrix m = categoricalAssociation(t);
        QCOMPARE(m.columns, (QStringList{"g", "h", "b", "one"}));
        compareMatrix(m, {{1.0, 0.7745966692414834, 0.60207972893961481, kNaN},
                          {0.7745966692414834, 1.0, 0.79056941504209488, kNaN},
                          {0.60207972893961481, 0.79056941504209488, 1.0, kNaN},
                          {kNaN, kNaN, kNaN, kNaN}});
    }

    void jsonWritesNullForNaN()
    {
        const CorrelationMatrix m = pearsonCorrelation(numericTable());
        const QJsonObject json = m.toJson();
        QCOMPARE(json.value(QStringLiteral("columns")).toArray().size(), 5);
        const QJsonArray rows = json.value(QStringLiteral("values")).toArray();
        QCOMPARE(rows.size(), 5);
        QVERIFY(rows.at(4).toArray().at(4).isNull());
        QCOMPARE(rows.at(0).toArray().at(0).toDouble(), 1.0);
        const CorrelationMatrix back = CorrelationMatrix::fromJson(json);
        QCOMPARE(back.columns, m.columns);
        for (size_t i = 0; i < m.values.size(); ++i)
            QVERIFY(near(back.values[i], m.values[i], 0));
    }

    void canceledGivesEmpty()
    {
        TaskContext ctx;
        ctx.cancel();
        QVERIFY(pearsonCorrelation(numericTable(), &ctx).isEmpty());
        QVERIFY(spearmanCorrelation(numericTable(), &ctx).isEmpty());
        QVERIFY(categoricalAssociation(numericTable(), &ctx).isEmpty());
    }

    void emptyTable()
    {
        const CorrelationMatrix m = pearsonCorrelation(Table());
        QVERIFY(m.isEmpty());
        QVERIFY(m.values.empty());
    }
};

QTEST_GUILESS_MAIN(TestCorrelation)
#include "tst_correlation.moc"
