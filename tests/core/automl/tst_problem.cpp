#include "automl/problem.h"
#include "data/csv_reader.h"

#include <QtTest>

#include <cmath>

using namespace easel;

namespace {

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

Column intColumn(const QString &name, const std::vector<int64_t> &values)
{
    Column c(name, ColumnType::Integer, Storage::Int64);
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

TablePtr readShared(const QString &file)
{
    auto r = readCsv(QStringLiteral(EASEL_SHARED_DATA_DIR) + QLatin1Char('/') + file);
    if (!r.ok())
        return {};
    return r->table;
}

} // namespace

class TestProblem : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void names()
    {
        for (ProblemType t : {ProblemType::Binary, ProblemType::Multiclass, ProblemType::Regression}) {
            ProblemType back = ProblemType::Regression;
            QVERIFY(problemTypeFromName(problemTypeName(t), &back));
            QCOMPARE(back, t);
        }
        QCOMPARE(problemTypeName(ProblemType::Multiclass), QStringLiteral("multiclass"));
        ProblemType t;
        QVERIFY(!problemTypeFromName(QStringLiteral("ranking"), &t));
    }

    void handBuiltRules()
    {
        // Strings: 2 labels → binary, 3 → multiclass.
        QStringList yesNo, colours;
        std::vector<int64_t> few, many;
        std::vector<double> reals;
        for (int i = 0; i < 60; ++i) {
            yesNo << (i % 3 ? QStringLiteral("yes") : QStringLiteral("no"));
            colours << QStringList{QStringLiteral("red"), QStringLiteral("green"), QStringLiteral("blue")}[i % 3];
            few.push_back(3 + i % 7);     // 7 values, like wine quality
            many.push_back(1 + i % 28);   // 28 values, like abalone rings
            reals.push_back(i * 0.5);
        }
        const Table t = tableOf({stringColumn(QStringLiteral("answer"), yesNo),
                                 stringColumn(QStringLiteral("colour"), colours), intColumn(QStringLiteral("quality"), few),
                                 intColumn(QStringLiteral("rings"), many), realColumn(QStringLiteral("price"), reals)});
        auto answer = detectTarget(t, QStringLiteral("answer"));
        QVERIFY(answer.ok());
        QCOMPARE(answer->problem, ProblemType::Binary);
        QCOMPARE(answer->classLabels, (QStringList{QStringLiteral("no"), QStringLiteral("yes")}));
        QVERIFY(answer->reason.contains(QLatin1String("answer")));

        auto colour = detectTarget(t, QStringLiteral("colour"));
        QVERIFY(colour.ok());
        QCOMPARE(colour->problem, ProblemType::Multiclass);
        QCOMPARE(colour->classLabels, (QStringList{QStringLiteral("blue"), QStringLiteral("green"), QStringLiteral("red")}));

        auto quality = detectTarget(t, QStringLiteral("quality"));
        QVERIFY(quality.ok());
        QCOMPARE(quality->problem, ProblemType::Multiclass);
        QCOMPARE(quality->classLabels.size(), 7);
        QCOMPARE(quality->classLabels.front(), QStringLiteral("3"));
        QCOMPARE(quality->classLabels.back(), QStringLiteral("9"));

        auto rings = detectTarget(t, QStringLiteral("rings"));
        QVERIFY(rings.ok());
        QCOMPARE(rings->problem, ProblemType::Regression);
        QVERIFY(rings->classLabels.isEmpty());

        auto price = detectTarget(t, QStringLiteral("price"));
        QVERIFY(price.ok());
        QCOMPARE(price->problem, ProblemType::Regression);

        // Forcing: rings as classes (numeric order: 1, 2, …, 10, not 1, 10, 11).
        auto ringsClasses = targetAs(t, QStringLiteral("rings"), ProblemType::Multiclass);
        QVERIFY(ringsClasses.ok());
        QCOMPARE(ringsClasses->classLabels.size(), 28);
        QCOMPARE(ringsClasses->classLabels[1], QStringLiteral("2"));
        QCOMPARE(ringsClasses->classLabels[9], QStringLiteral("10"));
        QVERIFY(ringsClasses->reason.contains(QLatin1String("You chose")));

        // Regression on labels is refused; binary on three values too.
        auto bad = targetAs(t, QStringLiteral("colour"), ProblemType::Regression);
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().code, ErrorCode::InvalidArgument);
        QVERIFY(bad.error().message.contains(QLatin1String("colour")));
        QVERIFY(!targetAs(t, QStringLiteral("colour"), ProblemType::Binary).ok());
        QVERIFY(targetAs(t, QStringLiteral("quality"), ProblemType::Regression).ok());
    }

    void booleanTarget()
    {
        Column flag(QStringLiteral("churned"), ColumnType::Boolean, Storage::Bool);
        for (int i = 0; i < 30; ++i)
            flag.bools().push_back(i == 4 ? kMissingBool : int8_t(i % 3 == 0));
        const Table t = tableOf({flag});
        auto r = detectTarget(t, QStringLiteral("churned"));
        QVERIFY(r.ok());
        QCOMPARE(r->problem, ProblemType::Binary);
        QCOMPARE(r->classLabels, (QStringList{QStringLiteral("false"), QStringLiteral("true")}));
        const std::vector<float> y = encodeTarget(t, *r);
        QCOMPARE(y[0], 1.0f);
        QCOMPARE(y[1], 0.0f);
        QVERIFY(std::isnan(y[4]));
        QVERIFY(!targetAs(t, QStringLiteral("churned"), ProblemType::Regression).ok());
    }

    void errors()
    {
        QStringList constant, singleton, tiny;
        std::vector<double> allMissing;
        for (int i = 0; i < 40; ++i) {
            constant << QStringLiteral("same");
            singleton << (i == 0 ? QStringLiteral("lonely") : (i % 2 ? QStringLiteral("a") : QStringLiteral("b")));
            tiny << (i < 10 ? (i % 2 ? QStringLiteral("x") : QStringLiteral("y")) : QString());
            allMissing.push_back(std::nan(""));
        }
        const Table t = tableOf({stringColumn(QStringLiteral("constant"), constant),
                                 stringColumn(QStringLiteral("singleton"), singleton),
                                 stringColumn(QStringLiteral("tiny"), tiny),
                                 realColumn(QStringLiteral("empty"), allMissing)});
        auto check = [&](const QString &column, const QString &expectedWord) {
            auto r = detectTarget(t, column);
            QVERIFY2(!r.ok(), qPrintable(column));
            QCOMPARE(r.error().code, ErrorCode::InvalidArgument);
            QVERIFY2(r.error().message.contains(column), qPrintable(r.error().message));
            QVERIFY2(r.error().message.contains(expectedWord), qPrintable(r.error().message));
        };
        check(QStringLiteral("nope"), QStringLiteral("no column"));
        check(QStringLiteral("constant"), QStringLiteral("same value"));
        check(QStringLiteral("singleton"), QStringLiteral("single row"));
        check(QStringLiteral("tiny"), QStringLiteral("at least 20"));
        check(QStringLiteral("empty"), QStringLiteral("empty"));
    }

    void encode()
    {
        QStringList labels;
        std::vector<double> values;
        for (int i = 0; i < 30; ++i) {
            labels << (i == 5 ? QString() : (i % 2 ? QStringLiteral("cat") : QStringLiteral("dog")));
            values.push_back(i == 7 ? std::nan("") : i * 1.5);
        }
        const Table t = tableOf({stringColumn(QStringLiteral("pet"), labels), realColumn(QStringLiteral("v"), values)});
        auto pet = detectTarget(t, QStringLiteral("pet"));
        QVERIFY(pet.ok());
        const std::vector<float> y = encodeTarget(t, *pet);
        QCOMPARE(y.size(), size_t(30));
        QCOMPARE(y[0], 1.0f);  // dog = class 1 (cat < dog)
        QCOMPARE(y[1], 0.0f);
        QVERIFY(std::isnan(y[5]));
        auto v = detectTarget(t, QStringLiteral("v"));
        QVERIFY(v.ok());
        const std::vector<float> yv = encodeTarget(t, *v);
        QCOMPARE(yv[2], 3.0f);
        QVERIFY(std::isnan(yv[7]));
    }

    void sharedData_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("column");
        QTest::addColumn<QString>("problem");
        QTest::addColumn<QStringList>("labels");
        QTest::newRow("titanic") << "titanic.csv" << "survived" << "binary" << QStringList{"0", "1"};
        QTest::newRow("penguins") << "penguins.csv" << "species" << "multiclass"
                                  << QStringList{"Adelie", "Chinstrap", "Gentoo"};
        QTest::newRow("diamonds") << "diamonds.csv" << "price" << "regression" << QStringList{};
        QTest::newRow("breast cancer") << "breast_cancer_wisconsin.csv" << "class" << "binary" << QStringList{"2", "4"};
        QTest::newRow("abalone") << "abalone.csv" << "Rings" << "regression" << QStringList{};
        QTest::newRow("wine") << "winequality_white.csv" << "quality" << "multiclass"
                              << QStringList{"3", "4", "5", "6", "7", "8", "9"};
        QTest::newRow("adult") << "adult.csv" << "class" << "binary" << QStringList{"<=50K", ">50K"};
    }

    void sharedData()
    {
        QFETCH(QString, file);
        QFETCH(QString, column);
        QFETCH(QString, problem);
        QFETCH(QStringList, labels);
        const TablePtr table = readShared(file);
        if (!table)
            QSKIP("readCsv cannot read the shared data yet");
        auto target = detectTarget(*table, column);
        QVERIFY2(target.ok(), qPrintable(target.error().message));
        QCOMPARE(problemTypeName(target->problem), problem);
        QCOMPARE(target->classLabels, labels);
        QVERIFY(!target->reason.isEmpty());
        const std::vector<float> y = encodeTarget(*table, *target);
        QCOMPARE(y.size(), table->rowCount());
        if (!labels.isEmpty()) {
            std::vector<size_t> perClass(size_t(labels.size()), 0);
            for (float v : y)
                if (!std::isnan(v))
                    ++perClass[size_t(v)];
            for (size_t n : perClass)
                QVERIFY(n >= 2);
        }
    }

    void titanicCounts()
    {
        const TablePtr table = readShared(QStringLiteral("titanic.csv"));
        if (!table)
            QSKIP("readCsv cannot read the shared data yet");
        auto target = detectTarget(*table, QStringLiteral("survived"));
        QVERIFY(target.ok());
        const std::vector<float> y = encodeTarget(*table, *target);
        size_t positives = 0;
        for (float v : y)
            positives += v == 1.0f;
        QCOMPARE(positives, size_t(342));
        // A text column with a different value in every row is no target.
        auto name = detectTarget(*table, QStringLiteral("name"));
        QVERIFY(!name.ok());
        QVERIFY(name.error().message.contains(QLatin1String("name")));
        // Forcing regression on a text column is refused; multiclass on an integer column is fine.
        QVERIFY(!targetAs(*table, QStringLiteral("sex"), ProblemType::Regression).ok());
        auto pclass = targetAs(*table, QStringLiteral("pclass"), ProblemType::Multiclass);
        QVERIFY(pclass.ok());
        QCOMPARE(pclass->classLabels, (QStringList{QStringLiteral("1"), QStringLiteral("2"), QStringLiteral("3")}));
        // Dates cannot be targets.
        const TablePtr taxis = readShared(QStringLiteral("taxis.csv"));
        QVERIFY(taxis);
        auto pickup = detectTarget(*taxis, QStringLiteral("pickup"));
        QVERIFY(!pickup.ok());
        QVERIFY(pickup.error().message.contains(QLatin1String("pickup")));
    }
};

QTEST_GUILESS_MAIN(TestProblem)
#include "tst_problem.moc"
