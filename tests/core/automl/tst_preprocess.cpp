#include "automl/preprocess.h"
#include "data/csv_reader.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

#include <cmath>
#include <cstring>
#include <random>

using namespace easel;

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

Column stringColumn(const QString &name, const QStringList &values, ColumnType type = ColumnType::Categorical)
{
    Column c(name, type, Storage::String);
    QHash<QString, int32_t> codes;
    for (const QString &v : values) {
        if (v.isEmpty()) {
            c.codes().push_back(kMissingCode);
            continue;
        }
        auto it = codes.find(v);
        if (it == codes.end()) {
            it = codes.insert(v, int32_t(c.dictionary().size()));
            c.dictionary().push_back(v.toStdString());
        }
        c.codes().push_back(*it);
    }
    return c;
}

Column intColumn(const QString &name, const std::vector<int64_t> &values, ColumnType type = ColumnType::Integer)
{
    Column c(name, type, Storage::Int64);
    c.int64s() = values;
    return c;
}

Column realColumn(const QString &name, const std::vector<double> &values)
{
    Column c(name, ColumnType::Real, Storage::Float64);
    c.doubles() = values;
    return c;
}

Table tableOf(std::vector<Column> columns)
{
    Table t;
    t.setRowCount(columns.front().size());
    for (Column &c : columns)
        t.addColumn(std::move(c));
    return t;
}

std::vector<size_t> range(size_t begin, size_t end)
{
    std::vector<size_t> rows;
    for (size_t i = begin; i < end; ++i)
        rows.push_back(i);
    return rows;
}

int64_t dayMs(int y, int m, int d) { return (QDate(y, m, d).toJulianDay() - 2440588) * 86400000LL; }

int featureIndex(const FeatureMatrix &x, const QString &name)
{
    return int(x.names.indexOf(name));
}

bool sameBits(const FeatureMatrix &a, const FeatureMatrix &b)
{
    return a.rows == b.rows && a.cols == b.cols && a.names == b.names && a.sourceColumn == b.sourceColumn
           && a.catCols == b.catCols && a.cats == b.cats && a.catCardinality == b.catCardinality
           && a.catNames == b.catNames && a.values.size() == b.values.size()
           && std::memcmp(a.values.data(), b.values.data(), a.values.size() * sizeof(float)) == 0;
}

//! A mixed table of 200 rows: age (real, some missing), colour (3 levels + missing),
//! city (40 levels), when (date), id (identifier), same (constant), note (free text),
//! nothing (all missing), flag (boolean), and a binary target y.
struct Mixed
{
    Table table;
    TargetInfo target;
    std::vector<float> y;
};

Mixed mixedTable(size_t n = 200)
{
    QStringList colour, city, note, ys, id;
    std::vector<double> age, nothing;
    std::vector<int64_t> when, same;
    Column flag(QStringLiteral("flag"), ColumnType::Boolean, Storage::Bool);
    const QStringList colours = {QStringLiteral("red"), QStringLiteral("green"), QStringLiteral("blue")};
    for (size_t i = 0; i < n; ++i) {
        age.push_back(i % 17 == 3 ? kNaN : double(20 + (i * 7) % 50));
        colour << (i % 13 == 5 ? QString() : colours[int(i % 3)]);
        city << QStringLiteral("city%1").arg(i % 40);
        note << QStringLiteral("free text number %1").arg(i);
        id << QStringLiteral("ID-%1").arg(i);
        when.push_back(i % 19 == 7 ? kMissingInt64 : dayMs(2024, 1, 1) + int64_t(i) * 86400000LL);
        same.push_back(5);
        nothing.push_back(kNaN);
        flag.bools().push_back(int8_t(i % 4 == 0));
        ys << ((i * 31 + i / 3) % 5 < 2 ? QStringLiteral("yes") : QStringLiteral("no"));
    }
    Mixed m;
    m.table = tableOf({realColumn(QStringLiteral("age"), age), stringColumn(QStringLiteral("colour"), colour),
                       stringColumn(QStringLiteral("city"), city),
                       intColumn(QStringLiteral("when"), when, ColumnType::Date),
                       stringColumn(QStringLiteral("id"), id, ColumnType::Identifier),
                       intColumn(QStringLiteral("same"), same), stringColumn(QStringLiteral("note"), note, ColumnType::Text),
                       realColumn(QStringLiteral("nothing"), nothing), flag, stringColumn(QStringLiteral("y"), ys)});
    m.target.column = QStringLiteral("y");
    m.target.problem = ProblemType::Binary;
    m.target.classLabels = {QStringLiteral("no"), QStringLiteral("yes")};
    m.y = encodeTarget(m.table, m.target);
    return m;
}

} // namespace

class TestPreprocess : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void droppedColumnsWithReasons()
    {
        const Mixed m = mixedTable();
        PreprocessOptions options;
        options.excluded = {QStringLiteral("flag")};
        auto pre = Preprocessor::fit(m.table, range(0, 150), m.target, m.y, options);
        QVERIFY2(pre.ok(), qPrintable(pre.error().message));
        QCOMPARE(pre->inputColumns(),
                 (QStringList{QStringLiteral("age"), QStringLiteral("colour"), QStringLiteral("city"), QStringLiteral("when")}));
        QHash<QString, QString> reasons;
        for (const DroppedColumn &d : pre->dropped())
            reasons.insert(d.column, d.reason);
        QCOMPARE(int(reasons.size()), 4);  // the excluded column and the target are not "dropped"
        QVERIFY(reasons.value(QStringLiteral("id")).contains(QLatin1String("ID")));
        QVERIFY(reasons.value(QStringLiteral("same")).contains(QLatin1String("same value (5)")));
        QVERIFY(reasons.value(QStringLiteral("note")).contains(QLatin1String("free text")));
        QVERIFY(reasons.value(QStringLiteral("nothing")).contains(QLatin1String("empty")));
    }

    void treesFeatures()
    {
        const Mixed m = mixedTable();
        auto pre = Preprocessor::fit(m.table, range(0, 150), m.target, m.y, {});
        QVERIFY(pre.ok());
        const FeatureMatrix x = pre->transform(m.table);
        QCOMPARE(x.rows, m.table.rowCount());
        QCOMPARE(size_t(x.names.size()), x.cols);
        QCOMPARE(x.sourceColumn.size(), x.cols);
        QCOMPARE(x.catCols, size_t(0));
        const QStringList inputs = pre->inputColumns();
        for (size_t f = 0; f < x.cols; ++f)
            QVERIFY(x.names[int(f)].startsWith(inputs[x.sourceColumn[f]]));

        // Numbers raw, NaN kept.
        const int age = featureIndex(x, QStringLiteral("age"));
        QVERIFY(age >= 0);
        QCOMPARE(x.at(0, size_t(age)), 20.0f);
        QVERIFY(std::isnan(x.at(3, size_t(age))));
        QCOMPARE(x.at(0, size_t(featureIndex(x, QStringLiteral("flag")))), 1.0f);
        // One-hot, in level order; missing → all zeros without an indicator in Trees flavour.
        const int blue = featureIndex(x, QStringLiteral("colour=blue"));
        const int green = featureIndex(x, QStringLiteral("colour=green"));
        const int red = featureIndex(x, QStringLiteral("colour=red"));
        QVERIFY(blue >= 0 && green == blue + 1 && red == blue + 2);
        QCOMPARE(x.at(0, size_t(red)), 1.0f);
        QCOMPARE(x.at(0, size_t(blue)), 0.0f);
        QCOMPARE(x.at(5, size_t(red)) + x.at(5, size_t(green)) + x.at(5, size_t(blue)), 0.0f);
        QCOMPARE(featureIndex(x, QStringLiteral("colour (missing)")), -1);
        // 40 cities > 12 levels: target-encoded.
        QVERIFY(featureIndex(x, QStringLiteral("city (target mean)")) >= 0);
        QCOMPARE(featureIndex(x, QStringLiteral("city=city1")), -1);
    }

    void dateExpansion()
    {
        std::vector<int64_t> when = {dayMs(2024, 3, 15) + 13 * 3600000LL + 30 * 60000LL, dayMs(2024, 1, 1),
                                     kMissingInt64, dayMs(2023, 12, 31) + 23 * 3600000LL, dayMs(1969, 12, 31)};
        std::vector<double> x;
        QStringList ys;
        for (int i = 0; i < 40; ++i) {
            if (i >= int(when.size()))
                when.push_back(dayMs(2024, 2, 1));
            x.push_back(i);
            ys << (i % 2 ? QStringLiteral("a") : QStringLiteral("b"));
        }
        const Table t = tableOf({intColumn(QStringLiteral("when"), when, ColumnType::DateTime),
                                 realColumn(QStringLiteral("x"), x), stringColumn(QStringLiteral("y"), ys)});
        TargetInfo target{QStringLiteral("y"), ProblemType::Binary, {}, {QStringLiteral("a"), QStringLiteral("b")}};
        const std::vector<float> y = encodeTarget(t, target);
        auto pre = Preprocessor::fit(t, range(0, 40), target, y, {});
        QVERIFY(pre.ok());
        const FeatureMatrix f = pre->transform(t);
        auto v = [&](size_t row, const char *part) {
            const int i = featureIndex(f, QStringLiteral("when.") + QLatin1String(part));
            return i < 0 ? -999.0f : f.at(row, size_t(i));
        };
        QCOMPARE(v(0, "year"), 2024.0f);
        QCOMPARE(v(0, "month"), 3.0f);
        QCOMPARE(v(0, "day_of_week"), 4.0f);  // Friday (Monday = 0)
        QCOMPARE(v(0, "hour"), 13.5f);
        QCOMPARE(v(0, "day_of_year"), 75.0f);
        // Training minimum is 1969-12-31 00:00.
        QCOMPARE(v(1, "elapsed_days"), float(dayMs(2024, 1, 1) - dayMs(1969, 12, 31)) / 86400000.0f);
        QCOMPARE(v(1, "day_of_week"), 0.0f);  // Monday
        QCOMPARE(v(1, "day_of_year"), 1.0f);
        QCOMPARE(v(3, "day_of_year"), 365.0f);
        QCOMPARE(v(3, "hour"), 23.0f);
        QCOMPARE(v(4, "year"), 1969.0f);
        QCOMPARE(v(4, "day_of_week"), 2.0f);  // Wednesday
        QCOMPARE(v(4, "elapsed_days"), 0.0f);
        QVERIFY(std::isnan(v(2, "year")));
        QVERIFY(std::isnan(v(2, "elapsed_days")));

        // Scaled: no NaN, a missing indicator.
        PreprocessOptions scaled;
        scaled.flavour = FeatureFlavour::Scaled;
        auto pre2 = Preprocessor::fit(t, range(0, 40), target, y, scaled);
        QVERIFY(pre2.ok());
        const FeatureMatrix g = pre2->transform(t);
        for (float value : g.values)
            QVERIFY(!std::isnan(value));
        QCOMPARE(g.at(2, size_t(featureIndex(g, QStringLiteral("when (missing)")))), 1.0f);
        QCOMPARE(g.at(0, size_t(featureIndex(g, QStringLiteral("when (missing)")))), 0.0f);

        // A date typed as text at predict time is parsed.
        const Table text = tableOf({stringColumn(QStringLiteral("when"), {QStringLiteral("2024-03-15 13:30:00"),
                                                                         QStringLiteral("2024-01-01")},
                                                 ColumnType::Text),
                                    realColumn(QStringLiteral("x"), {0, 1})});
        const FeatureMatrix h = pre->transform(text);
        QCOMPARE(h.at(0, size_t(featureIndex(h, QStringLiteral("when.hour")))), 13.5f);
        QCOMPARE(h.at(1, size_t(featureIndex(h, QStringLiteral("when.day_of_year")))), 1.0f);
    }

    void fittedOnTrainingRowsOnly()
    {
        // Training rows 0–29 hold 1…30 (one missing); validation rows 30–39 hold 1000 and would
        // move the median and mean if they were used.
        std::vector<double> v;
        QStringList ys;
        for (int i = 0; i < 40; ++i) {
            v.push_back(i < 30 ? (i == 4 ? kNaN : double(i + 1)) : 1000.0);
            ys << (i % 2 ? QStringLiteral("a") : QStringLiteral("b"));
        }
        const Table t = tableOf({realColumn(QStringLiteral("v"), v), stringColumn(QStringLiteral("y"), ys)});
        TargetInfo target{QStringLiteral("y"), ProblemType::Binary, {}, {QStringLiteral("a"), QStringLiteral("b")}};
        PreprocessOptions options;
        options.flavour = FeatureFlavour::Scaled;
        auto pre = Preprocessor::fit(t, range(0, 30), target, encodeTarget(t, target), options);
        QVERIFY(pre.ok());
        // Training values: 1…30 without 5 → 29 values, median 16, mean (465 - 5) / 29.
        double mean = (465.0 - 5) / 29, ss = 0;
        for (int i = 1; i <= 30; ++i)
            if (i != 5)
                ss += (i - mean) * (i - mean);
        const double sd = std::sqrt(ss / 29);
        const FeatureMatrix x = pre->transform(t);
        QCOMPARE(x.names, (QStringList{QStringLiteral("v"), QStringLiteral("v (missing)")}));
        QCOMPARE(x.at(4, 0), float((16 - mean) / sd));  // imputed with the training median
        QCOMPARE(x.at(4, 1), 1.0f);
        QCOMPARE(x.at(0, 0), float((1 - mean) / sd));
        QCOMPARE(x.at(35, 0), float((1000 - mean) / sd));
        QCOMPARE(x.at(35, 1), 0.0f);
    }

    void targetEncodingOutOfFold()
    {
        const Mixed m = mixedTable();
        const std::vector<size_t> train = range(0, 160);
        PreprocessOptions options;
        options.seed = 11;
        auto pre = Preprocessor::fit(m.table, train, m.target, m.y, options);
        QVERIFY(pre.ok());
        const FeatureMatrix full = pre->transform(m.table, train);
        const FeatureMatrix oof = pre->transformTraining(m.table, train);
        const int city = featureIndex(full, QStringLiteral("city (target mean)"));
        QVERIFY(city >= 0);

        // The full encoding of city0 by hand: smoothed mean toward the prior.
        double prior = 0, sum = 0, count = 0;
        for (size_t r : train) {
            prior += m.y[r];
            if (r % 40 == 0) {
                sum += m.y[r];
                count += 1;
            }
        }
        prior /= double(train.size());
        const double expected = (sum + 10 * prior) / (count + 10);
        QVERIFY(std::abs(full.at(0, size_t(city)) - expected) < 1e-6);

        // Out-of-fold values differ from the full ones for some rows.
        bool differs = false;
        for (size_t i = 0; i < train.size(); ++i)
            differs = differs || oof.at(i, size_t(city)) != full.at(i, size_t(city));
        QVERIFY(differs);

        // A row's own target never reaches its own training encoding: flip row 7's target,
        // refit, and row 7's out-of-fold value stays exactly the same (while the full one moves).
        Mixed flipped = mixedTable();
        flipped.y[7] = 1 - flipped.y[7];
        auto pre2 = Preprocessor::fit(flipped.table, train, flipped.target, flipped.y, options);
        QVERIFY(pre2.ok());
        const FeatureMatrix oof2 = pre2->transformTraining(flipped.table, train);
        const FeatureMatrix full2 = pre2->transform(flipped.table, train);
        QCOMPARE(oof2.at(7, size_t(city)), oof.at(7, size_t(city)));
        QVERIFY(full2.at(7, size_t(city)) != full.at(7, size_t(city)));

        // An unseen city gets the prior.
        Table unseen = tableOf({stringColumn(QStringLiteral("city"), {QStringLiteral("Atlantis")})});
        const FeatureMatrix u = pre->transform(unseen);
        QVERIFY(std::abs(u.at(0, size_t(featureIndex(u, QStringLiteral("city (target mean)")))) - prior) < 1e-6);
    }

    void multiclassAndRegressionEncoding()
    {
        QStringList cat, cls;
        std::vector<double> value;
        for (int i = 0; i < 300; ++i) {
            cat << QStringLiteral("k%1").arg(i % 25);
            cls << QStringList{QStringLiteral("Adelie"), QStringLiteral("Chinstrap"), QStringLiteral("Gentoo")}[(i % 25) % 3];
            value.push_back((i % 25) * 2.0 + (i % 2));
        }
        const Table t = tableOf({stringColumn(QStringLiteral("cat"), cat), stringColumn(QStringLiteral("species"), cls),
                                 realColumn(QStringLiteral("value"), value)});
        TargetInfo mc{QStringLiteral("species"), ProblemType::Multiclass, {},
                      {QStringLiteral("Adelie"), QStringLiteral("Chinstrap"), QStringLiteral("Gentoo")}};
        PreprocessOptions options;
        options.excluded = {QStringLiteral("value")};
        auto pre = Preprocessor::fit(t, range(0, 300), mc, encodeTarget(t, mc), options);
        QVERIFY(pre.ok());
        const FeatureMatrix x = pre->transform(t);
        QCOMPARE(x.names, (QStringList{QStringLiteral("cat (share of Adelie)"), QStringLiteral("cat (share of Chinstrap)"),
                                       QStringLiteral("cat (share of Gentoo)")}));
        // Row 0 is k0 (always Adelie): shares sum to 1 and Adelie dominates.
        QVERIFY(std::abs(x.at(0, 0) + x.at(0, 1) + x.at(0, 2) - 1.0f) < 1e-5);
        QVERIFY(x.at(0, 0) > 0.5f);

        TargetInfo reg{QStringLiteral("value"), ProblemType::Regression, {}, {}};
        PreprocessOptions regOptions;
        regOptions.excluded = {QStringLiteral("species")};
        auto pre2 = Preprocessor::fit(t, range(0, 300), reg, encodeTarget(t, reg), regOptions);
        QVERIFY(pre2.ok());
        const FeatureMatrix r = pre2->transform(t);
        QCOMPARE(r.names, QStringList{QStringLiteral("cat (target mean)")});
        // k24 values are 48/49 (12 rows); shrunk toward the global mean (about 24.5): about 37.6.
        QVERIFY(r.at(24, 0) > 30 && r.at(24, 0) < 48.5);
    }

    void embedded()
    {
        const Mixed m = mixedTable();
        PreprocessOptions options;
        options.flavour = FeatureFlavour::Embedded;
        auto pre = Preprocessor::fit(m.table, range(0, 150), m.target, m.y, options);
        QVERIFY(pre.ok());
        const FeatureMatrix x = pre->transform(m.table);
        QCOMPARE(x.catNames, (QStringList{QStringLiteral("colour"), QStringLiteral("city")}));
        QCOMPARE(x.catCardinality, (std::vector<int32_t>{4, 41}));
        QCOMPARE(x.catSourceColumn, (std::vector<int>{1, 2}));
        QCOMPARE(x.cats.size(), x.rows * 2);
        QCOMPARE(x.cats[0 * 2 + 0], 2);  // red: levels blue, green, red
        QCOMPARE(x.cats[5 * 2 + 0], 3);  // missing → the reserved code
        QCOMPARE(x.cats[1 * 2 + 1], 1);  // city1 (text order: city0, city1, city10, …)
        Table unseen = tableOf({stringColumn(QStringLiteral("colour"), {QStringLiteral("purple")}),
                                stringColumn(QStringLiteral("city"), {QStringLiteral("city39")})});
        const FeatureMatrix u = pre->transform(unseen);
        QCOMPARE(u.cats[0], 3);
        QVERIFY(u.cats[1] >= 0 && u.cats[1] < 40);
        for (float v : x.values)
            QVERIFY(!std::isnan(v));
        QCOMPARE(featureIndex(x, QStringLiteral("colour=red")), -1);
    }

    void predictTimeSchemaDifferences()
    {
        // Train on age (real), colour, when; predict from a CSV with the columns in another
        // order, an extra column, "n/a" in age (so read as text), an unseen colour, and no "when".
        QStringList colour, ys;
        std::vector<double> age;
        std::vector<int64_t> when;
        for (int i = 0; i < 60; ++i) {
            colour << QStringList{QStringLiteral("red"), QStringLiteral("green"), QStringLiteral("blue"), QString()}[i % 4];
            age.push_back(i % 7 == 0 ? kNaN : 10.0 + i);
            when.push_back(dayMs(2020, 1, 1) + i * 86400000LL);
            ys << (i % 3 ? QStringLiteral("no") : QStringLiteral("yes"));
        }
        const Table train = tableOf({realColumn(QStringLiteral("age"), age), stringColumn(QStringLiteral("colour"), colour),
                                     intColumn(QStringLiteral("when"), when, ColumnType::Date),
                                     stringColumn(QStringLiteral("y"), ys)});
        TargetInfo target{QStringLiteral("y"), ProblemType::Binary, {}, {QStringLiteral("no"), QStringLiteral("yes")}};
        for (FeatureFlavour flavour : {FeatureFlavour::Trees, FeatureFlavour::Scaled}) {
            PreprocessOptions options;
            options.flavour = flavour;
            auto pre = Preprocessor::fit(train, range(0, 60), target, encodeTarget(train, target), options);
            QVERIFY(pre.ok());

            auto csv = readCsv(QStringLiteral(EASEL_TEST_DATA_DIR "/automl/predict_retyped.csv"));
            QVERIFY2(csv.ok(), qPrintable(csv.error().toString()));
            const Table &p = *csv->table;
            const FeatureMatrix x = pre->transform(p);
            QCOMPARE(x.rows, size_t(5));
            QCOMPARE(x.names, pre->transform(train).names);
            const int ageIdx = featureIndex(x, QStringLiteral("age"));
            const int red = featureIndex(x, QStringLiteral("colour=red"));
            const int blue = featureIndex(x, QStringLiteral("colour=blue"));
            const int year = featureIndex(x, QStringLiteral("when.year"));
            QVERIFY(ageIdx >= 0 && red >= 0 && blue >= 0 && year >= 0);
            if (flavour == FeatureFlavour::Trees) {
                QCOMPARE(x.at(0, size_t(ageIdx)), 30.0f);
                QCOMPARE(x.at(1, size_t(ageIdx)), 41.5f);
                QVERIFY(std::isnan(x.at(2, size_t(ageIdx))));
                QVERIFY(std::isnan(x.at(0, size_t(year))));  // missing column → missing values
            } else {
                const int ageMissing = featureIndex(x, QStringLiteral("age (missing)"));
                QVERIFY(ageMissing >= 0);
                QCOMPARE(x.at(2, size_t(ageMissing)), 1.0f);
                QCOMPARE(x.at(0, size_t(ageMissing)), 0.0f);
                QCOMPARE(x.at(0, size_t(year)), 0.0f);  // imputed to the mean
                QCOMPARE(x.at(2, size_t(featureIndex(x, QStringLiteral("colour (missing)")))), 1.0f);
            }
            QCOMPARE(x.at(0, size_t(red)), 1.0f);
            QCOMPARE(x.at(3, size_t(blue)), 1.0f);
            float purple = 0;
            for (int level : {red, blue, featureIndex(x, QStringLiteral("colour=green"))})
                purple += x.at(1, size_t(level));
            QCOMPARE(purple, 0.0f);  // unseen → all zeros
        }
    }

    void integerCategoriesMatchByText()
    {
        // A category written as numbers ("1", "2", "10") matches whether the new file types it as
        // text or as integers.
        QStringList grade, ys;
        for (int i = 0; i < 40; ++i) {
            grade << QStringList{QStringLiteral("1"), QStringLiteral("2"), QStringLiteral("10")}[i % 3];
            ys << (i % 2 ? QStringLiteral("a") : QStringLiteral("b"));
        }
        const Table t = tableOf({stringColumn(QStringLiteral("grade"), grade), stringColumn(QStringLiteral("y"), ys)});
        TargetInfo target{QStringLiteral("y"), ProblemType::Binary, {}, {QStringLiteral("a"), QStringLiteral("b")}};
        auto pre = Preprocessor::fit(t, range(0, 40), target, encodeTarget(t, target), {});
        QVERIFY(pre.ok());
        QCOMPARE(pre->transform(t).names, (QStringList{QStringLiteral("grade=1"), QStringLiteral("grade=2"),
                                                       QStringLiteral("grade=10")}));
        const Table ints = tableOf({intColumn(QStringLiteral("grade"), {10, 1, kMissingInt64, 3})});
        const FeatureMatrix x = pre->transform(ints);
        QCOMPARE(x.at(0, 2), 1.0f);
        QCOMPARE(x.at(1, 0), 1.0f);
        QCOMPARE(x.at(2, 0) + x.at(2, 1) + x.at(2, 2), 0.0f);
        QCOMPARE(x.at(3, 0) + x.at(3, 1) + x.at(3, 2), 0.0f);
    }

    void jsonRoundTrip_data()
    {
        QTest::addColumn<int>("flavour");
        QTest::newRow("trees") << int(FeatureFlavour::Trees);
        QTest::newRow("scaled") << int(FeatureFlavour::Scaled);
        QTest::newRow("embedded") << int(FeatureFlavour::Embedded);
    }

    void jsonRoundTrip()
    {
        QFETCH(int, flavour);
        const Mixed m = mixedTable(500);
        PreprocessOptions options;
        options.flavour = FeatureFlavour(flavour);
        options.seed = 0xFEEDFACECAFEBEEFull;  // needs all 64 bits
        options.embedMaxLevels = 20;           // city (40 levels) stays target-encoded when embedding
        options.smoothing = 3.7;
        auto pre = Preprocessor::fit(m.table, range(0, 400), m.target, m.y, options);
        QVERIFY(pre.ok());
        const QByteArray bytes = QJsonDocument(pre->toJson()).toJson(QJsonDocument::Compact);
        auto back = Preprocessor::fromJson(QJsonDocument::fromJson(bytes).object());
        QVERIFY2(back.ok(), qPrintable(back.error().message));
        QCOMPARE(back->inputColumns(), pre->inputColumns());
        QCOMPARE(back->flavour(), pre->flavour());
        QCOMPARE(back->dropped().size(), pre->dropped().size());
        QVERIFY(sameBits(pre->transform(m.table), back->transform(m.table)));
        QVERIFY(sameBits(pre->transformTraining(m.table, range(0, 400)), back->transformTraining(m.table, range(0, 400))));
        QCOMPARE(QJsonDocument(back->toJson()).toJson(QJsonDocument::Compact), bytes);

        // Copies behave the same.
        Preprocessor copy = *pre;
        QVERIFY(sameBits(copy.transform(m.table), pre->transform(m.table)));

        QJsonObject broken = pre->toJson();
        broken.remove(QStringLiteral("columns"));
        QVERIFY(!Preprocessor::fromJson(broken).ok());
        QCOMPARE(Preprocessor::fromJson(QJsonObject{}).error().code, ErrorCode::Corrupt);
    }

    //! Free text is read as words: a word count, then a 0/1 feature per word found in at
    //! least five training rows but not in all, most frequent first; words first seen
    //! at predict time, and text only the predict table has, add nothing.
    void freeTextAsWords()
    {
        QStringList review, ys;
        for (int i = 0; i < 200; ++i) {
            // "great" in every third row, "awful" in every fourth, "rare" in rows 0..3,
            // "the" in every row, a number of its own in each.
            QString text = QStringLiteral("The meal #%1").arg(i);
            if (i % 3 == 0)
                text += QStringLiteral(", GREAT service; great!");
            if (i % 4 == 0)
                text += QStringLiteral(" awful wait");
            if (i < 4)
                text += QStringLiteral(" rare");
            review << (i % 25 == 7 ? QString() : text);
            ys << (i % 3 == 0 ? QStringLiteral("yes") : QStringLiteral("no"));
        }
        Table t = tableOf({stringColumn(QStringLiteral("review"), review, ColumnType::Text),
                           stringColumn(QStringLiteral("y"), ys)});
        TargetInfo target;
        target.column = QStringLiteral("y");
        target.problem = ProblemType::Binary;
        target.classLabels = {QStringLiteral("no"), QStringLiteral("yes")};
        const std::vector<float> y = encodeTarget(t, target);

        auto pre = Preprocessor::fit(t, range(0, 150), target, y, {});
        QVERIFY2(pre.ok(), qPrintable(pre.error().message));
        QCOMPARE(pre->inputColumns(), QStringList{QStringLiteral("review")});
        QVERIFY(pre->dropped().empty());
        FeatureMatrix x = pre->transform(t);
        // meal and the in every present row: left out. great (50 rows) before awful (38),
        // service (50) and wait (38) after them by the word, as ties go.
        QCOMPARE(x.names, (QStringList{QStringLiteral("review (words)"), QStringLiteral("review has \"great\""),
                                       QStringLiteral("review has \"service\""), QStringLiteral("review has \"awful\""),
                                       QStringLiteral("review has \"wait\"")}));
        QCOMPARE(x.sourceColumn, (std::vector<int>{0, 0, 0, 0, 0}));
        const auto at = [&x](size_t row, size_t col) { return x.values[row * x.cols + col]; };
        // Row 0: "The meal #0, GREAT service; great! awful wait rare": 9 words.
        QCOMPARE(at(0, 0), 9.0f);
        QCOMPARE(at(0, 1), 1.0f);
        QCOMPARE(at(0, 2), 1.0f);
        QCOMPARE(at(0, 3), 1.0f);
        QCOMPARE(at(0, 4), 1.0f);
        // Row 5: "The meal #5": 3 words, none known.
        QCOMPARE(at(5, 0), 3.0f);
        for (size_t c = 1; c < x.cols; ++c)
            QCOMPARE(at(5, c), 0.0f);
        // Row 7 is missing: no count, no word.
        QVERIFY(std::isnan(at(7, 0)));
        QCOMPARE(at(7, 1), 0.0f);

        // Scaled: the count standardised on the training rows, a missing indicator.
        PreprocessOptions scaled;
        scaled.flavour = FeatureFlavour::Scaled;
        auto sp = Preprocessor::fit(t, range(0, 150), target, y, scaled);
        QVERIFY(sp.ok());
        const FeatureMatrix sx = sp->transform(t, range(0, 150));
        QCOMPARE(sx.names.last(), QStringLiteral("review (missing)"));
        double sum = 0;
        int present = 0;
        for (size_t r = 0; r < sx.rows; ++r) {
            const bool miss = sx.values[r * sx.cols + sx.cols - 1] == 1.0f;
            QCOMPARE(miss, r % 25 == 7);
            if (miss) {
                QCOMPARE(sx.values[r * sx.cols], 0.0f);
            } else {
                sum += sx.values[r * sx.cols];
                ++present;
            }
        }
        QVERIFY(std::abs(sum / present) < 1e-5);

        // At predict time: text typed as numbers, unseen words, a column left out.
        Column other(QStringLiteral("review"), ColumnType::Integer, Storage::Int64);
        other.int64s() = {42, kMissingInt64};
        Table numbers = tableOf({std::move(other)});
        FeatureMatrix nx = pre->transform(numbers);
        QCOMPARE(nx.values[0], 1.0f);  // "42": one word
        QVERIFY(std::isnan(nx.values[nx.cols]));
        Table fresh = tableOf({stringColumn(QStringLiteral("review"), {QStringLiteral("Awful! Truly awful."),
                                                                       QStringLiteral("brand new words")},
                                            ColumnType::Text)});
        nx = pre->transform(fresh);
        QCOMPARE(nx.values[0], 3.0f);
        QCOMPARE(nx.values[3], 1.0f);  // awful
        QCOMPARE(nx.values[1] + nx.values[2] + nx.values[4], 0.0f);
        QCOMPARE(nx.values[nx.cols], 3.0f);
        for (size_t c = 1; c < nx.cols; ++c)
            QCOMPARE(nx.values[nx.cols + c], 0.0f);
        Table lacking = tableOf({realColumn(QStringLiteral("other"), {1.0})});
        nx = pre->transform(lacking);
        QVERIFY(std::isnan(nx.values[0]));

        // Saved and read back: the same features; the format names its version, so an
        // Easel without words refuses the model rather than misreading it.
        const QJsonObject json = pre->toJson();
        QCOMPARE(json.value(QStringLiteral("version")).toInt(), 2);
        auto back = Preprocessor::fromJson(json);
        QVERIFY2(back.ok(), qPrintable(back.error().message));
        QVERIFY(sameBits(back->transform(t), pre->transform(t)));
        QJsonObject broken = json;
        QJsonArray columns = broken.value(QStringLiteral("columns")).toArray();
        QJsonObject column = columns[0].toObject();
        column.remove(QStringLiteral("words"));
        columns[0] = column;
        broken[QStringLiteral("columns")] = columns;
        QCOMPARE(Preprocessor::fromJson(broken).error().code, ErrorCode::Corrupt);
        // Without free text, the format stays at version 1.
        const Mixed m = mixedTable();
        auto plain = Preprocessor::fit(m.table, range(0, 150), m.target, m.y, {});
        QVERIFY(plain.ok());
        QCOMPARE(plain->toJson().value(QStringLiteral("version")).toInt(), 1);
    }

    void noUsableColumn()
    {
        QStringList ys, id;
        for (int i = 0; i < 30; ++i) {
            ys << (i % 2 ? QStringLiteral("a") : QStringLiteral("b"));
            id << QString::number(i);
        }
        const Table t = tableOf({stringColumn(QStringLiteral("id"), id, ColumnType::Identifier),
                                 stringColumn(QStringLiteral("y"), ys)});
        TargetInfo target{QStringLiteral("y"), ProblemType::Binary, {}, {QStringLiteral("a"), QStringLiteral("b")}};
        auto pre = Preprocessor::fit(t, range(0, 30), target, encodeTarget(t, target), {});
        QVERIFY(!pre.ok());
        QCOMPARE(pre.error().code, ErrorCode::InvalidArgument);
    }

    //! With more qualifying words than features, those that go with the target are kept,
    //! not the most frequent: 150 filler words, each in about 40 % of the rows and
    //! unrelated to the target, and "signal", in a tenth of the rows (all of them "yes" /
    //! high). By frequency, "signal" would be the last word of all.
    void wordsThatGoWithTheTargetAreKept_data()
    {
        QTest::addColumn<bool>("classes");
        QTest::newRow("binary") << true;
        QTest::newRow("regression") << false;
    }
    void wordsThatGoWithTheTargetAreKept()
    {
        QFETCH(bool, classes);
        std::mt19937 rng(17);
        QStringList review, ys;
        std::vector<double> values;
        for (int i = 0; i < 400; ++i) {
            QStringList words;
            for (int w = 0; w < 150; ++w)
                if (rng() % 100 < 40)
                    words << QStringLiteral("filler%1").arg(w);
            const bool signal = i % 10 == 0;
            if (signal)
                words << QStringLiteral("signal");
            review << words.join(QLatin1Char(' ')) + QStringLiteral(" #%1").arg(i);
            const bool yes = signal || rng() % 2 == 0;
            ys << (yes ? QStringLiteral("yes") : QStringLiteral("no"));
            values.push_back(signal ? 10.0 + double(rng() % 50) / 10.0 : double(rng() % 100) / 10.0 + 0.05);
        }
        Table t = classes ? tableOf({stringColumn(QStringLiteral("review"), review, ColumnType::Text),
                                     stringColumn(QStringLiteral("y"), ys)})
                          : tableOf({stringColumn(QStringLiteral("review"), review, ColumnType::Text),
                                     realColumn(QStringLiteral("y"), values)});
        auto target = detectTarget(t, QStringLiteral("y"));
        QVERIFY(target.ok());
        auto pre = Preprocessor::fit(t, range(0, 400), *target, encodeTarget(t, *target), {});
        QVERIFY2(pre.ok(), qPrintable(pre.error().message));
        const FeatureMatrix x = pre->transform(t, range(0, 1));
        QCOMPARE(x.cols, size_t(1 + 100));  // the word count, then the 100 words kept
        // The strongest link comes first.
        QCOMPARE(x.names.at(1), QStringLiteral("review has \"signal\""));
    }

    //! Words are runs of whole code points (a letter outside the Basic Multilingual Plane
    //! is one letter, not two halves), lower-cased one code point at a time, as the
    //! Python scorer does it (tst_python_export runs the same file through both).
    void wordsAreWholeCodePoints()
    {
        auto csv = readCsv(QStringLiteral(EASEL_TEST_DATA_DIR "/automl/unicode_reviews.csv"));
        QVERIFY(csv.ok());
        const Table &t = *csv->table;
        auto target = detectTarget(t, QStringLiteral("liked"));
        QVERIFY(target.ok());
        auto pre = Preprocessor::fit(t, range(0, t.rowCount()), *target, encodeTarget(t, *target), {});
        QVERIFY2(pre.ok(), qPrintable(pre.error().message));
        const FeatureMatrix x = pre->transform(t);
        for (const QString &word : {QStringLiteral("i\u0307zmi\u0307r"), QStringLiteral("σοφοσ"),
                                    QStringLiteral("𠀀x"), QStringLiteral("𝐁𝐀𝐃"), QStringLiteral("straße"),
                                    QStringLiteral("ölçek"), QStringLiteral("ǆemal"), QStringLiteral("ｇｏｏｄ"),
                                    QStringLiteral("½")})
            QVERIFY2(x.names.contains(QStringLiteral("review has \"%1\"").arg(word)),
                     qPrintable(word + QStringLiteral(" not in ") + x.names.join(QStringLiteral(" | "))));
        // Row 0, "our stay staff Straße view a #0": seven words; the emoji is none.
        const qsizetype count = x.names.indexOf(QStringLiteral("review (words)"));
        QVERIFY(count >= 0);
        QCOMPARE(x.values[size_t(count)], 7.0f);
    }

    void titanic()
    {
        auto csv = readCsv(QStringLiteral(EASEL_SHARED_DATA_DIR "/titanic.csv"));
        if (!csv.ok())
            QSKIP("readCsv cannot read the shared data yet");
        const Table &t = *csv->table;
        auto target = detectTarget(t, QStringLiteral("survived"));
        QVERIFY(target.ok());
        const std::vector<float> y = encodeTarget(t, *target);
        const Fold holdout = makeHoldout(range(0, t.rowCount()), y, target->problem, 0.2, 1);
        for (FeatureFlavour flavour : {FeatureFlavour::Trees, FeatureFlavour::Scaled, FeatureFlavour::Embedded}) {
            PreprocessOptions options;
            options.flavour = flavour;
            auto pre = Preprocessor::fit(t, holdout.train, *target, y, options);
            QVERIFY(pre.ok());
            QStringList dropped;
            for (const DroppedColumn &d : pre->dropped())
                dropped << d.column;
            // Names are free text; their titles tell who survived.
            QVERIFY2(!dropped.contains(QStringLiteral("name")), qPrintable(dropped.join(',')));
            QVERIFY(pre->inputColumns().contains(QStringLiteral("name")));
            QVERIFY(!pre->inputColumns().contains(QStringLiteral("survived")));
            QVERIFY(pre->inputColumns().contains(QStringLiteral("sex")));
            const FeatureMatrix train = pre->transformTraining(t, holdout.train);
            const FeatureMatrix valid = pre->transform(t, holdout.valid);
            QCOMPARE(train.cols, valid.cols);
            QCOMPARE(valid.rows, holdout.valid.size());
            const auto survivalWith = [&](const QString &word) {
                const qsizetype col = train.names.indexOf(QStringLiteral("name has \"%1\"").arg(word));
                double survived = 0, with = 0;
                for (size_t i = 0; col >= 0 && i < train.rows; ++i)
                    if (train.values[i * train.cols + size_t(col)] == 1.0f) {
                        ++with;
                        survived += y[holdout.train[i]];
                    }
                return with > 0 ? survived / with : -1.0;
            };
            const double mr = survivalWith(QStringLiteral("mr")), mrs = survivalWith(QStringLiteral("mrs"));
            QVERIFY2(mr >= 0 && mr < 0.25, qPrintable(QString::number(mr)));
            QVERIFY2(mrs > 0.6, qPrintable(QString::number(mrs)));
            if (flavour != FeatureFlavour::Trees)
                for (float v : valid.values)
                    QVERIFY(std::isfinite(v));
        }
    }
};

QTEST_GUILESS_MAIN(TestPreprocess)
#include "tst_preprocess.moc"
