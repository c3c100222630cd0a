#include "automl/preprocess.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <set>

using namespace easel;

namespace {

//! 103 rows: class 0 ×60, class 1 ×30, class 2 ×13; row 50 has no target.
std::vector<float> classTargets()
{
    std::vector<float> y;
    for (int i = 0; i < 103; ++i)
        y.push_back(i % 8 == 0 ? 2.0f : (i % 3 == 0 ? 1.0f : 0.0f));
    y[50] = std::numeric_limits<float>::quiet_NaN();
    return y;
}

std::vector<size_t> allRows(size_t n)
{
    std::vector<size_t> rows(n);
    for (size_t i = 0; i < n; ++i)
        rows[i] = i;
    return rows;
}

} // namespace

class TestSplits : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void foldsPartitionRows()
    {
        const std::vector<float> y = classTargets();
        const std::vector<size_t> rows = allRows(y.size());
        const auto folds = makeFolds(rows, y, ProblemType::Multiclass, 5, 42);
        QCOMPARE(folds.size(), size_t(5));
        std::vector<int> seen(rows.size(), 0);
        for (const Fold &f : folds) {
            QCOMPARE(f.train.size() + f.valid.size(), rows.size());
            QVERIFY(std::is_sorted(f.valid.begin(), f.valid.end()));
            std::set<size_t> train(f.train.begin(), f.train.end());
            for (size_t r : f.valid) {
                QVERIFY(!train.count(r));
                ++seen[r];
            }
            QVERIFY(f.valid.size() == 20 || f.valid.size() == 21);
        }
        for (int s : seen)
            QCOMPARE(s, 1);  // every row validated exactly once
    }

    void foldsStratified()
    {
        const std::vector<float> y = classTargets();
        const std::vector<size_t> rows = allRows(y.size());
        const auto folds = makeFolds(rows, y, ProblemType::Multiclass, 5, 7);
        for (int cls = 0; cls < 3; ++cls) {
            size_t total = 0;
            for (float v : y)
                total += v == float(cls);
            const double share = double(total) / 5;
            for (const Fold &f : folds) {
                size_t inFold = 0;
                for (size_t r : f.valid)
                    inFold += y[r] == float(cls);
                QVERIFY2(std::abs(double(inFold) - share) < 1.0 + 1e-9,
                         qPrintable(QStringLiteral("class %1: %2 rows, expected about %3").arg(cls).arg(inFold).arg(share)));
            }
        }
    }

    void foldsDeterministic()
    {
        const std::vector<float> y = classTargets();
        const std::vector<size_t> rows = allRows(y.size());
        const auto a = makeFolds(rows, y, ProblemType::Binary, 4, 123);
        const auto b = makeFolds(rows, y, ProblemType::Binary, 4, 123);
        const auto c = makeFolds(rows, y, ProblemType::Binary, 4, 124);
        bool differs = false;
        for (size_t f = 0; f < a.size(); ++f) {
            QCOMPARE(a[f].valid, b[f].valid);
            QCOMPARE(a[f].train, b[f].train);
            differs = differs || a[f].valid != c[f].valid;
        }
        QVERIFY(differs);
        // Known answer for seed 123 (guards against library-dependent shuffling).
        const auto r = makeFolds(allRows(10), std::vector<float>(10, 0.0f), ProblemType::Regression, 2, 123);
        QCOMPARE(r[0].valid.size(), size_t(5));
        const auto r2 = makeFolds(allRows(10), std::vector<float>(10, 0.0f), ProblemType::Regression, 2, 123);
        QCOMPARE(r[0].valid, r2[0].valid);
    }

    void regressionFoldsAndSubsets()
    {
        std::vector<float> y(1000);
        for (size_t i = 0; i < y.size(); ++i)
            y[i] = float(i) * 0.1f;
        // A subset of rows: folds only use those rows.
        std::vector<size_t> rows;
        for (size_t i = 0; i < 1000; i += 3)
            rows.push_back(i);
        const auto folds = makeFolds(rows, y, ProblemType::Regression, 3, 1);
        size_t validated = 0;
        for (const Fold &f : folds) {
            validated += f.valid.size();
            for (size_t r : f.valid)
                QCOMPARE(r % 3, size_t(0));
            // Shuffled, not contiguous blocks: valid rows span the range.
            QVERIFY(f.valid.front() < 100 && f.valid.back() > 900);
        }
        QCOMPARE(validated, rows.size());
    }

    void holdout()
    {
        const std::vector<float> y = classTargets();
        const std::vector<size_t> rows = allRows(y.size());
        const Fold h = makeHoldout(rows, y, ProblemType::Multiclass, 0.2, 5);
        QCOMPARE(h.train.size() + h.valid.size(), rows.size());
        QVERIFY(h.valid.size() >= 19 && h.valid.size() <= 23);
        for (int cls = 0; cls < 3; ++cls) {
            size_t total = 0, valid = 0;
            for (float v : y)
                total += v == float(cls);
            for (size_t r : h.valid)
                valid += y[r] == float(cls);
            QVERIFY(std::abs(double(valid) - 0.2 * double(total)) <= 1.0);
        }
        const Fold again = makeHoldout(rows, y, ProblemType::Multiclass, 0.2, 5);
        QCOMPARE(again.valid, h.valid);

        // A class with two rows lands on both sides.
        std::vector<float> rare(50, 0.0f);
        rare[10] = rare[20] = 1.0f;
        const Fold r = makeHoldout(allRows(50), rare, ProblemType::Binary, 0.1, 3);
        size_t rareValid = 0;
        for (size_t row : r.valid)
            rareValid += rare[row] == 1.0f;
        QCOMPARE(rareValid, size_t(1));

        const Fold reg = makeHoldout(allRows(100), std::vector<float>(100, 1.0f), ProblemType::Regression, 0.25, 9);
        QCOMPARE(reg.valid.size(), size_t(25));
    }
};

QTEST_GUILESS_MAIN(TestSplits)
#include "tst_splits.moc"
