// The Parzen search of standard builds (and of quick builds after their portfolio).
#include "automl/search.h"

#include <QtTest>

#include <cmath>
#include <set>
#include <vector>

using namespace easel;

namespace {

const auto range = &ParamRange::of;

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

    //! A linear model's search on diamonds proposed l2 = 0.00100, 0.00104, 0.00111,
    //! 0.00116 … after the best point at the bound 0.001: each scored the same, filled
    //! the leaderboard with look-alikes and used up the quick build's patience. Now no
    //! two proposals are within 1 % of the range (here 0.08 of a decade) of each other.
    void neverProposesNearDuplicates()
    {
        ParzenSearch search({range("l2", ParamRange::Kind::LogReal, 1e-3, 1e5)}, 0, 2);
        std::vector<double> tried;  // log10(l2)
        for (int i = 0; i < 40; ++i) {
            const QJsonObject p = search.propose({});
            const double l2 = p.value("l2").toDouble();
            for (double t : tried)
                QVERIFY2(std::abs(std::log10(l2) - t) >= 0.08 * 0.999,
                         qPrintable(QStringLiteral("l2 = %1 is within 1 % of the range of 10^%2").arg(l2).arg(t)));
            tried.push_back(std::log10(l2));
            // A plateau at small values, as a linear model on plenty of rows has.
            search.observe(p, l2 < 1.0 ? 0.0 : -std::log(l2));
        }
    }

    //! In a space of several parameters, a point differing in one of them by more
    //! than 1 % of its range is a new point.
    void aPointDifferingInOneParameterIsNew()
    {
        ParzenSearch search({range("a", ParamRange::Kind::Real, 0, 1), range("b", ParamRange::Kind::Real, 0, 1)}, 5, 5);
        std::vector<std::pair<double, double>> tried;
        for (int i = 0; i < 60; ++i) {
            const QJsonObject p = search.propose({});
            const double a = p.value("a").toDouble(), b = p.value("b").toDouble();
            for (const auto &[ta, tb] : tried)
                QVERIFY(std::abs(a - ta) >= 0.01 * 0.999 || std::abs(b - tb) >= 0.01 * 0.999);
            tried.emplace_back(a, b);
            search.observe(p, -(a - 0.3) * (a - 0.3) - (b - 0.7) * (b - 0.7));
        }
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
