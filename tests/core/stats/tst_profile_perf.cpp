// EASEL_TEST_LABEL: slow
// Times the profile of a generated 1 000 000 × 15 table, shaped like
// shared/data/make_large.py's output. Prints the times; asserts only on results.
#include "stats/profile.h"
#include "stats_test_util.h"

#include <QElapsedTimer>
#include <QTest>

#include <random>

#include <time.h>

using namespace easel;
using namespace easel::test;

class TestProfilePerf : public QObject
{
    Q_OBJECT

private:
    Table m_table;

    static Table generate(size_t rows)
    {
        std::mt19937_64 gen(42);
        std::normal_distribution<double> normal;
        std::uniform_real_distribution<double> uniform;
        std::vector<int64_t> id(rows), small(rows), date(rows);
        std::vector<double> g[4], logn(rows), noise1(rows), noise2(rows);
        for (auto &v : g)
            v.resize(rows);
        std::vector<int8_t> flag(rows), target(rows);
        Column cat5(QStringLiteral("segment"), ColumnType::Categorical, Storage::String);
        Column cat1000(QStringLiteral("store"), ColumnType::Categorical, Storage::String);
        Column text(QStringLiteral("comment"), ColumnType::Text, Storage::String);
        for (int i = 0; i < 5; ++i)
            cat5.dictionary().push_back("segment " + std::to_string(i));
        for (int i = 0; i < 1000; ++i)
            cat1000.dictionary().push_back("store-" + std::to_string(i));
        for (int i = 0; i < 100000; ++i)
            text.dictionary().push_back("note \"" + std::to_string(i * 7919 % 100003) + "\", checked");
        cat5.codes().resize(rows);
        cat1000.codes().resize(rows);
        text.codes().resize(rows);
        const int64_t day0 = 19000LL * 86400000;
        for (size_t r = 0; r < rows; ++r) {
            id[r] = int64_t(r) + 1;
            for (int k = 0; k < 4; ++k)
                g[k][r] = normal(gen);
            if (uniform(gen) < 0.08)
                g[3][r] = kNaN;
            small[r] = int64_t(uniform(gen) * 60);
            logn[r] = std::exp(normal(gen));
            noise1[r] = uniform(gen);
            noise2[r] = normal(gen) * 100;
            cat5.codes()[r] = uniform(gen) < 0.03 ? kMissingCode : int32_t(uniform(gen) * 5);
            cat1000.codes()[r] = int32_t(uniform(gen) * 1000);
            text.codes()[r] = int32_t(uniform(gen) * 100000);
            flag[r] = int8_t(uniform(gen) < 0.3);
            date[r] = day0 + int64_t(uniform(gen) * 3650) * 86400000;
            target[r] = int8_t(g[0][r] + 0.5 * g[1][r] + normal(gen) > 0.8);
        }
        return makeTable({intColumn(QStringLiteral("id"), id, ColumnType::Identifier), realColumn(QStringLiteral("f1"), g[0]),
                          realColumn(QStringLiteral("f2"), g[1]), realColumn(QStringLiteral("f3"), g[2]),
                          realColumn(QStringLiteral("f4"), g[3]), intColumn(QStringLiteral("visits"), small),
                          realColumn(QStringLiteral("spend"), logn), realColumn(QStringLiteral("noise1"), noise1),
                          realColumn(QStringLiteral("noise2"), noise2), std::move(cat5), std::move(cat1000),
                          std::move(text), boolColumn(QStringLiteral("member"), flag),
                          intColumn(QStringLiteral("signup"), date, ColumnType::Date),
                          boolColumn(QStringLiteral("target"), target)});
    }

    static double cpuMs()
    {
        timespec ts;
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
        return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
    }

    //! Wall-clock ms of fn; also prints the CPU ms all threads spent on it, which is
    //! what to read when other work shares the machine.
    template<typename Fn>
    static double timeMs(const char *what, Fn fn)
    {
        QElapsedTimer t;
        const double cpu0 = cpuMs();
        t.start();
        fn();
        const double wall = double(t.nsecsElapsed()) / 1e6;
        qInfo("%-34s %7.0f ms wall %7.0f ms cpu", what, wall, cpuMs() - cpu0);
        return wall;
    }

private Q_SLOTS:
    void initTestCase()
    {
        const double ms = timeMs("generate 1M x 15", [&] { m_table = generate(1000000); });
        qInfo("generated %zu x %zu in %.0f ms", m_table.rowCount(), m_table.columnCount(), ms);
    }

    void timings()
    {
        std::vector<ColumnStats> stats;
        const double statsMs = timeMs("column stats", [&] { stats = computeColumnStats(m_table); });
        QCOMPARE(stats.size(), size_t(15));
        QCOMPARE(stats[0].distinct, 1000000);
        int64_t dups = -1;
        const double dupMs = timeMs("duplicate rows", [&] { dups = countDuplicateRows(m_table); });
        QCOMPARE(dups, 0);
        CorrelationMatrix pearson, spearman, assoc;
        const double pearsonMs = timeMs("pearson", [&] { pearson = pearsonCorrelation(m_table); });
        const double spearmanMs = timeMs("spearman", [&] { spearman = spearmanCorrelation(m_table); });
        const double assocMs = timeMs("cramer's v", [&] { assoc = categoricalAssociation(m_table); });
        QCOMPARE(pearson.columns.size(), 10);
        std::vector<DataWarning> warnings;
        WarningOptions wo;
        wo.duplicateRows = dups;
        wo.pearson = &pearson;
        const double warnMs = timeMs("warnings", [&] { warnings = computeWarnings(m_table, stats, wo); });
        wo.target = QStringLiteral("target");
        const double warnTargetMs = timeMs("warnings with target", [&] { warnings = computeWarnings(m_table, stats, wo); });
        qInfo("column stats %.0f ms, duplicates %.0f ms, pearson %.0f ms, spearman %.0f ms, cramer %.0f ms, "
              "warnings %.0f ms (with target %.0f ms)",
              statsMs, dupMs, pearsonMs, spearmanMs, assocMs, warnMs, warnTargetMs);
        for (const DataWarning &w : warnings)
            qInfo("  %s: %s", qPrintable(warningKindName(w.kind)), qPrintable(w.message));

        Profile p;
        ProfileOptions po;
        const double profileMs = timeMs("whole profile", [&] { p = profileTable(m_table, po); });
        po.target = QStringLiteral("target");
        const double profileTargetMs = timeMs("whole profile, target", [&] { p = profileTable(m_table, po); });
        po.correlations = false;
        const double profileNoCorrMs = timeMs("whole profile, target, no matrices", [&] { p = profileTable(m_table, po); });
        qInfo("whole profile %.0f ms, with target %.0f ms, with target and no correlations %.0f ms",
              profileMs, profileTargetMs, profileNoCorrMs);
        QCOMPARE(p.columns.size(), size_t(15));
    }
};

QTEST_GUILESS_MAIN(TestProfilePerf)
#include "tst_profile_perf.moc"
