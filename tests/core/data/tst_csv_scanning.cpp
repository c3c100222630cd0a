// Tests of the CSV reader's fast scanning pieces (core/data/csv_tokenizer.h,
// csv_values.h): each must give exactly what its plain byte-by-byte form gives,
// at every length and alignment, including where the sixteen- and eight-byte
// steps hand over to the tails.
#include "data/csv_tokenizer.h"
#include "data/csv_values.h"

#include <QTest>

#include <algorithm>
#include <random>
#include <string>

using namespace easel::csv;

class TestCsvScanning : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void countByteMatchesStdCount()
    {
        std::mt19937 rng(1);
        // Long enough for the 255-round batches of the sixteen-byte counter.
        std::string text(70000, 'a');
        for (char &c : text)
            c = "a,\n\"x"[rng() % 5];
        for (size_t begin : {size_t(0), size_t(1), size_t(7), size_t(15)})
            for (size_t len : {size_t(0), size_t(1), size_t(15), size_t(16), size_t(17), size_t(4079),
                               size_t(4080), size_t(4081), size_t(69000)}) {
                const char *b = text.data() + begin;
                for (char c : {',', '\n', '"', 'z'})
                    QCOMPARE(countByte(b, b + len, c), size_t(std::count(b, b + len, c)));
            }
        // Every byte value, so no signed-char slip.
        std::string all;
        for (int i = 0; i < 256 * 3; ++i)
            all.push_back(char(i));
        for (int c = 0; c < 256; ++c)
            QCOMPARE(countByte(all.data(), all.data() + all.size(), char(c)), size_t(3));
    }

    void byteFinderFindsTheFirstMatch()
    {
        const ByteFinder finder(',', '\n', '\r', '\n');
        std::mt19937 rng(2);
        for (int trial = 0; trial < 2000; ++trial) {
            std::string s(size_t(rng() % 70), 'x');
            if (!s.empty() && rng() % 4)
                s[rng() % s.size()] = ",\n\r"[rng() % 3];
            if (s.size() > 1 && rng() % 2)
                s[rng() % s.size()] = char(0xE9);  // high bytes are not special
            const char *found = finder.find(s.data(), s.data() + s.size());
            const size_t expected = s.find_first_of(",\n\r");
            QCOMPARE(size_t(found - s.data()), expected == std::string::npos ? s.size() : expected);
        }
    }

    void parseDoubleAtMatchesParseDouble_data()
    {
        QTest::addColumn<QByteArray>("text");
        for (const char *t : {"0", "-0", "1", "-1", "1.5", "-0.761194", "0.0209587", "1.23446", "12345678",
                              "1234567.1234567", "1234567.12345678", "99999999.1", "1.", ".5", "-.5", "+1.5",
                              "1e5", "1.5e-3", "1,5", "-", "--1", "1.2.3", "0001.0100", "3.14abc", "nan",
                              "inf", "-inf", "1234567890123", "0.00000001", "5.0000000"})
            QTest::newRow(t) << QByteArray(t);
    }

    void parseDoubleAtMatchesParseDouble()
    {
        QFETCH(QByteArray, text);
        for (char decimal : {'.', ','}) {
            // Padded: the eight-digit path may read ahead; unpadded: it must not.
            const std::string padded = text.toStdString() + std::string(24, ',');
            const char *b = padded.data();
            const char *e = b + text.size();
            double fast = -42, plain = -42;
            const bool okFast = parseDoubleAt(b, e, b + padded.size(), decimal, fast);
            const bool okPlain = parseDouble(b, e, decimal, plain);
            QCOMPARE(okFast, okPlain);
            if (okPlain)
                QCOMPARE(std::bit_cast<uint64_t>(fast), std::bit_cast<uint64_t>(plain));
            double tight = -42;
            QCOMPARE(parseDoubleAt(b, e, e, decimal, tight), okPlain);
            if (okPlain)
                QCOMPARE(std::bit_cast<uint64_t>(tight), std::bit_cast<uint64_t>(plain));
        }
    }

    void parseDoubleAtAgreesOnRandomDecimals()
    {
        std::mt19937_64 rng(3);
        std::string buffer;
        for (int i = 0; i < 200000; ++i) {
            buffer.clear();
            if (rng() % 2)
                buffer.push_back('-');
            const int intDigits = int(rng() % 10), fracDigits = int(rng() % 10);
            for (int d = 0; d < intDigits; ++d)
                buffer.push_back(char('0' + rng() % 10));
            if (rng() % 4)
                buffer.push_back('.');
            for (int d = 0; d < fracDigits; ++d)
                buffer.push_back(char('0' + rng() % 10));
            const size_t len = buffer.size();
            buffer.append(20, '\n');
            double fast = 0, plain = 0;
            const bool okPlain = parseDouble(buffer.data(), buffer.data() + len, '.', plain);
            const bool okFast = parseDoubleAt(buffer.data(), buffer.data() + len, buffer.data() + buffer.size(),
                                              '.', fast);
            if (okFast != okPlain || (okPlain && std::bit_cast<uint64_t>(fast) != std::bit_cast<uint64_t>(plain)))
                QFAIL(qPrintable(QStringLiteral("differs on '%1'").arg(QString::fromStdString(buffer.substr(0, len)))));
        }
    }

    void isoDatesAreCheckedLikeEveryOtherForm_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<qint64>("days");  // since 1970-01-01
        QTest::newRow("plain") << QByteArray("2015-07-27") << true << qint64(16643);
        QTest::newRow("epoch") << QByteArray("1970-01-01") << true << qint64(0);
        QTest::newRow("before the epoch") << QByteArray("1969-12-31") << true << qint64(-1);
        QTest::newRow("leap day") << QByteArray("2020-02-29") << true << qint64(18321);
        QTest::newRow("no leap day") << QByteArray("2021-02-29") << false << qint64(0);
        QTest::newRow("month 13") << QByteArray("1999-13-01") << false << qint64(0);
        QTest::newRow("day 0") << QByteArray("1999-12-00") << false << qint64(0);
        QTest::newRow("letter") << QByteArray("1999-1a-01") << false << qint64(0);
        QTest::newRow("slashes") << QByteArray("2015/07/27") << true << qint64(16643);
        QTest::newRow("short month") << QByteArray("2015-7-27") << true << qint64(16643);
    }

    void isoDatesAreCheckedLikeEveryOtherForm()
    {
        QFETCH(QByteArray, text);
        QFETCH(bool, valid);
        QFETCH(qint64, days);
        Temporal t;
        QCOMPARE(parseTemporal(text.constData(), text.constData() + text.size(), t), valid);
        if (valid) {
            QCOMPARE(t.ms, days * 86400000);
            QVERIFY(!t.hasTime);
            QVERIFY(!t.dayMonth);
        }
    }

    void stringDictKeepsEveryDistinctString()
    {
        StringDict dict;
        std::vector<std::string> made;
        std::mt19937 rng(4);
        // Lengths 0–40 cover the word loop and every tail size; many share prefixes.
        for (int i = 0; i < 5000; ++i) {
            std::string s(size_t(rng() % 41), 'p');
            for (size_t k = s.size() / 2; k < s.size(); ++k)
                s[k] = char('a' + rng() % 3);
            made.push_back(s);
        }
        std::vector<int32_t> codes;
        for (const std::string &s : made)
            codes.push_back(dict.insert(s));
        std::vector<std::string> distinct = made;
        std::sort(distinct.begin(), distinct.end());
        distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
        QCOMPARE(dict.size(), distinct.size());
        for (size_t i = 0; i < made.size(); ++i) {
            QCOMPARE(std::string(dict.at(size_t(codes[i]))), made[i]);
            QCOMPARE(dict.insert(made[i]), codes[i]);  // the same string, the same code
        }
        QVERIFY(sameBytes("abcdefghij", "abcdefghij", 10));
        QVERIFY(!sameBytes("abcdefghij", "abcdefghiJ", 10));
        QVERIFY(!sameBytes("abc", "abd", 3));
        QVERIFY(!sameBytes("abXc", "abYc", 4));
    }
};

QTEST_GUILESS_MAIN(TestCsvScanning)
#include "tst_csv_scanning.moc"
