// Drift: the training profile and the comparison of new rows with it.
#include "model/drift.h"

#include <QJsonArray>
#include <QTest>

#include <numeric>
#include <random>

using namespace easel;

namespace {

Table makeTable(size_t n, double shift, double missingShare, const QStringList &levels, uint64_t seed)
{
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> normal(50, 10);
    std::uniform_real_distribution<double> u(0, 1);
    Table t;
    t.setRowCount(n);
    Column age("age", ColumnType::Real, Storage::Float64);
    Column city("city", ColumnType::Categorical, Storage::String);
    for (const QString &l : levels)
        city.dictionary().push_back(l.toStdString());
    for (size_t i = 0; i < n; ++i) {
        age.doubles().push_back(u(rng) < missingShare ? std::nan("") : normal(rng) + shift);
        city.codes().push_back(int32_t(rng() % uint64_t(levels.size())));
    }
    t.addColumn(std::move(age));
    t.addColumn(std::move(city));
    return t;
}

QJsonArray schemaOf(const Table &t)
{
    double lo = 1e300, hi = -1e300;
    for (double v : t.column(0).doubles())
        if (!std::isnan(v))
            lo = std::min(lo, v), hi = std::max(hi, v);
    QJsonArray levels;
    for (const std::string &s : t.column(1).dictionary())
        levels.append(QString::fromStdString(s));
    return QJsonArray{QJsonObject{{"name", "age"}, {"type", "real"}, {"min", lo}, {"max", hi}},
                      QJsonObject{{"name", "city"}, {"type", "categorical"}, {"levels", levels}}};
}

std::vector<size_t> all(const Table &t)
{
    std::vector<size_t> rows(t.rowCount());
    std::iota(rows.begin(), rows.end(), size_t(0));
    return rows;
}

} // namespace

class TestDrift : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void quietOnLikeData()
    {
        const Table train = makeTable(20000, 0, 0.05, {"Lyon", "Paris", "Nice"}, 1);
        const QJsonObject profile = trainingProfile(train, all(train), {"age", "city"});
        QCOMPARE(profile.value("columns").toObject().value("age").toObject().value("bin_shares").toArray().size(), 10);
        // The training rows themselves, and fresh rows from the same distribution.
        DriftReport same = checkDrift(profile, schemaOf(train), train);
        QVERIFY2(same.warnings.isEmpty(), qPrintable(same.warnings.join('\n')));
        const Table fresh = makeTable(5000, 0, 0.05, {"Lyon", "Paris", "Nice"}, 2);
        DriftReport report = checkDrift(profile, schemaOf(train), fresh);
        QVERIFY2(report.warnings.isEmpty(), qPrintable(report.warnings.join('\n')));
        QVERIFY(report.columns.front().psi < 0.05);
    }

    void shiftedNumbersWarn()
    {
        const Table train = makeTable(20000, 0, 0, {"Lyon", "Paris"}, 1);
        const QJsonObject profile = trainingProfile(train, all(train), {"age", "city"});
        const Table shifted = makeTable(5000, 40, 0, {"Lyon", "Paris"}, 3);
        DriftReport report = checkDrift(profile, schemaOf(train), shifted);
        QVERIFY(!report.warnings.isEmpty());
        QVERIFY2(report.warnings.front().startsWith("In *age*, ")
                     && report.warnings.front().contains("of the rows are outside the range the model was trained on"),
                 qPrintable(report.warnings.front()));
        QVERIFY(report.columns.front().outsideRange > 0.3);

        // Within range but spread differently: the stability index speaks.
        const Table narrower = makeTable(5000, 8, 0, {"Lyon", "Paris"}, 4);
        DriftReport psi = checkDrift(profile, schemaOf(train), narrower);
        QVERIFY(psi.columns.front().psi > 0.25);
    }

    void unseenCategoriesAndMissingValuesWarn()
    {
        const Table train = makeTable(20000, 0, 0.02, {"Lyon", "Paris"}, 1);
        const QJsonObject profile = trainingProfile(train, all(train), {"age", "city"});
        const Table other = makeTable(5000, 0, 0.5, {"Lyon", "Paris", "Berlin", "Rome"}, 5);
        DriftReport report = checkDrift(profile, schemaOf(train), other);
        const QString all = report.warnings.join('\n');
        QVERIFY2(all.contains("In *city*, ") && all.contains("never saw in training"), qPrintable(all));
        QVERIFY2(all.contains("*age* is empty in"), qPrintable(all));
    }

    void schemaAloneStillChecksRanges()
    {
        const Table train = makeTable(2000, 0, 0, {"Lyon"}, 1);
        const Table shifted = makeTable(1000, 100, 0, {"Lyon"}, 2);
        DriftReport report = checkDrift({}, schemaOf(train), shifted);
        QVERIFY(!report.warnings.isEmpty());
        QVERIFY(report.warnings.front().contains("outside the range"));
    }
};

QTEST_GUILESS_MAIN(TestDrift)
#include "tst_drift.moc"
