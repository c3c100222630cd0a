// Tests of the sorting behind column statistics (core/stats/radix_sort.h): the
// same order as std::sort on spread, crowded, repeated and signed values.
#include "stats/radix_sort.h"

#include <QTest>

#include <cmath>
#include <limits>
#include <random>

using namespace easel::detail;

namespace {

//! Sorts values through sort keys, as the column statistics do.
std::vector<double> sortedByKeys(const std::vector<double> &values)
{
    std::vector<double> keys;
    HighDigitCounts digits;
    for (double v : values) {
        const uint64_t key = sortKey(v);
        keys.push_back(std::bit_cast<double>(key));
        digits.add(key);
    }
    sortKeysHighFirst(keys, digits);
    for (double &k : keys)
        k = fromSortKey(std::bit_cast<uint64_t>(k));
    return keys;
}

} // namespace

class TestRadixSort : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sortKeyKeepsOrderAndRoundTrips()
    {
        const double values[] = {-std::numeric_limits<double>::infinity(), -1e300, -2.5, -1e-310, -0.0, 0.0,
                                 1e-310, 2.5, 1e300, std::numeric_limits<double>::infinity()};
        for (size_t i = 0; i < std::size(values); ++i) {
            QCOMPARE(std::bit_cast<uint64_t>(fromSortKey(sortKey(values[i]))), std::bit_cast<uint64_t>(values[i]));
            if (i > 0)
                QVERIFY(sortKey(values[i - 1]) < sortKey(values[i]));
        }
    }

    void sortsLikeStdSort_data()
    {
        QTest::addColumn<int>("kind");
        QTest::newRow("normal, six digits") << 0;
        QTest::newRow("crowded: 1e15 + i") << 1;
        QTest::newRow("few repeated values") << 2;
        QTest::newRow("all equal") << 3;
        QTest::newRow("tiny and huge, both signs") << 4;
        QTest::newRow("small column") << 5;
    }

    void sortsLikeStdSort()
    {
        QFETCH(int, kind);
        std::mt19937_64 rng(uint64_t(kind) + 7);
        std::normal_distribution<double> normal;
        const size_t n = kind == 5 ? 100 : 300000;
        std::vector<double> values(n);
        for (size_t i = 0; i < n; ++i) {
            switch (kind) {
            case 0: values[i] = std::round(normal(rng) * 1e5) / 1e5; break;
            case 1: values[i] = 1e15 + double(rng() % 1000000); break;  // all share the top bits
            case 2: values[i] = double(rng() % 7) - 3.0; break;
            case 3: values[i] = 4.25; break;
            case 4: values[i] = std::ldexp(normal(rng), int(rng() % 2000) - 1000); break;
            default: values[i] = normal(rng); break;
            }
        }
        std::vector<double> expected = values;
        std::sort(expected.begin(), expected.end());
        const std::vector<double> got = sortedByKeys(values);
        QCOMPARE(got.size(), expected.size());
        for (size_t i = 0; i < n; ++i)
            if (std::bit_cast<uint64_t>(got[i]) != std::bit_cast<uint64_t>(expected[i]))
                QFAIL(qPrintable(QStringLiteral("position %1: %2 instead of %3").arg(i).arg(got[i]).arg(expected[i])));
    }
};

QTEST_GUILESS_MAIN(TestRadixSort)
#include "tst_radix_sort.moc"
