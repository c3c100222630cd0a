// The .easel container: round trip, and damaged files refused with clear errors.
#include "model/bundle.h"
#include "store/hash64.h"

#include <QtEndian>

#include <cstring>

#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

using namespace easel;

class TestBundle : public QObject
{
    Q_OBJECT

    static ModelBundle sample()
    {
        ModelBundle b;
        b.manifest = QJsonObject{{QStringLiteral("format"), QStringLiteral("easel-model")},
                                 {QStringLiteral("target"), QStringLiteral("species")},
                                 {QStringLiteral("class_labels"), QJsonArray{QStringLiteral("Adelie"), QStringLiteral("Gentoo")}}};
        b.payloads[QStringLiteral("models/t1_f0.bin")] = QByteArray("\x00\x01\x02binary\xff", 10);
        b.payloads[QStringLiteral("models/t2_f0.bin")] = QByteArray(100000, 'x');
        return b;
    }

    QTemporaryDir m_dir;

private Q_SLOTS:
    void roundTrip()
    {
        const QString path = m_dir.filePath(QStringLiteral("m.easel"));
        QVERIFY(sample().save(path).ok());
        Result<ModelBundle> loaded = ModelBundle::load(path);
        QVERIFY2(loaded.ok(), qPrintable(loaded.error().toString()));
        QCOMPARE(loaded->manifest, sample().manifest);
        QCOMPARE(loaded->payloads.size(), size_t(2));
        QCOMPARE(loaded->payloads[QStringLiteral("models/t1_f0.bin")], QByteArray("\x00\x01\x02binary\xff", 10));
        QCOMPARE(loaded->payloads[QStringLiteral("models/t2_f0.bin")].size(), 100000);
    }

    void truncatedFileIsCorrupt()
    {
        const QByteArray bytes = sample().toBytes();
        for (qsizetype cut : {qsizetype(0), qsizetype(7), qsizetype(30), bytes.size() / 2, bytes.size() - 1}) {
            Result<ModelBundle> r = ModelBundle::fromBytes(bytes.left(cut), QStringLiteral("m.easel"));
            QVERIFY(!r.ok());
            QCOMPARE(r.error().code, ErrorCode::Corrupt);
            QVERIFY(r.error().toString().startsWith(QStringLiteral("m.easel")));
        }
    }

    void alteredByteIsCorrupt()
    {
        QByteArray bytes = sample().toBytes();
        bytes[bytes.size() / 3] = char(bytes[bytes.size() / 3] ^ 0x20);
        Result<ModelBundle> r = ModelBundle::fromBytes(bytes, QStringLiteral("m.easel"));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::Corrupt);
        QVERIFY(r.error().message.contains(QStringLiteral("checksum")));
    }

    void notABundle()
    {
        Result<ModelBundle> r = ModelBundle::fromBytes(QByteArray("a,b,c\n1,2,3\n"), QStringLiteral("x.csv"));
        QVERIFY(!r.ok());
        QVERIFY(r.error().message.contains(QStringLiteral("not an Easel model")));
        QCOMPARE(ModelBundle::load(m_dir.filePath(QStringLiteral("missing.easel"))).error().code, ErrorCode::NotFound);
        QCOMPARE(ModelBundle::load(m_dir.path()).error().code, ErrorCode::NotAFile);
    }

    void newerFormatIsRefused()
    {
        QByteArray bytes = sample().toBytes();
        bytes[8] = char(ModelBundle::kFormatVersion + 1);  // the little-endian version after the magic
        // Re-seal the checksum, as a newer Easel would have written it.
        const qsizetype bodyEnd = bytes.size() - 16;
        const quint64 sum = qToLittleEndian(Hash64::of(bytes.constData(), size_t(bodyEnd)));
        std::memcpy(bytes.data() + bodyEnd, &sum, 8);
        Result<ModelBundle> r = ModelBundle::fromBytes(bytes, QStringLiteral("m.easel"));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::Unsupported);
        QVERIFY(r.error().message.contains(QStringLiteral("newer Easel")));
    }
};

QTEST_GUILESS_MAIN(TestBundle)
#include "tst_bundle.moc"
