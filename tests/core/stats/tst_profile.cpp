// profileTable ties stats, duplicates, correlations and warnings together.
#include "stats/profile.h"
#include "stats_test_util.h"

#include <QTest>

using namespace easel;
using namespace easel::test;

class TestProfile : public QObject
{
    Q_OBJECT

private:
    static Table smallTable()
    {
        return makeTable({
            intColumn(QStringLiteral("id"), {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, ColumnType::Identifier),
            realColumn(QStringLiteral("fare"), {5, 7.5, 12, 3, 8, 20, 6.5, 9, 11, 4, 4}),
            realColumn(QStringLiteral("total"), {8.1, 10.4, 15.2, 6.0, 11.1, 23.3, 9.4, 12.1, 14.2, 7.0, 7.0}),
            stringColumn(QStringLiteral("payment"), {"card", "cash", "card", "card", "cash", "card", "card", "cash",
                                                    "card", "card", "card"}),
            boolColumn(QStringLiteral("tip"), {1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 1}),
        });
    }

private Q_SLOTS:
    void profileHasEverything()
    {
        QList<double> fractions;
        TaskContext ctx([&](double f, const QString &) { fractions << f; });
        ProfileOptions options;
        options.target = QStringLiteral("total");
        const Profile p = profileTable(smallTable(), options, &ctx);
        QCOMPARE(p.columns.size(), size_t(5));
        QCOMPARE(p.columns[1].name, QStringLiteral("fare"));
        QCOMPARE(p.duplicateRows, 0);  // the last row differs from row 10 only by its id
        QCOMPARE(p.pearson.columns, (QStringList{"fare", "total", "tip"}));
        QCOMPARE(p.spearman.columns, p.pearson.columns);
        QCOMPARE(p.association.columns, (QStringList{"payment", "tip"}));
        QVERIFY(std::abs(p.association.at(0, 1) - 1.0) < 1e-12);  // cash ⇔ no tip
        bool leak = false;
        for (const DataWarning &w : p.warnings)
            leak = leak || (w.kind == WarningKind::TargetLeak && w.column == QStringLiteral("fare"));
        QVERIFY(leak);
        QVERIFY(!fractions.isEmpty());
        for (int i = 1; i < fractions.size(); ++i)
            QVERIFY2(fractions[i] >= fractions[i - 1], "progress goes forward only");
        QCOMPARE(fractions.last(), 1.0);
    }

    void withoutCorrelations()
    {
        ProfileOptions options;
        options.correlations = false;
        const Profile p = profileTable(smallTable(), options);
        QVERIFY(p.pearson.isEmpty() && p.spearman.isEmpty() && p.association.isEmpty());
        QCOMPARE(p.columns.size(), size_t(5));
    }

    void canceledIsEmpty()
    {
        TaskContext ctx;
        ctx.cancel();
        const Profile p = profileTable(smallTable(), {}, &ctx);
        QVERIFY(p.columns.empty());
        QVERIFY(p.warnings.empty());
        QVERIFY(p.pearson.isEmpty());

        // Canceled from inside, while the statistics are being computed.
        TaskContext midway([&](double f, const QString &) {
            if (f > 0.1)
                midway.cancel();
        });
        QVERIFY(profileTable(smallTable(), {}, &midway).columns.empty());
    }
};

QTEST_GUILESS_MAIN(TestProfile)
#include "tst_profile.moc"
