#include "model/bundle.h"

#include "store/hash64.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>
#include <QtEndian>

#include <cstring>

namespace easel {

namespace {

constexpr char kMagic[8] = {'E', 'A', 'S', 'E', 'L', 'M', 'D', 'L'};
constexpr char kEndMagic[8] = {'E', 'A', 'S', 'E', 'L', 'E', 'N', 'D'};
const QString kManifestName = QStringLiteral("manifest.json");

template<typename T>
void put(QByteArray &out, T value)
{
    value = qToLittleEndian(value);
    out.append(reinterpret_cast<const char *>(&value), sizeof(T));
}

//! Bounds-checked reader over the file's bytes.
class Reader
{
public:
    explicit Reader(const QByteArray &bytes, qsizetype end) : m_bytes(bytes), m_end(end) {}
    template<typename T>
    bool get(T *value)
    {
        if (m_pos + qsizetype(sizeof(T)) > m_end)
            return false;
        T raw;
        std::memcpy(&raw, m_bytes.constData() + m_pos, sizeof(T));
        *value = qFromLittleEndian(raw);
        m_pos += sizeof(T);
        return true;
    }
    bool bytes(quint64 size, QByteArray *out)
    {
        if (size > quint64(m_end - m_pos))
            return false;
        *out = m_bytes.mid(m_pos, qsizetype(size));
        m_pos += qsizetype(size);
        return true;
    }
    qsizetype pos() const { return m_pos; }
    void skip(qsizetype n) { m_pos += n; }

private:
    const QByteArray &m_bytes;
    qsizetype m_end;
    qsizetype m_pos = 0;
};

} // namespace

QByteArray ModelBundle::toBytes() const
{
    QByteArray out;
    out.append(kMagic, 8);
    put<quint32>(out, kFormatVersion);
    put<quint32>(out, quint32(payloads.size() + 1));
    auto entry = [&out](const QString &name, const QByteArray &data) {
        const QByteArray utf8 = name.toUtf8();
        put<quint32>(out, quint32(utf8.size()));
        out.append(utf8);
        put<quint64>(out, quint64(data.size()));
        out.append(data);
    };
    entry(kManifestName, QJsonDocument(manifest).toJson(QJsonDocument::Compact));
    for (const auto &[name, data] : payloads)
        entry(name, data);
    put<quint64>(out, Hash64::of(out.constData(), size_t(out.size())));
    out.append(kEndMagic, 8);
    return out;
}

Status ModelBundle::save(const QString &path) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Status::failure(ErrorCode::PermissionDenied,
                               QStringLiteral("Cannot write the model here (%1). Choose another folder.")
                                   .arg(file.errorString()),
                               path);
    const QByteArray bytes = toBytes();
    if (file.write(bytes) != bytes.size() || !file.commit())
        return Status::failure(ErrorCode::Io,
                               QStringLiteral("Writing the model failed (%1). Check the free disk space.")
                                   .arg(file.errorString()),
                               path);
    return Status::success();
}

Result<ModelBundle> ModelBundle::load(const QString &path)
{
    const QFileInfo info(path);
    if (!info.exists())
        return Result<ModelBundle>::failure(ErrorCode::NotFound, QStringLiteral("There is no model file here."), path);
    if (!info.isFile())
        return Result<ModelBundle>::failure(ErrorCode::NotAFile,
                                            QStringLiteral("This is a folder, not a model file (.easel)."), path);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Result<ModelBundle>::failure(ErrorCode::PermissionDenied,
                                            QStringLiteral("The model file cannot be read (%1).").arg(file.errorString()),
                                            path);
    return fromBytes(file.readAll(), path);
}

Result<ModelBundle> ModelBundle::fromBytes(const QByteArray &bytes, const QString &name)
{
    auto corrupt = [&name](const QString &what) {
        return Result<ModelBundle>::failure(
            ErrorCode::Corrupt,
            QStringLiteral("This model file is damaged (%1). Export the model again from Easel.").arg(what), name);
    };
    if (bytes.size() < 8 || std::memcmp(bytes.constData(), kMagic, 8) != 0)
        return Result<ModelBundle>::failure(ErrorCode::Corrupt,
                                            QStringLiteral("This is not an Easel model file (.easel)."), name);
    if (bytes.size() < 8 + 8 + 16)
        return corrupt(QStringLiteral("it is truncated"));
    if (std::memcmp(bytes.constData() + bytes.size() - 8, kEndMagic, 8) != 0)
        return corrupt(QStringLiteral("it is truncated"));
    const qsizetype bodyEnd = bytes.size() - 16;
    quint64 stored = 0;
    std::memcpy(&stored, bytes.constData() + bodyEnd, 8);
    stored = qFromLittleEndian(stored);
    if (Hash64::of(bytes.constData(), size_t(bodyEnd)) != stored)
        return corrupt(QStringLiteral("its checksum does not match"));

    Reader in(bytes, bodyEnd);
    in.skip(8);
    quint32 version = 0, count = 0;
    in.get(&version);
    if (version > kFormatVersion)
        return Result<ModelBundle>::failure(
            ErrorCode::Unsupported,
            QStringLiteral("This model was saved by a newer Easel (format %1; this one reads up to %2). Update Easel to open it.")
                .arg(version)
                .arg(kFormatVersion),
            name);
    if (!in.get(&count) || count == 0)
        return corrupt(QStringLiteral("no entries"));
    ModelBundle bundle;
    for (quint32 i = 0; i < count; ++i) {
        quint32 nameSize = 0;
        quint64 size = 0;
        QByteArray entryName, data;
        if (!in.get(&nameSize) || !in.bytes(nameSize, &entryName) || !in.get(&size) || !in.bytes(size, &data))
            return corrupt(QStringLiteral("an entry runs past the end"));
        const QString key = QString::fromUtf8(entryName);
        if (i == 0) {
            if (key != kManifestName)
                return corrupt(QStringLiteral("the manifest is missing"));
            QJsonParseError error;
            const QJsonDocument doc = QJsonDocument::fromJson(data, &error);
            if (error.error != QJsonParseError::NoError || !doc.isObject())
                return corrupt(QStringLiteral("the manifest is not valid JSON"));
            bundle.manifest = doc.object();
        } else {
            bundle.payloads[key] = data;
        }
    }
    if (in.pos() != bodyEnd)
        return corrupt(QStringLiteral("unexpected bytes after the last entry"));
    return bundle;
}

} // namespace easel
