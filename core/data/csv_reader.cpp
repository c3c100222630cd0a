// The CSV import: opening the file, the parallel block pipeline, unifying the
// column types found per block, and assembling the typed columnar Table.
//
// Memory: the file is never read whole. The reading thread reads blocks of
// about 8 MB, cuts each at its last row boundary (with the same tokenizer the
// workers use, so quotes and bad-row recovery agree), and hands the row-aligned
// range to a worker; at most threads + 1 blocks are in flight. Workers turn a
// block into typed column pieces and free its bytes. At the end the pieces are
// joined column by column, each piece freed as soon as it is copied.
#include "data/csv_internal.h"

#include <QFile>
#include <QFileInfo>
#include <QThread>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace easel {

using namespace csv;

namespace {

constexpr int64_t kSampleBytes = 1 << 20;
constexpr int64_t kDefaultBlockBytes = 4 << 20;

//! Where the (UTF-8) bytes come from: a file read in place, or memory.
class ByteSource
{
public:
    virtual ~ByteSource() = default;
    virtual int64_t size() const = 0;
    //! Reads up to n bytes at offset; returns the count, or -1 on error. Thread-safe.
    virtual int64_t readAt(int64_t offset, char *buffer, int64_t n) = 0;
};

class FileSource final : public ByteSource
{
public:
    explicit FileSource(const QString &path) : m_file(path) {}
    bool open() { return m_file.open(QIODevice::ReadOnly | QIODevice::Unbuffered); }
    QFile &file() { return m_file; }
    int64_t size() const override { return m_file.size(); }
    int64_t readAt(int64_t offset, char *buffer, int64_t n) override
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (!m_file.seek(offset))
            return -1;
        int64_t done = 0;
        while (done < n) {
            const int64_t got = m_file.read(buffer + done, n - done);
            if (got < 0)
                return -1;
            if (got == 0)
                break;
            done += got;
        }
        return done;
    }

private:
    QFile m_file;
    std::mutex m_mutex;
};

class MemorySource final : public ByteSource
{
public:
    explicit MemorySource(QByteArray data) : m_data(std::move(data)) {}
    int64_t size() const override { return m_data.size(); }
    int64_t readAt(int64_t offset, char *buffer, int64_t n) override
    {
        const int64_t got = std::clamp<int64_t>(m_data.size() - offset, 0, n);
        std::memcpy(buffer, m_data.constData() + offset, size_t(got));
        return got;
    }

private:
    QByteArray m_data;
};

//! A file opened and sniffed, ready to read.
struct Opened
{
    std::unique_ptr<ByteSource> source;
    int64_t start = 0;       //!< first byte after any BOM
    int64_t fileBytes = 0;   //!< size of the original file
    SniffResult sniff;
};

Result<Opened> openSource(std::unique_ptr<ByteSource> source, const QString &name, const ImportOptions &options)
{
    Opened o;
    o.fileBytes = source->size();
    if (o.fileBytes == 0)
        return Result<Opened>::failure(
            ErrorCode::EmptyInput,
            QStringLiteral("The file is empty (0 bytes): there is nothing to import. Choose a file that holds a table."),
            name);
    const int64_t sampleSize = std::min(o.fileBytes, kSampleBytes);
    QByteArray sample(qsizetype(sampleSize), Qt::Uninitialized);
    if (source->readAt(0, sample.data(), sampleSize) != sampleSize)
        return Result<Opened>::failure(ErrorCode::Io,
                                       QStringLiteral("Reading the file failed part-way. Check that the disk or "
                                                      "network share is still there and try again."),
                                       name);
    const bool complete = sampleSize == o.fileBytes;
    EncodingGuess enc = detectEncoding(sample.constData(), size_t(sample.size()), complete);
    if (enc.binary)
        return Result<Opened>::failure(
            ErrorCode::BinaryInput,
            QStringLiteral("The file holds binary data, not text (%1). It may be a spreadsheet, a database or a "
                           "compressed file: export the data as CSV and import that file.")
                .arg(enc.binaryReason),
            name);
    Dialect::Encoding encoding = enc.encoding;
    if (options.dialect && options.dialect->encoding != Dialect::Encoding::Utf8
        && options.dialect->encoding != Dialect::Encoding::Utf8Bom)
        encoding = options.dialect->encoding;
    QStringList notes;
    if (encoding == Dialect::Encoding::Windows1252 || encoding == Dialect::Encoding::Utf16LE
        || encoding == Dialect::Encoding::Utf16BE) {
        // Rare encodings are converted whole, in memory.
        QByteArray raw(qsizetype(o.fileBytes), Qt::Uninitialized);
        if (source->readAt(0, raw.data(), o.fileBytes) != o.fileBytes)
            return Result<Opened>::failure(ErrorCode::Io, QStringLiteral("Reading the file failed part-way."), name);
        QByteArray utf8 = toUtf8(raw.constData() + enc.bomSize, size_t(raw.size() - enc.bomSize), encoding);
        raw = QByteArray();
        if (encoding == Dialect::Encoding::Windows1252 && !options.dialect)
            notes << QStringLiteral("Read as Windows-1252: the file is not valid UTF-8. If some letters look "
                                    "wrong, save the file as UTF-8 and import it again.");
        source = std::make_unique<MemorySource>(std::move(utf8));
        o.start = 0;
        sample = QByteArray(qsizetype(std::min(source->size(), kSampleBytes)), Qt::Uninitialized);
        source->readAt(0, sample.data(), sample.size());
    } else {
        o.start = enc.bomSize;
        sample.remove(0, enc.bomSize);
    }
    const bool sampleComplete = o.start + sample.size() >= source->size();
    Result<SniffResult> sniff =
        sniffSample(sample.constData(), size_t(sample.size()), sampleComplete, encoding, options, name);
    if (!sniff)
        return sniff.error();
    o.sniff = std::move(sniff).value();
    if (!options.dialect)
        o.sniff.dialect.encoding = encoding;
    o.sniff.notes = notes + o.sniff.notes;
    o.source = std::move(source);
    return o;
}

Result<Opened> openFile(const QString &path, const ImportOptions &options)
{
    const QFileInfo info(path);
    if (!info.exists())
        return Result<Opened>::failure(ErrorCode::NotFound,
                                       QStringLiteral("The file does not exist. Check the path, or choose the file "
                                                      "again: it may have been moved or deleted."),
                                       path);
    if (info.isDir())
        return Result<Opened>::failure(ErrorCode::NotAFile,
                                       QStringLiteral("This is a folder, not a file. Choose a CSV file inside it."),
                                       path);
    if (!info.isFile())
        return Result<Opened>::failure(
            ErrorCode::NotAFile,
            QStringLiteral("This is not a regular file (a device or a pipe?). Choose a CSV file."), path);
    auto source = std::make_unique<FileSource>(path);
    if (!source->open()) {
        if (source->file().error() == QFileDevice::PermissionsError || !info.isReadable())
            return Result<Opened>::failure(ErrorCode::PermissionDenied,
                                           QStringLiteral("You do not have permission to read this file. Ask its "
                                                          "owner for read access, or copy it to a folder you can read."),
                                           path);
        return Result<Opened>::failure(ErrorCode::Io,
                                       QStringLiteral("The file cannot be opened (%1).")
                                           .arg(source->file().errorString()),
                                       path);
    }
    return openSource(std::move(source), path, options);
}

Result<Opened> openData(const QByteArray &data, const QString &name, const ImportOptions &options)
{
    return openSource(std::make_unique<MemorySource>(data), name, options);
}

int threadCount(const ImportOptions &options)
{
    const int n = options.threads > 0 ? options.threads : QThread::idealThreadCount();
    return std::clamp(n, 1, 256);
}

//! One block of rows and what parsing it gave.
struct Block
{
    int64_t offset = 0;     //!< in the source
    int64_t size = 0;
    bool last = false;      //!< ends at the end of the data
    bool exact = false;     //!< cut by the tokenizer: its end is a row boundary for sure
    int64_t firstLine = 1;  //!< 1-based line of the block's first byte (known after reading)
    BlockResult result;     //!< issue lines relative to the block (first line = 1)
};

struct ReadState
{
    const Opened &opened;
    const ImportOptions &options;
    TaskContext *ctx;
    QString name;
    BlockParams params;
    std::vector<ColSpec> specs;
    std::deque<Block> blocks;  // stable addresses
    int64_t preambleLines = 0;
};

//! Where the fast chunker cuts [begin, end): after the last line feed with an even
//! number of quotes before it (RFC 4180 quoting). The workers check the guess: a
//! block whose rows do not end exactly there makes the import start again with
//! exact chunking. Returns nullptr when there is no such line feed.
const char *parityCut(const char *begin, const char *end, char quote)
{
    const int64_t total = quote ? int64_t(countByte(begin, end, quote)) : 0;
    int64_t after = 0;
    const char *p = end;
    while (p > begin) {
        const char *nl = p - 1;
        while (nl >= begin && *nl != '\n')
            --nl;
        if (nl < begin)
            return nullptr;
        if (quote)
            after += int64_t(countByte(nl + 1, p, quote));
        if (((total - after) & 1) == 0)
            return nl + 1;
        p = nl;
    }
    return nullptr;
}

enum class ReadOutcome { Done, NeedExact };

//! Reads all blocks, parsing them on worker threads. exact: cut blocks with the
//! tokenizer itself (slower, serial) instead of the quote-parity guess.
Status readBlocks(ReadState &st, bool exact, ReadOutcome *outcome)
{
    *outcome = ReadOutcome::Done;
    ByteSource &src = *st.opened.source;
    const int64_t total = src.size();
    const int threads = threadCount(st.options);
    // Blocks of 1–4 MB, ~64 per thread where the file is large enough: small blocks
    // keep every thread busy to the end and a block's column pieces in cache. At most
    // threads + 1 of them in flight.
    int64_t blockBytes = st.options.blockBytes;
    if (blockBytes <= 0)
        blockBytes = std::clamp<int64_t>((total - st.opened.start) / (int64_t(threads) * 64), int64_t(1) << 20,
                                         kDefaultBlockBytes);
    const Dialect &dialect = st.opened.sniff.dialect;
    const char quote = st.params.tokenizer.quote;
    Tokenizer chunker(st.params.tokenizer);

    struct Buffer
    {
        std::unique_ptr<char[]> data;
        int64_t capacity = 0;
    };
    struct Task
    {
        Block *block;
        Buffer buffer;
        int64_t begin;
    };
    std::mutex mutex;
    // Parsed blocks hand their buffers back for the next reads: fresh ones would
    // cost a page fault every few kilobytes.
    std::vector<Buffer> spare;
    std::condition_variable taskReady, slotFree;
    std::deque<Task> tasks;
    bool noMore = false;
    int inFlight = 0;
    const int maxInFlight = threads + 1;
    std::atomic<int64_t> bytesDone{0};
    std::atomic<bool> misaligned{false};
    const double scale = 0.9 / double(std::max<int64_t>(1, total));

    auto parseTask = [&](Task &t) {
        Block &b = *t.block;
        const char *begin = t.buffer.data.get() + t.begin;
        if (!misaligned.load(std::memory_order_relaxed))
            parseBlock(begin, begin + b.size, b.last || b.exact, 1, st.params, st.specs, b.result);
        {
            std::lock_guard<std::mutex> lock(mutex);
            spare.push_back(std::move(t.buffer));
        }
        if (b.result.misaligned)
            misaligned = true;
        const int64_t done = bytesDone.fetch_add(b.size) + b.size;
        reportProgress(st.ctx, double(done) * scale, QStringLiteral("Reading rows"));
    };

    std::vector<std::thread> workers;
    if (threads > 1) {
        for (int i = 0; i < threads; ++i) {
            workers.emplace_back([&] {
                for (;;) {
                    Task t;
                    {
                        std::unique_lock<std::mutex> lock(mutex);
                        taskReady.wait(lock, [&] { return !tasks.empty() || noMore; });
                        if (tasks.empty())
                            return;
                        t = std::move(tasks.front());
                        tasks.pop_front();
                    }
                    parseTask(t);
                    {
                        std::lock_guard<std::mutex> lock(mutex);
                        --inFlight;
                    }
                    slotFree.notify_one();
                }
            });
        }
    }

    Status status;
    int64_t pos = st.opened.start;  // next unread byte
    std::vector<char> carry;
    int64_t carryOffset = pos;
    bool first = true;
    int64_t want = blockBytes;
    for (;;) {
        if (isCanceled(st.ctx)) {
            status = Status::failure(ErrorCode::Canceled, QStringLiteral("The import was canceled."), st.name);
            break;
        }
        if (misaligned) {
            *outcome = ReadOutcome::NeedExact;
            break;
        }
        if (threads > 1) {
            std::unique_lock<std::mutex> lock(mutex);
            slotFree.wait(lock, [&] { return inFlight < maxInFlight; });
        }
        const int64_t carrySize = int64_t(carry.size());
        const int64_t bufSize = carrySize + std::min(want, std::max<int64_t>(0, total - pos));
        Buffer buffer;
        {
            std::lock_guard<std::mutex> lock(mutex);
            if (!spare.empty()) {
                buffer = std::move(spare.back());
                spare.pop_back();
            }
        }
        if (buffer.capacity < bufSize) {
            buffer.capacity = std::max<int64_t>(bufSize, 1);
            buffer.data.reset(new char[size_t(buffer.capacity)]);
        }
        char *const buf = buffer.data.get();
        if (carrySize)
            std::memcpy(buf, carry.data(), size_t(carrySize));
        const int64_t got = src.readAt(pos, buf + carrySize, bufSize - carrySize);
        if (got < 0 || got != bufSize - carrySize) {
            status = Status::failure(ErrorCode::Io,
                                     QStringLiteral("Reading the file failed part-way. Check that the disk or "
                                                    "network share is still there and try again."),
                                     st.name);
            break;
        }
        pos += got;
        const bool eof = pos >= total;
        const int64_t size = bufSize;
        const int64_t bufOffset = carryOffset;
        int64_t begin = 0;
        if (first) {
            int64_t lines = 0;
            const int64_t skip = skipPreamble(buf, size_t(size), eof, dialect, &lines);
            if (skip < 0) {
                carry.assign(buf, buf + size);
                want *= 2;
                continue;
            }
            begin = skip;
            st.preambleLines = lines;
            first = false;
        }
        int64_t cut = size;
        if (!eof) {
            if (exact) {
                // Cut after the last complete row, as the tokenizer sees it.
                const char *p = buf + begin;
                const char *end = buf + size;
                for (;;) {
                    const RowStatus s = chunker.next<false>(p, end, false);
                    if (s == RowStatus::End || s == RowStatus::Incomplete)
                        break;
                    p = chunker.nextRow();
                }
                cut = p - buf;
            } else {
                const char *c = parityCut(buf + begin, buf + size, quote);
                cut = c ? c - buf : begin;
                if (!c && (!std::memchr(buf + begin, '\n', size_t(size - begin))
                           || size - begin > int64_t(kMaxQuotedField) + blockBytes)) {
                    // No line feeds (CR-only file) or a huge quoted field: cut exactly.
                    *outcome = ReadOutcome::NeedExact;
                    break;
                }
            }
        }
        if (cut == begin && !eof) {
            // Not one whole row yet (a very long row): read more.
            carry.assign(buf + begin, buf + size);
            carryOffset = bufOffset + begin;
            want *= 2;
            continue;
        }
        want = blockBytes;
        carry.assign(buf + cut, buf + size);
        carryOffset = bufOffset + cut;
        if (cut > begin || eof) {
            st.blocks.push_back(Block{bufOffset + begin, cut - begin, eof, exact, 1, {}});
            Task t{&st.blocks.back(), std::move(buffer), begin};
            if (threads > 1) {
                {
                    std::lock_guard<std::mutex> lock(mutex);
                    tasks.push_back(std::move(t));
                    ++inFlight;
                }
                taskReady.notify_one();
            } else {
                parseTask(t);
            }
        }
        if (eof)
            break;
    }
    if (threads > 1) {
        {
            std::lock_guard<std::mutex> lock(mutex);
            noMore = true;
        }
        taskReady.notify_all();
        for (std::thread &w : workers)
            w.join();
    }
    if (misaligned)
        *outcome = ReadOutcome::NeedExact;
    if (status.ok() && isCanceled(st.ctx))
        status = Status::failure(ErrorCode::Canceled, QStringLiteral("The import was canceled."), st.name);
    // Line numbers: each block starts where the one before ended.
    int64_t line = 1 + st.preambleLines;
    for (Block &b : st.blocks) {
        b.firstLine = line;
        line += b.result.lines;
    }
    return status;
}

//! Runs fn(i) for i in [0, n) on up to threads threads.
template<typename Fn>
void parallelFor(size_t n, int threads, Fn fn)
{
    if (n == 0)
        return;
    if (threads <= 1 || n == 1) {
        for (size_t i = 0; i < n; ++i)
            fn(i);
        return;
    }
    std::atomic<size_t> next{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < std::min<int>(threads, int(n)); ++t)
        pool.emplace_back([&] {
            for (size_t i; (i = next.fetch_add(1)) < n;)
                fn(i);
        });
    for (std::thread &t : pool)
        t.join();
}

//! Per column: the kind every block can be brought to.
std::vector<ColSpec> unifySpecs(const std::deque<Block> &blocks, size_t ncols)
{
    std::vector<ColSpec> out(ncols);
    for (size_t j = 0; j < ncols; ++j) {
        Kind k = Kind::Empty;
        bool dayFirst = false, monthFirst = false;
        for (const Block &b : blocks) {
            const ColumnPiece &c = b.result.columns[j];
            k = joinKinds(k, c.spec.kind);
            dayFirst |= c.dayFirstOnly || (c.hasDayMonth && c.spec.dayFirst);
            monthFirst |= c.monthFirstOnly;
        }
        if ((k == Kind::Date || k == Kind::DateTime) && dayFirst && monthFirst)
            k = Kind::String;
        out[j] = ColSpec{k, dayFirst};
    }
    return out;
}

bool pieceFits(const ColumnPiece &c, const ColSpec &target)
{
    const Kind k = c.spec.kind;
    if (k == Kind::Empty)
        return true;
    if (target.kind == Kind::Date || target.kind == Kind::DateTime) {
        if (k != Kind::Date && k != Kind::DateTime)
            return false;
        return !c.hasDayMonth || c.spec.dayFirst == target.dayFirst;
    }
    return k == target.kind || (k == Kind::Int && target.kind == Kind::Real);
}

bool looksLikeIdName(const QString &name)
{
    const QString l = name.toLower();
    if (l == QLatin1String("id") || l.endsWith(QLatin1String("_id")) || l.startsWith(QLatin1String("id_"))
        || l == QLatin1String("uuid") || l == QLatin1String("guid") || l == QLatin1String("key"))
        return true;
    // camelCase: userId, UserID
    return name.size() > 2 && (name.endsWith(QLatin1String("Id")) || name.endsWith(QLatin1String("ID")))
           && name.at(name.size() - 3).isLower();
}

//! Builds column j of the table from the pieces, freeing them. Column types:
//! - String columns: Identifier when more than 50 values, at least 95% of them
//!   distinct, and either no value holds white space (codes, UUIDs, e-mails) or the
//!   name looks like an ID (id, *_id, id_*, userId, key, uuid); Categorical when
//!   distinct ≤ max(20, 5% of the values) and each level repeats on average (distinct
//!   ≤ half the values); else Text. So titanic's name (891 distinct sentences with
//!   spaces) and ticket (681 of 891) are Text, adult's native_country (41) Categorical.
//! - Integer columns: Identifier when the name looks like an ID and ≥ 95% of more
//!   than 50 values are distinct (storage stays Int64).
//! - A column with no value at all: Real (all NaN) as pandas reads it; Text when
//!   the file has no rows.
Column buildColumn(std::deque<Block> &blocks, size_t j, const ColSpec &spec, const QString &name, size_t rows)
{
    auto appendAll = [&](auto &dst, auto member, auto missing, auto convert) {
        dst.reserve(rows);
        for (Block &b : blocks) {
            ColumnPiece &c = b.result.columns[j];
            if (c.spec.kind == Kind::Empty)
                dst.insert(dst.end(), c.emptyRows, missing);
            else
                convert(c, dst, member);
            c.release();
        }
    };
    switch (spec.kind) {
    case Kind::Empty:
        if (rows > 0) {
            Column col(name, ColumnType::Real, Storage::Float64);
            col.doubles().assign(rows, std::numeric_limits<double>::quiet_NaN());
            for (Block &b : blocks)
                b.result.columns[j].release();
            return col;
        }
        return Column(name, ColumnType::Text, Storage::String);
    case Kind::Bool: {
        Column col(name, ColumnType::Boolean, Storage::Bool);
        // Keep the file's own spelling of false/true (from the first block that saw each).
        std::string spelling[2];
        for (Block &b : blocks)
            for (int v = 0; v < 2; ++v)
                if (spelling[v].empty())
                    spelling[v] = b.result.columns[j].boolText[v];
        col.setBoolText(spelling[0].empty() ? std::string("false") : spelling[0],
                        spelling[1].empty() ? std::string("true") : spelling[1]);
        appendAll(col.bools(), &ColumnPiece::b8, kMissingBool, [](ColumnPiece &c, auto &dst, auto m) {
            dst.insert(dst.end(), (c.*m).begin(), (c.*m).end());
        });
        return col;
    }
    case Kind::Int:
    case Kind::Date:
    case Kind::DateTime: {
        const ColumnType type = spec.kind == Kind::Int    ? ColumnType::Integer
                                : spec.kind == Kind::Date ? ColumnType::Date
                                                          : ColumnType::DateTime;
        Column col(name, type, Storage::Int64);
        appendAll(col.int64s(), &ColumnPiece::i64, kMissingInt64, [](ColumnPiece &c, auto &dst, auto m) {
            dst.insert(dst.end(), (c.*m).begin(), (c.*m).end());
        });
        if (spec.kind == Kind::Int && looksLikeIdName(name) && rows > 50) {
            const std::vector<int64_t> &v = col.int64s();
            size_t present = 0;
            bool increasing = true;
            int64_t prev = kMissingInt64;
            for (int64_t x : v) {
                if (x == kMissingInt64)
                    continue;
                ++present;
                if (x <= prev)
                    increasing = false;
                prev = x;
            }
            size_t distinct = present;
            if (!increasing) {
                std::vector<int64_t> sorted;
                sorted.reserve(present);
                for (int64_t x : v)
                    if (x != kMissingInt64)
                        sorted.push_back(x);
                std::sort(sorted.begin(), sorted.end());
                distinct = size_t(std::unique(sorted.begin(), sorted.end()) - sorted.begin());
            }
            if (present > 50 && distinct * 100 >= present * 95)
                col.setType(ColumnType::Identifier);
        }
        return col;
    }
    case Kind::Real: {
        Column col(name, ColumnType::Real, Storage::Float64);
        appendAll(col.doubles(), &ColumnPiece::f64, std::numeric_limits<double>::quiet_NaN(),
                  [](ColumnPiece &c, auto &dst, auto m) {
                      if (c.spec.kind == Kind::Int) {
                          for (int64_t x : c.i64)
                              dst.push_back(x == kMissingInt64 ? std::numeric_limits<double>::quiet_NaN()
                                                               : double(x));
                      } else {
                          dst.insert(dst.end(), (c.*m).begin(), (c.*m).end());
                      }
                  });
        return col;
    }
    case Kind::String: {
        Column col(name, ColumnType::Text, Storage::String);
        std::vector<int32_t> &codes = col.codes();
        codes.reserve(rows);
        StringDict global;
        std::vector<int32_t> remap;
        for (Block &b : blocks) {
            ColumnPiece &c = b.result.columns[j];
            if (c.spec.kind == Kind::Empty) {
                codes.insert(codes.end(), c.emptyRows, kMissingCode);
            } else {
                remap.resize(c.dict.size());
                for (size_t k = 0; k < c.dict.size(); ++k)
                    remap[k] = global.insert(c.dict.at(k));
                for (int32_t x : c.codes)
                    codes.push_back(x < 0 ? kMissingCode : remap[size_t(x)]);
            }
            c.release();
        }
        std::vector<std::string> &dict = col.dictionary();
        dict.reserve(global.size());
        bool anySpace = false;
        for (size_t k = 0; k < global.size(); ++k) {
            const std::string_view s = global.at(k);
            if (!anySpace)
                anySpace = s.find_first_of(" \t\n\r") != std::string_view::npos;
            dict.emplace_back(s);
        }
        size_t present = 0;
        for (int32_t x : codes)
            present += x >= 0;
        const size_t distinct = dict.size();
        ColumnType type = ColumnType::Text;
        if (present > 50 && distinct * 100 >= present * 95 && (!anySpace || looksLikeIdName(name)))
            type = ColumnType::Identifier;
        else if (distinct <= std::max<size_t>(20, present / 20) && distinct * 2 <= present)
            type = ColumnType::Categorical;
        col.setType(type);
        return col;
    }
    }
    return Column(name, ColumnType::Text, Storage::String);
}

Result<CsvImport> importOpened(Opened &opened, const ImportOptions &options, TaskContext *ctx, const QString &name)
{
    reportProgress(ctx, 0.0, QStringLiteral("Reading rows"));
    const SniffResult &sniff = opened.sniff;
    const size_t ncols = size_t(sniff.names.size());
    ReadState st{opened, options, ctx, name, {}, sniff.specs, {}};
    st.params.tokenizer = tokenizerConfig(sniff.dialect, int(ncols));
    st.params.values.decimal = sniff.dialect.decimalSeparator;
    st.params.values.missing = MissingTokens(options.missingTokens);
    st.params.hasHeader = sniff.dialect.hasHeader;
    st.params.maxIssues = std::max(options.maxListedIssues, 1);
    st.params.ctx = ctx;

    const bool backslash = st.params.tokenizer.quote && st.params.tokenizer.escape != st.params.tokenizer.quote;
    ReadOutcome outcome;
    Status read = readBlocks(st, backslash, &outcome);
    if (read.ok() && outcome == ReadOutcome::NeedExact) {
        // A stray quote (or CR-only lines): read again, cutting blocks exactly.
        st.blocks.clear();
        read = readBlocks(st, true, &outcome);
    }
    if (!read.ok())
        return read.error();
    if (outcome != ReadOutcome::Done)
        return Result<CsvImport>::failure(ErrorCode::Internal,
                                          QStringLiteral("The reader could not split the file into rows."), name);
    for (const Block &b : st.blocks)
        if (b.result.canceled)
            return Result<CsvImport>::failure(ErrorCode::Canceled, QStringLiteral("The import was canceled."), name);

    // Unify the column kinds across blocks; re-parse the blocks that need the text.
    std::vector<ColSpec> finalSpecs;
    for (int round = 0; round < 4; ++round) {
        finalSpecs = unifySpecs(st.blocks, ncols);
        std::vector<Block *> redo;
        for (Block &b : st.blocks)
            for (size_t j = 0; j < ncols; ++j)
                if (!pieceFits(b.result.columns[j], finalSpecs[j])) {
                    redo.push_back(&b);
                    break;
                }
        if (redo.empty())
            break;
        reportProgress(ctx, 0.9, QStringLiteral("Re-reading blocks with mixed types"));
        std::atomic<bool> failed{false};
        parallelFor(redo.size(), threadCount(options), [&](size_t i) {
            Block &b = *redo[i];
            std::unique_ptr<char[]> buf(new char[size_t(b.size)]);
            if (opened.source->readAt(b.offset, buf.get(), b.size) != b.size) {
                failed = true;
                return;
            }
            parseBlock(buf.get(), buf.get() + b.size, b.last || b.exact, 1, st.params, finalSpecs, b.result);
        });
        if (failed)
            return Result<CsvImport>::failure(ErrorCode::Io, QStringLiteral("Reading the file failed part-way."),
                                              name);
        if (isCanceled(ctx))
            return Result<CsvImport>::failure(ErrorCode::Canceled, QStringLiteral("The import was canceled."), name);
    }

    CsvImport out;
    out.dialect = sniff.dialect;
    out.report.bytes = opened.fileBytes;
    out.report.notes = sniff.notes;
    size_t rows = 0;
    for (const Block &b : st.blocks) {
        rows += b.result.rows;
        out.report.issueCount += b.result.issueCount;
        out.report.skippedRows += b.result.skippedRows;
        for (const RowIssue &issue : b.result.issues)
            if (int(out.report.issues.size()) < options.maxListedIssues)
                out.report.issues.push_back(RowIssue{issue.line + b.firstLine - 1, issue.message});
    }
    if (options.badRows == BadRowPolicy::Refuse && out.report.issueCount > 0) {
        RowIssue firstIssue;
        for (const Block &b : st.blocks)
            if (!b.result.issues.empty()) {
                firstIssue = b.result.issues.front();
                firstIssue.line += b.firstLine - 1;
                break;
            }
        QString message = QStringLiteral("Line %1 %2.").arg(firstIssue.line).arg(firstIssue.message);
        if (out.report.issueCount > 1)
            message += QStringLiteral(" %1 rows in all have problems.").arg(out.report.issueCount);
        message += QStringLiteral(" Fix the line, or choose Skip bad rows to import the other %1 rows.").arg(rows);
        return Result<CsvImport>::failure(ErrorCode::BadRow, message, name, firstIssue.line);
    }
    if (out.report.issueCount > 0)
        out.report.notes << QStringLiteral("Skipped %1 bad rows; the first %2 are listed.")
                                .arg(out.report.skippedRows)
                                .arg(out.report.issues.size());

    reportProgress(ctx, 0.92, QStringLiteral("Building columns"));
    // Columns are independent: build them on the import's threads.
    std::vector<Column> columns(ncols);
    std::atomic<size_t> built{0};
    parallelFor(ncols, threadCount(options), [&](size_t j) {
        if (isCanceled(ctx))
            return;
        columns[j] = buildColumn(st.blocks, j, finalSpecs[j], sniff.names[int(j)], rows);
#if defined(__GLIBC__)
        // The pieces just freed came from the workers' malloc arenas: hand them back
        // to the system now, or the peak holds pieces and table together.
        malloc_trim(0);
#endif
        reportProgress(ctx, 0.92 + 0.08 * double(++built) / double(ncols), QStringLiteral("Building columns"));
    });
    if (isCanceled(ctx))
        return Result<CsvImport>::failure(ErrorCode::Canceled, QStringLiteral("The import was canceled."), name);
    auto table = std::make_shared<Table>();
    table->setRowCount(rows);
    for (Column &column : columns)
        table->addColumn(std::move(column));
    out.table = std::move(table);
    reportProgress(ctx, 1.0, QStringLiteral("Done"));
    return out;
}

Result<CsvPreview> previewOpened(Opened &opened, const ImportOptions &options, int maxRows)
{
    CsvPreview out;
    out.dialect = opened.sniff.dialect;
    out.header = opened.sniff.names;
    ByteSource &src = *opened.source;
    const int64_t n = std::min<int64_t>(src.size() - opened.start, 4 << 20);
    std::string buf(size_t(n), '\0');
    if (src.readAt(opened.start, buf.data(), n) != n)
        return Result<CsvPreview>::failure(ErrorCode::Io, QStringLiteral("Reading the file failed part-way."));
    const bool eof = opened.start + n >= src.size();
    int64_t lines = 0;
    const int64_t skip = skipPreamble(buf.data(), buf.size(), eof, out.dialect, &lines);
    if (skip < 0)
        return out;
    Tokenizer tok(tokenizerConfig(out.dialect, int(out.header.size())));
    const char *p = buf.data() + skip;
    const char *end = buf.data() + buf.size();
    std::string scratch;
    Q_UNUSED(options);
    while (int(out.rows.size()) < maxRows) {
        const RowStatus st = tok.next<true>(p, end, eof);
        if (st == RowStatus::End || st == RowStatus::Incomplete)
            break;
        if (st == RowStatus::Row) {
            QStringList row;
            for (const FieldRef &f : tok.fields()) {
                const std::string_view v = tok.text(f, scratch);
                row << QString::fromUtf8(v.data(), qsizetype(v.size()));
            }
            out.rows.push_back(row);
        }
        p = tok.nextRow();
    }
    return out;
}

} // namespace

Result<Dialect> sniffCsv(const QString &path, const ImportOptions &options)
{
    Result<Opened> o = openFile(path, options);
    if (!o)
        return o.error();
    return o->sniff.dialect;
}

Result<CsvPreview> previewCsv(const QString &path, const ImportOptions &options, int maxRows)
{
    Result<Opened> o = openFile(path, options);
    if (!o)
        return o.error();
    return previewOpened(*o, options, maxRows);
}

Result<CsvImport> readCsv(const QString &path, const ImportOptions &options, TaskContext *ctx)
{
    if (isCanceled(ctx))
        return Result<CsvImport>::failure(ErrorCode::Canceled, QStringLiteral("The import was canceled."), path);
    Result<Opened> o = openFile(path, options);
    if (!o)
        return o.error();
    return importOpened(*o, options, ctx, path);
}

Result<CsvImport> readCsvData(const QByteArray &data, const QString &name, const ImportOptions &options,
                              TaskContext *ctx)
{
    if (isCanceled(ctx))
        return Result<CsvImport>::failure(ErrorCode::Canceled, QStringLiteral("The import was canceled."), name);
    Result<Opened> o = openData(data, name, options);
    if (!o)
        return o.error();
    return importOpened(*o, options, ctx, name);
}

} // namespace easel
