#pragma once
// Private to the CSV reader: what its phases hand each other.
//   csv_encoding.cpp          bytes → encoding, binary check, transcoding
//   csv_dialect_detection.cpp sample → delimiter, quoting, header, decimal comma
//   csv_type_detection.cpp    rows → typed column pieces (per block), widening
//   csv_reader.cpp            files, the parallel block pipeline, merging, API

#include "data/csv_reader.h"
#include "data/csv_tokenizer.h"
#include "data/csv_values.h"

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <vector>

namespace easel::csv {

// ---- encoding ---------------------------------------------------------------

struct EncodingGuess
{
    Dialect::Encoding encoding = Dialect::Encoding::Utf8;
    int bomSize = 0;
    bool binary = false;
    QString binaryReason;  //!< "found NUL bytes", …
};

//! Looks at the first bytes of a file. complete: these are all its bytes.
EncodingGuess detectEncoding(const char *data, size_t size, bool complete);
//! Whether data is valid UTF-8 (a sequence cut by the end is fine unless complete).
bool isValidUtf8(const char *data, size_t size, bool complete);
//! Converts a whole Windows-1252 or UTF-16 text (BOM already removed) to UTF-8.
QByteArray toUtf8(const char *data, size_t size, Dialect::Encoding encoding);

// ---- types ------------------------------------------------------------------

//! The physical kind a column is parsed as, narrowest first; widening only goes up
//! (Empty → anything, Int → Real, Date → DateTime, anything → String).
enum class Kind : uint8_t { Empty, Bool, Int, Real, Date, DateTime, String };

struct ColSpec
{
    Kind kind = Kind::Empty;
    bool dayFirst = false;  //!< d/m/y dates read day-first
    bool operator==(const ColSpec &) const = default;
};

//! The smallest kind holding both (String when they do not mix).
Kind joinKinds(Kind a, Kind b);

struct ValueOptions
{
    char decimal = '.';
    MissingTokens missing;
};

//! One column of one block, typed.
struct ColumnPiece
{
    ColSpec spec;
    size_t emptyRows = 0;        //!< rows while still Empty (all missing)
    bool dayFirstOnly = false;   //!< saw a d/m/y value valid only day-first
    bool monthFirstOnly = false; //!< … only month-first
    bool hasDayMonth = false;    //!< saw any d/m/y value
    std::vector<int64_t> i64;
    std::vector<double> f64;
    std::vector<int8_t> b8;
    std::string boolText[2];     //!< first spelling seen of false / true (Bool)
    std::vector<int32_t> codes;
    StringDict dict;

    size_t rows() const;
    void release();
};

//! What parsing one block gave.
struct BlockResult
{
    std::vector<ColumnPiece> columns;
    size_t rows = 0;
    std::vector<RowIssue> issues;  //!< the first few
    int64_t issueCount = 0;
    int64_t skippedRows = 0;
    int64_t lines = 0;         //!< physical lines in the block
    bool canceled = false;
    bool misaligned = false;   //!< the block did not end at a row boundary (see parseBlock)
};

struct BlockParams
{
    TokenizerConfig tokenizer;
    ValueOptions values;
    bool hasHeader = true;
    int maxIssues = 20;
    const TaskContext *ctx = nullptr;
};

//! Parses the rows in [begin, end), starting from specs and widening as needed
//! (re-parsing the block when a column must become String). atEof: end is the end
//! of the data; otherwise end must be a row boundary, and when the rows do not end
//! exactly there the result is marked misaligned. Issue lines count from firstLine.
//! maxRows < 0: all. The result depends only on the bytes and specs, never on threads.
void parseBlock(const char *begin, const char *end, bool atEof, int64_t firstLine, const BlockParams &params,
                std::vector<ColSpec> specs, BlockResult &out, int64_t maxRows = -1);

//! Whether a value (already unescaped) would fit spec without widening.
bool valueFits(std::string_view text, const ColSpec &spec, const ValueOptions &values);

//! Plain words for a bad row.
QString badRowMessage(BadReason reason, int fields, int expected, bool hasHeader);

// ---- dialect ----------------------------------------------------------------

//! What the sniffer found from the first part of a file (UTF-8 bytes).
struct SniffResult
{
    Dialect dialect;
    QStringList names;          //!< unique column names
    std::vector<ColSpec> specs; //!< initial column kinds, from the sample
    QStringList notes;
};

//! Sniffs (or, with options.dialect, applies) the dialect and the column types.
//! complete: data holds the whole file. Fails with EmptyInput or NotCsv.
Result<SniffResult> sniffSample(const char *data, size_t size, bool complete, Dialect::Encoding encoding,
                                const ImportOptions &options, const QString &name);

TokenizerConfig tokenizerConfig(const Dialect &dialect, int expectedFields);

//! Skips leading blank lines and (hasHeader) the header row; returns bytes used
//! and adds the lines to *lines. -1 when more data is needed.
int64_t skipPreamble(const char *data, size_t size, bool atEof, const Dialect &dialect, int64_t *lines);

} // namespace easel::csv
