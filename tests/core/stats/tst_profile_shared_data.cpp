// Profiles real data sets from shared/data (read with easel::readCsv) and checks
// figures computed independently with pandas 2 (read_csv, Series.mean/std/skew,
// numpy.quantile, DataFrame.duplicated, Series.corr).
#include "data/csv_reader.h"
#include "stats/profile.h"
#include "stats_test_util.h"

#include <QTest>

using namespace easel;
using namespace easel::test;

namespace {

bool hasWarning(const Profile &p, WarningKind kind, const QString &column)
{
    for (const DataWarning &w : p.warnings)
        if (w.kind == kind && w.column == column)
            return true;
    return false;
}

const ColumnStats *statsOf(const Profile &p, const QString &name)
{
    for (const ColumnStats &s : p.columns)
        if (s.name == name)
            return &s;
    return nullptr;
}

} // namespace

class TestProfileSharedData : public QObject
{
    Q_OBJECT

private:
    static std::shared_ptr<Table> read(const char *file)
    {
        auto import = readCsv(QStringLiteral(EASEL_SHARED_DATA_DIR "/") + QLatin1String(file));
        if (!import.ok()) {
            qWarning("%s", qPrintable(import.error().toString()));
            return nullptr;
        }
        return import->table;
    }

private Q_SLOTS:
    void tips()
    {
        const auto t = read("tips.csv");
        QVERIFY(t);
        const Profile p = profileTable(*t, {QStringLiteral("tip"), true});
        const ColumnStats *bill = statsOf(p, QStringLiteral("total_bill"));
        QVERIFY(bill);
        QCOMPARE(bill->count, 244);
        QCOMPARE(bill->distinct, 229);
        EASEL_COMPARE_NEAR(bill->mean, 19.78594262295082);
        EASEL_COMPARE_NEAR(bill->stddev, 8.9024119548568557);
        EASEL_COMPARE_NEAR(bill->skewness, 1.1332130376158205);
        const double q[] = {7.25, 9.5575, 13.3475, 17.795, 24.1275, 38.061, 48.227};
        for (size_t i = 0; i < 7; ++i)
            EASEL_COMPARE_NEAR(bill->quantiles[i], q[i]);
        const ColumnStats *day = statsOf(p, QStringLiteral("day"));
        QVERIFY(day);
        QCOMPARE(day->topValues.size(), size_t(4));
        QCOMPARE(day->topValues[0].value, QStringLiteral("Sat"));
        QCOMPARE(day->topValues[0].count, 87);
        QCOMPARE(day->topValues[3].value, QStringLiteral("Fri"));
        QCOMPARE(day->topValues[3].count, 19);
        QCOMPARE(p.duplicateRows, 1);
        QVERIFY(!hasWarning(p, WarningKind::TargetLeak, QStringLiteral("total_bill")));
    }

    void taxisLeak()
    {
        const auto t = read("taxis.csv");
        QVERIFY(t);
        const Profile p = profileTable(*t, {QStringLiteral("total"), true});
        // pandas: fare.corr(total) = 0.974358
        const int fare = p.pearson.indexOf(QStringLiteral("fare")), total = p.pearson.indexOf(QStringLiteral("total"));
        QVERIFY(fare >= 0 && total >= 0);
        QVERIFY(std::abs(p.pearson.at(fare, total) - 0.974358) < 1e-6);
        QVERIFY(hasWarning(p, WarningKind::TargetLeak, QStringLiteral("fare")));
        QVERIFY(!hasWarning(p, WarningKind::TargetLeak, QStringLiteral("tip")));  // r = 0.65
        QVERIFY(!hasWarning(p, WarningKind::TargetLeak, QStringLiteral("distance")));  // r = 0.905
    }

    void titanic()
    {
        const auto t = read("titanic.csv");
        QVERIFY(t);
        const Profile p = profileTable(*t, {QStringLiteral("survived"), true});
        QCOMPARE(p.duplicateRows, 0);
        QCOMPARE(statsOf(p, QStringLiteral("age"))->missing, 177);
        QCOMPARE(statsOf(p, QStringLiteral("name"))->distinct, 891);
        QCOMPARE(statsOf(p, QStringLiteral("ticket"))->distinct, 681);
        QVERIFY(hasWarning(p, WarningKind::MostlyMissing, QStringLiteral("cabin")));  // 687 of 891
        QVERIFY(!hasWarning(p, WarningKind::MostlyMissing, QStringLiteral("age")));
        // Free text, whose words the build reads: not an ID to leave out.
        QVERIFY(!hasWarning(p, WarningKind::IdentifierLike, QStringLiteral("name")));
        QVERIFY(hasWarning(p, WarningKind::HighCardinality, QStringLiteral("name")));
        QVERIFY(hasWarning(p, WarningKind::HighCardinality, QStringLiteral("ticket")));
        QVERIFY(!hasWarning(p, WarningKind::ClassImbalance, QStringLiteral("survived")));  // 38 % survived
        for (const DataWarning &w : p.warnings)
            QVERIFY2(w.kind != WarningKind::TargetLeak, qPrintable(w.message));
    }

    void bankMarketing()
    {
        const auto t = read("bank_marketing.csv");
        QVERIFY(t);
        const Profile p = profileTable(*t, {QStringLiteral("y"), true});
        QCOMPARE(p.duplicateRows, 2);
        QVERIFY(hasWarning(p, WarningKind::DuplicateRows, QString()));
        QVERIFY(hasWarning(p, WarningKind::ClassImbalance, QStringLiteral("y")));  // 11.3 % yes
        // duration leaks by meaning (known only after the call) but alone gets 89.4 % right
        // against a 88.7 % baseline: not a statistical near-perfect predictor.
        QVERIFY(!hasWarning(p, WarningKind::TargetLeak, QStringLiteral("duration")));
        for (const DataWarning &w : p.warnings)
            qInfo("%s: %s", qPrintable(warningKindName(w.kind)), qPrintable(w.message));
    }
};

QTEST_GUILESS_MAIN(TestProfileSharedData)
#include "tst_profile_shared_data.moc"
