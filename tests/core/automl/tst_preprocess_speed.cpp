// EASEL_TEST_LABEL: slow
// Preprocessing speed on 1 000 000 rows × 15 columns shaped like shared/data/make_large.py's output.

#include "automl/preprocess.h"

#include <QElapsedTimer>
#include <QtTest>

#include <cmath>
#include <random>

using namespace easel;

namespace {

constexpr size_t kRows = 1000000;

Column strings(const QString &name, ColumnType type, const std::vector<std::string> &dictionary,
               std::vector<int32_t> codes)
{
    Column c(name, type, Storage::String);
    c.dictionary() = dictionary;
    c.codes() = std::move(codes);
    return c;
}

Table largeTable()
{
    std::mt19937_64 rng(42);
    std::normal_distribution<double> normal;
    std::uniform_int_distribution<int> level5(0, 4), level1000(0, 999), pct(0, 99);
    Table t;
    t.setRowCount(kRows);

    Column id(QStringLiteral("id"), ColumnType::Identifier, Storage::Int64);
    for (size_t i = 0; i < kRows; ++i)
        id.int64s().push_back(int64_t(i));
    t.addColumn(std::move(id));
    for (int f = 0; f < 4; ++f) {
        Column c(QStringLiteral("x%1").arg(f), ColumnType::Real, Storage::Float64);
        for (size_t i = 0; i < kRows; ++i)
            c.doubles().push_back(f == 3 && pct(rng) < 8 ? std::nan("") : normal(rng));
        t.addColumn(std::move(c));
    }
    Column count(QStringLiteral("count"), ColumnType::Integer, Storage::Int64);
    Column amount(QStringLiteral("amount"), ColumnType::Real, Storage::Float64);
    Column noise1(QStringLiteral("noise1"), ColumnType::Real, Storage::Float64);
    Column noise2(QStringLiteral("noise2"), ColumnType::Integer, Storage::Int64);
    Column flag(QStringLiteral("flag"), ColumnType::Boolean, Storage::Bool);
    Column day(QStringLiteral("day"), ColumnType::Date, Storage::Int64);
    std::vector<int32_t> small, big, text, target;
    for (size_t i = 0; i < kRows; ++i) {
        count.int64s().push_back(int64_t(pct(rng)));
        amount.doubles().push_back(std::exp(normal(rng)));
        noise1.doubles().push_back(normal(rng));
        noise2.int64s().push_back(int64_t(level1000(rng)));
        flag.bools().push_back(int8_t(pct(rng) < 30));
        day.int64s().push_back(int64_t(18000 + level1000(rng)) * 86400000LL);
        small.push_back(pct(rng) < 3 ? kMissingCode : level5(rng));
        big.push_back(level1000(rng));
        text.push_back(int32_t(i % 700000));
        target.push_back(pct(rng) < 40 ? 1 : 0);
    }
    t.addColumn(std::move(count));
    t.addColumn(std::move(amount));
    t.addColumn(std::move(noise1));
    t.addColumn(std::move(noise2));
    std::vector<std::string> dict5 = {"a", "b", "c", "d", "e"}, dict1000, dictText;
    for (int i = 0; i < 1000; ++i)
        dict1000.push_back("level_" + std::to_string(i));
    for (int i = 0; i < 700000; ++i)
        dictText.push_back("some \"free\" text, number " + std::to_string(i));
    t.addColumn(strings(QStringLiteral("small_cat"), ColumnType::Categorical, dict5, small));
    t.addColumn(strings(QStringLiteral("big_cat"), ColumnType::Categorical, dict1000, big));
    t.addColumn(strings(QStringLiteral("text"), ColumnType::Text, dictText, text));
    t.addColumn(std::move(flag));
    t.addColumn(std::move(day));
    t.addColumn(strings(QStringLiteral("target"), ColumnType::Categorical, {"no", "yes"}, target));
    return t;
}

} // namespace

class TestPreprocessSpeed : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void millionRows()
    {
        const Table t = largeTable();
        QCOMPARE(t.columnCount(), size_t(15));  // as make_large.py: 14 inputs + target
        TargetInfo target{QStringLiteral("target"), ProblemType::Binary, {}, {QStringLiteral("no"), QStringLiteral("yes")}};
        const std::vector<float> y = encodeTarget(t, target);
        std::vector<size_t> rows(kRows);
        for (size_t i = 0; i < kRows; ++i)
            rows[i] = i;
        for (FeatureFlavour flavour : {FeatureFlavour::Trees, FeatureFlavour::Scaled, FeatureFlavour::Embedded}) {
            PreprocessOptions options;
            options.flavour = flavour;
            QElapsedTimer timer;
            timer.start();
            auto pre = Preprocessor::fit(t, rows, target, y, options);
            const qint64 fitMs = timer.restart();
            QVERIFY(pre.ok());
            const FeatureMatrix train = pre->transformTraining(t, rows);
            const qint64 trainMs = timer.restart();
            const FeatureMatrix x = pre->transform(t);
            const qint64 transformMs = timer.elapsed();
            qInfo("flavour %d: fit %lld ms, transformTraining %lld ms, transform %lld ms (%zu rows x %zu features, "
                  "%zu categorical)",
                  int(flavour), fitMs, trainMs, transformMs, x.rows, x.cols, x.catCols);
            QCOMPARE(x.rows, kRows);
            QCOMPARE(train.cols, x.cols);
            // Generous bound for a loaded 2-core machine; expected well under a second.
            QVERIFY2(transformMs < 5000, qPrintable(QStringLiteral("transform took %1 ms").arg(transformMs)));
        }
    }
};

QTEST_GUILESS_MAIN(TestPreprocessSpeed)
#include "tst_preprocess_speed.moc"
