#include "store/hash64.h"
#include "store/table_file.h"

#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <cstring>
#include <limits>

using namespace easel;

namespace {

Column int64Column(const QString &name, ColumnType type, std::vector<int64_t> values)
{
    Column c(name, type, Storage::Int64);
    c.int64s() = std::move(values);
    return c;
}

Column doubleColumn(const QString &name, std::vector<double> values)
{
    Column c(name, ColumnType::Real, Storage::Float64);
    c.doubles() = std::move(values);
    return c;
}

Column boolColumn(const QString &name, std::vector<int8_t> values)
{
    Column c(name, ColumnType::Boolean, Storage::Bool);
    c.bools() = std::move(values);
    return c;
}

Column stringColumn(const QString &name, ColumnType type, std::vector<int32_t> codes, std::vector<std::string> dict)
{
    Column c(name, type, Storage::String);
    c.codes() = std::move(codes);
    c.dictionary() = std::move(dict);
    return c;
}

//! A table with every type and storage, missing values in each.
Table sampleTable()
{
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    Table t;
    t.setRowCount(6);
    t.addColumn(int64Column(QStringLiteral("count"), ColumnType::Integer,
                            {0, -1, kMissingInt64, std::numeric_limits<int64_t>::max(), kMissingInt64 + 1, 42}));
    t.addColumn(doubleColumn(QStringLiteral("price"), {1.5, nan, -0.0, inf, -inf, 1e-308}));
    t.addColumn(boolColumn(QStringLiteral("active"), {1, 0, kMissingBool, 1, 1, 0}));
    t.addColumn(stringColumn(QStringLiteral("colour"), ColumnType::Categorical, {0, 1, kMissingCode, 2, 0, 1},
                             {"red", "green", ""}));
    t.addColumn(stringColumn(QStringLiteral("Stadt – 都市 🏙"), ColumnType::Text, {0, 1, 2, 3, kMissingCode, 4},
                             {"Zürich", "東京", "Москва", "emoji 🐍🧪", std::string("nul\0inside", 10)}));
    t.addColumn(int64Column(QStringLiteral("day"), ColumnType::Date,
                            {0, 86400000, kMissingInt64, -86400000, 1714521600000, 253402214400000}));
    t.addColumn(int64Column(QStringLiteral("at"), ColumnType::DateTime,
                            {1714567500123, kMissingInt64, 0, 1, -1, 2}));
    t.addColumn(int64Column(QStringLiteral("id"), ColumnType::Identifier, {10, 11, 12, 13, 14, 15}));
    t.addColumn(stringColumn(QStringLiteral("code"), ColumnType::Identifier, {5, 4, 3, 2, 1, 0},
                             {"a", "b", "c", "d", "e", "f"}));
    return t;
}

void compareTables(const Table &a, const Table &b)
{
    QCOMPARE(b.rowCount(), a.rowCount());
    QCOMPARE(b.columnCount(), a.columnCount());
    for (size_t i = 0; i < a.columnCount(); ++i) {
        const Column &x = a.column(i);
        const Column &y = b.column(i);
        QCOMPARE(y.name(), x.name());
        QCOMPARE(y.type(), x.type());
        QCOMPARE(y.storage(), x.storage());
        QCOMPARE(y.size(), x.size());
        QCOMPARE(y.int64s(), x.int64s());
        QCOMPARE(y.bools(), x.bools());
        QCOMPARE(y.codes(), x.codes());
        QCOMPARE(y.dictionary(), x.dictionary());
        // Doubles bit for bit: NaN, -0.0 and infinities included.
        QCOMPARE(y.doubles().size(), x.doubles().size());
        QVERIFY(x.doubles().empty()
                || std::memcmp(x.doubles().data(), y.doubles().data(), x.doubles().size() * sizeof(double)) == 0);
        QCOMPARE(y.missingCount(), x.missingCount());
    }
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

void writeAll(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(f.write(bytes), bytes.size());
}

} // namespace

class TestTableFile : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString path(const QString &name) const { return m_dir.filePath(name); }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void hashMatchesXxh64()
    {
        // Published XXH64 (seed 0) test values.
        QCOMPARE(Hash64::of("", 0), 0xEF46DB3751D8E999ULL);
        QCOMPARE(Hash64::of("abc", 3), 0x44BC2CF5AD770999ULL);
        const char *spam = "Nobody inspects the spammish repetition";
        QCOMPARE(Hash64::of(spam, std::strlen(spam)), 0xFBCEA83C8A378BF1ULL);
    }

    void hashIgnoresChunking()
    {
        QByteArray bytes(1000, Qt::Uninitialized);
        QRandomGenerator rng(7);
        for (char &c : bytes)
            c = char(rng.bounded(256));
        const uint64_t whole = Hash64::of(bytes.constData(), size_t(bytes.size()));
        for (int chunk : {1, 3, 7, 31, 32, 33, 100}) {
            Hash64 h;
            for (qsizetype i = 0; i < bytes.size(); i += chunk)
                h.update(bytes.constData() + i, size_t(std::min<qsizetype>(chunk, bytes.size() - i)));
            QCOMPARE(h.digest(), whole);
        }
    }

    void roundTripEveryStorage()
    {
        const Table table = sampleTable();
        const QString file = path(QStringLiteral("sample.easeltable"));
        const Status written = writeTableFile(table, file);
        QVERIFY2(written.ok(), qPrintable(written.error().toString()));
        auto read = readTableFile(file);
        QVERIFY2(read.ok(), qPrintable(read.error().toString()));
        compareTables(table, **read);
        QCOMPARE((*read)->column(4).textAt(3), QStringLiteral("emoji 🐍🧪"));
        QVERIFY((*read)->column(0).isMissing(2));
        QVERIFY(std::isnan((*read)->column(1).doubles()[1]));
        QVERIFY(std::signbit((*read)->column(1).doubles()[2]));
    }

    void noTemporaryFilesLeft()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("t.easeltable"));
        QVERIFY(writeTableFile(sampleTable(), file).ok());
        QVERIFY(writeTableFile(sampleTable(), file).ok()); // overwrite in place
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{QStringLiteral("t.easeltable")});
    }

    void emptyTables()
    {
        {
            Table none;
            const QString file = path(QStringLiteral("empty.easeltable"));
            QVERIFY(writeTableFile(none, file).ok());
            auto read = readTableFile(file);
            QVERIFY2(read.ok(), qPrintable(read.error().toString()));
            compareTables(none, **read);
        }
        {
            Table noRows;
            noRows.addColumn(int64Column(QStringLiteral("a"), ColumnType::Integer, {}));
            noRows.addColumn(doubleColumn(QStringLiteral("b"), {}));
            noRows.addColumn(boolColumn(QStringLiteral("c"), {}));
            noRows.addColumn(stringColumn(QStringLiteral("d"), ColumnType::Categorical, {}, {"left over", ""}));
            noRows.addColumn(stringColumn(QString(), ColumnType::Text, {}, {}));
            const QString file = path(QStringLiteral("norows.easeltable"));
            QVERIFY(writeTableFile(noRows, file).ok());
            auto read = readTableFile(file);
            QVERIFY2(read.ok(), qPrintable(read.error().toString()));
            compareTables(noRows, **read);
        }
    }

    void oddSizesStayAligned()
    {
        // Row counts that leave padding after every block.
        for (size_t rows : {1u, 3u, 7u, 9u, 1001u}) {
            Table t;
            t.setRowCount(rows);
            std::vector<int8_t> b(rows);
            std::vector<int32_t> codes(rows);
            std::vector<double> d(rows);
            for (size_t i = 0; i < rows; ++i) {
                b[i] = int8_t(i % 3) - 1;
                codes[i] = int32_t(i % 3) - 1;
                d[i] = double(i) / 3.0;
            }
            t.addColumn(boolColumn(QStringLiteral("b"), b));
            t.addColumn(stringColumn(QStringLiteral("s"), ColumnType::Categorical, codes, {"x", "yy"}));
            t.addColumn(doubleColumn(QStringLiteral("d"), d));
            const QString file = path(QStringLiteral("odd%1.easeltable").arg(rows));
            QVERIFY(writeTableFile(t, file).ok());
            auto read = readTableFile(file);
            QVERIFY2(read.ok(), qPrintable(read.error().toString()));
            compareTables(t, **read);
        }
    }

    void truncatedFileIsCorrupt()
    {
        const QString good = path(QStringLiteral("good.easeltable"));
        QVERIFY(writeTableFile(sampleTable(), good).ok());
        const QByteArray bytes = readAll(good);
        QVERIFY(bytes.size() > 100);
        for (qsizetype keep : {qsizetype(0), qsizetype(4), qsizetype(8), qsizetype(63), qsizetype(64),
                               qsizetype(100), bytes.size() / 2, bytes.size() - 16, bytes.size() - 1}) {
            const QString file = path(QStringLiteral("truncated.easeltable"));
            writeAll(file, bytes.left(keep));
            auto read = readTableFile(file);
            QVERIFY2(!read.ok(), qPrintable(QString::number(keep)));
            QCOMPARE(read.error().code, ErrorCode::Corrupt);
            QCOMPARE(read.error().file, file);
            QVERIFY(read.error().toString().contains(file));
        }
        // Extra bytes at the end are damage too.
        const QString longer = path(QStringLiteral("longer.easeltable"));
        writeAll(longer, bytes + QByteArray("xx"));
        auto read = readTableFile(longer);
        QVERIFY(!read.ok());
        QCOMPARE(read.error().code, ErrorCode::Corrupt);
    }

    void flippedByteIsCorrupt()
    {
        const QString good = path(QStringLiteral("good.easeltable"));
        QVERIFY(writeTableFile(sampleTable(), good).ok());
        const QByteArray bytes = readAll(good);
        // Every byte after the magic and version: rows, sizes, schema, data, checksum, end marker.
        int corrupt = 0;
        for (qsizetype at = 16; at < bytes.size(); ++at) {
            QByteArray altered = bytes;
            altered[at] = char(altered[at] ^ 0x01);
            const QString file = path(QStringLiteral("flipped.easeltable"));
            writeAll(file, altered);
            auto read = readTableFile(file);
            QVERIFY2(!read.ok(), qPrintable(QStringLiteral("flip at %1 not detected").arg(at)));
            QCOMPARE(read.error().code, ErrorCode::Corrupt);
            ++corrupt;
        }
        QCOMPARE(corrupt, int(bytes.size() - 16));
    }

    void notATableFile()
    {
        const QString file = path(QStringLiteral("notes.txt"));
        writeAll(file, "a,b,c\n1,2,3\n");
        auto read = readTableFile(file);
        QVERIFY(!read.ok());
        QCOMPARE(read.error().code, ErrorCode::Corrupt);
        QVERIFY(read.error().message.contains(QStringLiteral("not an Easel table")));
    }

    void missingFile()
    {
        auto read = readTableFile(path(QStringLiteral("nope.easeltable")));
        QVERIFY(!read.ok());
        QCOMPARE(read.error().code, ErrorCode::NotFound);
    }

    void newerVersionIsUnsupported()
    {
        const QString good = path(QStringLiteral("good.easeltable"));
        QVERIFY(writeTableFile(sampleTable(), good).ok());
        QByteArray bytes = readAll(good);
        const uint32_t future = 2;
        std::memcpy(bytes.data() + 8, &future, 4); // the version follows the 8-byte magic
        const QString file = path(QStringLiteral("future.easeltable"));
        writeAll(file, bytes);
        auto read = readTableFile(file);
        QVERIFY(!read.ok());
        QCOMPARE(read.error().code, ErrorCode::Unsupported);
        QVERIFY(read.error().message.contains(QStringLiteral("newer version")));
    }

    void malformedTableRefused()
    {
        Table t;
        t.setRowCount(3);
        t.addColumn(int64Column(QStringLiteral("short"), ColumnType::Integer, {1, 2}));
        const QString file = path(QStringLiteral("bad.easeltable"));
        Status s = writeTableFile(t, file);
        QVERIFY(!s.ok());
        QCOMPARE(s.error().code, ErrorCode::InvalidArgument);
        QVERIFY(!QFile::exists(file));

        Table codes;
        codes.setRowCount(2);
        codes.addColumn(stringColumn(QStringLiteral("s"), ColumnType::Categorical, {0, 5}, {"only"}));
        s = writeTableFile(codes, file);
        QVERIFY(!s.ok());
        QCOMPARE(s.error().code, ErrorCode::InvalidArgument);
        QVERIFY(!QFile::exists(file));
    }

    void canceledWriteLeavesNothing()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("c.easeltable"));
        TaskContext ctx;
        ctx.cancel();
        Status s = writeTableFile(sampleTable(), file, &ctx);
        QVERIFY(!s.ok());
        QCOMPARE(s.error().code, ErrorCode::Canceled);
        QVERIFY(QDir(dir.path()).entryList(QDir::Files).isEmpty());
    }

    void unwritableFolder()
    {
        Status s = writeTableFile(sampleTable(), QStringLiteral("/proc/easel-test/t.easeltable"));
        QVERIFY(!s.ok());
        QVERIFY(s.error().code == ErrorCode::PermissionDenied || s.error().code == ErrorCode::Io);
        QVERIFY(s.error().toString().contains(QStringLiteral("/proc/easel-test/t.easeltable")));
    }

    void contentHash()
    {
        const Table a = sampleTable();
        Table b = sampleTable();
        auto ha = tableContentHash(a);
        auto hb = tableContentHash(b);
        QVERIFY(ha.ok() && hb.ok());
        QCOMPARE(ha->size(), 16);
        QCOMPARE(*ha, *hb);
        b.column(0).int64s()[0] = 1;
        QVERIFY(*tableContentHash(b) != *ha);
        Table c = sampleTable();
        c.column(3).dictionary()[0] = "Red";
        QVERIFY(*tableContentHash(c) != *ha);
        Table d = sampleTable();
        d.column(0).setName(QStringLiteral("Count"));
        QVERIFY(*tableContentHash(d) != *ha);
    }
};

QTEST_GUILESS_MAIN(TestTableFile)
#include "tst_table_file.moc"
