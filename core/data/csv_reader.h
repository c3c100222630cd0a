#pragma once

#include "base/result.h"
#include "base/task_context.h"
#include "data/table.h"

#include <QByteArray>
#include <QJsonObject>
#include <QStringList>

#include <memory>
#include <optional>
#include <vector>

namespace easel {

//! How a CSV file is written, as found by the sniffer (or set by the user).
struct Dialect
{
    enum class Encoding { Utf8, Utf8Bom, Utf16LE, Utf16BE, Windows1252 };
    enum class LineEnding { LF, CRLF, CR, Mixed, None };

    char delimiter = ',';        //!< ',' ';' '\t' '|'
    char quote = '"';            //!< 0 when the file uses no quoting
    char escape = '"';           //!< equal to quote: doubled quotes (RFC 4180); '\\': backslash escapes
    bool hasHeader = true;
    char decimalSeparator = '.'; //!< ',' only with ';' or tab delimiters
    bool trailingDelimiter = false; //!< every line ends with an extra delimiter
    Encoding encoding = Encoding::Utf8;
    LineEnding lineEnding = LineEnding::LF;

    QJsonObject toJson() const;
    static Dialect fromJson(const QJsonObject &json);
    //! Plain words: "comma-separated, UTF-8, header row, Windows line endings".
    QString describe() const;
    bool operator==(const Dialect &other) const = default;
};

QString encodingName(Dialect::Encoding encoding);     //!< "UTF-8", "Windows-1252", …
QString lineEndingName(Dialect::LineEnding ending);   //!< "LF", "CRLF", "CR", "mixed", "none"

//! What to do with rows that have the wrong number of fields or a broken quote.
enum class BadRowPolicy {
    Skip,    //!< leave them out and list them in the import report
    Refuse,  //!< refuse the file, naming the first bad line
};

struct ImportOptions
{
    BadRowPolicy badRows = BadRowPolicy::Skip;
    //! Field values read as missing (compared case-sensitively after trimming spaces).
    QStringList missingTokens = {QString(), QStringLiteral("NA"), QStringLiteral("N/A"),
                                 QStringLiteral("NaN"), QStringLiteral("nan"), QStringLiteral("null"),
                                 QStringLiteral("NULL"), QStringLiteral("?")};
    //! Set to skip sniffing and use this dialect.
    std::optional<Dialect> dialect;
    //! Worker threads; 0 means one per core.
    int threads = 0;
    //! How many row issues to list in the report (the rest are counted).
    int maxListedIssues = 20;
    //! Bytes per parallel block; 0 means automatic (8 MB). Results never depend on it
    //! (tests use small blocks to exercise block boundaries).
    int blockBytes = 0;
};

//! One row-level problem found while importing.
struct RowIssue
{
    qint64 line = 0;   //!< 1-based physical line where the row starts
    QString message;   //!< "has 9 fields but the header has 8"
};

//! What the import did besides producing the table.
struct ImportReport
{
    std::vector<RowIssue> issues;  //!< the first ImportOptions::maxListedIssues problems
    qint64 issueCount = 0;         //!< all problems, listed or not
    qint64 skippedRows = 0;        //!< rows left out because of problems
    QStringList notes;             //!< "Read as Windows-1252: the file is not valid UTF-8.", renamed headers, …
    qint64 bytes = 0;              //!< size of the file read
};

struct CsvImport
{
    std::shared_ptr<Table> table;
    Dialect dialect;
    ImportReport report;
};

//! The first rows of a file as text, split with the sniffed (or given) dialect,
//! for an import dialog's preview.
struct CsvPreview
{
    Dialect dialect;
    QStringList header;
    std::vector<QStringList> rows;
};

//! Sniffs the dialect of the file at path from its first part.
//! Fails with NotFound / PermissionDenied / NotAFile / EmptyInput / BinaryInput / NotCsv.
Result<Dialect> sniffCsv(const QString &path, const ImportOptions &options = {});

//! Splits the first maxRows rows of the file for a preview.
Result<CsvPreview> previewCsv(const QString &path, const ImportOptions &options = {}, int maxRows = 50);

//! Reads a whole CSV file into a typed table, in parallel. Never throws; a file
//! that cannot be read as a table gives an Error naming the file, the line and
//! what to do. Cancel through ctx gives ErrorCode::Canceled.
Result<CsvImport> readCsv(const QString &path, const ImportOptions &options = {}, TaskContext *ctx = nullptr);

//! The same for bytes already in memory; name is used in messages.
Result<CsvImport> readCsvData(const QByteArray &data, const QString &name, const ImportOptions &options = {},
                              TaskContext *ctx = nullptr);

} // namespace easel
