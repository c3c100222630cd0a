// EASEL_TEST_LABEL: slow
// The build runner end to end on real data with the real trainer plugins:
// a usable bundle, the budget honoured, cancel keeps the best so far, the same
// seed gives the same leaderboard, and clear refusals for unusable data.
#include "automl/build.h"
#include "automl/trainer_registry.h"
#include "data/csv_reader.h"
#include "model/predictor.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <limits>

using namespace easel;

class TestBuild : public QObject
{
    Q_OBJECT

    std::shared_ptr<Table> load(const char *name)
    {
        Result<CsvImport> r = readCsv(QStringLiteral(EASEL_SHARED_DATA_DIR "/") + QLatin1String(name));
        if (!r.ok())
            qFatal("cannot read %s: %s", name, qPrintable(r.error().toString()));
        return r->table;
    }

    static std::shared_ptr<Table> fromText(const QByteArray &csv)
    {
        Result<CsvImport> r = readCsvData(csv, QStringLiteral("inline.csv"));
        if (!r.ok())
            qFatal("cannot read inline csv: %s", qPrintable(r.error().toString()));
        return r->table;
    }

    //! One thread, boosted trees and the linear learner only: fast and reproducible.
    static BuildSpec reproducibleSpec(const char *target, BuildMode mode, uint64_t seed, double seconds)
    {
        BuildSpec spec;
        spec.target = QLatin1String(target);
        spec.mode = mode;
        spec.seed = seed;
        spec.timeLimitSeconds = seconds;
        spec.threads = 1;
        spec.families = {QStringLiteral("xgboost"), QStringLiteral("linear")};
        return spec;
    }

    TrainerRegistry m_registry;
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase()
    {
        m_registry.discover();
        QVERIFY2(m_registry.families().contains(QStringLiteral("xgboost")),
                 qPrintable(m_registry.families().join(QLatin1Char(','))));
        QVERIFY(m_registry.families().contains(QStringLiteral("linear")));
    }

    void quickBuildOnPenguinsPredictsWell()
    {
        auto table = load("penguins.csv");
        BuildSpec spec;
        spec.target = QStringLiteral("species");
        spec.timeLimitSeconds = 30;
        spec.families = {QStringLiteral("xgboost"), QStringLiteral("linear")};
        Result<BuildResult> r = runBuild(*table, spec, m_registry);
        QVERIFY2(r.ok(), qPrintable(r.error().toString()));
        QCOMPARE(r->target.problem, ProblemType::Multiclass);
        QCOMPARE(r->target.classLabels, (QStringList{QStringLiteral("Adelie"), QStringLiteral("Chinstrap"),
                                                     QStringLiteral("Gentoo")}));
        QCOMPARE(r->metric, Metric::LogLoss);
        QVERIFY(r->leaderboard.size() >= 2);
        // Every boosted-tree trial carries its training curve for the progress page.
        for (const TrialRecord &t : r->leaderboard)
            if (t.family == QLatin1String("xgboost"))
                QVERIFY2(t.curve.size() >= 2, qPrintable(QString::number(t.curve.size())));
        QVERIFY2(r->ensembleScore < 0.2, qPrintable(QString::number(r->ensembleScore)));
        // The ensemble is never worse than its best member on the validation rows.
        QVERIFY(r->ensembleScore <= r->bestSingleScore + 1e-9);
        QVERIFY(!r->impact.empty());
        double total = 0;
        for (const ColumnImpact &c : r->impact)
            total += c.percent;
        QVERIFY(std::abs(total - 100.0) < 1e-6);

        // The bundle round-trips through a file and predicts the training rows well.
        const QString path = m_dir.filePath(QStringLiteral("penguins.easel"));
        QVERIFY(r->bundle.save(path).ok());
        Result<ModelBundle> bundle = ModelBundle::load(path);
        QVERIFY(bundle.ok());
        Result<std::unique_ptr<Predictor>> predictor = Predictor::open(*bundle, m_registry);
        QVERIFY2(predictor.ok(), qPrintable(predictor.error().toString()));
        Result<Predictions> pred = (*predictor)->predict(*table);
        QVERIFY(pred.ok());
        QCOMPARE(pred->rows, table->rowCount());
        QCOMPARE(pred->outputs, 3);
        const Column &species = table->column(size_t(table->indexOf(QStringLiteral("species"))));
        int right = 0;
        for (size_t i = 0; i < table->rowCount(); ++i)
            right += (*predictor)->labelAt(*pred, i) == species.textAt(i);
        QVERIFY2(right > 330, qPrintable(QString::number(right)));
        const std::vector<double> p = (*predictor)->probabilitiesAt(*pred, 0);
        QCOMPARE(p.size(), size_t(3));
        QVERIFY(std::abs(p[0] + p[1] + p[2] - 1.0) < 1e-4);
    }

    void budgetIsHonoured()
    {
        auto table = load("adult.csv");
        BuildSpec spec;
        spec.target = QStringLiteral("class");
        spec.timeLimitSeconds = 12;
        QElapsedTimer timer;
        timer.start();
        Result<BuildResult> r = runBuild(*table, spec, m_registry);
        const double seconds = timer.nsecsElapsed() / 1e9;
        QVERIFY2(r.ok(), qPrintable(r.error().toString()));
        const QString log = r->log.join(QLatin1Char('\n'));
        QVERIFY2(seconds <= 12 * 1.1 + 0.5, qPrintable(QStringLiteral("%1 s\n%2").arg(seconds).arg(log)));
        QVERIFY(r->ensembleScore > 0.85);  // AUC
        // 12 s is far too short for adult: the build says the limit ended it, and the
        // model records it for the model page.
        QVERIFY(r->timeLimited);
        QVERIFY2(log.contains(QStringLiteral("The time limit (12 s) ended the search")), qPrintable(log));
        // and names what makes a leaderboard independent of the computer's speed.
        QVERIFY2(log.contains(QStringLiteral("--max-candidates")), qPrintable(log));
        const QJsonObject build = r->bundle.manifest.value(QStringLiteral("build")).toObject();
        QCOMPARE(build.value(QStringLiteral("time_limited")).toBool(), true);
    }

    void cancelKeepsTheBestSoFar()
    {
        auto table = load("phoneme.csv");
        BuildSpec spec;
        spec.target = QStringLiteral("Class");
        spec.timeLimitSeconds = 60;
        TaskContext ctx;
        BuildObserver observer;
        int finished = 0;
        observer.trialFinished = [&](const TrialRecord &t) {
            if (!std::isnan(t.score) && ++finished == 2)
                ctx.cancel();
        };
        QElapsedTimer timer;
        timer.start();
        Result<BuildResult> r = runBuild(*table, spec, m_registry, &ctx, observer);
        QVERIFY2(r.ok(), qPrintable(r.error().toString()));
        QVERIFY(r->canceled);
        QVERIFY(timer.elapsed() < 40000);
        QVERIFY(!r->leaderboard.empty());
        Result<std::unique_ptr<Predictor>> predictor = Predictor::open(r->bundle, m_registry);
        QVERIFY2(predictor.ok(), qPrintable(predictor.error().toString()));
        QVERIFY((*predictor)->predict(*table).ok());
    }

    void sameSeedSameLeaderboard_data()
    {
        QTest::addColumn<bool>("everyFamily");
        QTest::newRow("boosted trees and linear, one thread") << false;
        // Networks and forests too, on every core: the thread count is the same
        // from run to run, and so is the result.
        QTest::newRow("every family, every core") << true;
    }

    void sameSeedSameLeaderboard()
    {
        QFETCH(bool, everyFamily);
        auto table = load("iris.csv");
        BuildSpec spec = reproducibleSpec("species", BuildMode::Quick, 7, 100);
        if (everyFamily) {
            spec.families.clear();
            spec.threads = 0;
        }
        Result<BuildResult> a = runBuild(*table, spec, m_registry);
        Result<BuildResult> b = runBuild(*table, spec, m_registry);
        QVERIFY(a.ok() && b.ok());
        // The search's own stopping rule ended it, not the clock: hence the same result.
        QVERIFY(!a->timeLimited && !b->timeLimited);
        QVERIFY(a->log.join(QLatin1Char('\n')).contains(QStringLiteral("stopped improving")));
        QCOMPARE(a->leaderboard.size(), b->leaderboard.size());
        for (size_t i = 0; i < a->leaderboard.size(); ++i) {
            QCOMPARE(a->leaderboard[i].family, b->leaderboard[i].family);
            QCOMPARE(a->leaderboard[i].params, b->leaderboard[i].params);
            QCOMPARE(a->leaderboard[i].score, b->leaderboard[i].score);
        }
        QCOMPARE(a->ensembleScore, b->ensembleScore);
        if (everyFamily) {
            QStringList families;
            for (const TrialRecord &t : a->leaderboard)
                if (!families.contains(t.family))
                    families << t.family;
            QVERIFY2(families.contains(QStringLiteral("mlp")) && families.contains(QStringLiteral("random_forest")),
                     qPrintable(families.join(QLatin1Char(','))));
        }
    }

    //! A limit on candidates ends the search on a count: the build tries exactly that
    //! many, says so, records the limit with the build, and reproduces with the seed.
    void candidateLimitEndsTheSearch()
    {
        auto table = load("iris.csv");
        BuildSpec spec = reproducibleSpec("species", BuildMode::Standard, 11, 300);
        spec.maxCandidates = 9;
        Result<BuildResult> a = runBuild(*table, spec, m_registry);
        QVERIFY2(a.ok(), qPrintable(a.error().toString()));
        QCOMPARE(a->trials.size(), size_t(9));
        const QString log = a->log.join(QLatin1Char('\n'));
        QVERIFY2(log.contains(QStringLiteral("Tried the 9 candidates allowed")), qPrintable(log));
        QVERIFY(!a->timeLimited && !a->canceled);
        QVERIFY2(a->seconds < 60, qPrintable(QString::number(a->seconds)));
        const QJsonObject build = a->bundle.manifest.value(QStringLiteral("build")).toObject();
        QCOMPARE(build.value(QStringLiteral("max_candidates")).toInt(), 9);
        Result<BuildSpec> back = BuildSpec::fromJson(build);
        QVERIFY(back.ok());
        QCOMPARE(back->maxCandidates, 9);
        QVERIFY(!BuildSpec().toJson().contains(QStringLiteral("max_candidates")));

        Result<BuildResult> b = runBuild(*table, spec, m_registry);
        QVERIFY(b.ok());
        QCOMPARE(b->trials.size(), a->trials.size());
        for (size_t i = 0; i < a->trials.size(); ++i) {
            QCOMPARE(a->trials[i].family, b->trials[i].family);
            QCOMPARE(a->trials[i].params, b->trials[i].params);
            QCOMPARE(a->trials[i].score, b->trials[i].score);
        }
        QCOMPARE(a->ensembleScore, b->ensembleScore);
        QVERIFY2(a->ensembleScore < 0.2, qPrintable(QString::number(a->ensembleScore)));  // log loss
    }

    //! A standard build runs what a quick build runs, then searches on; its final
    //! ensemble is the quick one unless the search's is better beyond chance and by
    //! at least 1 % of the remaining error.
    void standardBuildStartsWhereQuickStops()
    {
        auto table = load("german_credit.csv");
        BuildSpec spec = reproducibleSpec("credit_risk", BuildMode::Quick, 3, 60);
        Result<BuildResult> quick = runBuild(*table, spec, m_registry);
        QVERIFY2(quick.ok(), qPrintable(quick.error().toString()));
        QVERIFY(quick->log.join(QLatin1Char('\n')).contains(QStringLiteral("stopped improving")));
        spec.mode = BuildMode::Standard;
        spec.timeLimitSeconds = 30;
        Result<BuildResult> standard = runBuild(*table, spec, m_registry);
        QVERIFY2(standard.ok(), qPrintable(standard.error().toString()));
        QVERIFY2(standard->trials.size() > quick->trials.size(),
                 qPrintable(QStringLiteral("%1 vs %2").arg(standard->trials.size()).arg(quick->trials.size())));
        for (size_t i = 0; i < quick->trials.size(); ++i) {
            QCOMPARE(standard->trials[i].params, quick->trials[i].params);
            QCOMPARE(standard->trials[i].score, quick->trials[i].score);
        }
        const QString log = standard->log.join(QLatin1Char('\n'));
        const bool kept = log.contains(QStringLiteral("keeping that one"));
        qInfo("quick: %zu trials, AUC %.5f; standard: %zu trials, AUC %.5f (%s)", quick->trials.size(),
              quick->ensembleScore, standard->trials.size(), standard->ensembleScore, kept ? "kept" : "improved");
        QVERIFY2(kept || log.contains(QStringLiteral("The search improved the ensemble")), qPrintable(log));
        if (kept)
            QCOMPARE(standard->ensembleScore, quick->ensembleScore);
        else
            QVERIFY(standard->ensembleScore > quick->ensembleScore);  // AUC
    }

    //! On a small data set the search soon stops finding better models: a standard
    //! build then ends long before its budget, and compares its ensembles on rows
    //! that did not choose them.
    void standardSearchStopsWhenItStopsImproving()
    {
        auto table = load("iris.csv");
        BuildSpec spec = reproducibleSpec("species", BuildMode::Standard, 5, 900);
        Result<BuildResult> r = runBuild(*table, spec, m_registry);
        QVERIFY2(r.ok(), qPrintable(r.error().toString()));
        const QString log = r->log.join(QLatin1Char('\n'));
        QVERIFY2(log.contains(QStringLiteral("A quick build would stop here")), qPrintable(log));
        QVERIFY2(log.contains(QStringLiteral("The search went 60 candidates without a better model")), qPrintable(log));
        QVERIFY2(log.contains(QStringLiteral("on rows that did not choose it")), qPrintable(log));
        QVERIFY(!r->canceled);
        QVERIFY(!r->timeLimited);
        QVERIFY2(r->seconds < spec.timeLimitSeconds, qPrintable(QString::number(r->seconds)));
        // The last 60 candidates brought no better model than the best before them.
        QVERIFY(r->trials.size() > 60);
        double bestBefore = std::numeric_limits<double>::infinity();  // log loss: lower is better
        for (size_t i = 0; i + 60 < r->trials.size(); ++i)
            if (!std::isnan(r->trials[i].score))
                bestBefore = std::min(bestBefore, r->trials[i].score);
        for (size_t i = r->trials.size() - 60; i < r->trials.size(); ++i)
            if (!std::isnan(r->trials[i].score))
                QVERIFY2(r->trials[i].score > bestBefore * (1 - 1e-2) - 1e-9,
                         qPrintable(QStringLiteral("trial %1: %2 vs %3").arg(i + 1).arg(r->trials[i].score).arg(bestBefore)));
        qInfo("standard build on iris: %zu trials in %.1f s, ensemble log loss %.5f", r->trials.size(), r->seconds,
              r->ensembleScore);
    }

    void previewIsFast()
    {
        auto table = load("adult.csv");
        BuildSpec spec;
        spec.target = QStringLiteral("class");
        spec.mode = BuildMode::Preview;
        QElapsedTimer timer;
        timer.start();
        Result<BuildResult> r = runBuild(*table, spec, m_registry);
        QVERIFY2(r.ok(), qPrintable(r.error().toString()));
        QVERIFY(timer.elapsed() < 15000);
        QCOMPARE(r->leaderboard.size(), size_t(1));
        QVERIFY(r->ensembleScore > 0.8);
        QVERIFY(!r->impact.empty());
    }

    void refusesUnusableData_data()
    {
        QTest::addColumn<QByteArray>("csv");
        QTest::addColumn<QString>("target");
        QTest::addColumn<QStringList>("dropped");
        QTest::addColumn<QString>("says");
        QByteArray many = "x,y,k\n";
        for (int i = 0; i < 60; ++i)
            many += QByteArray::number(i) + "," + QByteArray::number(i % 2) + ",5\n";
        QByteArray few = "x,y\n";
        for (int i = 0; i < 8; ++i)
            few += QByteArray::number(i) + "," + QByteArray::number(i % 2) + "\n";
        QByteArray single = "x,y\n";
        for (int i = 0; i < 60; ++i)
            single += QByteArray::number(i) + "," + (i == 0 ? "c" : (i % 2 ? "a" : "b")) + "\n";
        QTest::newRow("no such column") << many << QStringLiteral("nope") << QStringList() << QStringLiteral("nope");
        QTest::newRow("constant target") << many << QStringLiteral("k") << QStringList() << QStringLiteral("k");
        QTest::newRow("too few rows") << few << QStringLiteral("y") << QStringList() << QStringLiteral("rows");
        QTest::newRow("single example class") << single << QStringLiteral("y") << QStringList() << QStringLiteral("c");
        QTest::newRow("every feature dropped") << many << QStringLiteral("y")
                                               << QStringList{QStringLiteral("x"), QStringLiteral("k")}
                                               << QStringLiteral("column");
    }
    void refusesUnusableData()
    {
        QFETCH(QByteArray, csv);
        QFETCH(QString, target);
        QFETCH(QStringList, dropped);
        QFETCH(QString, says);
        auto table = fromText(csv);
        BuildSpec spec;
        spec.target = target;
        spec.dropped = dropped;
        spec.timeLimitSeconds = 10;
        Result<BuildResult> r = runBuild(*table, spec, m_registry);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(r.error().message.contains(says), qPrintable(r.error().message));
    }
};

QTEST_GUILESS_MAIN(TestBuild)
#include "tst_build.moc"
