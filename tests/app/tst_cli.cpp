// easel-cli as a user runs it: real processes, real files, exit codes and output.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

class TestCli : public QObject
{
    Q_OBJECT

    struct Run
    {
        int exitCode = -1;
        QByteArray out;
        QByteArray err;
    };

    Run cli(const QStringList &args)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("EASEL_LIBRARY"), m_dir.filePath(QStringLiteral("library.easeldb")));
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(EASEL_CLI_PATH), args);
        if (!p.waitForFinished(120000)) {
            p.kill();
            p.waitForFinished();
        }
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
                p.readAllStandardError()};
    }

    static QString shared(const char *name) { return QStringLiteral(EASEL_SHARED_DATA_DIR "/") + QLatin1String(name); }

    QTemporaryDir m_dir;

private Q_SLOTS:
    void version()
    {
        const Run r = cli({QStringLiteral("--version")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.startsWith("easel-cli "));
    }

    void unknownCommandIsAUsageError()
    {
        const Run r = cli({QStringLiteral("frobnicate")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("unknown command"));
    }

    void inspectJsonOnTitanic()
    {
        const Run r = cli({QStringLiteral("inspect"), shared("titanic.csv"), QStringLiteral("--json"),
                           QStringLiteral("--target"), QStringLiteral("survived")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QJsonParseError error;
        const QJsonObject root = QJsonDocument::fromJson(r.out, &error).object();
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(root.value(QStringLiteral("rows")).toInt(), 891);
        const QJsonArray columns = root.value(QStringLiteral("columns")).toArray();
        QCOMPARE(columns.size(), 11);
        QJsonObject age;
        for (const QJsonValue &c : columns)
            if (c.toObject().value(QStringLiteral("name")).toString() == QLatin1String("age"))
                age = c.toObject();
        QCOMPARE(age.value(QStringLiteral("type")).toString(), QStringLiteral("real"));
        QCOMPARE(age.value(QStringLiteral("missing")).toInt(), 177);
        QVERIFY(age.contains(QStringLiteral("distinct")));
        QCOMPARE(root.value(QStringLiteral("dialect")).toObject().value(QStringLiteral("delimiter")).toString(),
                 QStringLiteral(","));
        QVERIFY(root.value(QStringLiteral("warnings")).isArray());
        QVERIFY(root.value(QStringLiteral("issues")).isArray());
        for (const QJsonValue &w : root.value(QStringLiteral("warnings")).toArray()) {
            QVERIFY(w.toObject().contains(QStringLiteral("column")));
            QVERIFY(!w.toObject().value(QStringLiteral("kind")).toString().isEmpty());
            QVERIFY(!w.toObject().value(QStringLiteral("message")).toString().isEmpty());
        }
    }

    void inspectHumanReadable()
    {
        const Run r = cli({QStringLiteral("inspect"), shared("penguins.csv")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.out.contains("344 rows"));
        QVERIFY(r.out.contains("species"));
        QVERIFY(r.out.contains("categorical"));
    }

    void refusedFilesExitBelow126WithAMessage_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("code");
        QTest::newRow("missing") << m_dir.filePath(QStringLiteral("nope.csv")) << 3;
        QTest::newRow("directory") << m_dir.path() << 3;
        QTest::newRow("empty") << QStringLiteral(EASEL_TEST_DATA_DIR "/csv/empty.csv") << 4;
        QTest::newRow("binary") << QStringLiteral(EASEL_TEST_DATA_DIR "/csv/binary.bin") << 4;
    }
    void refusedFilesExitBelow126WithAMessage()
    {
        QFETCH(QString, path);
        QFETCH(int, code);
        const Run r = cli({QStringLiteral("inspect"), path});
        QCOMPARE(r.exitCode, code);
        QVERIFY(r.exitCode > 0 && r.exitCode < 126);
        QVERIFY(r.err.startsWith("easel-cli: "));
        QVERIFY(r.out.isEmpty());
    }

    void refuseBadRowsNamesTheLine()
    {
        const QString path = m_dir.filePath(QStringLiteral("ragged.csv"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("a,b,c\n1,2,3\n4,5,6\n7,8\n9,10,11\n");
        f.close();
        Run r = cli({QStringLiteral("inspect"), path, QStringLiteral("--bad-rows"), QStringLiteral("refuse")});
        QCOMPARE(r.exitCode, 4);
        QVERIFY2(r.err.contains("line 4"), r.err.constData());
        r = cli({QStringLiteral("inspect"), path, QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject root = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(root.value(QStringLiteral("rows")).toInt(), 3);
        const QJsonArray issues = root.value(QStringLiteral("issues")).toArray();
        QCOMPARE(issues.size(), 1);
        QCOMPARE(issues.at(0).toObject().value(QStringLiteral("line")).toInt(), 4);
    }

    void importThenList()
    {
        Run r = cli({QStringLiteral("import"), shared("iris.csv"), QStringLiteral("--name"), QStringLiteral("Iris")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.out.contains("Imported"));
        r = cli({QStringLiteral("import"), shared("iris.csv")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("already in the library"), r.out.constData());
        r = cli({QStringLiteral("datasets"), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonArray list = QJsonDocument::fromJson(r.out).array();
        QCOMPARE(list.size(), 1);
        QCOMPARE(list.at(0).toObject().value(QStringLiteral("name")).toString(), QStringLiteral("Iris"));
        QCOMPARE(list.at(0).toObject().value(QStringLiteral("rows")).toInt(), 150);
        r = cli({QStringLiteral("datasets"), QStringLiteral("--library"), m_dir.filePath(QStringLiteral("other.easeldb"))});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("no data sets yet"));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
