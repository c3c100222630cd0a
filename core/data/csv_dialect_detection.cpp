// Dialect detection on the first part of a file: delimiter, quote and escape
// by row-consistency scoring of candidates (as DuckDB's sniffer does), trailing
// delimiters, line endings, decimal comma, and the header row (found from the
// column types of the rows below it).
#include "data/csv_internal.h"

#include <QSet>

#include <algorithm>
#include <map>

namespace easel::csv {

TokenizerConfig tokenizerConfig(const Dialect &dialect, int expectedFields)
{
    TokenizerConfig c;
    c.delimiter = dialect.delimiter;
    c.quote = dialect.quote;
    c.escape = dialect.quote ? dialect.escape : '\0';
    if (c.quote && !c.escape)
        c.escape = c.quote;
    c.trailingDelimiter = dialect.trailingDelimiter;
    c.expectedFields = expectedFields;
    return c;
}

int64_t skipPreamble(const char *data, size_t size, bool atEof, const Dialect &dialect, int64_t *lines)
{
    Tokenizer tok(tokenizerConfig(dialect, -1));
    const char *p = data;
    const char *end = data + size;
    for (;;) {
        const RowStatus st = tok.next<false>(p, end, atEof);
        if (st == RowStatus::Incomplete)
            return -1;
        if (st == RowStatus::End)
            return p - data;
        if (st == RowStatus::Blank) {
            *lines += tok.lines();
            p = tok.nextRow();
            continue;
        }
        if (!dialect.hasHeader)
            return p - data;
        *lines += tok.lines();
        return tok.nextRow() - data;
    }
}

namespace {

struct Candidate
{
    char delimiter;
    char quote;
    char escape;
};

struct Score
{
    int64_t consistent = 0;  //!< rows with the most common field count (0 when that count is 1)
    int mode = 0;            //!< the most common field count
    int64_t rows = 0;        //!< rows looked at
    int64_t proseRows = 0;   //!< rows that read like sentences
};

Score scoreCandidate(const Candidate &cand, const char *data, size_t size, bool complete)
{
    TokenizerConfig cfg;
    cfg.delimiter = cand.delimiter;
    cfg.quote = cand.quote;
    cfg.escape = cand.escape;
    Tokenizer tok(cfg);
    std::map<int, int64_t> counts;
    Score s;
    const char *p = data;
    const char *end = data + size;
    while (s.rows < 500) {
        const RowStatus st = tok.next<false>(p, end, complete);
        if (st == RowStatus::End || st == RowStatus::Incomplete)
            break;
        if (st == RowStatus::Row) {
            ++counts[tok.fieldCount()];
            ++s.rows;
            int spaces = 0;
            for (const char *c = p; c < tok.nextRow(); ++c)
                spaces += *c == ' ';
            if (spaces >= 6)
                ++s.proseRows;
        } else if (st == RowStatus::Bad) {
            ++s.rows;
        }
        p = tok.nextRow();
    }
    for (const auto &[count, n] : counts) {
        if (n > s.consistent || (n == s.consistent && count > s.mode)) {
            s.consistent = n;
            s.mode = count;
        }
    }
    return s;
}

QStringList uniqueNames(const QStringList &raw, QStringList *notes)
{
    QStringList names;
    QSet<QString> used;
    for (const QString &n : raw)
        if (!n.isEmpty())
            used.insert(n);
    QSet<QString> taken;
    for (int j = 0; j < raw.size(); ++j) {
        QString name = raw[j];
        if (name.isEmpty()) {
            name = QStringLiteral("column_%1").arg(j + 1);
            for (int k = 2; used.contains(name) || taken.contains(name); ++k)
                name = QStringLiteral("column_%1_%2").arg(j + 1).arg(k);
            notes->append(QStringLiteral("Column %1 has no name in the header; named it \"%2\".").arg(j + 1).arg(name));
        } else if (taken.contains(name)) {
            QString candidate;
            for (int k = 2;; ++k) {
                candidate = QStringLiteral("%1_%2").arg(name).arg(k);
                if (!used.contains(candidate) && !taken.contains(candidate))
                    break;
            }
            notes->append(QStringLiteral("The header names \"%1\" more than once; renamed column %2 to \"%3\".")
                              .arg(name)
                              .arg(j + 1)
                              .arg(candidate));
            name = candidate;
        }
        taken.insert(name);
        names.append(name);
    }
    return names;
}

bool isCommaDecimal(std::string_view v)
{
    size_t i = 0;
    if (i < v.size() && (v[i] == '-' || v[i] == '+'))
        ++i;
    size_t digits = 0;
    while (i < v.size() && v[i] >= '0' && v[i] <= '9')
        ++i, ++digits;
    if (digits == 0 || i >= v.size() || v[i] != ',')
        return false;
    ++i;
    size_t after = 0;
    while (i < v.size() && v[i] >= '0' && v[i] <= '9')
        ++i, ++after;
    return after > 0 && i == v.size();
}

bool isDotDecimal(std::string_view v)
{
    size_t i = 0;
    if (i < v.size() && (v[i] == '-' || v[i] == '+'))
        ++i;
    while (i < v.size() && v[i] >= '0' && v[i] <= '9')
        ++i;
    if (i >= v.size() || v[i] != '.')
        return false;
    ++i;
    size_t after = 0;
    while (i < v.size() && v[i] >= '0' && v[i] <= '9')
        ++i, ++after;
    return after > 0 && i == v.size();
}

Dialect::LineEnding detectLineEnding(const char *data, size_t size)
{
    int64_t lf = 0, crlf = 0, cr = 0;
    for (size_t i = 0; i < size; ++i) {
        if (data[i] == '\n') {
            ++lf;
        } else if (data[i] == '\r') {
            if (i + 1 < size && data[i + 1] == '\n') {
                ++crlf;
                ++i;
            } else if (i + 1 < size) {
                ++cr;
            }
        }
    }
    const int kinds = (lf > 0) + (crlf > 0) + (cr > 0);
    if (kinds == 0)
        return Dialect::LineEnding::None;
    if (kinds > 1)
        return Dialect::LineEnding::Mixed;
    return lf ? Dialect::LineEnding::LF : crlf ? Dialect::LineEnding::CRLF : Dialect::LineEnding::CR;
}

} // namespace

Result<SniffResult> sniffSample(const char *data, size_t size, bool complete, Dialect::Encoding encoding,
                                const ImportOptions &options, const QString &name)
{
    SniffResult r;
    bool blank = true;
    for (size_t i = 0; i < size && blank; ++i)
        blank = data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r';
    if (blank)
        return Result<SniffResult>::failure(
            ErrorCode::EmptyInput,
            QStringLiteral("The file holds only blank lines: there is no table to import. Choose a file with data."),
            name);

    const size_t scoreSize = std::min<size_t>(size, 256 * 1024);
    const bool scoreComplete = complete && scoreSize == size;
    Dialect d;
    if (options.dialect) {
        d = *options.dialect;
    } else {
        static const char delimiters[] = {',', ';', '\t', '|'};
        std::vector<Candidate> candidates;
        // Single quotes only when the sample holds no double quote at all.
        const bool anyDoubleQuote = std::memchr(data, '"', scoreSize) != nullptr;
        for (char quote : {'"', '\''}) {
            if (quote == '\'' && anyDoubleQuote)
                continue;
            for (char delim : delimiters)
                for (char escape : {quote, '\\'})
                    candidates.push_back(Candidate{delim, quote, escape});
        }
        Score best;
        Candidate bestCand{',', '"', '"'};
        for (const Candidate &c : candidates) {
            const Score s = scoreCandidate(c, data, scoreSize, scoreComplete);
            const int64_t key = s.mode >= 2 ? s.consistent : 0;
            const int64_t bestKey = best.mode >= 2 ? best.consistent : 0;
            if (key > bestKey || (key == bestKey && key > 0 && s.mode > best.mode)
                || (best.rows == 0 && s.rows > 0)) {
                best = s;
                bestCand = c;
            }
        }
        const bool proseLike = best.rows > 0 && best.proseRows * 2 >= best.rows;
        const bool consistentEnough = best.consistent * 10 >= best.rows * 9;
        if (best.rows == 0 || best.consistent * 2 < best.rows
            || (proseLike && (best.mode < 2 || !consistentEnough)))
            return Result<SniffResult>::failure(
                ErrorCode::NotCsv,
                QStringLiteral("The file is text but does not look like a table: its lines do not split into the "
                               "same number of fields with a comma, semicolon, tab or pipe. Check that this is the "
                               "right file, or save it as CSV from the program that made it."),
                name);
        d.delimiter = bestCand.delimiter;
        d.quote = bestCand.quote;
        d.escape = bestCand.escape;

        // Every row ends with an extra delimiter: not an extra column.
        {
            Tokenizer tok(tokenizerConfig(d, -1));
            const char *p = data;
            const char *end = data + scoreSize;
            int64_t rows = 0, trailing = 0;
            while (rows < 500) {
                const RowStatus st = tok.next<true>(p, end, scoreComplete);
                if (st == RowStatus::End || st == RowStatus::Incomplete)
                    break;
                if (st == RowStatus::Row) {
                    ++rows;
                    const FieldRef &last = tok.fields().back();
                    trailing += tok.fieldCount() >= 2 && !last.quoted && last.size == 0;
                }
                p = tok.nextRow();
            }
            d.trailingDelimiter = rows > 0 && trailing == rows;
        }
        d.lineEnding = detectLineEnding(data, scoreSize);
        d.encoding = encoding;

        if (d.delimiter == ';' || d.delimiter == '\t') {
            Tokenizer tok(tokenizerConfig(d, -1));
            const char *p = data;
            const char *end = data + scoreSize;
            int64_t comma = 0, dot = 0;
            std::string scratch;
            for (int rows = 0; rows < 500; ++rows) {
                const RowStatus st = tok.next<true>(p, end, scoreComplete);
                if (st == RowStatus::End || st == RowStatus::Incomplete)
                    break;
                if (st == RowStatus::Row) {
                    for (const FieldRef &f : tok.fields()) {
                        std::string_view v = tok.text(f, scratch);
                        const char *b = v.data(), *e = v.data() + v.size();
                        trimSpaces(b, e);
                        v = std::string_view(b, size_t(e - b));
                        comma += isCommaDecimal(v);
                        dot += isDotDecimal(v);
                    }
                }
                p = tok.nextRow();
            }
            if (comma > 0 && dot == 0)
                d.decimalSeparator = ',';
        }
    }

    // The first row, then the types of the rows below it.
    Tokenizer tok(tokenizerConfig(d, -1));
    const char *p = data;
    const char *end = data + size;
    RowStatus st;
    int64_t headerLines = 0;
    while ((st = tok.next<true>(p, end, complete)) == RowStatus::Blank) {
        headerLines += tok.lines();
        p = tok.nextRow();
    }
    if (st != RowStatus::Row && st != RowStatus::Bad)
        return Result<SniffResult>::failure(
            ErrorCode::NotCsv,
            QStringLiteral("The first row of the file is longer than %1 MB or never ends: this does not look like "
                           "a table. Check that this is the right file.")
                .arg(kMaxQuotedField >> 20),
            name);
    std::vector<std::string> first;
    {
        std::string scratch;
        for (const FieldRef &f : tok.fields()) {
            const std::string_view v = tok.text(f, scratch);
            first.emplace_back(v);
        }
    }
    const int ncols = int(first.size());
    if (ncols == 0)
        return Result<SniffResult>::failure(ErrorCode::NotCsv,
                                            QStringLiteral("The first row of the file cannot be read as fields."),
                                            name);
    const char *afterFirst = tok.nextRow();
    const char *rowsStart = p;

    // The sample ends at the last complete row.
    const char *sampleEnd = end;
    if (!complete) {
        Tokenizer cut(tokenizerConfig(d, ncols));
        const char *q = afterFirst;
        for (;;) {
            const RowStatus s = cut.next<false>(q, end, false);
            if (s == RowStatus::End || s == RowStatus::Incomplete)
                break;
            q = cut.nextRow();
        }
        sampleEnd = q;
    }

    BlockParams params;
    params.tokenizer = tokenizerConfig(d, ncols);
    params.values.decimal = d.decimalSeparator;
    params.values.missing = MissingTokens(options.missingTokens);
    params.maxIssues = 0;
    std::vector<ColSpec> specs(static_cast<size_t>(ncols));
    BlockResult below;
    constexpr int64_t kSampleRows = 20000;
    parseBlock(afterFirst, sampleEnd, true, 1, params, specs, below, kSampleRows);

    if (!options.dialect) {
        bool anyTyped = false, misfit = false;
        for (int j = 0; j < ncols; ++j) {
            const ColSpec &s = below.columns[size_t(j)].spec;
            if (s.kind == Kind::String || s.kind == Kind::Empty)
                continue;
            anyTyped = true;
            if (!valueFits(first[size_t(j)], s, params.values))
                misfit = true;
        }
        d.hasHeader = misfit || !anyTyped;
    }

    QStringList raw;
    if (d.hasHeader) {
        for (const std::string &s : first)
            raw.append(QString::fromUtf8(s.data(), qsizetype(s.size())).trimmed());
        for (const ColumnPiece &c : below.columns)
            r.specs.push_back(c.spec);
    } else {
        for (int j = 0; j < ncols; ++j)
            raw.append(QStringLiteral("column_%1").arg(j + 1));
        BlockResult all;
        parseBlock(rowsStart, sampleEnd, true, 1, params, specs, all, kSampleRows);
        for (const ColumnPiece &c : all.columns)
            r.specs.push_back(c.spec);
    }
    // Columns whose kind is still unknown start empty in every block.
    r.names = uniqueNames(raw, &r.notes);
    r.dialect = d;
    return r;
}

} // namespace easel::csv
