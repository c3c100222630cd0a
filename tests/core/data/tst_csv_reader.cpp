// Tests of the CSV import (core/data/csv_reader.h): dialect sniffing, RFC 4180
// parsing, type inference, bad rows, bad input, threads and cancel, and every
// shared benchmark CSV against what pandas finds.
#include "data/csv_reader.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QSet>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <unistd.h>

using namespace easel;

namespace {

QString fixture(const char *name)
{
    return QStringLiteral(EASEL_TEST_DATA_DIR "/csv/") + QLatin1String(name);
}

QString shared(const QString &name)
{
    return QStringLiteral(EASEL_SHARED_DATA_DIR "/") + name;
}

CsvImport importOk(const QString &path, ImportOptions options = {})
{
    Result<CsvImport> r = readCsv(path, options);
    if (!r)
        qWarning("%s", qPrintable(r.error().toString()));
    Q_ASSERT_X(r.ok(), "importOk", qPrintable(path));
    return std::move(r).value();
}

const Column &col(const CsvImport &imp, const char *name)
{
    const int i = imp.table->indexOf(QLatin1String(name));
    Q_ASSERT_X(i >= 0, "col", name);
    return imp.table->column(size_t(i));
}

int64_t msOf(int y, int m, int d, int h = 0, int mi = 0, int s = 0, int ms = 0)
{
    return QDateTime(QDate(y, m, d), QTime(h, mi, s, ms), Qt::UTC).toMSecsSinceEpoch();
}

//! Two tables are the same: names, types, storage and every value.
bool sameTables(const Table &a, const Table &b, QString *why)
{
    if (a.rowCount() != b.rowCount() || a.columnCount() != b.columnCount()) {
        *why = QStringLiteral("shape differs");
        return false;
    }
    for (size_t j = 0; j < a.columnCount(); ++j) {
        const Column &x = a.column(j), &y = b.column(j);
        if (x.name() != y.name() || x.type() != y.type() || x.storage() != y.storage()) {
            *why = QStringLiteral("column %1 differs in name/type").arg(x.name());
            return false;
        }
        bool same = x.int64s() == y.int64s() && x.bools() == y.bools() && x.codes() == y.codes()
                    && x.dictionary() == y.dictionary() && x.doubles().size() == y.doubles().size();
        for (size_t i = 0; same && i < x.doubles().size(); ++i) {
            const double p = x.doubles()[i], q = y.doubles()[i];
            same = (std::isnan(p) && std::isnan(q)) || p == q;
        }
        if (!same) {
            *why = QStringLiteral("column %1 differs in values").arg(x.name());
            return false;
        }
    }
    return true;
}

} // namespace

class TestCsvReader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // ---- dialects ------------------------------------------------------------
    void semicolonDecimalComma()
    {
        const CsvImport imp = importOk(fixture("semicolon_decimal_comma.csv"));
        QCOMPARE(imp.dialect.delimiter, ';');
        QCOMPARE(imp.dialect.decimalSeparator, ',');
        QCOMPARE(imp.table->rowCount(), size_t(3));
        const Column &price = col(imp, "price");
        QCOMPARE(price.type(), ColumnType::Real);
        QCOMPARE(price.doubles()[0], 1.5);
        QCOMPARE(price.doubles()[1], 2.25);
        QCOMPARE(price.doubles()[2], -0.75);
        QCOMPARE(col(imp, "qty").type(), ColumnType::Integer);
        QCOMPARE(col(imp, "name").textAt(1), QStringLiteral("pear"));
        QVERIFY(imp.dialect.describe().contains(QStringLiteral("decimal comma")));
    }

    void tabAndPipe()
    {
        for (const char *name : {"tab_separated.tsv", "pipe_separated.csv"}) {
            const CsvImport imp = importOk(fixture(name));
            QCOMPARE(imp.dialect.delimiter, QByteArray(name).startsWith("tab") ? '\t' : '|');
            QCOMPARE(imp.table->columnCount(), size_t(3));
            QCOMPARE(col(imp, "x").int64s(), (std::vector<int64_t>{1, 2, 3}));
            QCOMPARE(col(imp, "y").doubles()[2], 4.5);
            QCOMPARE(col(imp, "label").textAt(1), QStringLiteral("dog"));
        }
    }

    void utf8Bom()
    {
        const CsvImport imp = importOk(fixture("utf8_bom.csv"));
        QCOMPARE(imp.dialect.encoding, Dialect::Encoding::Utf8Bom);
        QCOMPARE(imp.table->column(0).name(), QStringLiteral("city"));  // no BOM in the name
        QCOMPARE(col(imp, "city").textAt(0), QStringLiteral("Zürich"));
        QCOMPARE(col(imp, "temp").doubles()[1], 4.0);
        QVERIFY(imp.report.notes.isEmpty());
    }

    void latin1FallsBackToWindows1252()
    {
        const CsvImport imp = importOk(fixture("latin1.csv"));
        QCOMPARE(imp.dialect.encoding, Dialect::Encoding::Windows1252);
        QCOMPARE(col(imp, "name").textAt(0), QStringLiteral("café"));
        QCOMPARE(col(imp, "name").textAt(1), QStringLiteral("naïve"));
        QCOMPARE(col(imp, "score").int64s()[2], 3);
        QVERIFY(imp.report.notes.join(' ').contains(QStringLiteral("Windows-1252")));
    }

    void utf16WithBom()
    {
        const CsvImport imp = importOk(fixture("utf16.csv"));
        QCOMPARE(imp.dialect.encoding, Dialect::Encoding::Utf16LE);
        QCOMPARE(col(imp, "a").int64s(), (std::vector<int64_t>{1, 2}));
        QCOMPARE(col(imp, "b").textAt(0), QStringLiteral("é"));
    }

    void lineEndings_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("ending");
        QTest::addColumn<int>("rows");
        QTest::newRow("crlf") << fixture("crlf.csv") << int(Dialect::LineEnding::CRLF) << 3;
        QTest::newRow("cr") << fixture("cr_only.csv") << int(Dialect::LineEnding::CR) << 3;
        QTest::newRow("mixed") << fixture("mixed_line_endings.csv") << int(Dialect::LineEnding::Mixed) << 4;
    }
    void lineEndings()
    {
        QFETCH(QString, file);
        QFETCH(int, ending);
        QFETCH(int, rows);
        const CsvImport imp = importOk(file);
        QCOMPARE(int(imp.dialect.lineEnding), ending);
        QCOMPARE(int(imp.table->rowCount()), rows);
        QCOMPARE(col(imp, "a").int64s()[2], 3);
        QCOMPARE(col(imp, "b").textAt(2), QStringLiteral("z"));  // no stray \r
        QVERIFY(imp.report.issues.empty());
    }

    void quotedNewlines()
    {
        const CsvImport imp = importOk(fixture("quoted_newlines.csv"));
        QCOMPARE(imp.table->rowCount(), size_t(3));
        QCOMPARE(col(imp, "comment").textAt(0), QStringLiteral("first line\nsecond line"));
        QCOMPARE(col(imp, "comment").textAt(1), QStringLiteral("one\r\ntwo\r\nthree"));
        QCOMPARE(col(imp, "score").int64s(), (std::vector<int64_t>{10, 20, 30}));
    }

    void doubledQuotes()
    {
        const CsvImport imp = importOk(fixture("doubled_quotes.csv"));
        QCOMPARE(imp.dialect.escape, '"');
        QCOMPARE(col(imp, "quote").textAt(0), QStringLiteral("She said \"hi\", then left"));
        QCOMPARE(col(imp, "quote").textAt(1), QStringLiteral("\"quoted\""));
    }

    void backslashEscape()
    {
        const CsvImport imp = importOk(fixture("backslash_escape.csv"));
        QCOMPARE(imp.dialect.escape, '\\');
        QCOMPARE(imp.table->rowCount(), size_t(3));
        QCOMPARE(col(imp, "quote").textAt(0), QStringLiteral("She said \"hi\", then left"));
        QCOMPARE(col(imp, "quote").textAt(1), QStringLiteral("back\\slash"));
    }

    void singleQuotes()
    {
        const CsvImport imp = importOk(fixture("single_quote.csv"));
        QCOMPARE(imp.dialect.quote, '\'');
        QCOMPARE(col(imp, "name").textAt(0), QStringLiteral("Smith, J"));
    }

    void trailingDelimiter()
    {
        const CsvImport imp = importOk(fixture("trailing_delimiter.csv"));
        QVERIFY(imp.dialect.trailingDelimiter);
        QCOMPARE(imp.table->columnCount(), size_t(3));
        QCOMPARE(col(imp, "c").int64s(), (std::vector<int64_t>{3, 6}));
        QVERIFY(imp.report.issues.empty());
    }

    void noFinalNewline()
    {
        const CsvImport imp = importOk(fixture("no_final_newline.csv"));
        QCOMPARE(imp.table->rowCount(), size_t(2));
        QCOMPARE(col(imp, "b").int64s()[1], 4);
    }

    void blankLinesAndWhitespace()
    {
        const CsvImport blank = importOk(fixture("blank_lines.csv"));
        QCOMPARE(blank.table->rowCount(), size_t(2));
        QCOMPARE(col(blank, "a").int64s(), (std::vector<int64_t>{1, 3}));
        QVERIFY(blank.report.issues.empty());

        const CsvImport ws = importOk(fixture("whitespace_numbers.csv"));
        QCOMPARE(col(ws, "a").type(), ColumnType::Integer);
        QCOMPARE(col(ws, "a").int64s(), (std::vector<int64_t>{1, 2, 3}));
        QCOMPARE(col(ws, "b").type(), ColumnType::Real);
        QCOMPARE(col(ws, "b").doubles()[2], 4.0);
    }

    void headerDetection()
    {
        const CsvImport none = importOk(fixture("no_header.csv"));
        QVERIFY(!none.dialect.hasHeader);
        QCOMPARE(none.table->rowCount(), size_t(3));
        QCOMPARE(none.table->column(0).name(), QStringLiteral("column_1"));
        QCOMPARE(none.table->column(2).name(), QStringLiteral("column_3"));
        QCOMPARE(none.table->column(0).int64s()[0], 1);
        QCOMPARE(none.table->column(2).textAt(0), QStringLiteral("alpha"));

        // All-string columns: assume a header.
        const Result<CsvImport> strings = readCsvData("name,city\nann,paris\nbob,rome\n", "s.csv");
        QVERIFY(strings.ok());
        QVERIFY(strings->dialect.hasHeader);
        QCOMPARE(strings->table->column(1).name(), QStringLiteral("city"));
    }

    void duplicateHeaders()
    {
        const CsvImport imp = importOk(fixture("duplicate_headers.csv"));
        QStringList names;
        for (const Column &c : imp.table->columns())
            names << c.name();
        QCOMPARE(names, (QStringList{"x", "x_2", "column_3", "y", "x_3"}));
        QCOMPARE(imp.report.notes.size(), 3);
        QCOMPARE(col(imp, "x_3").int64s()[1], 10);
    }

    void onlyHeader()
    {
        const CsvImport imp = importOk(fixture("only_header.csv"));
        QCOMPARE(imp.table->rowCount(), size_t(0));
        QCOMPARE(imp.table->columnCount(), size_t(3));
        QCOMPARE(imp.table->column(2).name(), QStringLiteral("c"));
    }

    // ---- types ---------------------------------------------------------------
    void dates()
    {
        const CsvImport dayFirst = importOk(fixture("dates_day_first.csv"));
        const Column &d1 = col(dayFirst, "when");
        QCOMPARE(d1.type(), ColumnType::Date);
        QCOMPARE(d1.int64s()[0], msOf(2024, 2, 1));
        QCOMPARE(d1.int64s()[1], msOf(2023, 12, 25));
        QCOMPARE(d1.int64s()[2], msOf(2024, 4, 3));  // '.' separator
        QCOMPARE(d1.textAt(0), QStringLiteral("2024-02-01"));

        const CsvImport monthFirst = importOk(fixture("dates_month_first.csv"));
        const Column &d2 = col(monthFirst, "when");
        QCOMPARE(d2.type(), ColumnType::Date);
        QCOMPARE(d2.int64s()[0], msOf(2024, 1, 2));
        QCOMPARE(d2.int64s()[1], msOf(2023, 12, 25));

        const CsvImport ambiguous = importOk(fixture("dates_ambiguous.csv"));
        QCOMPARE(col(ambiguous, "when").int64s()[0], msOf(2024, 1, 2));  // month-first by default

        const CsvImport conflicting = importOk(fixture("dates_conflicting.csv"));
        QCOMPARE(col(conflicting, "when").storage(), Storage::String);
        QCOMPARE(col(conflicting, "when").textAt(1), QStringLiteral("12/25/2023"));
    }

    void dateTimesIso()
    {
        const CsvImport imp = importOk(fixture("datetime_iso.csv"));
        const Column &ts = col(imp, "ts");
        QCOMPARE(ts.type(), ColumnType::DateTime);
        QCOMPARE(ts.int64s()[0], msOf(2024, 1, 2, 3, 4, 5));
        QCOMPARE(ts.int64s()[1], msOf(2024, 1, 2, 3, 4, 5, 250));
        QCOMPARE(ts.int64s()[2], msOf(2024, 1, 2, 3, 4, 5));  // +02:00 → UTC
        const Column &d = col(imp, "d");
        QCOMPARE(d.type(), ColumnType::Date);
        QCOMPARE(d.int64s()[1], msOf(2024, 2, 29));
        QVERIFY(d.isMissing(2));
    }

    void missingTokens()
    {
        const CsvImport imp = importOk(fixture("missing_tokens.csv"));
        const Column &a = col(imp, "a");
        QCOMPARE(a.type(), ColumnType::Integer);
        QVERIFY(a.isMissing(1));
        QVERIFY(a.isMissing(3));  // NaN
        QCOMPARE(a.int64s()[2], 3);
        const Column &b = col(imp, "b");
        QCOMPARE(b.type(), ColumnType::Real);
        QCOMPARE(b.missingCount(), size_t(2));
        QCOMPARE(b.doubles()[3], 4.0);
        const Column &c = col(imp, "c");
        QCOMPARE(c.missingCount(), size_t(2));  // N/A and ?
        QCOMPARE(c.textAt(3), QStringLiteral("y"));

        // The list is configurable: without "?" it is a value.
        ImportOptions options;
        options.missingTokens = {QString(), QStringLiteral("NA")};
        const CsvImport custom = importOk(fixture("missing_tokens.csv"), options);
        QCOMPARE(col(custom, "c").textAt(2), QStringLiteral("?"));
        QCOMPARE(col(custom, "b").storage(), Storage::String);  // "null" is now text
    }

    void infinities()
    {
        const CsvImport imp = importOk(fixture("inf_values.csv"));
        const Column &v = col(imp, "v");
        QCOMPARE(v.type(), ColumnType::Real);
        QCOMPARE(v.doubles()[1], std::numeric_limits<double>::infinity());
        QCOMPARE(v.doubles()[2], -std::numeric_limits<double>::infinity());
        QCOMPARE(v.doubles()[3], std::numeric_limits<double>::infinity());
        QCOMPARE(v.doubles()[4], 2.0);
    }

    void booleans()
    {
        const CsvImport imp = importOk(fixture("booleans.csv"));
        for (const char *name : {"b1", "b2", "b3"}) {
            const Column &c = col(imp, name);
            QCOMPARE(c.type(), ColumnType::Boolean);
            QCOMPARE(c.bools(), (std::vector<int8_t>{1, 0, 1, 0}));
        }
        QCOMPARE(col(imp, "z").type(), ColumnType::Integer);  // 0/1 stays Integer
    }

    void strayValueKeepsData()
    {
        const CsvImport imp = importOk(fixture("stray_value.csv"));
        const Column &n = col(imp, "n");
        QCOMPARE(n.storage(), Storage::String);
        QCOMPARE(n.textAt(0), QStringLiteral("1"));
        QCOMPARE(n.textAt(3), QStringLiteral("x"));
        const Column &m = col(imp, "m");
        QCOMPARE(m.textAt(0), QStringLiteral("1.5"));
        QCOMPARE(m.textAt(2), QStringLiteral("oops"));
    }

    void categoricalTextIdentifier()
    {
        QByteArray csv = "user_id,code,colour,note,n\n";
        for (int i = 0; i < 200; ++i)
            csv += QByteArray::number(1000 + i * 7) + ",K" + QByteArray::number(i) + ","
                   + (i % 3 == 0 ? "red" : i % 3 == 1 ? "green" : "blue") + ",note number " + QByteArray::number(i)
                   + "," + QByteArray::number(i % 10) + "\n";
        const Result<CsvImport> r = readCsvData(csv, "ids.csv");
        QVERIFY(r.ok());
        const Table &t = *r->table;
        QCOMPARE(t.column(0).type(), ColumnType::Identifier);  // integer, id-like name, all distinct
        QCOMPARE(t.column(0).storage(), Storage::Int64);
        QCOMPARE(t.column(1).type(), ColumnType::Identifier);  // distinct tokens without spaces
        QCOMPARE(t.column(2).type(), ColumnType::Categorical);
        QCOMPARE(t.column(2).dictionary(), (std::vector<std::string>{"red", "green", "blue"}));
        QCOMPARE(t.column(3).type(), ColumnType::Text);        // distinct sentences
        QCOMPARE(t.column(4).type(), ColumnType::Integer);
    }

    // ---- bad rows --------------------------------------------------------------
    void raggedSkip()
    {
        const CsvImport imp = importOk(fixture("ragged.csv"));
        QCOMPARE(imp.table->rowCount(), size_t(3));
        QCOMPARE(col(imp, "a").int64s(), (std::vector<int64_t>{1, 6, 13}));
        QCOMPARE(imp.report.issueCount, 2);
        QCOMPARE(imp.report.skippedRows, 2);
        QCOMPARE(int(imp.report.issues.size()), 2);
        QCOMPARE(imp.report.issues[0].line, 3);
        QCOMPARE(imp.report.issues[0].message, QStringLiteral("has 2 fields but the header has 3"));
        QCOMPARE(imp.report.issues[1].line, 5);
        QCOMPARE(imp.report.issues[1].message, QStringLiteral("has 4 fields but the header has 3"));

        ImportOptions few;
        few.maxListedIssues = 1;
        const CsvImport limited = importOk(fixture("ragged.csv"), few);
        QCOMPARE(int(limited.report.issues.size()), 1);
        QCOMPARE(limited.report.issueCount, 2);
    }

    void raggedRefuse()
    {
        ImportOptions options;
        options.badRows = BadRowPolicy::Refuse;
        const Result<CsvImport> r = readCsv(fixture("ragged.csv"), options);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::BadRow);
        QCOMPARE(r.error().line, 3);
        QVERIFY(r.error().message.contains(QStringLiteral("has 2 fields but the header has 3")));
        QVERIFY(r.error().message.contains(QStringLiteral("Skip bad rows to import the other 3 rows")));
    }

    void brokenQuoteRecovers()
    {
        const CsvImport imp = importOk(fixture("broken_quote.csv"));
        QCOMPARE(imp.dialect.quote, '"');
        QCOMPARE(col(imp, "id").int64s(), (std::vector<int64_t>{1, 3, 4}));
        QCOMPARE(col(imp, "n").int64s(), (std::vector<int64_t>{10, 30, 40}));
        QCOMPARE(imp.report.issueCount, 1);
        QCOMPARE(imp.report.issues[0].line, 3);
        QVERIFY(imp.report.issues[0].message.contains(QStringLiteral("quote")));

        // A stray quote in the middle of a big file does not swallow the rest.
        QByteArray csv = "id,text\n";
        for (int i = 0; i < 5000; ++i)
            csv += QByteArray::number(i) + (i == 10 ? ",\"oops\n" : ",\"fine, ok\"\n");
        ImportOptions small;
        small.blockBytes = 4096;
        small.threads = 3;
        const Result<CsvImport> r = readCsvData(csv, "stray.csv", small);
        QVERIFY(r.ok());
        QCOMPARE(r->table->rowCount(), size_t(4999));
        QCOMPARE(r->report.issueCount, 1);
        QCOMPARE(r->report.issues[0].line, 12);
    }

    // ---- bad input ---------------------------------------------------------------
    void badInput()
    {
        QCOMPARE(readCsv(fixture("does_not_exist.csv")).error().code, ErrorCode::NotFound);
        QCOMPARE(readCsv(QStringLiteral(EASEL_TEST_DATA_DIR "/csv")).error().code, ErrorCode::NotAFile);
        const Result<CsvImport> empty = readCsv(fixture("empty.csv"));
        QCOMPARE(empty.error().code, ErrorCode::EmptyInput);
        QVERIFY(empty.error().message.contains(QStringLiteral("empty")));
        QCOMPARE(empty.error().file, fixture("empty.csv"));
        const Result<CsvImport> binary = readCsv(fixture("binary.bin"));
        QCOMPARE(binary.error().code, ErrorCode::BinaryInput);
        QVERIFY(binary.error().message.contains(QStringLiteral("NUL")));
        const Result<CsvImport> prose = readCsv(fixture("not_csv.txt"));
        QCOMPARE(prose.error().code, ErrorCode::NotCsv);
        QCOMPARE(readCsvData("\n\n  \n", "blank.csv").error().code, ErrorCode::EmptyInput);
        QCOMPARE(readCsvData(QByteArray(), "nothing.csv").error().code, ErrorCode::EmptyInput);
        QCOMPARE(sniffCsv(fixture("binary.bin")).error().code, ErrorCode::BinaryInput);
    }

    void permissionDenied()
    {
        if (geteuid() == 0)
            QSKIP("root can read any file");
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("locked.csv"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("a,b\n1,2\n");
        f.close();
        QVERIFY(f.setPermissions(QFileDevice::WriteOwner));
        const Result<CsvImport> r = readCsv(path);
        QCOMPARE(r.error().code, ErrorCode::PermissionDenied);
        QVERIFY(r.error().message.contains(QStringLiteral("permission")));
    }

    void garbageNeverCrashes()
    {
        // Random bytes, random CSV-ish punctuation: an error or a table, never a crash or hang.
        quint32 seed = 12345;
        auto next = [&] { return seed = seed * 1664525u + 1013904223u; };
        const char alphabet[] = "ab1,;\"\n\r\t| .-\\'";
        int imported = 0;
        for (int round = 0; round < 2000; ++round) {
            QByteArray data;
            if (round % 2 == 0) {
                const int n = int(next() % 400);
                for (int i = 0; i < n; ++i)
                    data += alphabet[next() % (sizeof alphabet - 1)];
            } else {
                // CSV-like: three fields a row, some quoted (with commas, quotes, newlines),
                // now and then a stray quote, a ragged row or another line ending.
                static const char *const fields[] = {"1", "2.5", "x", "\"a,b\"", "\"q\"\"q\"", "\"l1\nl2\"",
                                                     "", "NA", "2024-01-02", "yes", "\"oops", "3"};
                static const char *const ends[] = {"\n", "\n", "\n", "\r\n", "\r"};
                const int rows = 1 + int(next() % 40);
                for (int r = 0; r < rows; ++r) {
                    const int nf = next() % 10 == 0 ? 2 + int(next() % 3) : 3;
                    for (int f = 0; f < nf; ++f)
                        data += QByteArray(f ? "," : "") + fields[next() % (sizeof fields / sizeof *fields)];
                    data += ends[next() % 5];
                }
            }
            ImportOptions options;
            options.threads = 1 + int(next() % 3);
            options.blockBytes = 16 + int(next() % 64);
            const Result<CsvImport> r = readCsvData(data, "fuzz.csv", options);
            ImportOptions whole;  // one block, one thread: the reference
            whole.threads = 1;
            const Result<CsvImport> ref = readCsvData(data, "fuzz.csv", whole);
            QCOMPARE(r.ok(), ref.ok());
            imported += r.ok();
            if (!r.ok()) {
                QCOMPARE(r.error().code, ref.error().code);
                continue;
            }
            for (const Column &c : r->table->columns())
                QCOMPARE(c.size(), r->table->rowCount());
            QString why;
            QVERIFY2(sameTables(*r->table, *ref->table, &why), qPrintable(why + "\n" + QString::fromLatin1(data)));
            QCOMPARE(r->report.issueCount, ref->report.issueCount);
            if (!r->report.issues.empty())
                QCOMPARE(r->report.issues[0].line, ref->report.issues[0].line);
        }
        QVERIFY(imported > 500);
    }

    // ---- dialect API --------------------------------------------------------------
    void dialectJsonAndNames()
    {
        Dialect d;
        d.delimiter = '\t';
        d.escape = '\\';
        d.hasHeader = false;
        d.decimalSeparator = ',';
        d.trailingDelimiter = true;
        d.encoding = Dialect::Encoding::Windows1252;
        d.lineEnding = Dialect::LineEnding::CRLF;
        const QJsonObject json = QJsonDocument::fromJson(QJsonDocument(d.toJson()).toJson()).object();
        QCOMPARE(Dialect::fromJson(json), d);
        QCOMPARE(Dialect::fromJson(Dialect().toJson()), Dialect());
        QCOMPARE(encodingName(Dialect::Encoding::Utf8), QStringLiteral("UTF-8"));
        QCOMPARE(encodingName(Dialect::Encoding::Windows1252), QStringLiteral("Windows-1252"));
        QCOMPARE(lineEndingName(Dialect::LineEnding::CRLF), QStringLiteral("CRLF"));
        QCOMPARE(lineEndingName(Dialect::LineEnding::Mixed), QStringLiteral("mixed"));
        Dialect plain;
        plain.lineEnding = Dialect::LineEnding::CRLF;
        QCOMPARE(plain.describe(), QStringLiteral("comma-separated, UTF-8, header row, Windows line endings"));
    }

    void sniffAndPreview()
    {
        const Result<Dialect> d = sniffCsv(shared(QStringLiteral("titanic.csv")));
        QVERIFY(d.ok());
        QCOMPARE(d->delimiter, ',');
        QCOMPARE(d->lineEnding, Dialect::LineEnding::CRLF);
        QVERIFY(d->hasHeader);

        const Result<CsvPreview> p = previewCsv(shared(QStringLiteral("titanic.csv")), {}, 5);
        QVERIFY(p.ok());
        QCOMPARE(p->header.size(), 11);
        QCOMPARE(p->header[2], QStringLiteral("name"));
        QCOMPARE(int(p->rows.size()), 5);
        QCOMPARE(p->rows[0][2], QStringLiteral("Braund, Mr. Owen Harris"));
        QCOMPARE(p->rows[0][9], QString());

        // A given dialect is used as is.
        ImportOptions options;
        Dialect semi;
        semi.delimiter = ';';
        options.dialect = semi;
        const Result<CsvImport> r = readCsvData("a;b\n1;2\n", "given.csv", options);
        QVERIFY(r.ok());
        QCOMPARE(r->table->columnCount(), size_t(2));
    }

    // ---- blocks, threads, cancel ---------------------------------------------------
    void typesWidenAcrossBlocks()
    {
        // The odd values sit many blocks after the sample: Int → Real, Int → text,
        // ambiguous dates → day-first, empty → Int.
        QByteArray csv = "n,r,t,d,e\n";
        for (int i = 0; i < 30000; ++i) {
            const bool last = i == 29999;
            csv += QByteArray::number(i) + "," + (last ? QByteArray("2.5") : QByteArray::number(i)) + ","
                   + (last ? QByteArray("oops") : QByteArray::number(i)) + ","
                   + (last ? QByteArray("25/12/2023") : QByteArray("01/02/2024")) + ","
                   + (i > 25000 ? QByteArray::number(i) : QByteArray()) + "\n";
        }
        for (int threads : {1, 4}) {
            ImportOptions options;
            options.threads = threads;
            options.blockBytes = 8192;
            const Result<CsvImport> r = readCsvData(csv, "wide.csv", options);
            QVERIFY(r.ok());
            const Table &t = *r->table;
            QCOMPARE(t.rowCount(), size_t(30000));
            QCOMPARE(t.column(1).type(), ColumnType::Real);
            QCOMPARE(t.column(1).doubles()[7], 7.0);
            QCOMPARE(t.column(1).doubles()[29999], 2.5);
            QCOMPARE(t.column(2).storage(), Storage::String);
            QCOMPARE(t.column(2).textAt(123), QStringLiteral("123"));
            QCOMPARE(t.column(2).textAt(29999), QStringLiteral("oops"));
            QCOMPARE(t.column(3).type(), ColumnType::Date);
            QCOMPARE(t.column(3).int64s()[0], msOf(2024, 2, 1));
            QCOMPARE(t.column(3).int64s()[29999], msOf(2023, 12, 25));
            QCOMPARE(t.column(4).type(), ColumnType::Integer);
            QVERIFY(t.column(4).isMissing(0));
            QCOMPARE(t.column(4).int64s()[29000], 29000);
        }
    }

    void sameResultWhateverThreads()
    {
        for (const char *name : {"diamonds.csv", "adult.csv", "taxis.csv"}) {
            ImportOptions one;
            one.threads = 1;
            const CsvImport a = importOk(shared(QLatin1String(name)), one);
            ImportOptions four;
            four.threads = 4;
            four.blockBytes = 65536;  // many blocks
            const CsvImport b = importOk(shared(QLatin1String(name)), four);
            QString why;
            QVERIFY2(sameTables(*a.table, *b.table, &why), qPrintable(QLatin1String(name) + ": " + why));
        }
    }

    void cancel()
    {
        TaskContext before;
        before.cancel();
        QCOMPARE(readCsv(shared(QStringLiteral("diamonds.csv")), {}, &before).error().code, ErrorCode::Canceled);

        // Cancel from the progress callback, part-way through many blocks.
        TaskContext *ctxPtr = nullptr;
        double seen = 0;
        TaskContext during([&](double fraction, const QString &) {
            seen = fraction;
            if (fraction > 0.05)
                ctxPtr->cancel();
        });
        ctxPtr = &during;
        ImportOptions options;
        options.blockBytes = 65536;
        options.threads = 2;
        const Result<CsvImport> r = readCsv(shared(QStringLiteral("diamonds.csv")), options, &during);
        QCOMPARE(r.error().code, ErrorCode::Canceled);
        QVERIFY(seen < 1.0);
    }

    void progressReachesOne()
    {
        double last = -1;
        bool monotonic = true;
        TaskContext ctx([&](double f, const QString &) {
            monotonic = monotonic && f >= last;
            last = f;
        });
        ImportOptions options;
        options.threads = 1;
        options.blockBytes = 65536;
        QVERIFY(readCsv(shared(QStringLiteral("adult.csv")), options, &ctx).ok());
        QCOMPARE(last, 1.0);
        QVERIFY(monotonic);
    }

    // ---- every shared CSV, against pandas ---------------------------------------------
    void sharedData_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("cols");
        QTest::addColumn<QString>("numeric");
        // pandas.read_csv(file) shape and numeric dtypes (breast cancer with na_values=["?"]).
        struct Expected
        {
            const char *file;
            int rows, cols;
            const char *numeric;
        };
        static const Expected expected[] = {
            {"abalone.csv", 4177, 9, "Length,Diameter,Height,Whole_weight,Shucked_weight,Viscera_weight,Shell_weight,Rings"},
            {"adult.csv", 32561, 15, "age,fnlwgt,education_num,capital_gain,capital_loss,hours_per_week"},
            {"amlb2021_anchors.csv", 200, 21, "openml_task_id,AutoGluon_benchmark,AutoGluon_benchmark_folds,H2OAutoML,H2OAutoML_folds,flaml,flaml_folds,autosklearn,autosklearn_folds,lightautoml,lightautoml_folds,RandomForest,RandomForest_folds,TunedRandomForest,TunedRandomForest_folds,constantpredictor,constantpredictor_folds"},
            {"bank_marketing.csv", 8237, 21, "age,duration,campaign,pdays,previous,emp.var.rate,cons.price.idx,cons.conf.idx,euribor3m,nr.employed"},
            {"breast_cancer_wisconsin.csv", 699, 10, "clump_thickness,uniformity_cell_size,uniformity_cell_shape,marginal_adhesion,single_epithelial_cell_size,bare_nuclei,bland_chromatin,normal_nucleoli,mitoses,class"},
            {"california_housing.csv", 20640, 10, "longitude,latitude,housing_median_age,total_rooms,total_bedrooms,population,households,median_income,median_house_value"},
            {"diamonds.csv", 53940, 10, "carat,depth,table,price,x,y,z"},
            {"german_credit.csv", 1000, 21, "duration,amount,installment_rate,present_residence,age,number_credits,people_liable,credit_risk"},
            {"iris.csv", 150, 5, "sepal_length,sepal_width,petal_length,petal_width"},
            {"penguins.csv", 344, 7, "bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g"},
            {"phoneme.csv", 5404, 6, "V1,V2,V3,V4,V5,Class"},
            {"taxis.csv", 6433, 14, "passengers,distance,fare,tip,tolls,total"},
            {"tips.csv", 244, 7, "total_bill,tip,size"},
            {"titanic.csv", 891, 11, "survived,pclass,age,sibsp,parch,fare"},
            {"winequality_white.csv", 4898, 12, "fixed_acidity,volatile_acidity,citric_acid,residual_sugar,chlorides,free_sulfur_dioxide,total_sulfur_dioxide,density,pH,sulphates,alcohol,quality"},
        };
        QSet<QString> listed;
        for (const Expected &e : expected) {
            QTest::newRow(e.file) << shared(QLatin1String(e.file)) << e.rows << e.cols << QString::fromLatin1(e.numeric);
            listed.insert(QLatin1String(e.file));
        }
        // Every CSV in the shared folder is covered.
        const QStringList all = QDir(QStringLiteral(EASEL_SHARED_DATA_DIR)).entryList({"*.csv"}, QDir::Files);
        for (const QString &f : all)
            if (!listed.contains(f))
                qWarning("shared CSV %s has no expected values", qPrintable(f));
    }
    void sharedData()
    {
        QFETCH(QString, file);
        QFETCH(int, rows);
        QFETCH(int, cols);
        QFETCH(QString, numeric);
        const CsvImport imp = importOk(file);
        QCOMPARE(int(imp.table->rowCount()), rows);
        QCOMPARE(int(imp.table->columnCount()), cols);
        QStringList found;
        for (const Column &c : imp.table->columns()) {
            QCOMPARE(c.size(), size_t(rows));
            if (isNumeric(c.type()))
                found << c.name();
        }
        QCOMPARE(found.join(','), numeric);
        QCOMPARE(imp.report.issueCount, 0);
    }

    void sharedSpotChecks()
    {
        const CsvImport titanic = importOk(shared(QStringLiteral("titanic.csv")));
        QCOMPARE(col(titanic, "name").textAt(0), QStringLiteral("Braund, Mr. Owen Harris"));
        QCOMPARE(col(titanic, "name").type(), ColumnType::Text);     // free text with spaces
        QCOMPARE(col(titanic, "ticket").type(), ColumnType::Text);   // 681 of 891 distinct
        QCOMPARE(col(titanic, "sex").type(), ColumnType::Categorical);
        QCOMPARE(col(titanic, "age").missingCount(), size_t(177));
        QCOMPARE(col(titanic, "cabin").missingCount(), size_t(687));
        QCOMPARE(col(titanic, "embarked").missingCount(), size_t(2));
        QCOMPARE(col(titanic, "fare").doubles()[0], 7.25);

        const CsvImport adult = importOk(shared(QStringLiteral("adult.csv")));
        QCOMPARE(col(adult, "workclass").missingCount(), size_t(1836));
        QCOMPARE(col(adult, "occupation").missingCount(), size_t(1843));
        QCOMPARE(col(adult, "native_country").missingCount(), size_t(583));
        QCOMPARE(col(adult, "native_country").type(), ColumnType::Categorical);
        QCOMPARE(col(adult, "native_country").dictionary().size(), size_t(41));
        QCOMPARE(col(adult, "workclass").textAt(0), QStringLiteral("State-gov"));
        QCOMPARE(col(adult, "fnlwgt").int64s()[0], 77516);

        const CsvImport cancer = importOk(shared(QStringLiteral("breast_cancer_wisconsin.csv")));
        QCOMPARE(col(cancer, "bare_nuclei").type(), ColumnType::Integer);
        QCOMPARE(col(cancer, "bare_nuclei").missingCount(), size_t(16));

        const CsvImport taxis = importOk(shared(QStringLiteral("taxis.csv")));
        QCOMPARE(col(taxis, "pickup").type(), ColumnType::DateTime);
        QCOMPARE(col(taxis, "pickup").int64s()[0], msOf(2019, 3, 23, 20, 21, 9));
        QCOMPARE(col(taxis, "pickup_zone").type(), ColumnType::Categorical);

        const CsvImport german = importOk(shared(QStringLiteral("german_credit.csv")));
        QCOMPARE(col(german, "status").textAt(0), QStringLiteral("... < 100 DM"));
        QCOMPARE(col(german, "personal_status_sex").textAt(0), QStringLiteral("male : single"));
        QCOMPARE(col(german, "telephone").type(), ColumnType::Boolean);

        const CsvImport diamonds = importOk(shared(QStringLiteral("diamonds.csv")));
        double carat = 0;
        int64_t price = 0;
        for (double v : col(diamonds, "carat").doubles())
            carat += v;
        for (int64_t v : col(diamonds, "price").int64s())
            price += v;
        QCOMPARE(price, int64_t(212135217));
        QVERIFY(std::abs(carat - 43040.87) < 1e-6);
        QCOMPARE(col(diamonds, "cut").dictionary().size(), size_t(5));
    }
};

QTEST_GUILESS_MAIN(TestCsvReader)
#include "tst_csv_reader.moc"
