// Each warning kind: one table that fires it, one clean table where it stays quiet.
#include "stats/warnings.h"
#include "stats_test_util.h"

#include <QTest>

#include <random>

using namespace easel;
using namespace easel::test;

namespace {

//! Deterministic noise: uniform in [0, 1) and standard normal.
struct Noise
{
    std::mt19937 gen{12345};
    double uniform() { return double(gen()) / 4294967296.0; }
    double normal()
    {
        const double u = std::max(uniform(), 1e-12), v = uniform();
        return std::sqrt(-2 * std::log(u)) * std::cos(2 * M_PI * v);
    }
};

std::vector<DataWarning> warningsFor(const Table &t, const QString &target = {})
{
    WarningOptions o;
    o.target = target;
    return computeWarnings(t, computeColumnStats(t), o);
}

std::vector<DataWarning> ofKind(const std::vector<DataWarning> &all, WarningKind kind)
{
    std::vector<DataWarning> out;
    for (const DataWarning &w : all)
        if (w.kind == kind)
            out.push_back(w);
    return out;
}

QString describe(const std::vector<DataWarning> &all)
{
    QStringList lines;
    for (const DataWarning &w : all)
        lines << warningKindName(w.kind) + QStringLiteral(": ") + w.message;
    return lines.join(QLatin1Char('\n'));
}

//! 400 rows of unrelated, well-behaved columns; "label" is a balanced class that
//! depends on x1 only loosely, "amount" a number that depends on x1 loosely.
Table cleanTable(int rows = 400)
{
    Noise noise;
    std::vector<double> x1, x2, amount;
    std::vector<int64_t> count;
    std::vector<const char *> color, label;
    std::vector<int8_t> flag;
    const char *colors[] = {"red", "green", "blue", "grey"};
    for (int i = 0; i < rows; ++i) {
        const double a = noise.normal();
        x1.push_back(a);
        x2.push_back(noise.normal() * 3 + 10);
        amount.push_back(50 + 10 * a + 15 * noise.normal());
        count.push_back(int64_t(noise.uniform() * 8));
        color.push_back(colors[int(noise.uniform() * 4)]);
        label.push_back(a + noise.normal() > 0 ? "yes" : "no");
        flag.push_back(int8_t(noise.uniform() < 0.4));
    }
    return makeTable({realColumn(QStringLiteral("x1"), x1), realColumn(QStringLiteral("x2"), x2),
                      realColumn(QStringLiteral("amount"), amount), intColumn(QStringLiteral("count"), count),
                      stringColumn(QStringLiteral("color"), color), boolColumn(QStringLiteral("flag"), flag),
                      stringColumn(QStringLiteral("label"), label)});
}

Table withColumn(Table t, Column c)
{
    t.addColumn(std::move(c));
    return t;
}

} // namespace

class TestWarnings : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void kindNamesAreStable()
    {
        QCOMPARE(warningKindName(WarningKind::Constant), QStringLiteral("constant"));
        QCOMPARE(warningKindName(WarningKind::MostlyMissing), QStringLiteral("mostly_missing"));
        QCOMPARE(warningKindName(WarningKind::IdentifierLike), QStringLiteral("identifier_like"));
        QCOMPARE(warningKindName(WarningKind::HighCardinality), QStringLiteral("high_cardinality"));
        QCOMPARE(warningKindName(WarningKind::DuplicateRows), QStringLiteral("duplicate_rows"));
        QCOMPARE(warningKindName(WarningKind::ClassImbalance), QStringLiteral("class_imbalance"));
        QCOMPARE(warningKindName(WarningKind::TargetLeak), QStringLiteral("target_leak"));
        QCOMPARE(warningKindName(WarningKind::NearDuplicatePair), QStringLiteral("near_duplicate_pair"));
    }

    void cleanDataHasNoWarnings()
    {
        const Table t = cleanTable();
        for (const QString &target : {QString(), QStringLiteral("label"), QStringLiteral("amount"), QStringLiteral("flag")}) {
            const auto w = warningsFor(t, target);
            QVERIFY2(w.empty(), qPrintable(target + QStringLiteral(": ") + describe(w)));
        }
    }

    void constant()
    {
        std::vector<const char *> same(400, "EUR");
        auto w = ofKind(warningsFor(withColumn(cleanTable(), stringColumn(QStringLiteral("currency"), same))),
                        WarningKind::Constant);
        QCOMPARE(w.size(), size_t(1));
        QCOMPARE(w[0].column, QStringLiteral("currency"));
        QVERIFY(w[0].message.startsWith(QStringLiteral("currency has the same value (\u201cEUR\u201d) in every row")));
        QVERIFY(w[0].message.endsWith(QStringLiteral("Easel will leave it out.")));

        std::vector<int64_t> mostlySame(400, 3);
        mostlySame[7] = kNA;
        w = ofKind(warningsFor(withColumn(cleanTable(), intColumn(QStringLiteral("n"), mostlySame))), WarningKind::Constant);
        QCOMPARE(w.size(), size_t(1));
        QVERIFY(w[0].message.contains(QStringLiteral("(\u201c3\u201d) in every row that has a value")));

        // As the target it gets its own advice.
        w = ofKind(warningsFor(withColumn(cleanTable(), stringColumn(QStringLiteral("c"), same)), QStringLiteral("c")),
                   WarningKind::Constant);
        QCOMPARE(w.size(), size_t(1));
        QVERIFY(w[0].message.contains(QStringLiteral("Choose another target")));

        // Two values are not constant.
        std::vector<int64_t> two(400, 3);
        two[0] = 4;
        QVERIFY(ofKind(warningsFor(withColumn(cleanTable(), intColumn(QStringLiteral("n"), two))), WarningKind::Constant).empty());
    }

    void mostlyMissing()
    {
        Noise noise;
        std::vector<double> sparse, half;
        for (int i = 0; i < 400; ++i) {
            sparse.push_back(i % 5 < 3 ? kNaN : noise.normal());  // 60 % missing
            half.push_back(i % 2 ? kNaN : noise.normal());         // exactly 50 %: not "more than half"
        }
        const auto w = ofKind(warningsFor(withColumn(withColumn(cleanTable(), realColumn(QStringLiteral("cabin"), sparse)),
                                                     realColumn(QStringLiteral("half"), half))),
                              WarningKind::MostlyMissing);
        QCOMPARE(w.size(), size_t(1));
        QCOMPARE(w[0].column, QStringLiteral("cabin"));
        QCOMPARE(w[0].value, 0.6);
        QVERIFY2(w[0].message.startsWith(QStringLiteral("cabin is empty in 60 % of rows (240 of 400)")), qPrintable(w[0].message));

        const auto all = warningsFor(withColumn(cleanTable(), realColumn(QStringLiteral("void"), std::vector<double>(400, kNaN))));
        QCOMPARE(all.size(), size_t(1));
        QCOMPARE(all[0].kind, WarningKind::MostlyMissing);
        QCOMPARE(all[0].value, 1.0);
        QVERIFY(all[0].message.contains(QStringLiteral("empty in every row")));
    }

    void identifierLike()
    {
        std::vector<int64_t> ids;
        std::vector<std::string> names;
        std::vector<double> measured;
        std::vector<int64_t> spread;
        Noise noise;
        for (int i = 0; i < 400; ++i) {
            ids.push_back(1000 + i);
            names.push_back(QStringLiteral("Passenger %1").arg(i).toStdString());
            measured.push_back(noise.normal());
            spread.push_back(int64_t(i) * 997 + int64_t(noise.uniform() * 500));  // unique, but not a counter
        }
        std::vector<const char *> nameView;
        for (const std::string &s : names)
            nameView.push_back(s.c_str());
        Table t = cleanTable();
        t.addColumn(intColumn(QStringLiteral("customer_id"), ids));
        t.addColumn(stringColumn(QStringLiteral("name"), nameView, ColumnType::Text));
        t.addColumn(stringColumn(QStringLiteral("key"), nameView, ColumnType::Identifier));
        t.addColumn(realColumn(QStringLiteral("measured"), measured));
        t.addColumn(intColumn(QStringLiteral("income"), spread));
        const auto all = warningsFor(t);
        const auto w = ofKind(all, WarningKind::IdentifierLike);
        QCOMPARE(w.size(), size_t(2));
        QCOMPARE(w[0].column, QStringLiteral("customer_id"));
        QCOMPARE(w[0].message, QStringLiteral("customer_id has a different value in every row, so it can't help "
                                              "predict anything. Easel will leave it out."));
        QCOMPARE(w[1].column, QStringLiteral("key"));
        // Free text with a different value in every row is not an ID: the build reads its
        // words. Identifier-like columns are not also "high cardinality".
        const auto text = ofKind(all, WarningKind::HighCardinality);
        QCOMPARE(text.size(), size_t(1));
        QCOMPARE(text[0].column, QStringLiteral("name"));
        QCOMPARE(text[0].message, QStringLiteral("name looks like free text (400 different values in 400 rows). Easel "
                                                 "reads the words that repeat in it, such as a title or a product "
                                                 "name, not each whole text."));
    }

    void highCardinality()
    {
        std::vector<std::string> levels;
        for (int i = 0; i < 150; ++i)
            levels.push_back(QStringLiteral("zone %1").arg(i).toStdString());
        std::vector<const char *> many, few, manyInLongTable;
        for (int i = 0; i < 400; ++i) {
            many.push_back(levels[size_t(i % 150)].c_str());
            few.push_back(levels[size_t(i % 50)].c_str());
        }
        auto w = ofKind(warningsFor(withColumn(withColumn(cleanTable(), stringColumn(QStringLiteral("zone"), many)),
                                               stringColumn(QStringLiteral("area"), few))),
                        WarningKind::HighCardinality);
        QCOMPARE(w.size(), size_t(1));
        QCOMPARE(w[0].column, QStringLiteral("zone"));
        QCOMPARE(w[0].value, 150.0);
        QVERIFY(w[0].message.startsWith(QStringLiteral("zone has 150 different values in 400 rows")));

        // 150 levels in 4 000 rows (under 10 %): each level has enough rows.
        for (int i = 0; i < 4000; ++i)
            manyInLongTable.push_back(levels[size_t(i % 150)].c_str());
        w = ofKind(warningsFor(withColumn(cleanTable(4000), stringColumn(QStringLiteral("zone"), manyInLongTable))),
                   WarningKind::HighCardinality);
        QVERIFY(w.empty());
    }

    void duplicateRows()
    {
        const Table t = makeTable({
            realColumn(QStringLiteral("x"), {1, 2, kNaN, 1, kNaN, 2, 1, -0.0, 0.0}),
            stringColumn(QStringLiteral("s"), {"a", "b", "c", "a", "c", "b", "a", "z", "z"}),
            boolColumn(QStringLiteral("b"), {1, 0, -1, 1, -1, 1, 1, 0, 0}),
        });
        // pandas DataFrame.duplicated().sum(): rows 3, 4, 6 and 8 (NaN equals NaN, -0.0 equals 0.0).
        QCOMPARE(countDuplicateRows(t), 4);
        const std::vector<ColumnStats> stats = computeColumnStats(t);
        QCOMPARE(countDuplicateRows(t, &stats), 4);
        // A column whose values all differ (an identifier) settles it at once; one that
        // differs except for two missing values does not.
        const Table withId = withColumn(t, intColumn(QStringLiteral("id"), {0, 1, 2, 3, 4, 5, 6, 7, 8}));
        const std::vector<ColumnStats> idStats = computeColumnStats(withId);
        QCOMPARE(countDuplicateRows(withId, &idStats), 0);
        QCOMPARE(countDuplicateRows(withId), 0);
        const Table withGaps = withColumn(t, realColumn(QStringLiteral("gappy"), {0, 1, kNaN, 3, kNaN, 5, 6, 7, 8}));
        const std::vector<ColumnStats> gapStats = computeColumnStats(withGaps);
        QCOMPARE(countDuplicateRows(withGaps, &gapStats), 1);  // row 4 repeats row 2, missing values and all
        const auto w = ofKind(warningsFor(t), WarningKind::DuplicateRows);
        QCOMPARE(w.size(), size_t(1));
        QCOMPARE(w[0].column, QString());
        QCOMPARE(w[0].value, 4.0);
        QVERIFY2(w[0].message.startsWith(QStringLiteral("4 rows (44 % of the table) repeat an earlier row exactly.")),
                 qPrintable(w[0].message));
        QCOMPARE(countDuplicateRows(cleanTable()), 0);
        QCOMPARE(countDuplicateRows(Table()), 0);
        // A precomputed count is used as given.
        WarningOptions o;
        o.duplicateRows = 0;
        QVERIFY(ofKind(computeWarnings(t, computeColumnStats(t), o), WarningKind::DuplicateRows).empty());
    }

    void classImbalance()
    {
        std::vector<const char *> rare;
        std::vector<int64_t> three, threeOk;
        for (int i = 0; i < 400; ++i) {
            rare.push_back(i % 10 == 0 ? "yes" : "no");            // 10 % yes
            three.push_back(i % 10 == 0 ? 2 : i % 2);              // smallest 10 % < 40 %/3
            threeOk.push_back(i % 20 < 3 ? 2 : (i % 20 < 12 ? 0 : 1)); // smallest 15 % ≥ 13.3 %
        }
        Table t = cleanTable();
        t.addColumn(stringColumn(QStringLiteral("y"), rare));
        t.addColumn(intColumn(QStringLiteral("grade"), three));
        t.addColumn(intColumn(QStringLiteral("grade_ok"), threeOk));
        auto w = ofKind(warningsFor(t, QStringLiteral("y")), WarningKind::ClassImbalance);
        QCOMPARE(w.size(), size_t(1));
        QCOMPARE(w[0].column, QStringLiteral("y"));
        QCOMPARE(w[0].value, 0.1);
        QCOMPARE(w[0].message, QStringLiteral("Only 10 % of rows (40 of 400) have \u201cyes\u201d in y. A model can look "
                                              "accurate while mostly missing them, so check how many of them it "
                                              "finds (recall), not just accuracy."));
        w = ofKind(warningsFor(t, QStringLiteral("grade")), WarningKind::ClassImbalance);
        QCOMPARE(w.size(), size_t(1));
        QVERIFY(w[0].message.contains(QStringLiteral("\u201c2\u201d in grade")));
        QVERIFY(ofKind(warningsFor(t, QStringLiteral("grade_ok")), WarningKind::ClassImbalance).empty());
        // Without a target there is nothing to be imbalanced.
        QVERIFY(ofKind(warningsFor(t), WarningKind::ClassImbalance).empty());
    }

    void targetLeakNumeric()
    {
        Table t = cleanTable();
        Noise noise;
        std::vector<double> fee;
        const auto &amount = t.column(size_t(t.indexOf(QStringLiteral("amount")))).doubles();
        for (double a : amount)
            fee.push_back(0.9 * a - 3 + 0.3 * noise.normal());
        t.addColumn(realColumn(QStringLiteral("fee"), fee));
        auto w = ofKind(warningsFor(t, QStringLiteral("amount")), WarningKind::TargetLeak);
        QCOMPARE(w.size(), size_t(1));
        QCOMPARE(w[0].column, QStringLiteral("fee"));
        QCOMPARE(w[0].otherColumn, QStringLiteral("amount"));
        QVERIFY(w[0].value >= 0.98);
        QVERIFY(w[0].message.startsWith(QStringLiteral("fee predicts amount almost perfectly (correlation 0.99")));
        // fee ~ amount is no near-duplicate pair: amount is the target.
        QVERIFY(ofKind(warningsFor(t, QStringLiteral("amount")), WarningKind::NearDuplicatePair).empty());
        // Without a target: no leak, but a near-duplicate pair.
        QVERIFY(ofKind(warningsFor(t), WarningKind::TargetLeak).empty());
        QCOMPARE(ofKind(warningsFor(t), WarningKind::NearDuplicatePair).size(), size_t(1));
    }

    void targetLeakClassification()
    {
        Table t = cleanTable();
        const Column &label = t.column(size_t(t.indexOf(QStringLiteral("label"))));
        std::vector<const char *> outcome, idLike;
        std::vector<double> score;
        std::vector<std::string> ids;
        Noise noise;
        for (size_t r = 0; r < label.size(); ++r) {
            const bool yes = label.textAt(r) == QStringLiteral("yes");
            // Recorded after the fact: two spellings per class, one row in 400 wrong.
            outcome.push_back(r == 5 ? (yes ? "lost" : "won") : (yes ? (r % 2 ? "won" : "WON") : (r % 2 ? "lost" : "LOST")));
            score.push_back((yes ? 1.0 : -1.0) * (0.5 + noise.uniform()));  // a threshold at 0 separates them
            ids.push_back(QStringLiteral("%1-%2").arg(r).arg(yes).toStdString());
        }
        for (const std::string &s : ids)
            idLike.push_back(s.c_str());
        t.addColumn(stringColumn(QStringLiteral("outcome"), outcome));
        t.addColumn(realColumn(QStringLiteral("score"), score));
        // Perfect per-value predictors that mean nothing: an ID, and a category with a level per row.
        t.addColumn(stringColumn(QStringLiteral("ticket"), idLike, ColumnType::Identifier));
        t.addColumn(stringColumn(QStringLiteral("note"), idLike, ColumnType::Text));
        const auto all = warningsFor(t, QStringLiteral("label"));
        const auto w = ofKind(all, WarningKind::TargetLeak);
        QCOMPARE(w.size(), size_t(2));
        QCOMPARE(w[0].column, QStringLiteral("outcome"));
        QCOMPARE(w[0].value, 399.0 / 400.0);
        QCOMPARE(w[0].message.left(55), QStringLiteral("outcome alone tells label correctly in 99.7 % of rows. "));
        QCOMPARE(w[1].column, QStringLiteral("score"));
        QCOMPARE(w[1].value, 1.0);
        // The multiclass path: a numeric feature cut into three intervals.
        std::vector<int64_t> cls;
        std::vector<double> measure;
        for (int i = 0; i < 300; ++i) {
            cls.push_back(i % 3);
            measure.push_back((i % 3 == 1 ? 10 : i % 3 == 2 ? 20 : 0) + noise.uniform() * 5);
        }
        const Table m = makeTable({intColumn(QStringLiteral("cls"), cls), realColumn(QStringLiteral("measure"), measure)});
        QCOMPARE(ofKind(warningsFor(m, QStringLiteral("cls")), WarningKind::TargetLeak).size(), size_t(1));
    }

    void nearDuplicatePair()
    {
        Table t = cleanTable();
        const auto &x2 = t.column(size_t(t.indexOf(QStringLiteral("x2")))).doubles();
        Noise noise;
        std::vector<double> inches, loose;
        for (double v : x2) {
            inches.push_back(-v / 2.54 + 0.05 * noise.normal());
            loose.push_back(v + 1.5 * noise.normal());  // r ≈ 0.9: related, not a duplicate
        }
        t.addColumn(realColumn(QStringLiteral("x2_in"), inches));
        t.addColumn(realColumn(QStringLiteral("x2_loose"), loose));
        const auto w = ofKind(warningsFor(t), WarningKind::NearDuplicatePair);
        QVERIFY2(w.size() == 1, qPrintable(describe(w)));
        QCOMPARE(w[0].column, QStringLiteral("x2"));
        QCOMPARE(w[0].otherColumn, QStringLiteral("x2_in"));
        QVERIFY(w[0].value > 0.95);
        QVERIFY(w[0].message.contains(QStringLiteral("move in opposite directions almost exactly")));
        const QJsonObject json = w[0].toJson();
        QCOMPARE(json.value(QStringLiteral("kind")).toString(), QStringLiteral("near_duplicate_pair"));
        QCOMPARE(json.value(QStringLiteral("column")).toString(), QStringLiteral("x2"));
        QCOMPARE(json.value(QStringLiteral("other_column")).toString(), QStringLiteral("x2_in"));
        QCOMPARE(json.value(QStringLiteral("message")).toString(), w[0].message);
        QVERIFY(json.value(QStringLiteral("value")).toDouble() > 0.95);
    }

    void messagesAreSentences()
    {
        Table t = cleanTable();
        t.addColumn(stringColumn(QStringLiteral("c"), std::vector<const char *>(400, "k")));
        t.addColumn(realColumn(QStringLiteral("m"), std::vector<double>(400, kNaN)));
        for (const DataWarning &w : warningsFor(t, QStringLiteral("label"))) {
            QVERIFY(w.message.endsWith(QLatin1Char('.')));
            QVERIFY(w.message.at(0).isUpper() || w.message.startsWith(w.column));
        }
        TaskContext canceled;
        canceled.cancel();
        QVERIFY(computeWarnings(t, computeColumnStats(t), {}, &canceled).empty());
    }
};

QTEST_GUILESS_MAIN(TestWarnings)
#include "tst_warnings.moc"
