// EASEL_TEST_LABEL: slow
// Scoring a file far larger than the memory allowed for it: peak RSS stays bounded.
#include "model/batch_predict.h"

#include "../explain/explain_test_util.h"

#include <QTemporaryDir>
#include <QTest>

using namespace easel;
using namespace easel::testing;

namespace {

qint64 statusKb(const char *key)
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith(key))
            return line.mid(qsizetype(strlen(key))).trimmed().split(' ').front().toLongLong();
    return -1;
}

} // namespace

class TestBatchLarge : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void boundedMemory()
    {
        QTemporaryDir dir;
        TrainerRegistry registry;
        registry.discover();
        QVERIFY(makeLarge(dir.filePath("small.csv"), 20000, "binary"));
        auto table = readTable(dir.filePath("small.csv"));
        auto bundle = buildBundle(*table, "label", {"xgboost"}, 4, registry, false);
        QVERIFY(bundle);
        Result<std::unique_ptr<Predictor>> p = Predictor::open(*bundle, registry);
        QVERIFY(p.ok());
        table.reset();

        // ~400 MB: the small file's rows repeated.
        QFile in(dir.filePath("small.csv"));
        QVERIFY(in.open(QIODevice::ReadOnly));
        const QByteArray all = in.readAll();
        const qsizetype headerEnd = all.indexOf('\n') + 1;
        QFile big(dir.filePath("big.csv"));
        QVERIFY(big.open(QIODevice::WriteOnly));
        big.write(all.left(headerEnd));
        const QByteArray body = all.mid(headerEnd);
        qint64 rows = 0;
        while (big.size() < (qint64(400) << 20)) {
            big.write(body);
            rows += body.count('\n');
        }
        big.close();

        // Reset the peak (Linux: "5" to clear_refs) so only scoring counts.
        QFile clear(QStringLiteral("/proc/self/clear_refs"));
        const bool reset = clear.open(QIODevice::WriteOnly) && clear.write("5") == 1;
        clear.close();
        const qint64 before = statusKb("VmRSS:");
        Result<BatchReport> r = predictCsv(**p, dir.filePath("big.csv"), dir.filePath("out.csv"));
        QVERIFY2(r.ok(), qPrintable(r.error().message));
        QCOMPARE(r->rows, rows);
        const qint64 peak = statusKb("VmHWM:");
        qInfo("file %lld MB, %lld rows; RSS before %lld MB, peak while scoring %lld MB (peak reset: %d)",
              QFileInfo(dir.filePath("big.csv")).size() >> 20, rows, before >> 10, peak >> 10, int(reset));
        if (reset)
            QVERIFY2(peak - before < 200 * 1024, "scoring used more than 200 MB beyond the model");
    }
};

QTEST_GUILESS_MAIN(TestBatchLarge)
#include "tst_batch_large.moc"
