// Crash safety of the library: a child process (this executable again, told by
// an environment variable to act as a writer) imports tables and records builds
// as fast as it can and is SIGKILLed at a random moment; the library must then
// pass SQLite's integrity check and hold everything the child saw committed.

#include "store/library.h"
#include "store/table_file.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>
#include <set>

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

using namespace easel;

namespace {

const char *const kWriterVariable = "EASEL_TEST_CRASH_WRITER";
constexpr int kTrialsPerBuild = 5;

//! A small table whose content depends on (seed, i), so every one is new to the library.
Table makeTable(quint64 seed, int i)
{
    Table t;
    const size_t rows = 200 + size_t(i % 50);
    t.setRowCount(rows);
    Column a(QStringLiteral("n"), ColumnType::Integer, Storage::Int64);
    Column b(QStringLiteral("v"), ColumnType::Real, Storage::Float64);
    Column c(QStringLiteral("tag"), ColumnType::Categorical, Storage::String);
    c.dictionary() = {"alpha", "beta", std::to_string(seed) + "-" + std::to_string(i)};
    for (size_t r = 0; r < rows; ++r) {
        a.int64s().push_back(int64_t(seed) ^ (int64_t(i) << 20) ^ int64_t(r));
        b.doubles().push_back(double(r) * 0.5 + i);
        c.codes().push_back(int32_t(r % 3));
    }
    t.addColumn(std::move(a));
    t.addColumn(std::move(b));
    t.addColumn(std::move(c));
    return t;
}

void say(const QByteArray &line)
{
    // One write() of a short line to a pipe is atomic: the parent sees the whole
    // line or nothing of it.
    const QByteArray text = line + '\n';
#ifdef Q_OS_UNIX
    [[maybe_unused]] auto n = ::write(STDOUT_FILENO, text.constData(), size_t(text.size()));
#else
    std::fwrite(text.constData(), 1, size_t(text.size()), stdout);
    std::fflush(stdout);
#endif
}

//! The child's whole life: write until killed.
[[noreturn]] void runWriter(const QString &path)
{
    auto library = Library::open(path);
    if (!library.ok()) {
        say("error " + library.error().toString().toUtf8());
        std::_Exit(3);
    }
    Library &lib = **library;
    const quint64 seed = QRandomGenerator::global()->generate64();
    for (int i = 0;; ++i) {
        auto imported = lib.importTable(makeTable(seed, i), QStringLiteral("crash %1").arg(i));
        if (!imported.ok()) {
            say("error " + imported.error().toString().toUtf8());
            std::_Exit(4);
        }
        say("dataset " + QByteArray::number(imported->record.id));

        // Builds with their trials, each in one transaction: all of it or none
        // of it. Several per data set, so the kill often lands in a commit.
        for (int b = 0; b < 10; ++b) {
            QSqlDatabase db = lib.database();
            QSqlQuery q(db);
            bool ok = q.exec(QStringLiteral("BEGIN IMMEDIATE"));
            ok = ok && q.exec(QStringLiteral("INSERT INTO builds (dataset_id, spec_json, created_at) VALUES (%1, '{}', 'now')")
                                  .arg(imported->record.id));
            const qint64 build = q.lastInsertId().toLongLong();
            for (int t = 0; ok && t < kTrialsPerBuild; ++t)
                ok = q.exec(QStringLiteral("INSERT INTO trials (build_id, family, created_at) VALUES (%1, 'f%2', 'now')")
                                .arg(build).arg(t));
            ok = ok && q.exec(QStringLiteral("COMMIT"));
            if (!ok) {
                say("error " + q.lastError().text().toUtf8());
                std::_Exit(5);
            }
            say("build " + QByteArray::number(build));
        }
    }
}

struct Reported
{
    std::set<qint64> datasets;
    std::set<qint64> builds;
    QByteArray errors;
};

Reported parse(const QByteArray &output)
{
    Reported r;
    const int lastNewline = output.lastIndexOf('\n');
    // Only whole lines count: a line cut by the kill was never fully reported.
    for (const QByteArray &line : output.left(lastNewline + 1).split('\n')) {
        if (line.startsWith("dataset "))
            r.datasets.insert(line.mid(8).toLongLong());
        else if (line.startsWith("build "))
            r.builds.insert(line.mid(6).toLongLong());
        else if (line.startsWith("error "))
            r.errors += line + '\n';
    }
    return r;
}

} // namespace

class TestLibraryCrash : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        const QString writerPath = qEnvironmentVariable(kWriterVariable);
        if (!writerPath.isEmpty())
            runWriter(writerPath);
    }

    void killedWriterLosesNothingCommitted()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("crash.easeldb"));
        std::set<qint64> allDatasets, allBuilds;
        const int rounds = 6;
        for (int round = 0; round < rounds; ++round) {
            QProcess child;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(QString::fromLatin1(kWriterVariable), path);
            child.setProcessEnvironment(env);
            child.setProcessChannelMode(QProcess::SeparateChannels);
            child.start(QCoreApplication::applicationFilePath(), {});
            QVERIFY2(child.waitForStarted(5000), qPrintable(child.errorString()));

            // Let it commit something, then kill it at a random moment.
            QByteArray output;
            QDeadlineTimer firstCommit(10000);
            while (!output.contains("dataset ") && !output.contains("error ") && !firstCommit.hasExpired()
                   && child.state() == QProcess::Running) {
                child.waitForReadyRead(50);
                output += child.readAllStandardOutput();
            }
            QVERIFY2(output.contains("dataset "), output.constData());
            QDeadlineTimer killAt(QRandomGenerator::global()->bounded(20, 320));
            while (!killAt.hasExpired() && child.state() == QProcess::Running) {
                child.waitForReadyRead(int(std::max<qint64>(1, killAt.remainingTime())));
                output += child.readAllStandardOutput();
            }
            child.kill(); // SIGKILL
            QVERIFY(child.waitForFinished(5000));
            output += child.readAllStandardOutput();
            QCOMPARE(child.exitStatus(), QProcess::CrashExit);

            const Reported reported = parse(output);
            QVERIFY2(reported.errors.isEmpty(), reported.errors.constData());
            allDatasets.insert(reported.datasets.begin(), reported.datasets.end());
            allBuilds.insert(reported.builds.begin(), reported.builds.end());

            auto library = Library::open(path);
            QVERIFY2(library.ok(), qPrintable(library.error().toString()));
            Library &lib = **library;
            {
                QSqlQuery q(lib.database());
                QVERIFY(q.exec(QStringLiteral("PRAGMA integrity_check")) && q.next());
                QCOMPARE(q.value(0).toString(), QStringLiteral("ok"));
                QVERIFY(q.exec(QStringLiteral("PRAGMA foreign_key_check")));
                QVERIFY2(!q.next(), "a row points at a missing parent");
            }
            for (qint64 id : allDatasets) {
                auto record = lib.dataset(id);
                QVERIFY2(record.ok(), qPrintable(QStringLiteral("committed data set %1 is missing").arg(id)));
            }
            // Every recorded data set (reported or not) has its table, intact.
            auto list = lib.datasets();
            QVERIFY(list.ok());
            for (const DatasetRecord &record : *list) {
                auto table = lib.loadTable(record.id);
                QVERIFY2(table.ok(), qPrintable(table.error().toString()));
                QCOMPARE(qint64((*table)->rowCount()), record.rows);
            }
            // Builds are all-or-nothing with their trials.
            QSqlQuery q(lib.database());
            QVERIFY(q.exec(QStringLiteral("SELECT b.id, COUNT(t.id) FROM builds b LEFT JOIN trials t ON t.build_id = b.id "
                                          "GROUP BY b.id")));
            std::set<qint64> builds;
            while (q.next()) {
                builds.insert(q.value(0).toLongLong());
                QCOMPARE(q.value(1).toInt(), kTrialsPerBuild);
            }
            for (qint64 id : allBuilds)
                QVERIFY2(builds.count(id), qPrintable(QStringLiteral("committed build %1 is missing").arg(id)));
            qInfo("round %d: %zu data sets and %zu builds reported committed, %zu data sets in the library",
                  round + 1, reported.datasets.size(), reported.builds.size(), list->size());
        }
        QVERIFY(!allDatasets.empty());
    }

    void unrecordedDataFileDoesNotConfuse()
    {
        // A kill between writing the table file and inserting its row leaves a
        // file nobody points at, possibly a half-written temporary beside it.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("orphans.easeldb"));
        auto library = Library::open(path);
        QVERIFY(library.ok());
        Library &lib = **library;

        const Table table = makeTable(42, 1);
        const QString hash = *tableContentHash(table);
        const QString finalName = lib.dataDirectory() + QLatin1Char('/') + hash + QStringLiteral(".easeltable");
        QVERIFY(writeTableFile(table, finalName).ok()); // written, never recorded
        {
            QFile temp(finalName + QStringLiteral(".aB3dEf")); // QSaveFile's temporary, cut short
            QVERIFY(temp.open(QIODevice::WriteOnly));
            temp.write("EASELTBL\x01\x00");
        }
        const Table other = makeTable(42, 2);
        const QString otherName =
            lib.dataDirectory() + QLatin1Char('/') + *tableContentHash(other) + QStringLiteral(".easeltable");
        {
            QFile damaged(otherName); // an unrecorded file that is garbage
            QVERIFY(damaged.open(QIODevice::WriteOnly));
            damaged.write(QByteArray(100, 'z'));
        }

        QVERIFY(lib.datasets()->empty());
        QVERIFY(!lib.findByHash(hash).has_value());

        auto imported = lib.importTable(table, QStringLiteral("again"));
        QVERIFY2(imported.ok(), qPrintable(imported.error().toString()));
        QVERIFY(!imported->alreadyPresent);
        QVERIFY(lib.loadTable(imported->record.id).ok());

        auto second = lib.importTable(other, QStringLiteral("over garbage"));
        QVERIFY2(second.ok(), qPrintable(second.error().toString()));
        auto loaded = lib.loadTable(second->record.id);
        QVERIFY2(loaded.ok(), qPrintable(loaded.error().toString()));
        QCOMPARE(*tableContentHash(**loaded), *tableContentHash(other));
        QCOMPARE(lib.datasets()->size(), size_t(2));

        // The cut-short temporary is an orphan; young orphans are left alone
        // (another process may be about to record them), old ones go.
        QCOMPARE(*lib.removeOrphanFiles(3600), 0);
        const QString unrelated = lib.dataDirectory() + QStringLiteral("/notes.txt");
        {
            QFile f(unrelated);
            QVERIFY(f.open(QIODevice::WriteOnly));
        }
        QTest::qWait(50);
        QCOMPARE(*lib.removeOrphanFiles(0), 1);
        QVERIFY(!QFile::exists(finalName + QStringLiteral(".aB3dEf")));
        QVERIFY(QFile::exists(unrelated));
        QVERIFY(lib.loadTable(imported->record.id).ok());
        QVERIFY(lib.loadTable(second->record.id).ok());
    }

    void unrecordedDataFileDoesNotConfuseCsvImport()
    {
        QTemporaryDir dir;
        const QString csv = dir.filePath(QStringLiteral("orphan.csv"));
        {
            QFile f(csv);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("a,b\n1,x\n2,y\n3,z\n");
        }
        auto library = Library::open(dir.filePath(QStringLiteral("csv.easeldb")));
        QVERIFY(library.ok());
        Library &lib = **library;
        const QString hash = *hashFile(csv);
        {
            QFile orphan(lib.dataDirectory() + QLatin1Char('/') + hash + QStringLiteral(".easeltable"));
            QVERIFY(orphan.open(QIODevice::WriteOnly));
            orphan.write("half a table");
        }
        auto imported = lib.importCsv(csv);
        if (!imported.ok() && imported.error().code == ErrorCode::Unsupported)
            QSKIP("readCsv is not implemented yet (stub returns Unsupported); this test runs once the reader lands.");
        QVERIFY2(imported.ok(), qPrintable(imported.error().toString()));
        QVERIFY(!imported->alreadyPresent);
        auto loaded = lib.loadTable(imported->record.id);
        QVERIFY2(loaded.ok(), qPrintable(loaded.error().toString()));
        QCOMPARE((*loaded)->rowCount(), size_t(3));
    }
};

QTEST_GUILESS_MAIN(TestLibraryCrash)
#include "tst_library_crash.moc"
