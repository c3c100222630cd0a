// EASEL_TEST_LABEL: slow
// How fast a 1M × 15 table goes to and from its binary file, compared with
// parsing the same data as CSV (once the CSV reader is in).

#include "data/csv_reader.h"
#include "store/table_file.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace easel;

namespace {

constexpr size_t kRows = 1000000;

//! 5 integer-like, 5 real, 2 boolean, 3 string columns (10 labels, 1000 labels, unique ids).
Table bigTable()
{
    QRandomGenerator rng(12345);
    Table t;
    t.setRowCount(kRows);
    for (int c = 0; c < 5; ++c) {
        const ColumnType type = c == 3 ? ColumnType::Date : c == 4 ? ColumnType::DateTime : ColumnType::Integer;
        Column col(QStringLiteral("int_%1").arg(c), type, Storage::Int64);
        col.int64s().resize(kRows);
        for (size_t r = 0; r < kRows; ++r)
            col.int64s()[r] = r % 97 == 0 ? kMissingInt64
                              : type == ColumnType::Integer ? int64_t(rng.bounded(1000000)) - 500000
                                                            : 1600000000000 + int64_t(rng.bounded(100000000)) * 1000;
        t.addColumn(std::move(col));
    }
    for (int c = 0; c < 5; ++c) {
        Column col(QStringLiteral("real_%1").arg(c), ColumnType::Real, Storage::Float64);
        col.doubles().resize(kRows);
        for (size_t r = 0; r < kRows; ++r)
            col.doubles()[r] = r % 89 == 0 ? std::nan("") : std::round(rng.generateDouble() * 1e6) / 100.0;
        t.addColumn(std::move(col));
    }
    for (int c = 0; c < 2; ++c) {
        Column col(QStringLiteral("flag_%1").arg(c), ColumnType::Boolean, Storage::Bool);
        col.bools().resize(kRows);
        for (size_t r = 0; r < kRows; ++r)
            col.bools()[r] = r % 101 == 0 ? kMissingBool : int8_t(rng.bounded(2));
        t.addColumn(std::move(col));
    }
    const size_t levels[3] = {10, 1000, kRows};
    const ColumnType types[3] = {ColumnType::Categorical, ColumnType::Text, ColumnType::Identifier};
    for (int c = 0; c < 3; ++c) {
        Column col(QStringLiteral("str_%1").arg(c), types[c], Storage::String);
        for (size_t k = 0; k < levels[c]; ++k)
            col.dictionary().push_back((c == 2 ? "id-" : "label ") + std::to_string(k * 7919 % 1000003));
        col.codes().resize(kRows);
        for (size_t r = 0; r < kRows; ++r)
            col.codes()[r] = c == 2 ? int32_t(r) : r % 53 == 0 ? kMissingCode : int32_t(rng.bounded(quint32(levels[c])));
        t.addColumn(std::move(col));
    }
    return t;
}

bool writeCsv(const Table &t, const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return false;
    QByteArray out;
    out.reserve(1 << 22);
    for (size_t c = 0; c < t.columnCount(); ++c)
        out += (c ? "," : "") + t.column(c).name().toUtf8();
    out += '\n';
    for (size_t r = 0; r < t.rowCount(); ++r) {
        for (size_t c = 0; c < t.columnCount(); ++c) {
            if (c)
                out += ',';
            out += t.column(c).textAt(r).toUtf8();
        }
        out += '\n';
        if (out.size() > (1 << 22) - 4096) {
            f.write(out);
            out.clear();
        }
    }
    f.write(out);
    return true;
}

} // namespace

class TestTableFileSpeed : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void millionRows()
    {
        QTemporaryDir dir;
        const Table table = bigTable();
        const QString file = dir.filePath(QStringLiteral("big.easeltable"));

        QElapsedTimer timer;
        timer.start();
        const Status written = writeTableFile(table, file);
        const double writeSeconds = timer.nsecsElapsed() / 1e9;
        QVERIFY2(written.ok(), qPrintable(written.error().toString()));
        const double mb = QFileInfo(file).size() / 1e6;

        double best = 1e9;
        std::shared_ptr<Table> read;
        for (int i = 0; i < 3; ++i) {
            timer.restart();
            auto r = readTableFile(file);
            best = std::min(best, timer.nsecsElapsed() / 1e9);
            QVERIFY2(r.ok(), qPrintable(r.error().toString()));
            read = *r;
        }
        QCOMPARE(read->rowCount(), kRows);
        QCOMPARE(*tableContentHash(*read), *tableContentHash(table));
        qInfo("table file, %zu rows x %zu columns, %.1f MB: write %.3f s (%.0f MB/s, fsync included), read %.3f s "
              "(%.0f MB/s)",
              kRows, table.columnCount(), mb, writeSeconds, mb / writeSeconds, best, mb / best);

        const QString csv = dir.filePath(QStringLiteral("big.csv"));
        QVERIFY(writeCsv(table, csv));
        timer.restart();
        auto parsed = readCsv(csv);
        const double csvSeconds = timer.nsecsElapsed() / 1e9;
        if (!parsed.ok() && parsed.error().code == ErrorCode::Unsupported)
            QSKIP("readCsv is not implemented yet; no CSV comparison.");
        QVERIFY2(parsed.ok(), qPrintable(parsed.error().toString()));
        qInfo("CSV, %.1f MB: readCsv %.3f s; the table file reads %.1fx faster", QFileInfo(csv).size() / 1e6,
              csvSeconds, csvSeconds / best);
        QVERIFY(best < csvSeconds);
    }
};

QTEST_GUILESS_MAIN(TestTableFileSpeed)
#include "tst_table_file_speed.moc"
