// Builds, trials and models recorded in the library; a build whose process died shows as interrupted.
#include "store/build_store.h"
#include "store/library.h"

#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace easel;

class TestBuildStore : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_counter = 0;

    std::unique_ptr<Library> openLibrary()
    {
        auto lib = Library::open(m_dir.filePath(QStringLiteral("lib%1.easeldb").arg(++m_counter)));
        if (!lib.ok())
            qFatal("%s", qPrintable(lib.error().toString()));
        return std::move(*lib);
    }

    static qint64 addDataset(Library &lib)
    {
        Table t;
        Column c(QStringLiteral("x"), ColumnType::Integer, Storage::Int64);
        c.int64s() = {1, 2, 3};
        t.addColumn(std::move(c));
        t.setRowCount(3);
        auto outcome = lib.importTable(t, QStringLiteral("tiny"));
        if (!outcome.ok())
            qFatal("%s", qPrintable(outcome.error().toString()));
        return outcome->record.id;
    }

private Q_SLOTS:
    void recordsABuildWithTrials()
    {
        auto lib = openLibrary();
        const qint64 dataset = addDataset(*lib);
        BuildStore store(*lib);
        Result<qint64> build = store.createBuild(dataset, QJsonObject{{QStringLiteral("target"), QStringLiteral("x")}});
        QVERIFY2(build.ok(), qPrintable(build.error().toString()));
        QVERIFY(store.addTrial(*build, {-1, -1, QStringLiteral("xgboost"), QJsonObject{{QStringLiteral("max_depth"), 6}},
                                        0.91, QStringLiteral("auc"), 1.5, QStringLiteral("finished")}).ok());
        QVERIFY(store.addTrial(*build, {-1, -1, QStringLiteral("mlp"), {}, std::nan(""), QStringLiteral("auc"), 0.2,
                                        QStringLiteral("failed")}).ok());
        QVERIFY(store.appendLog(*build, QStringLiteral("Trial 1 finished")).ok());
        QVERIFY(store.finishBuild(*build, QStringLiteral("finished"), {{QStringLiteral("seconds"), 2.0}}).ok());
        QVERIFY(store.addModel(*build, QStringLiteral("/tmp/m.easel"), {{QStringLiteral("metric"), QStringLiteral("auc")}}).ok());

        auto builds = store.builds(dataset);
        QVERIFY(builds.ok());
        QCOMPARE(builds->size(), size_t(1));
        QCOMPARE(builds->front().status, QStringLiteral("finished"));
        QVERIFY(builds->front().finishedAt.isValid());
        QCOMPARE(builds->front().spec.value(QStringLiteral("target")).toString(), QStringLiteral("x"));
        QVERIFY(builds->front().log.contains(QStringLiteral("Trial 1 finished")));
        auto trials = store.trials(*build);
        QVERIFY(trials.ok());
        QCOMPARE(trials->size(), size_t(2));
        QCOMPARE(trials->at(0).family, QStringLiteral("xgboost"));
        QCOMPARE(trials->at(0).score, 0.91);
        QCOMPARE(trials->at(0).params.value(QStringLiteral("max_depth")).toInt(), 6);
        QVERIFY(std::isnan(trials->at(1).score));

        // Removing the data set removes its builds and trials but keeps the model.
        QVERIFY(lib->removeDataset(dataset).ok());
        QCOMPARE(store.builds()->size(), size_t(0));
        QCOMPARE(store.trials(*build)->size(), size_t(0));
        auto models = store.models();
        QCOMPARE(models->size(), size_t(1));
        QCOMPARE(models->front().buildId, qint64(-1));
        QCOMPARE(models->front().path, QStringLiteral("/tmp/m.easel"));
    }

    void buildOfADeadProcessIsInterrupted()
    {
        auto lib = openLibrary();
        const qint64 dataset = addDataset(*lib);
        BuildStore store(*lib);
        const qint64 mine = *store.createBuild(dataset, {});
        const qint64 orphan = *store.createBuild(dataset, {});
        // Give the second build to a process id that cannot exist.
        QSqlQuery q(lib->database());
        q.prepare(QStringLiteral("UPDATE builds SET owner_pid = 2147483000 WHERE id = ?"));
        q.addBindValue(orphan);
        QVERIFY(q.exec());

        Result<int> marked = store.markInterrupted();
        QVERIFY(marked.ok());
        QCOMPARE(*marked, 1);
        QCOMPARE(store.build(orphan)->status, QStringLiteral("interrupted"));
        QCOMPARE(store.build(mine)->status, QStringLiteral("running"));
        QCOMPARE(*store.markInterrupted(), 0);
    }
};

QTEST_GUILESS_MAIN(TestBuildStore)
#include "tst_build_store.moc"
