// The Parzen search of standard builds (and of quick builds after their portfolio).
#include "automl/search.h"

#include <QtTest>

#include <set>

using namespace easel;

namespace {

ParamRange range(const char *name, ParamRange::Kind kind, double low, double high)
{
    ParamRange r;
    r.name = QLatin1String(name);
    r.kind = kind;
    r.low = low;
    r.high = high;
    return r;
}

} // namespace

class TestSearch : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    //! Proposals stay inside the ranges, integers are integers, base keys survive.
    void proposalsStayInRange()
    {
        ParzenSearch search({range("depth", ParamRange::Kind::Integer, 3, 10),
                             range("rate", ParamRange::Kind::LogReal, 0.01, 0.3)},
                            7);
        const QJsonObject base{{"kept", 42}};
        for (int i = 0; i < 40; ++i) {
            const QJsonObject p = search.propose(base);
            QCOMPARE(p.value("kept").toInt(), 42);
            const double depth = p.value("depth").toDouble();
            QCOMPARE(depth, std::round(depth));
            QVERIFY(depth >= 3 && depth <= 10);
            const double rate = p.value("rate").toDouble();
            QVERIFY(rate >= 0.01 - 1e-12 && rate <= 0.3 + 1e-12);
            search.observe(p, -std::abs(rate - 0.05) - 0.01 * std::abs(depth - 6));
        }
    }

    //! The best point on a bound of a one-parameter space drew that bound again and
    //! again (taxis: four linear trials at l2 = 0.001 in one quick build). Now each
    //! proposal is one not tried yet.
    void neverProposesWhatItHasTried()
    {
        ParzenSearch search({range("l2", ParamRange::Kind::LogReal, 1e-3, 1e5)}, 0, 2);
        std::set<double> tried;
        for (int i = 0; i < 30; ++i) {
            const QJsonObject p = search.propose({});
            const double l2 = p.value("l2").toDouble();
            QVERIFY2(tried.insert(l2).second, qPrintable(QStringLiteral("l2 = %1 proposed twice").arg(l2)));
            // Smaller is better: the good region is the lower bound.
            search.observe(p, -std::log(l2));
        }
        // It still searches near the best: most proposals after the start are small.
        QVERIFY(*tried.begin() < 2e-3);
    }

    //! A small integer space is used up rather than repeated while points are left.
    void integerSpaceIsCoveredWithoutRepeats()
    {
        ParzenSearch search({range("depth", ParamRange::Kind::Integer, 1, 6)}, 3, 1);
        std::set<int> tried;
        for (int i = 0; i < 6; ++i) {
            const QJsonObject p = search.propose({});
            tried.insert(p.value("depth").toInt());
            search.observe(p, double(p.value("depth").toInt()));
        }
        QCOMPARE(tried.size(), size_t(6));
    }

    //! Same seed, same observations: the same proposals.
    void deterministic()
    {
        auto run = [] {
            ParzenSearch search({range("a", ParamRange::Kind::Real, 0, 1), range("b", ParamRange::Kind::Integer, 0, 5)},
                                11);
            QList<QJsonObject> out;
            for (int i = 0; i < 12; ++i) {
                const QJsonObject p = search.propose({});
                out << p;
                search.observe(p, p.value("a").toDouble() + p.value("b").toDouble());
            }
            return out;
        };
        QCOMPARE(run(), run());
    }
};

QTEST_GUILESS_MAIN(TestSearch)
#include "tst_search.moc"
