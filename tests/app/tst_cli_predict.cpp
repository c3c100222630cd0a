// EASEL_TEST_LABEL: slow
// easel-cli predict / explain as a user runs them: real processes, files, exit codes.
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

class TestCliPredict : public QObject
{
    Q_OBJECT

private:
    struct Run
    {
        int code = -1;
        QByteArray out, err;
    };
    QTemporaryDir m_dir;

    Run run(const QStringList &args)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("EASEL_LIBRARY"), m_dir.filePath(QStringLiteral("library.easeldb")));
        env.insert(QStringLiteral("OMP_WAIT_POLICY"), QStringLiteral("PASSIVE"));
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(EASEL_CLI_PATH), args);
        p.waitForFinished(300000);
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
                p.readAllStandardError()};
    }
    QString path(const char *name) const { return m_dir.filePath(QLatin1String(name)); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QProcess gen;
        gen.start(QStringLiteral("/usr/bin/python3"),
                  {QStringLiteral(EASEL_SHARED_DATA_DIR "/make_large.py"), "--rows", "3000", "--task", "binary", "--out",
                   path("bin.csv")});
        QVERIFY(gen.waitForFinished(120000) && gen.exitCode() == 0);
        const Run b = run({"build", path("bin.csv"), "--target", "label", "--out", path("m.easel"), "--time-limit", "5",
                           "--families", "xgboost,linear"});
        QVERIFY2(b.code == 0, b.err.constData());
    }

    //! --max-candidates ends the build on a count; a bad value is a usage error.
    void buildWithCandidateLimit()
    {
        const Run r = run({"build", path("bin.csv"), "--target", "label", "--out", path("few.easel"), "--time-limit",
                           "60", "--families", "xgboost,linear", "--max-candidates", "3", "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value("trials").toInt(), 3);
        QCOMPARE(o.value("time_limited").toBool(true), false);
        QVERIFY(r.err.contains("Tried the 3 candidates allowed"));
        const Run bad = run({"build", path("bin.csv"), "--target", "label", "--out", path("few.easel"),
                             "--max-candidates", "0"});
        QCOMPARE(bad.code, 2);
        QVERIFY2(bad.err.contains("--max-candidates takes a whole number above 0"), bad.err.constData());
    }

    void predictOneRowJson()
    {
        const Run r = run({"predict", path("m.easel"), "--row", R"({"x1": 1.5, "x2": "", "cat_lo": "Z", "label": "yes"})",
                           "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QVERIFY(o.value("prediction").toString() == "yes" || o.value("prediction").toString() == "no");
        QVERIFY(o.value("probabilities").toObject().contains("yes"));
        QVERIFY(o.value("explanation").toObject().value("contributions").toArray().size() > 5);
        const QString warnings = QJsonDocument(o.value("warnings").toArray()).toJson();
        QVERIFY(warnings.contains("never seen in training"));
        QVERIFY(warnings.contains("*x2* has no value"));
    }

    void predictOneRowText()
    {
        const Run r = run({"predict", path("m.easel"), "--row", R"({"x1": "2"})"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("Prediction: label = "));
        QVERIFY(r.out.contains("pushed the probability of yes"));
    }

    void wrongTypeIsAnError()
    {
        const Run r = run({"predict", path("m.easel"), "--row", R"({"x1": "abc"})"});
        QCOMPARE(r.code, 4);
        QVERIFY(r.err.contains("x1 must be a number; got 'abc'"));
        QCOMPARE(run({"predict", path("m.easel"), "--row", "not json"}).code, 2);
    }

    void predictFileJson()
    {
        const Run r = run({"predict", path("m.easel"), path("bin.csv"), "--out", path("out.csv"), "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value("rows").toInt(), 3000);
        QVERIFY(o.value("metrics_against_actual").toObject().value("auc").toDouble() > 0.75);
        QVERIFY(o.value("warnings").toArray().isEmpty());
        QFile f(path("out.csv"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.readLine().trimmed().endsWith("label,prediction,probability_no,probability_yes"));
    }

    void predictFileMissingColumns()
    {
        QFile f(path("few.csv"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("x1,x2\n1,2\n");
        f.close();
        const Run r = run({"predict", path("m.easel"), path("few.csv"), "--out", path("o.csv")});
        QCOMPARE(r.code, 4);
        QVERIFY(r.err.contains("which the file lacks: x3"));
    }

    void explainStoredAndMeasured()
    {
        Run r = run({"explain", path("m.easel"), "--json"});
        QVERIFY2(r.code == 0, r.err.constData());
        QJsonArray impact = QJsonDocument::fromJson(r.out).object().value("column_impact").toArray();
        QVERIFY(!impact.isEmpty());
        r = run({"explain", path("m.easel"), "--data", path("bin.csv"), "--json", "--repeats", "2"});
        QVERIFY2(r.code == 0, r.err.constData());
        impact = QJsonDocument::fromJson(r.out).object().value("column_impact").toArray();
        QVERIFY(!impact.isEmpty());
        double total = 0;
        for (const QJsonValue &v : impact)
            total += v.toObject().value("percent").toDouble();
        QVERIFY(std::abs(total - 100) < 1e-6);
        r = run({"explain", path("m.easel")});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("What drives the predictions of label"));
    }
};

QTEST_GUILESS_MAIN(TestCliPredict)
#include "tst_cli_predict.moc"
