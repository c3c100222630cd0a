// Column statistics against values computed independently with pandas / numpy
// (pandas 2, numpy: Series.mean/std/skew/nunique, numpy.quantile "linear").
#include "stats/column_stats.h"
#include "stats_test_util.h"

#include <QDate>
#include <QJsonDocument>
#include <QTest>

#include <numeric>

using namespace easel;
using namespace easel::test;

class TestColumnStats : public QObject
{
    Q_OBJECT

private:
    static void checkHistogram(const ColumnStats &s)
    {
        const Histogram &h = s.histogram;
        QCOMPARE(h.edges.size(), h.counts.size() + 1);
        for (size_t i = 1; i < h.edges.size(); ++i)
            QVERIFY(h.edges[i] > h.edges[i - 1]);
        QCOMPARE(std::accumulate(h.counts.begin(), h.counts.end(), int64_t(0)), s.count - s.infinities);
    }

private Q_SLOTS:
    void realColumnMatchesPandas()
    {
        const Column c = realColumn(QStringLiteral("x"), {1.5, 2.0, kNaN, -3.25, 0.0, 10.0, 2.0, kInf, 7.5, 100.0,
                                                          -0.0, 4.0, 2.0, 3.5, kNaN, 6.25});
        const ColumnStats s = computeColumnStats(c);
        QCOMPARE(s.name, QStringLiteral("x"));
        QCOMPARE(s.type, ColumnType::Real);
        QCOMPARE(s.count, 14);       // Series.count(): inf counts as present
        QCOMPARE(s.missing, 2);
        QCOMPARE(s.distinct, 11);    // Series.nunique(): -0.0 == 0.0, inf is a value
        QCOMPARE(s.infinities, 1);
        // Moments and quantiles over the 13 finite values.
        EASEL_COMPARE_NEAR(s.mean, 10.423076923076923);
        EASEL_COMPARE_NEAR(s.stddev, 27.135536474217528);
        EASEL_COMPARE_NEAR(s.skewness, 3.5032430609716805);
        QCOMPARE(s.min, -3.25);
        QCOMPARE(s.max, 100.0);
        const double q[] = {-2.86, -1.3, 1.5, 2.0, 6.25, 46.0, 89.2};
        for (size_t i = 0; i < 7; ++i)
            EASEL_COMPARE_NEAR(s.quantiles[i], q[i]);
        QCOMPARE(s.zeros, 2);
        QCOMPARE(s.outliers, 1);  // 100 > Q3 + 1.5 IQR = 13.375
        QVERIFY(s.topValues.empty());
        QVERIFY(std::isnan(s.lengthMean));
        QVERIFY(s.histogram.counts.size() >= 5 && s.histogram.counts.size() <= 50);
        checkHistogram(s);
        QCOMPARE(s.histogram.edges.front(), -3.25);
        QCOMPARE(s.histogram.edges.back(), 100.0);
    }

    void integerColumnMatchesPandas()
    {
        const Column c = intColumn(QStringLiteral("n"), {3, 7, kNA, 7, 1, 0, 12, 7, 5, -4, 0, 9, 30, kNA, 2});
        const ColumnStats s = computeColumnStats(c);
        QCOMPARE(s.count, 13);
        QCOMPARE(s.missing, 2);
        QCOMPARE(s.distinct, 10);
        EASEL_COMPARE_NEAR(s.mean, 6.0769230769230766);
        EASEL_COMPARE_NEAR(s.stddev, 8.4010072656154211);
        EASEL_COMPARE_NEAR(s.skewness, 2.0306905923571579);
        const double q[] = {-3.52, -1.6, 1, 5, 7, 19.2, 27.84};
        for (size_t i = 0; i < 7; ++i)
            EASEL_COMPARE_NEAR(s.quantiles[i], q[i]);
        QCOMPARE(s.zeros, 2);
        QCOMPARE(s.outliers, 1);
        QCOMPARE(s.min, -4.0);
        QCOMPARE(s.max, 30.0);
        // Range 34 < 50: one bin per integer, edges on half-integers (numpy.histogram
        // with bins = arange(-4.5, 31.5)).
        checkHistogram(s);
        QCOMPARE(s.histogram.counts.size(), size_t(35));
        QCOMPARE(s.histogram.edges.front(), -4.5);
        QCOMPARE(s.histogram.edges.back(), 30.5);
        const std::vector<int64_t> expected = {1, 0, 0, 0, 2, 1, 1, 1, 0, 1, 0, 3, 0, 1, 0, 0, 1, 0,
                                               0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
        QCOMPARE(s.histogram.counts, expected);
    }

    void wideIntegerHistogramIsIntegerAligned()
    {
        std::vector<int64_t> v;
        for (int64_t i = 0; i < 1000; ++i)
            v.push_back((i * 7919) % 1000);  // 0..999 once each
        const ColumnStats s = computeColumnStats(intColumn(QStringLiteral("w"), v));
        checkHistogram(s);
        QVERIFY(s.histogram.counts.size() >= 5 && s.histogram.counts.size() <= 50);
        for (double e : s.histogram.edges)
            QCOMPARE(e - std::floor(e), 0.5);
        QCOMPARE(s.distinct, 1000);
        EASEL_COMPARE_NEAR(s.quantiles[3], 499.5);
    }

    void categoricalTopValuesAndLengths()
    {
        const Column c = stringColumn(QStringLiteral("city"),
                                      {"b", "a", "é", nullptr, "b", "日本", "a", "b", "c", nullptr, "é"});
        const ColumnStats s = computeColumnStats(c);
        QCOMPARE(s.count, 9);
        QCOMPARE(s.missing, 2);
        QCOMPARE(s.distinct, 5);
        // value_counts, ties broken by value.
        QCOMPARE(s.topValues.size(), size_t(5));
        const QStringList values = {QStringLiteral("b"), QStringLiteral("a"), QStringLiteral("é"),
                                    QStringLiteral("c"), QStringLiteral("日本")};
        const int64_t counts[] = {3, 2, 2, 1, 1};
        for (int i = 0; i < 5; ++i) {
            QCOMPARE(s.topValues[size_t(i)].value, values[i]);
            QCOMPARE(s.topValues[size_t(i)].count, counts[i]);
        }
        // Series.str.len(): code points, not bytes.
        QCOMPARE(s.lengthMin, 1.0);
        QCOMPARE(s.lengthMax, 2.0);
        EASEL_COMPARE_NEAR(s.lengthMean, 1.1111111111111112);
        QVERIFY(std::isnan(s.mean));
        QVERIFY(s.histogram.counts.empty());
    }

    void topValuesCappedAtTwenty()
    {
        std::vector<std::string> storage;
        for (int i = 0; i < 30; ++i)
            storage.push_back(QStringLiteral("v%1").arg(i, 2, 10, QLatin1Char('0')).toStdString());
        std::vector<const char *> values;
        for (int i = 0; i < 30; ++i)
            for (int k = 0; k < (i % 3) + 1; ++k)  // counts 1, 2, 3, 1, 2, 3, …
                values.push_back(storage[size_t(i)].c_str());
        const ColumnStats s = computeColumnStats(stringColumn(QStringLiteral("t"), values, ColumnType::Text));
        QCOMPARE(s.distinct, 30);
        QCOMPARE(s.topValues.size(), size_t(20));
        QCOMPARE(s.topValues[0].value, QStringLiteral("v02"));
        QCOMPARE(s.topValues[0].count, 3);
        QCOMPARE(s.topValues[9].value, QStringLiteral("v29"));
        QCOMPARE(s.topValues[10].value, QStringLiteral("v01"));
        QCOMPARE(s.topValues[10].count, 2);
        QCOMPARE(s.topValues[19].value, QStringLiteral("v28"));
    }

    void booleanColumn()
    {
        const ColumnStats s = computeColumnStats(boolColumn(QStringLiteral("b"), {1, 0, 1, -1, 1, 1, 0, 1}));
        QCOMPARE(s.count, 7);
        QCOMPARE(s.missing, 1);
        QCOMPARE(s.distinct, 2);
        EASEL_COMPARE_NEAR(s.mean, 0.7142857142857143);
        EASEL_COMPARE_NEAR(s.stddev, 0.4879500364742666);
        EASEL_COMPARE_NEAR(s.skewness, -1.2296340919151516);
        EASEL_COMPARE_NEAR(s.quantiles[2], 0.5);
        QCOMPARE(s.zeros, 2);
        QCOMPARE(s.outliers, 0);  // the IQR rule means nothing for 0/1
        QCOMPARE(s.topValues.size(), size_t(2));
        QCOMPARE(s.topValues[0].value, QStringLiteral("true"));
        QCOMPARE(s.topValues[0].count, 5);
        QCOMPARE(s.topValues[1].count, 2);
        QCOMPARE(s.histogram.counts, (std::vector<int64_t>{2, 5}));
    }

    void dateColumnRangeAndHistogram()
    {
        const auto ms = [](int y, int m, int d) {
            return (QDate(y, m, d).toJulianDay() - QDate(1970, 1, 1).toJulianDay()) * 86400000;
        };
        std::vector<int64_t> v = {ms(2024, 1, 1), ms(2024, 3, 15), kNA, ms(2023, 12, 31), ms(2024, 1, 1)};
        for (int i = 0; i < 40; ++i)
            v.push_back(ms(2024, 2, 1) + int64_t(i) * 86400000);
        const ColumnStats s = computeColumnStats(intColumn(QStringLiteral("day"), v, ColumnType::Date));
        QCOMPARE(s.count, 44);
        QCOMPARE(s.missing, 1);
        QCOMPARE(s.distinct, 43);
        QCOMPARE(s.firstTimestamp, double(ms(2023, 12, 31)));
        QCOMPARE(s.lastTimestamp, double(ms(2024, 3, 15)));
        QVERIFY(std::isnan(s.mean));
        checkHistogram(s);
        const QJsonObject json = s.toJson();
        QCOMPARE(json.value(QStringLiteral("first")).toString(), QStringLiteral("2023-12-31"));
        QCOMPARE(json.value(QStringLiteral("last")).toString(), QStringLiteral("2024-03-15"));
    }

    void integerIdentifier()
    {
        const ColumnStats s = computeColumnStats(intColumn(QStringLiteral("id"), {105, 101, 103, 102, 104, 101},
                                                           ColumnType::Identifier));
        QCOMPARE(s.distinct, 5);
        QCOMPARE(s.topValues.size(), size_t(5));
        QCOMPARE(s.topValues[0].value, QStringLiteral("101"));
        QCOMPARE(s.topValues[0].count, 2);
        QCOMPARE(s.topValues[1].value, QStringLiteral("102"));
        QVERIFY(std::isnan(s.mean));
    }

    void degenerateColumns()
    {
        const ColumnStats empty = computeColumnStats(realColumn(QStringLiteral("e"), {kNaN, kNaN}));
        QCOMPARE(empty.count, 0);
        QCOMPARE(empty.missing, 2);
        QCOMPARE(empty.distinct, 0);
        QVERIFY(std::isnan(empty.mean) && std::isnan(empty.quantiles[3]));
        QVERIFY(empty.histogram.counts.empty());

        const ColumnStats one = computeColumnStats(realColumn(QStringLiteral("o"), {4.0}));
        QCOMPARE(one.mean, 4.0);
        QVERIFY(std::isnan(one.stddev));    // pandas: std of one value is NaN
        QVERIFY(std::isnan(one.skewness));  // and skew needs three
        QCOMPARE(one.histogram.counts, std::vector<int64_t>{1});

        const ColumnStats flat = computeColumnStats(intColumn(QStringLiteral("f"), {3, 3, 3, 3}));
        QCOMPARE(flat.stddev, 0.0);
        QCOMPARE(flat.skewness, 0.0);  // pandas returns 0 when the variance is 0
        QCOMPARE(flat.outliers, 0);

        const ColumnStats none = computeColumnStats(Column(QStringLiteral("z"), ColumnType::Real, Storage::Float64));
        QCOMPARE(none.count, 0);
        QCOMPARE(none.missing, 0);
    }

    void jsonRoundTrip()
    {
        const auto ms = [](int d) { return int64_t(d) * 86400000; };
        const Table t = makeTable({
            realColumn(QStringLiteral("x"), {1.5, kNaN, -2, kInf, 3, 3, 8}),
            intColumn(QStringLiteral("n"), {1, 2, kNA, 2, 5, 9, 1}),
            boolColumn(QStringLiteral("b"), {1, 0, -1, 1, 1, 0, 0}),
            stringColumn(QStringLiteral("c"), {"x", "y", nullptr, "x", "ü", "x", "y"}),
            stringColumn(QStringLiteral("id"), {"a1", "a2", "a3", "a4", "a5", "a6", "a7"}, ColumnType::Identifier),
            intColumn(QStringLiteral("d"), {ms(1), ms(5), ms(3), kNA, ms(9), ms(2), ms(2)}, ColumnType::DateTime),
            realColumn(QStringLiteral("nan"), {kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN}),
        });
        const std::vector<ColumnStats> stats = computeColumnStats(t);
        QCOMPARE(stats.size(), size_t(7));
        for (const ColumnStats &s : stats) {
            const QJsonObject json = s.toJson();
            for (const char *key : {"name", "type", "missing", "distinct", "count"})
                QVERIFY2(json.contains(QLatin1String(key)), key);
            QCOMPARE(json.value(QStringLiteral("type")).toString(), columnTypeName(s.type));
            // Through text, as the library stores it.
            const QJsonObject back = QJsonDocument::fromJson(QJsonDocument(json).toJson()).object();
            const ColumnStats r = ColumnStats::fromJson(back);
            QCOMPARE(r.name, s.name);
            QCOMPARE(r.type, s.type);
            QCOMPARE(r.count, s.count);
            QCOMPARE(r.missing, s.missing);
            QCOMPARE(r.distinct, s.distinct);
            for (auto [a, b] : {std::pair{r.mean, s.mean}, {r.stddev, s.stddev}, {r.min, s.min}, {r.max, s.max},
                                {r.skewness, s.skewness}, {r.firstTimestamp, s.firstTimestamp},
                                {r.lastTimestamp, s.lastTimestamp}, {r.lengthMin, s.lengthMin},
                                {r.lengthMean, s.lengthMean}, {r.lengthMax, s.lengthMax}})
                QVERIFY(near(a, b, 1e-15));
            for (size_t i = 0; i < 7; ++i)
                QVERIFY(near(r.quantiles[i], s.quantiles[i], 1e-15));
            QCOMPARE(r.zeros, s.zeros);
            QCOMPARE(r.outliers, s.outliers);
            QCOMPARE(r.infinities, s.infinities);
            QCOMPARE(r.histogram.edges, s.histogram.edges);
            QCOMPARE(r.histogram.counts, s.histogram.counts);
            QCOMPARE(r.topValues.size(), s.topValues.size());
            for (size_t i = 0; i < r.topValues.size(); ++i) {
                QCOMPARE(r.topValues[i].value, s.topValues[i].value);
                QCOMPARE(r.topValues[i].count, s.topValues[i].count);
            }
        }
        // NaN is written as null.
        const QJsonObject nan = stats[6].toJson();
        QVERIFY(nan.value(QStringLiteral("mean")).isNull());
        QVERIFY(nan.value(QStringLiteral("quantiles")).toObject().value(QStringLiteral("p50")).isNull());
        const QJsonObject x = stats[0].toJson();
        QCOMPARE(x.value(QStringLiteral("quantiles")).toObject().keys().size(), 7);
        QCOMPARE(x.value(QStringLiteral("infinities")).toInt(), 1);
    }

    void tableStatsInParallelMatchOneByOne()
    {
        std::vector<Column> cols;
        for (int k = 0; k < 8; ++k) {
            std::vector<double> v;
            for (int i = 0; i < 500; ++i)
                v.push_back(std::sin(i * (k + 1)) * 100);
            cols.push_back(realColumn(QStringLiteral("c%1").arg(k), v));
        }
        const Table t = makeTable(std::move(cols));
        QList<double> fractions;
        TaskContext ctx([&](double f, const QString &) { fractions << f; });
        const std::vector<ColumnStats> all = computeColumnStats(t, &ctx);
        QCOMPARE(all.size(), size_t(8));
        for (size_t i = 0; i < 8; ++i) {
            const ColumnStats one = computeColumnStats(t.column(i));
            QCOMPARE(all[i].name, one.name);
            QCOMPARE(all[i].mean, one.mean);
            QCOMPARE(all[i].quantiles, one.quantiles);
        }
        QVERIFY(!fractions.isEmpty());
        QCOMPARE(fractions.last(), 1.0);

        TaskContext canceled;
        canceled.cancel();
        QVERIFY(computeColumnStats(t, &canceled).empty());
    }
};

QTEST_GUILESS_MAIN(TestColumnStats)
#include "tst_column_stats.moc"
