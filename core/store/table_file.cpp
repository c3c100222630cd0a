#include "store/table_file.h"

#include "store/hash64.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <bit>
#include <cstring>
#include <limits>

#ifdef Q_OS_UNIX
#include <fcntl.h>
#include <unistd.h>
#endif

// The arrays are written as the machine holds them; every platform Easel ships
// on is little-endian. A big-endian port would byte-swap in writeArray/readArray.
static_assert(std::endian::native == std::endian::little, "table files assume a little-endian host");

namespace easel {

namespace {

// ---------------------------------------------------------------------------
// Layout (format version 1). All integers little-endian; every block padded
// with zero bytes to a multiple of 8 so arrays stay aligned in the file.
//
//   header   64 bytes  magic "EASELTBL", u32 version, u32 header size (64),
//                      u64 rows, u64 columns, u64 schema bytes, u64 data bytes,
//                      2 × u64 reserved (0)
//   schema   per column: u32 name bytes, u8 type, u8 storage, u16 reserved,
//                      (Boolean columns: name NUL false-spelling NUL true-spelling)
//                      u64 dictionary entries, u64 dictionary bytes,
//                      UTF-8 name, padding
//   data     per column: rows × value (int64 / double / int8 / int32 codes),
//                      padding; String columns then hold the dictionary:
//                      u32 length of every entry, padding, the concatenated
//                      UTF-8 entries, padding
//   trailer  16 bytes  u64 XXH64 (seed 0) of header + schema + data,
//                      magic "EASELEND"
// ---------------------------------------------------------------------------

constexpr char kMagic[8] = {'E', 'A', 'S', 'E', 'L', 'T', 'B', 'L'};
constexpr char kEndMagic[8] = {'E', 'A', 'S', 'E', 'L', 'E', 'N', 'D'};
constexpr uint32_t kFormatVersion = 1;
constexpr uint64_t kHeaderBytes = 64;
constexpr uint64_t kTrailerBytes = 16;
constexpr uint64_t kColumnEntryBytes = 24; // fixed part of a schema entry

constexpr uint64_t pad8(uint64_t n) { return (n + 7) & ~uint64_t(7); }

size_t valueBytes(Storage storage)
{
    switch (storage) {
    case Storage::Int64: return 8;
    case Storage::Float64: return 8;
    case Storage::Bool: return 1;
    case Storage::String: return 4;
    }
    return 8;
}

const void *valueData(const Column &column)
{
    switch (column.storage()) {
    case Storage::Int64: return column.int64s().data();
    case Storage::Float64: return column.doubles().data();
    case Storage::Bool: return column.bools().data();
    case Storage::String: return column.codes().data();
    }
    return nullptr;
}

template<typename T>
void putLE(unsigned char *p, T v)
{
    std::memcpy(p, &v, sizeof v);
}

template<typename T>
T getLE(const unsigned char *p)
{
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

// Where the writer's bytes go: always into the running checksum; into a file
// when one is given. Small pieces are gathered into a buffer, large arrays go
// straight through.
class Sink
{
public:
    explicit Sink(QIODevice *device) : m_device(device)
    {
        if (m_device)
            m_buffer.reserve(kBufferBytes);
    }

    bool write(const void *data, uint64_t size)
    {
        if (size == 0)
            return true;
        m_hash.update(data, size);
        m_written += size;
        if (!m_device)
            return true;
        if (size >= kBufferBytes / 4) {
            if (!flush())
                return false;
            return writeFully(static_cast<const char *>(data), size);
        }
        if (m_buffer.size() + size > kBufferBytes && !flush())
            return false;
        const auto *p = static_cast<const char *>(data);
        m_buffer.insert(m_buffer.end(), p, p + size);
        return true;
    }

    bool pad()
    {
        static const char zeros[8] = {};
        const uint64_t n = pad8(m_written) - m_written;
        return write(zeros, n);
    }

    bool flush()
    {
        if (!m_device || m_buffer.empty())
            return true;
        const bool ok = writeFully(m_buffer.data(), m_buffer.size());
        m_buffer.clear();
        return ok;
    }

    uint64_t digest() const { return m_hash.digest(); }
    uint64_t written() const { return m_written; }

private:
    static constexpr size_t kBufferBytes = 1 << 20;

    bool writeFully(const char *p, uint64_t size)
    {
        while (size > 0) {
            const qint64 n = m_device->write(p, qint64(std::min<uint64_t>(size, 1u << 30)));
            if (n <= 0)
                return false;
            p += n;
            size -= uint64_t(n);
        }
        return true;
    }

    QIODevice *m_device;
    std::vector<char> m_buffer;
    Hash64 m_hash;
    uint64_t m_written = 0;
};

struct ColumnLayout
{
    QByteArray name;
    uint64_t dictEntries = 0;
    uint64_t dictBytes = 0;
};

Status checkTable(const Table &table, std::vector<ColumnLayout> *layout)
{
    layout->clear();
    layout->reserve(table.columnCount());
    for (const Column &column : table.columns()) {
        if (column.size() != table.rowCount())
            return Status::failure(ErrorCode::InvalidArgument,
                                   QStringLiteral("Column \"%1\" has %2 values but the table has %3 rows.")
                                       .arg(column.name()).arg(column.size()).arg(table.rowCount()));
        ColumnLayout entry;
        entry.name = column.name().toUtf8();
        if (column.storage() == Storage::Bool) {
            // Boolean columns keep the file's spelling of false/true after the name.
            entry.name += '\0';
            entry.name += QByteArray::fromStdString(column.boolText(false));
            entry.name += '\0';
            entry.name += QByteArray::fromStdString(column.boolText(true));
        }
        if (column.storage() == Storage::String) {
            const auto &dict = column.dictionary();
            if (dict.size() > size_t(std::numeric_limits<int32_t>::max()))
                return Status::failure(ErrorCode::InvalidArgument,
                                       QStringLiteral("Column \"%1\" has too many distinct values.").arg(column.name()));
            entry.dictEntries = dict.size();
            for (const std::string &s : dict) {
                if (s.size() > std::numeric_limits<uint32_t>::max())
                    return Status::failure(ErrorCode::InvalidArgument,
                                           QStringLiteral("Column \"%1\" holds a value over 4 GB.").arg(column.name()));
                entry.dictBytes += s.size();
            }
            const int32_t n = int32_t(dict.size());
            for (int32_t code : column.codes())
                if (code < kMissingCode || code >= n)
                    return Status::failure(ErrorCode::InvalidArgument,
                                           QStringLiteral("Column \"%1\" holds code %2 outside its dictionary of %3 entries.")
                                               .arg(column.name()).arg(code).arg(n));
        }
        layout->push_back(std::move(entry));
    }
    return {};
}

uint64_t schemaBytes(const std::vector<ColumnLayout> &layout)
{
    uint64_t bytes = 0;
    for (const ColumnLayout &c : layout)
        bytes += pad8(kColumnEntryBytes + uint64_t(c.name.size()));
    return bytes;
}

uint64_t dataBytes(uint64_t rows, Storage storage, uint64_t dictEntries, uint64_t dictBytes)
{
    uint64_t bytes = pad8(rows * valueBytes(storage));
    if (storage == Storage::String)
        bytes += pad8(dictEntries * 4) + pad8(dictBytes);
    return bytes;
}

// Serialises table into sink (header, schema, data; not the trailer).
Status emitTable(const Table &table, const std::vector<ColumnLayout> &layout, Sink &sink, TaskContext *ctx,
                 const QString &path)
{
    const auto ioError = [&] {
        return Status::failure(ErrorCode::Io, QStringLiteral("Could not write the table file."), path);
    };

    uint64_t data = 0;
    for (size_t i = 0; i < layout.size(); ++i) {
        const Column &c = table.column(i);
        data += dataBytes(table.rowCount(), c.storage(), layout[i].dictEntries, layout[i].dictBytes);
    }

    unsigned char header[kHeaderBytes] = {};
    std::memcpy(header, kMagic, 8);
    putLE<uint32_t>(header + 8, kFormatVersion);
    putLE<uint32_t>(header + 12, uint32_t(kHeaderBytes));
    putLE<uint64_t>(header + 16, table.rowCount());
    putLE<uint64_t>(header + 24, table.columnCount());
    putLE<uint64_t>(header + 32, schemaBytes(layout));
    putLE<uint64_t>(header + 40, data);
    if (!sink.write(header, kHeaderBytes))
        return ioError();

    for (size_t i = 0; i < layout.size(); ++i) {
        const Column &c = table.column(i);
        unsigned char entry[kColumnEntryBytes] = {};
        putLE<uint32_t>(entry, uint32_t(layout[i].name.size()));
        entry[4] = uint8_t(c.type());
        entry[5] = uint8_t(c.storage());
        putLE<uint64_t>(entry + 8, layout[i].dictEntries);
        putLE<uint64_t>(entry + 16, layout[i].dictBytes);
        if (!sink.write(entry, sizeof entry) || !sink.write(layout[i].name.constData(), uint64_t(layout[i].name.size()))
            || !sink.pad())
            return ioError();
    }

    const size_t columns = table.columnCount();
    for (size_t i = 0; i < columns; ++i) {
        if (isCanceled(ctx))
            return Status::failure(ErrorCode::Canceled, QStringLiteral("Canceled while writing the table."), path);
        reportProgress(ctx, double(i) / double(columns), QStringLiteral("Saving the table"));
        const Column &c = table.column(i);
        if (!sink.write(valueData(c), uint64_t(table.rowCount()) * valueBytes(c.storage())) || !sink.pad())
            return ioError();
        if (c.storage() == Storage::String) {
            const auto &dict = c.dictionary();
            std::vector<uint32_t> lengths(dict.size());
            for (size_t k = 0; k < dict.size(); ++k)
                lengths[k] = uint32_t(dict[k].size());
            if (!sink.write(lengths.data(), lengths.size() * 4) || !sink.pad())
                return ioError();
            for (const std::string &s : dict)
                if (!sink.write(s.data(), s.size()))
                    return ioError();
            if (!sink.pad())
                return ioError();
        }
    }
    return {};
}

Error openError(const QFileDevice &file, const QString &path, bool writing)
{
    const QFileInfo info(path);
    if (!writing && !info.exists())
        return {ErrorCode::NotFound, QStringLiteral("The table file does not exist."), path};
    if (info.isDir())
        return {ErrorCode::NotAFile, QStringLiteral("This is a folder, not a table file."), path};
    if (file.error() == QFileDevice::PermissionsError)
        return {ErrorCode::PermissionDenied,
                writing ? QStringLiteral("No permission to write the table file here.")
                        : QStringLiteral("No permission to read the table file."),
                path};
    return {ErrorCode::Io, QStringLiteral("Could not open the table file: %1").arg(file.errorString()), path};
}

// Makes the rename that QSaveFile::commit() did durable against power loss.
void syncDirectory(const QString &dirPath)
{
#ifdef Q_OS_UNIX
    const int fd = ::open(QFile::encodeName(dirPath).constData(), O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
#else
    Q_UNUSED(dirPath);
#endif
}

Error corrupt(const QString &path, const QString &what)
{
    return {ErrorCode::Corrupt,
            QStringLiteral("The table file is damaged (%1). Import the CSV again to rebuild it.").arg(what), path};
}

bool readFully(QFile &file, void *data, uint64_t size)
{
    auto *p = static_cast<char *>(data);
    while (size > 0) {
        const qint64 n = file.read(p, qint64(std::min<uint64_t>(size, 1u << 30)));
        if (n <= 0)
            return false;
        p += n;
        size -= uint64_t(n);
    }
    return true;
}

} // namespace

Status writeTableFile(const Table &table, const QString &path, TaskContext *ctx)
{
    std::vector<ColumnLayout> layout;
    if (Status s = checkTable(table, &layout); !s)
        return Status(Error{s.error().code, s.error().message, path});

    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Status(openError(file, path, true));

    Sink sink(&file);
    if (Status s = emitTable(table, layout, sink, ctx, path); !s) {
        file.cancelWriting();
        return s;
    }
    unsigned char trailer[kTrailerBytes];
    putLE<uint64_t>(trailer, sink.digest());
    std::memcpy(trailer + 8, kEndMagic, 8);
    if (!sink.flush() || file.write(reinterpret_cast<const char *>(trailer), kTrailerBytes) != qint64(kTrailerBytes)) {
        file.cancelWriting();
        return Status::failure(ErrorCode::Io, QStringLiteral("Could not write the table file: %1").arg(file.errorString()),
                               path);
    }
    // commit() flushes, fsyncs and renames the temporary file into place.
    if (!file.commit())
        return Status::failure(ErrorCode::Io, QStringLiteral("Could not save the table file: %1").arg(file.errorString()),
                               path);
    syncDirectory(QFileInfo(path).absolutePath());
    reportProgress(ctx, 1.0, QStringLiteral("Saved the table"));
    return {};
}

Result<QString> tableContentHash(const Table &table)
{
    std::vector<ColumnLayout> layout;
    if (Status s = checkTable(table, &layout); !s)
        return s.error();
    Sink sink(nullptr);
    if (Status s = emitTable(table, layout, sink, nullptr, {}); !s)
        return s.error();
    char hex[16];
    hash64ToHex(sink.digest(), hex);
    return QString::fromLatin1(hex, 16);
}

Result<std::shared_ptr<Table>> readTableFile(const QString &path, TaskContext *ctx)
{
    using R = Result<std::shared_ptr<Table>>;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Unbuffered))
        return R(openError(file, path, false));
    const uint64_t fileSize = uint64_t(file.size());

    unsigned char header[kHeaderBytes] = {};
    const uint64_t headerRead = std::min(fileSize, kHeaderBytes);
    if (!readFully(file, header, headerRead))
        return R(Error{ErrorCode::Io, QStringLiteral("Could not read the table file: %1").arg(file.errorString()), path});
    if (headerRead < 8 || std::memcmp(header, kMagic, 8) != 0)
        return R(Error{ErrorCode::Corrupt, QStringLiteral("This is not an Easel table file."), path});
    if (headerRead < kHeaderBytes)
        return R(corrupt(path, QStringLiteral("truncated: only %1 bytes").arg(fileSize)));

    const uint32_t version = getLE<uint32_t>(header + 8);
    if (version > kFormatVersion)
        return R(Error{ErrorCode::Unsupported,
                       QStringLiteral("The table file was written by a newer version of Easel (format %1; this version "
                                      "reads up to %2). Update Easel to open it.")
                           .arg(version).arg(kFormatVersion),
                       path});
    if (version == 0 || getLE<uint32_t>(header + 12) != kHeaderBytes)
        return R(corrupt(path, QStringLiteral("bad header")));

    const uint64_t rows = getLE<uint64_t>(header + 16);
    const uint64_t columns = getLE<uint64_t>(header + 24);
    const uint64_t schema = getLE<uint64_t>(header + 32);
    const uint64_t data = getLE<uint64_t>(header + 40);
    // Every size is bounded by the file size before any sum, so nothing overflows.
    if (schema > fileSize || data > fileSize || kHeaderBytes + schema + data + kTrailerBytes > fileSize)
        return R(corrupt(path, QStringLiteral("truncated: %1 bytes, the header promises %2")
                                   .arg(fileSize)
                                   .arg(schema > fileSize || data > fileSize
                                            ? QStringLiteral("more")
                                            : QString::number(kHeaderBytes + schema + data + kTrailerBytes))));
    if (kHeaderBytes + schema + data + kTrailerBytes < fileSize)
        return R(corrupt(path, QStringLiteral("%1 unexpected bytes at the end")
                                   .arg(fileSize - (kHeaderBytes + schema + data + kTrailerBytes))));
    if (columns > schema / kColumnEntryBytes || (columns > 0 && rows > data))
        return R(corrupt(path, QStringLiteral("bad sizes in the header")));

    Hash64 hash;
    hash.update(header, kHeaderBytes);

    // Schema.
    std::vector<unsigned char> schemaBlock(schema);
    if (!readFully(file, schemaBlock.data(), schema))
        return R(Error{ErrorCode::Io, QStringLiteral("Could not read the table file: %1").arg(file.errorString()), path});
    hash.update(schemaBlock.data(), schema);

    auto table = std::make_shared<Table>();
    table->setRowCount(size_t(rows));
    table->columns().reserve(size_t(columns));
    std::vector<std::pair<uint64_t, uint64_t>> dicts; // entries, bytes
    uint64_t pos = 0;
    uint64_t expectedData = 0;
    for (uint64_t i = 0; i < columns; ++i) {
        if (schema - pos < kColumnEntryBytes)
            return R(corrupt(path, QStringLiteral("schema too short")));
        const unsigned char *entry = schemaBlock.data() + pos;
        const uint64_t nameBytes = getLE<uint32_t>(entry);
        const uint8_t type = entry[4];
        const uint8_t storage = entry[5];
        const uint64_t dictEntries = getLE<uint64_t>(entry + 8);
        const uint64_t dictBytes = getLE<uint64_t>(entry + 16);
        if (schema - pos - kColumnEntryBytes < nameBytes)
            return R(corrupt(path, QStringLiteral("schema too short")));
        if (type > uint8_t(ColumnType::Identifier) || storage > uint8_t(Storage::String))
            return R(corrupt(path, QStringLiteral("unknown column type")));
        if (storage != uint8_t(Storage::String) && (dictEntries || dictBytes))
            return R(corrupt(path, QStringLiteral("bad schema")));
        if (dictEntries > data / 4 || dictBytes > data || dictEntries > uint64_t(std::numeric_limits<int32_t>::max()))
            return R(corrupt(path, QStringLiteral("bad dictionary size")));
        const QByteArray nameField(reinterpret_cast<const char *>(entry + kColumnEntryBytes), qsizetype(nameBytes));
        const QList<QByteArray> parts = nameField.split('\0');
        Column column(QString::fromUtf8(parts.value(0)), ColumnType(type), Storage(storage));
        if (storage == uint8_t(Storage::Bool) && parts.size() == 3)
            column.setBoolText(parts[1].toStdString(), parts[2].toStdString());
        table->addColumn(std::move(column));
        dicts.emplace_back(dictEntries, dictBytes);
        expectedData += dataBytes(rows, Storage(storage), dictEntries, dictBytes);
        if (expectedData > data)
            return R(corrupt(path, QStringLiteral("the columns do not fit the data size")));
        pos += pad8(kColumnEntryBytes + nameBytes);
    }
    if (pos != schema || expectedData != data)
        return R(corrupt(path, QStringLiteral("the schema does not match the data size")));

    // Data: read straight into the column vectors.
    const auto readBlock = [&](void *dst, uint64_t bytes) {
        if (!readFully(file, dst, bytes))
            return false;
        hash.update(dst, bytes);
        const uint64_t padding = pad8(bytes) - bytes;
        unsigned char zeros[8];
        if (padding && !readFully(file, zeros, padding))
            return false;
        hash.update(zeros, padding);
        return true;
    };
    const auto readFailed = [&] {
        return R(Error{ErrorCode::Io, QStringLiteral("Could not read the table file: %1").arg(file.errorString()), path});
    };

    for (uint64_t i = 0; i < columns; ++i) {
        if (isCanceled(ctx))
            return R(Error{ErrorCode::Canceled, QStringLiteral("Canceled while loading the table."), path});
        reportProgress(ctx, double(i) / double(columns), QStringLiteral("Loading the table"));
        Column &c = table->column(size_t(i));
        void *dst = nullptr;
        switch (c.storage()) {
        case Storage::Int64: c.int64s().resize(size_t(rows)); dst = c.int64s().data(); break;
        case Storage::Float64: c.doubles().resize(size_t(rows)); dst = c.doubles().data(); break;
        case Storage::Bool: c.bools().resize(size_t(rows)); dst = c.bools().data(); break;
        case Storage::String: c.codes().resize(size_t(rows)); dst = c.codes().data(); break;
        }
        if (!readBlock(dst, rows * valueBytes(c.storage())))
            return readFailed();
        if (c.storage() == Storage::String) {
            const auto [entries, bytes] = dicts[size_t(i)];
            std::vector<uint32_t> lengths(static_cast<size_t>(entries));
            if (!readBlock(lengths.data(), entries * 4))
                return readFailed();
            std::vector<char> blob(static_cast<size_t>(bytes));
            if (!readBlock(blob.data(), bytes))
                return readFailed();
            auto &dict = c.dictionary();
            dict.reserve(size_t(entries));
            uint64_t offset = 0;
            for (uint32_t length : lengths) {
                if (length > bytes - offset)
                    return R(corrupt(path, QStringLiteral("dictionary lengths do not add up")));
                dict.emplace_back(blob.data() + offset, length);
                offset += length;
            }
            if (offset != bytes)
                return R(corrupt(path, QStringLiteral("dictionary lengths do not add up")));
        }
    }

    unsigned char trailer[kTrailerBytes];
    if (!readFully(file, trailer, kTrailerBytes))
        return readFailed();
    if (std::memcmp(trailer + 8, kEndMagic, 8) != 0)
        return R(corrupt(path, QStringLiteral("bad end marker")));
    if (getLE<uint64_t>(trailer) != hash.digest())
        return R(corrupt(path, QStringLiteral("checksum mismatch: the file was altered or damaged")));

    // The checksum matched, but a value out of range must never reach code that
    // indexes with it, so check what indexes: dictionary codes and booleans.
    for (const Column &c : table->columns()) {
        if (c.storage() == Storage::String) {
            const int32_t n = int32_t(c.dictionary().size());
            for (int32_t code : c.codes())
                if (code < kMissingCode || code >= n)
                    return R(corrupt(path, QStringLiteral("a code of column \"%1\" is outside its dictionary").arg(c.name())));
        } else if (c.storage() == Storage::Bool) {
            for (int8_t b : c.bools())
                if (b < kMissingBool || b > 1)
                    return R(corrupt(path, QStringLiteral("column \"%1\" holds a value that is not a boolean").arg(c.name())));
        }
    }
    reportProgress(ctx, 1.0, QStringLiteral("Loaded the table"));
    return R(std::move(table));
}

} // namespace easel
