// easel-cli serve as a user runs it: a real server process on a free loopback
// port, called over HTTP, its answers compared with `easel-cli predict`.
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <memory>

class TestServe : public QObject
{
    Q_OBJECT

    struct Reply
    {
        int status = 0;
        QByteArray body;
        QJsonObject json;
        QString error;  //!< the network error, if the request failed below HTTP
    };

    QTemporaryDir m_dir;
    QString m_model;
    QUrl m_url;
    std::unique_ptr<QProcess> m_server;
    QNetworkAccessManager m_net;
    QStringList m_csvHeader;
    QList<QStringList> m_csvRows;

    QProcessEnvironment env() const
    {
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.insert(QStringLiteral("EASEL_LIBRARY"), m_dir.filePath(QStringLiteral("library.easeldb")));
        return e;
    }

    int cli(const QStringList &args, QByteArray *err = nullptr)
    {
        QProcess p;
        p.setProcessEnvironment(env());
        p.start(QStringLiteral(EASEL_CLI_PATH), args);
        if (!p.waitForFinished(60000)) {
            p.kill();
            p.waitForFinished();
            return -1;
        }
        if (err)
            *err = p.readAllStandardError();
        return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    }

    Reply call(const QByteArray &method, const QString &path, const QByteArray &body = {})
    {
        QNetworkRequest request(m_url.resolved(QUrl(path)));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        QNetworkReply *reply = m_net.sendCustomRequest(request, method, body);
        QEventLoop loop;
        connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(20000, &loop, &QEventLoop::quit);
        loop.exec();
        Reply r;
        if (!reply->isFinished()) {
            reply->abort();
            r.error = QStringLiteral("timed out");
        }
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r.body = reply->readAll();
        r.json = QJsonDocument::fromJson(r.body).object();
        if (r.status == 0)
            r.error = reply->errorString();
        reply->deleteLater();
        return r;
    }

    //! Iris rows as JSON objects, numbers as JSON numbers.
    QJsonArray rowsAsJson(const QList<int> &indexes) const
    {
        QJsonArray rows;
        for (int i : indexes) {
            QJsonObject o;
            for (int c = 0; c < 4; ++c)
                o.insert(m_csvHeader[c], m_csvRows[i][c].toDouble());
            rows.append(o);
        }
        return rows;
    }

    static QByteArray json(const QJsonValue &v)
    {
        return v.isArray() ? QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact)
                           : QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_net.setProxy(QNetworkProxy::NoProxy);
        const QString iris = QStringLiteral(EASEL_SHARED_DATA_DIR "/iris.csv");
        QFile file(iris);
        QVERIFY(file.open(QIODevice::ReadOnly | QIODevice::Text));
        m_csvHeader = QString::fromUtf8(file.readLine()).trimmed().split(QLatin1Char(','));
        while (!file.atEnd()) {
            const QString line = QString::fromUtf8(file.readLine()).trimmed();
            if (!line.isEmpty())
                m_csvRows << line.split(QLatin1Char(','));
        }
        QCOMPARE(m_csvHeader.size(), 5);
        QCOMPARE(m_csvRows.size(), 150);

        m_model = m_dir.filePath(QStringLiteral("iris.easel"));
        QByteArray err;
        const int code = cli({QStringLiteral("build"), iris, QStringLiteral("--target"), QStringLiteral("species"),
                              QStringLiteral("--out"), m_model, QStringLiteral("--time-limit"), QStringLiteral("8"),
                              QStringLiteral("--families"), QStringLiteral("xgboost,linear")},
                             &err);
        QVERIFY2(code == 0, err.constData());

        m_server = std::make_unique<QProcess>();
        m_server->setProcessEnvironment(env());
        m_server->start(QStringLiteral(EASEL_CLI_PATH),
                        {QStringLiteral("serve"), m_model, QStringLiteral("--port"), QStringLiteral("0"),
                         QStringLiteral("--threads"), QStringLiteral("2"), QStringLiteral("--max-body"),
                         QStringLiteral("1048576")});
        QVERIFY(m_server->waitForStarted(10000));
        QByteArray first;
        while (!first.contains('\n') && m_server->waitForReadyRead(20000))
            first += m_server->readAllStandardOutput();
        const QRegularExpressionMatch m =
            QRegularExpression(QStringLiteral("^Serving iris on (http://127\\.0\\.0\\.1:\\d+)\n")).match(QString::fromUtf8(first));
        QVERIFY2(m.hasMatch(), (first + m_server->readAllStandardError()).constData());
        m_url = QUrl(m.captured(1));
        QVERIFY(m_url.port() > 0);
    }

    void health()
    {
        const Reply r = call("GET", QStringLiteral("/health"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
        const QJsonObject model = r.json.value(QStringLiteral("model")).toObject();
        QCOMPARE(model.value(QStringLiteral("name")).toString(), QStringLiteral("iris"));
        QCOMPARE(model.value(QStringLiteral("target")).toString(), QStringLiteral("species"));
        QCOMPARE(model.value(QStringLiteral("problem_type")).toString(), QStringLiteral("multiclass"));
    }

    void schema()
    {
        const Reply r = call("GET", QStringLiteral("/schema"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value(QStringLiteral("target")).toString(), QStringLiteral("species"));
        QCOMPARE(r.json.value(QStringLiteral("problem_type")).toString(), QStringLiteral("multiclass"));
        QCOMPARE(r.json.value(QStringLiteral("class_labels")).toArray(),
                 QJsonArray({QStringLiteral("setosa"), QStringLiteral("versicolor"), QStringLiteral("virginica")}));
        const QJsonArray columns = r.json.value(QStringLiteral("columns")).toArray();
        QCOMPARE(columns.size(), 4);
        for (int c = 0; c < 4; ++c) {
            const QJsonObject col = columns[c].toObject();
            QVERIFY(m_csvHeader.mid(0, 4).contains(col.value(QStringLiteral("name")).toString()));
            QCOMPARE(col.value(QStringLiteral("type")).toString(), QStringLiteral("real"));
        }
        // The example row the schema offers is itself a valid request.
        const Reply example = call("POST", QStringLiteral("/predict"), json(r.json.value(QStringLiteral("example"))));
        QCOMPARE(example.status, 200);
    }

    void predictOneRow()
    {
        const Reply r = call("POST", QStringLiteral("/predict"), json(rowsAsJson({0}).first()));
        QCOMPARE(r.status, 200);
        const QJsonArray predictions = r.json.value(QStringLiteral("predictions")).toArray();
        QCOMPARE(predictions.size(), 1);
        const QJsonObject p = predictions.first().toObject();
        QCOMPARE(p.value(QStringLiteral("prediction")).toString(), QStringLiteral("setosa"));
        const QJsonObject probs = p.value(QStringLiteral("probabilities")).toObject();
        QCOMPARE(probs.size(), 3);
        double sum = 0;
        for (const QJsonValue &v : probs)
            sum += v.toDouble();
        QVERIFY(std::abs(sum - 1.0) < 1e-4);
        QCOMPARE(r.json.value(QStringLiteral("model")).toObject().value(QStringLiteral("target")).toString(),
                 QStringLiteral("species"));
    }

    void predictManyRowsMatchesCliPredict()
    {
        QList<int> indexes;
        for (int i = 0; i < 150; i += 3)
            indexes << i;
        // The same rows through `easel-cli predict`.
        const QString csv = m_dir.filePath(QStringLiteral("rows.csv"));
        const QString outCsv = m_dir.filePath(QStringLiteral("rows_pred.csv"));
        {
            QFile f(csv);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(m_csvHeader.mid(0, 4).join(QLatin1Char(',')).toUtf8() + '\n');
            for (int i : indexes)
                f.write(m_csvRows[i].mid(0, 4).join(QLatin1Char(',')).toUtf8() + '\n');
        }
        QByteArray err;
        QVERIFY2(cli({QStringLiteral("predict"), m_model, csv, QStringLiteral("--out"), outCsv}, &err) == 0,
                 err.constData());
        QFile f(outCsv);
        QVERIFY(f.open(QIODevice::ReadOnly | QIODevice::Text));
        const QStringList header = QString::fromUtf8(f.readLine()).trimmed().split(QLatin1Char(','));
        const int predCol = int(header.indexOf(QStringLiteral("prediction")));
        QVERIFY(predCol >= 0);

        const Reply r = call("POST", QStringLiteral("/predict"), json(rowsAsJson(indexes)));
        QCOMPARE(r.status, 200);
        const QJsonArray predictions = r.json.value(QStringLiteral("predictions")).toArray();
        QCOMPARE(predictions.size(), indexes.size());
        for (const QJsonValue &v : predictions) {
            const QStringList fields = QString::fromUtf8(f.readLine()).trimmed().split(QLatin1Char(','));
            QCOMPARE(fields.size(), header.size());
            const QJsonObject p = v.toObject();
            QCOMPARE(p.value(QStringLiteral("prediction")).toString(), fields[predCol]);
            const QJsonObject probs = p.value(QStringLiteral("probabilities")).toObject();
            for (int c = predCol + 1; c < header.size(); ++c) {
                const QString label = header[c].mid(int(qstrlen("probability_")));
                QVERIFY2(std::abs(probs.value(label).toDouble() - fields[c].toDouble()) < 1e-6,
                         qPrintable(label));
            }
        }
    }

    void numbersAsTextAndMissingValuesAreAccepted()
    {
        const QByteArray body = R"([{"sepal_length": "5.1", "sepal_width": " 3.5 ", "petal_length": null,
                                     "petal_width": "", "extra column": "ignored"}])";
        const Reply r = call("POST", QStringLiteral("/predict"), body);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value(QStringLiteral("predictions")).toArray().size(), 1);
    }

    void emptyArrayGivesNoPredictions()
    {
        const Reply r = call("POST", QStringLiteral("/predict"), "[]");
        QCOMPARE(r.status, 200);
        QVERIFY(r.json.value(QStringLiteral("predictions")).isArray());
        QCOMPARE(r.json.value(QStringLiteral("predictions")).toArray().size(), 0);
    }

    void malformedJsonIs400()
    {
        const Reply r = call("POST", QStringLiteral("/predict"), "[{\"sepal_length\": 5.1,\n  \"sepal_width\": }]");
        QCOMPARE(r.status, 400);
        const QString error = r.json.value(QStringLiteral("error")).toString();
        QVERIFY2(error.contains(QStringLiteral("not valid JSON")) && error.contains(QStringLiteral("line 2")),
                 qPrintable(error));
        QCOMPARE(call("POST", QStringLiteral("/predict"), "42").status, 400);
        QCOMPARE(call("POST", QStringLiteral("/predict"), "").status, 400);
        QCOMPARE(call("POST", QStringLiteral("/predict"), "[1, 2]").status, 400);
    }

    void wrongTypeIs422NamingColumnAndRow()
    {
        QJsonArray rows = rowsAsJson({0, 1, 2});
        QJsonObject second = rows[1].toObject();
        second.insert(QStringLiteral("sepal_width"), QStringLiteral("abc"));
        rows[1] = second;
        const Reply r = call("POST", QStringLiteral("/predict"), json(rows));
        QCOMPARE(r.status, 422);
        const QString error = r.json.value(QStringLiteral("error")).toString();
        QVERIFY2(error.contains(QStringLiteral("sepal_width")) && error.contains(QStringLiteral("index 1")),
                 qPrintable(error));
        QCOMPARE(r.json.value(QStringLiteral("row")).toInt(), 1);
        QCOMPARE(r.json.value(QStringLiteral("column")).toString(), QStringLiteral("sepal_width"));

        const Reply lacking = call("POST", QStringLiteral("/predict"), R"({"sepal_length": 5})");
        QCOMPARE(lacking.status, 422);
        QVERIFY(lacking.json.value(QStringLiteral("error")).toString().contains(QStringLiteral("petal_width")));
    }

    void oversizedIs413()
    {
        // --max-body is 1 MB here.
        const QByteArray big = "[\"" + QByteArray(1100 * 1024, 'x') + "\"]";
        const Reply r = call("POST", QStringLiteral("/predict"), big);
        QCOMPARE(r.status, 413);
        QVERIFY(!r.json.value(QStringLiteral("error")).toString().isEmpty());

        // More rows than one request may hold (small rows, under the byte limit).
        QByteArray many = "[";
        for (int i = 0; i <= 100000; ++i)
            many += i ? ",{}" : "{}";
        many += "]";
        const Reply rows = call("POST", QStringLiteral("/predict"), many);
        QCOMPARE(rows.status, 413);
        QVERIFY(rows.json.value(QStringLiteral("error")).toString().contains(QStringLiteral("100000")));
    }

    void unknownPathIs404AndWrongMethodIs405()
    {
        const Reply r = call("GET", QStringLiteral("/nothing-here"));
        QCOMPARE(r.status, 404);
        QVERIFY(r.json.value(QStringLiteral("error")).toString().contains(QStringLiteral("/predict")));
        QCOMPARE(call("GET", QStringLiteral("/predict")).status, 405);
        QCOMPARE(call("POST", QStringLiteral("/health"), "{}").status, 405);
    }

    void concurrentRequestsGetTheirOwnAnswers()
    {
        // Many requests in flight at once, each for a different row; every answer must be that row's.
        const Reply single = call("POST", QStringLiteral("/predict"), json(rowsAsJson({0, 75, 149})));
        QCOMPARE(single.status, 200);
        const QJsonArray expected = single.json.value(QStringLiteral("predictions")).toArray();
        const QList<int> rows{0, 75, 149};
        QList<QNetworkReply *> replies;
        for (int i = 0; i < 48; ++i) {
            QNetworkRequest request(m_url.resolved(QUrl(QStringLiteral("/predict"))));
            request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
            replies << m_net.post(request, json(rowsAsJson({rows[i % 3]}).first()));
        }
        QTRY_VERIFY_WITH_TIMEOUT(std::all_of(replies.cbegin(), replies.cend(), [](QNetworkReply *r) { return r->isFinished(); }),
                                 20000);
        for (int i = 0; i < replies.size(); ++i) {
            QCOMPARE(replies[i]->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
            const QJsonArray got =
                QJsonDocument::fromJson(replies[i]->readAll()).object().value(QStringLiteral("predictions")).toArray();
            QCOMPARE(got.size(), 1);
            QCOMPARE(got.first(), expected[i % 3]);
            replies[i]->deleteLater();
        }
    }

    void cleanupTestCase()
    {
        if (!m_server)
            return;
        // Still alive after every bad request above, and stops cleanly on SIGTERM.
        QCOMPARE(m_server->state(), QProcess::Running);
        QCOMPARE(call("GET", QStringLiteral("/health")).status, 200);
        m_server->terminate();
        QVERIFY(m_server->waitForFinished(10000));
        QCOMPARE(m_server->exitStatus(), QProcess::NormalExit);
        QCOMPARE(m_server->exitCode(), 0);
        QVERIFY(m_server->readAllStandardError().contains("Stopped."));
    }
};

QTEST_GUILESS_MAIN(TestServe)
#include "tst_serve.moc"
