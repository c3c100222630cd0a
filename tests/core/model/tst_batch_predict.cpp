// EASEL_TEST_LABEL: slow
// Streaming CSV scoring: schema checks, verbatim pass-through, chunking, metrics, drift.
#include "model/batch_predict.h"

#include "../explain/explain_test_util.h"

#include <QTemporaryDir>
#include <QTest>

using namespace easel;
using namespace easel::testing;

namespace {

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeAll(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

} // namespace

class TestBatchPredict : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    TrainerRegistry m_registry;
    std::unique_ptr<ModelBundle> m_bundle;
    std::unique_ptr<Predictor> m_predictor;
    QString path(const char *name) const { return m_dir.filePath(QLatin1String(name)); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_registry.discover();
        QVERIFY(makeLarge(path("train.csv"), 3000, "binary", 1));
        QVERIFY(makeLarge(path("new.csv"), 2000, "binary", 2));
        auto table = readTable(path("train.csv"));
        QVERIFY(table);
        m_bundle = buildBundle(*table, "label", {"xgboost", "linear"}, 5, m_registry);
        QVERIFY(m_bundle);
        Result<std::unique_ptr<Predictor>> p = Predictor::open(*m_bundle, m_registry);
        QVERIFY(p.ok());
        m_predictor = std::move(*p);
    }

    void scoresWithMetricsAndNoDriftOnTrainingData()
    {
        Result<BatchReport> r = predictCsv(*m_predictor, path("train.csv"), path("out.csv"));
        QVERIFY2(r.ok(), qPrintable(r.error().message));
        QCOMPARE(r->rows, qint64(3000));
        QVERIFY(r->hasActual);
        QCOMPARE(r->actualRows, qint64(3000));
        QVERIFY(r->metricsAgainstActual.value("auc").toDouble() > 0.8);
        QVERIFY2(r->drift.warnings.isEmpty(), qPrintable(r->drift.warnings.join('\n')));
        QCOMPARE(r->extraColumns, QStringList({"row_id"}));
        const QList<QByteArray> in = readAll(path("train.csv")).split('\n');
        const QList<QByteArray> out = readAll(path("out.csv")).split('\n');
        QCOMPARE(out.size(), in.size());
        QVERIFY(out[0].startsWith(in[0] + ",prediction,probability_no,probability_yes"));
        // Same numbers as the in-memory predictor.
        Result<Predictions> pred = m_predictor->predict(*readTable(path("train.csv")));
        QVERIFY(pred.ok());
        for (int i : {1, 2, 1500, 3000}) {
            QVERIFY(out[i].startsWith(in[i] + ','));
            const QList<QByteArray> fields = out[i].split(',');
            QVERIFY(std::abs(fields.last().toDouble() - pred->values[size_t(i - 1)]) < 1e-6);
        }
    }

    void newDataWithoutTarget()
    {
        QByteArray csv = readAll(path("new.csv"));
        // Drop the label column (the last one).
        QByteArray stripped;
        for (const QByteArray &line : csv.split('\n')) {
            if (line.isEmpty())
                continue;
            stripped += line.left(line.lastIndexOf(',')) + '\n';
        }
        writeAll(path("nolabel.csv"), stripped);
        Result<BatchReport> r = predictCsv(*m_predictor, path("nolabel.csv"), path("out2.csv"));
        QVERIFY(r.ok());
        QVERIFY(!r->hasActual);
        QVERIFY(!r->toJson().contains("metrics_against_actual"));
        QCOMPARE(r->rows, qint64(2000));
    }

    //! A file that already has a "prediction" column (say, an older model's) keeps it,
    //! and the new one is named so that no two columns share a name.
    void predictionColumnsDoNotClashWithTheFile()
    {
        QCOMPARE(predictionColumnNames({"a", "b"}, {"no", "yes"}, true),
                 QStringList({"prediction", "probability_no", "probability_yes"}));
        QCOMPARE(predictionColumnNames({"prediction", "prediction_2", "probability_yes"}, {"no", "yes"}, true),
                 QStringList({"prediction_3", "probability_no", "probability_yes_2"}));
        QCOMPARE(predictionColumnNames({"Prediction", "x"}, {}, false), QStringList({"prediction"}));

        QByteArray csv;
        for (const QByteArray &line : readAll(path("new.csv")).split('\n'))
            if (!line.isEmpty())
                csv += line + (csv.isEmpty() ? ",prediction\n" : ",old\n");
        writeAll(path("again.csv"), csv);
        Result<BatchReport> r = predictCsv(*m_predictor, path("again.csv"), path("again_out.csv"));
        QVERIFY(r.ok());
        const QList<QByteArray> out = readAll(path("again_out.csv")).split('\n');
        QVERIFY2(out[0].endsWith(",prediction,prediction_2,probability_no,probability_yes"), out[0].constData());
        QVERIFY(out[1].contains(",old,"));
        QVERIFY2(r->warnings.contains("The file already has a column named prediction, so the predictions' column is "
                                      "named prediction_2."),
                 qPrintable(r->warnings.join('\n')));
    }

    void missingColumnsAreListed()
    {
        writeAll(path("some.csv"), "x1,x2,cat_lo,whatever\n1,2,A,z\n");
        Result<BatchReport> r = predictCsv(*m_predictor, path("some.csv"), path("o.csv"));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(r.error().message.contains("x3, x4, x_int"), qPrintable(r.error().message));
        QVERIFY(!r.error().message.contains("x1,"));
        QVERIFY(!QFile::exists(path("o.csv")));
        // A file of something else entirely.
        writeAll(path("other.csv"), "a;b;c\n1;2;3\n4;5;6\n");
        Result<BatchReport> other = predictCsv(*m_predictor, path("other.csv"), path("o.csv"));
        QVERIFY(!other.ok());
        QVERIFY(other.error().message.contains("x1"));
    }

    void emptyFile()
    {
        writeAll(path("empty.csv"), "");
        Result<BatchReport> r = predictCsv(*m_predictor, path("empty.csv"), path("o.csv"));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::EmptyInput);
    }

    void extraColumnsPassThroughVerbatimAcrossChunks()
    {
        // Number formats the reader would normalise, quotes, a line break inside a quoted field.
        const QByteArray header = readAll(path("new.csv")).split('\n').front();
        const QList<QByteArray> body = readAll(path("new.csv")).split('\n').mid(1, 40);
        QByteArray csv = "note," + header + "\n";
        for (int i = 0; i < body.size(); ++i) {
            if (body[i].isEmpty())
                continue;
            const QByteArray note = i % 3 == 0 ? "\"say \"\"hi\"\", then\nleave\"" : i % 3 == 1 ? "1.50" : "007";
            csv += note + "," + body[i] + "\n";
        }
        writeAll(path("extra.csv"), csv);
        BatchOptions small;
        small.chunkRows = 7;
        Result<BatchReport> a = predictCsv(*m_predictor, path("extra.csv"), path("a.csv"), small);
        QVERIFY2(a.ok(), qPrintable(a.error().message));
        Result<BatchReport> b = predictCsv(*m_predictor, path("extra.csv"), path("b.csv"));
        QVERIFY(b.ok());
        QCOMPARE(a->rows, qint64(40));
        QCOMPARE(a->extraColumns, QStringList({"note", "row_id"}));
        const QByteArray outA = readAll(path("a.csv"));
        QCOMPARE(outA, readAll(path("b.csv")));
        QVERIFY(outA.contains("\"say \"\"hi\"\", then\nleave\","));
        QVERIFY(outA.contains("\n1.50,"));
        QVERIFY(outA.contains("\n007,"));
        // Every input record is a prefix of its output record.
        const QList<QByteArray> inLines = csv.split('\n');
        for (const QByteArray &line : inLines)
            QVERIFY(outA.contains(line));
    }

    void driftWarningsOnShiftedData()
    {
        QByteArray csv = readAll(path("new.csv"));
        QList<QByteArray> lines = csv.split('\n');
        QByteArray shifted = lines.front() + "\n";
        for (int i = 1; i < lines.size(); ++i) {
            if (lines[i].isEmpty())
                continue;
            QList<QByteArray> f = lines[i].split(',');
            f[1] = QByteArray::number(f[1].toDouble() + 8.0);  // x1 far outside its N(0,1) training range
            shifted += f.join(',') + "\n";
        }
        writeAll(path("shifted.csv"), shifted);
        bool called = false;
        BatchOptions options;
        options.onDrift = [&](const DriftReport &d) { called = !d.warnings.isEmpty(); };
        Result<BatchReport> r = predictCsv(*m_predictor, path("shifted.csv"), path("o.csv"), options);
        QVERIFY(r.ok());
        QVERIFY(called);
        QVERIFY2(r->warnings.join('\n').contains("In *x1*, "), qPrintable(r->warnings.join('\n')));
    }

    void badRowsKeepTheirPlace()
    {
        const QList<QByteArray> lines = readAll(path("new.csv")).split('\n');
        QByteArray csv = lines[0] + "\n" + lines[1] + "\n" + "1,2,3\n" + lines[2] + "\n";
        writeAll(path("bad.csv"), csv);
        Result<BatchReport> r = predictCsv(*m_predictor, path("bad.csv"), path("o.csv"));
        QVERIFY2(r.ok(), qPrintable(r.error().message));
        QCOMPARE(r->rows, qint64(3));
        QCOMPARE(r->unreadRows, qint64(1));
        const QList<QByteArray> out = readAll(path("o.csv")).split('\n');
        QCOMPARE(out[2], QByteArray("1,2,3,,,"));
    }

    void cancel()
    {
        TaskContext ctx;
        ctx.cancel();
        Result<BatchReport> r = predictCsv(*m_predictor, path("train.csv"), path("c.csv"), {}, &ctx);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::Canceled);
        QVERIFY(!QFile::exists(path("c.csv")));
    }
};

QTEST_GUILESS_MAIN(TestBatchPredict)
#include "tst_batch_predict.moc"
