// EASEL_TEST_LABEL: slow
// easel-cli export: every format, and its errors (unknown format, a bundle
// without that kind of member, an unwritable path, a damaged bundle).
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

class TestCliExport : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_model;

    struct Run
    {
        int code;
        QString out, err;
    };

    Run cli(const QStringList &args, int timeoutMs = 180000)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("EASEL_LIBRARY"), m_dir.filePath(QStringLiteral("library.easeldb")));
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(EASEL_CLI_PATH), args);
        if (!p.waitForFinished(timeoutMs))
            p.kill();
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
    }
    static QString shared(const char *name) { return QStringLiteral(EASEL_SHARED_DATA_DIR "/") + QLatin1String(name); }
    QString path(const QString &name) const { return m_dir.filePath(name); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_model = path(QStringLiteral("titanic.easel"));
        const Run r = cli({QStringLiteral("build"), shared("titanic.csv"), QStringLiteral("--target"),
                           QStringLiteral("survived"), QStringLiteral("--out"), m_model, QStringLiteral("--time-limit"),
                           QStringLiteral("6"), QStringLiteral("--families"), QStringLiteral("xgboost,linear")});
        if (r.code != 0)
            QSKIP(qPrintable(QStringLiteral("no model could be built here: ") + r.err));
    }

    void python()
    {
        const Run r = cli({QStringLiteral("export"), m_model, QStringLiteral("--format"), QStringLiteral("python"),
                           QStringLiteral("--out"), path(QStringLiteral("model.py"))});
        QCOMPARE(r.code, 0);
        QFile f(path(QStringLiteral("model.py")));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray script = f.readAll();
        QVERIFY(script.startsWith("#!/usr/bin/env python3"));
        QVERIFY(script.contains("PAYLOADS = {"));
        QVERIFY(f.permissions() & QFileDevice::ExeOwner);
    }

    void report()
    {
        const QString out = path(QStringLiteral("card.html"));
        const Run r = cli({QStringLiteral("export"), m_model, QStringLiteral("--format"), QStringLiteral("report"),
                           QStringLiteral("--out"), out, QStringLiteral("--data"), shared("titanic.csv")});
        QCOMPARE(r.code, 0);
        QFile f(out);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString html = QString::fromUtf8(f.readAll());
        QVERIFY(html.contains(QStringLiteral("<table class=\"cm\">")));
        QVERIFY(html.contains(QStringLiteral("<svg class=\"impact-chart\"")));
        QVERIFY(!html.contains(QStringLiteral("http")));
    }

    void xgboostFolder()
    {
        const QString out = path(QStringLiteral("boosters"));
        const Run r = cli({QStringLiteral("export"), m_model, QStringLiteral("--format"), QStringLiteral("xgboost"),
                           QStringLiteral("--out"), out, QStringLiteral("--json")});
        QCOMPARE(r.code, 0);
        QVERIFY(QFile::exists(QDir(out).filePath(QStringLiteral("manifest.json"))));
        QVERIFY(QFile::exists(QDir(out).filePath(QStringLiteral("README.txt"))));
        QVERIFY(!QDir(out).entryList({QStringLiteral("*.json")}).filter(QStringLiteral("xgboost")).isEmpty());
        QVERIFY(r.out.contains(QStringLiteral("\"files\"")));
    }

    void unknownFormat()
    {
        const Run r = cli({QStringLiteral("export"), m_model, QStringLiteral("--format"), QStringLiteral("onnx"),
                           QStringLiteral("--out"), path(QStringLiteral("m.onnx"))});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains(QStringLiteral("unknown format")));
        QCOMPARE(cli({QStringLiteral("export"), m_model, QStringLiteral("--out"), path(QStringLiteral("x"))}).code, 2);
        QCOMPARE(cli({QStringLiteral("export"), m_model, QStringLiteral("--format"), QStringLiteral("python")}).code, 2);
    }

    void noNetworkMember()
    {
        const Run r = cli({QStringLiteral("export"), m_model, QStringLiteral("--format"), QStringLiteral("torchscript"),
                           QStringLiteral("--out"), path(QStringLiteral("net.pt"))});
        QCOMPARE(r.code, 4);
        QVERIFY(r.err.contains(QStringLiteral("no neural-network member")));
        QVERIFY(!QFile::exists(path(QStringLiteral("net.pt"))));
    }

    void unwritablePath()
    {
        const Run r = cli({QStringLiteral("export"), m_model, QStringLiteral("--format"), QStringLiteral("python"),
                           QStringLiteral("--out"), QStringLiteral("/proc/easel-no-such-dir/model.py")});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains(QStringLiteral("Cannot write")));
    }

    void damagedBundle()
    {
        QFile in(m_model);
        QVERIFY(in.open(QIODevice::ReadOnly));
        QByteArray bytes = in.readAll();
        bytes.truncate(bytes.size() / 2);
        const QString damaged = path(QStringLiteral("damaged.easel"));
        QFile out(damaged);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(bytes);
        out.close();
        const Run r = cli({QStringLiteral("export"), damaged, QStringLiteral("--format"), QStringLiteral("report"),
                           QStringLiteral("--out"), path(QStringLiteral("r.html"))});
        QCOMPARE(r.code, 4);
        QVERIFY(r.err.contains(QStringLiteral("damaged.easel")));
        QCOMPARE(cli({QStringLiteral("export"), path(QStringLiteral("missing.easel")), QStringLiteral("--format"),
                      QStringLiteral("report"), QStringLiteral("--out"), path(QStringLiteral("r.html"))}).code, 3);
    }
};

QTEST_GUILESS_MAIN(TestCliExport)
#include "tst_cli_export.moc"
