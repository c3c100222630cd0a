// Type detection and typed parsing of one block of rows: each column starts
// from the kind sniffed on the sample and widens when a value does not fit
// (Int → Real in place; Date → DateTime in place; anything → String by
// re-parsing the block, since that needs the original text).
//
// Type rules (values are trimmed of spaces and tabs first; missing-value tokens
// fit every kind):
//   Integer   optional sign and digits that fit int64 ("007" is 7; 0/1 stays Integer)
//   Real      decimals, exponents, inf/-inf/infinity; ',' as decimal with the
//             decimal-comma dialect; integers too large for int64
//   Boolean   true/false, yes/no, t/f, y/n in any case
//   Date      yyyy-mm-dd or yyyy/mm/dd; d/m/yyyy or m/d/yyyy with '/', '-' or '.':
//             a value only valid day-first makes the column day-first, one only
//             valid month-first month-first, both in one column → text; only
//             ambiguous values → month-first
//   DateTime  a date, then 'T' or a space, HH:MM[:SS[.fff]], optional Z or ±HH[:MM]
//             (stored in UTC)
//   String    anything else; one value that fits no narrower kind makes the whole
//             column a string column, so no value is lost.
// String columns become Identifier, Categorical or Text in csv_reader.cpp (buildColumn).
#include "data/csv_internal.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace easel::csv {

Kind joinKinds(Kind a, Kind b)
{
    if (a == b)
        return a;
    if (a == Kind::Empty)
        return b;
    if (b == Kind::Empty)
        return a;
    if ((a == Kind::Int && b == Kind::Real) || (a == Kind::Real && b == Kind::Int))
        return Kind::Real;
    if ((a == Kind::Date && b == Kind::DateTime) || (a == Kind::DateTime && b == Kind::Date))
        return Kind::DateTime;
    return Kind::String;
}

size_t ColumnPiece::rows() const
{
    switch (spec.kind) {
    case Kind::Empty: return emptyRows;
    case Kind::Bool: return b8.size();
    case Kind::Int:
    case Kind::Date:
    case Kind::DateTime: return i64.size();
    case Kind::Real: return f64.size();
    case Kind::String: return codes.size();
    }
    return 0;
}

void ColumnPiece::release()
{
    std::vector<int64_t>().swap(i64);
    std::vector<double>().swap(f64);
    std::vector<int8_t>().swap(b8);
    std::vector<int32_t>().swap(codes);
    dict.clear();
}

QString badRowMessage(BadReason reason, int fields, int expected, bool hasHeader)
{
    switch (reason) {
    case BadReason::FieldCount:
        return QStringLiteral("has %1 %2 but the %3 has %4")
            .arg(fields)
            .arg(fields == 1 ? QStringLiteral("field") : QStringLiteral("fields"))
            .arg(hasHeader ? QStringLiteral("header") : QStringLiteral("first row"))
            .arg(expected);
    case BadReason::UnclosedQuote:
        return QStringLiteral("has a quote that is never closed");
    case BadReason::TextAfterQuote:
        return QStringLiteral("has text right after a closing quote (a stray quote?)");
    case BadReason::None:
        break;
    }
    return QStringLiteral("is malformed");
}

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

class BlockParser
{
public:
    BlockParser(const BlockParams &params, const Tokenizer &tok) : m_params(params), m_tok(tok) {}

    //! Adds one field to column c; false when c's spec changed and the block
    //! must be parsed again.
    bool put(ColumnPiece &c, const FieldRef &f)
    {
        const std::string_view raw = f.escaped ? m_tok.text(f, m_scratch) : std::string_view(f.ptr, f.size);
        const char *b = raw.data();
        const char *e = b + raw.size();
        const char *limit = f.escaped ? e : m_limit;  // readable bytes, for numbers read 8 digits at a time
        trimSpaces(b, e);
        const bool miss = m_params.values.missing.isMissing(b, e);
        const char dec = m_params.values.decimal;
        switch (c.spec.kind) {
        case Kind::Int: {
            if (miss) {
                c.i64.push_back(kMissingInt64);
                return true;
            }
            int64_t v;
            if (parseInt64(b, e, v)) {
                c.i64.push_back(v);
                return true;
            }
            double d;
            if (parseDouble(b, e, dec, d)) {
                toReal(c);
                c.f64.push_back(d);
                return true;
            }
            return toString(c);
        }
        case Kind::Real: {
            if (miss) {
                c.f64.push_back(kNaN);
                return true;
            }
            double d;
            if (parseDoubleAt(b, e, limit, dec, d)) {
                c.f64.push_back(d);
                return true;
            }
            return toString(c);
        }
        case Kind::Bool: {
            if (miss) {
                c.b8.push_back(kMissingBool);
                return true;
            }
            const int v = parseBool(b, e);
            if (v >= 0) {
                c.b8.push_back(int8_t(v));
                if (c.boolText[v].empty())
                    c.boolText[v].assign(b, e);
                return true;
            }
            return toString(c);
        }
        case Kind::Date:
        case Kind::DateTime: {
            if (miss) {
                c.i64.push_back(kMissingInt64);
                return true;
            }
            Temporal t;
            if (!parseTemporal(b, e, t))
                return toString(c);
            return putTemporal(c, t);
        }
        case Kind::String:
            c.codes.push_back(miss ? kMissingCode : c.dict.insert(raw));
            return true;
        case Kind::Empty:
            if (miss) {
                ++c.emptyRows;
                return true;
            }
            return classify(c, b, e, raw);
        }
        return true;
    }

    void setReserve(size_t rows) { m_reserve = rows; }
    //! The end of the bytes the fields point into.
    void setLimit(const char *limit) { m_limit = limit; }

    //! Reserves room for the block's rows in the vector c's kind uses.
    void reserveFor(ColumnPiece &c) const
    {
        switch (c.spec.kind) {
        case Kind::Int:
        case Kind::Date:
        case Kind::DateTime: c.i64.reserve(m_reserve); break;
        case Kind::Real: c.f64.reserve(m_reserve); break;
        case Kind::Bool: c.b8.reserve(m_reserve); break;
        case Kind::String: c.codes.reserve(m_reserve); break;
        case Kind::Empty: break;
        }
    }

private:
    bool classify(ColumnPiece &c, const char *b, const char *e, std::string_view raw)
    {
        const size_t n = c.emptyRows;
        int64_t v;
        double d;
        Temporal t;
        if (parseInt64(b, e, v)) {
            c.spec.kind = Kind::Int;
            reserveFor(c);
            c.i64.assign(n, kMissingInt64);
            c.i64.push_back(v);
        } else if (parseDouble(b, e, m_params.values.decimal, d)) {
            c.spec.kind = Kind::Real;
            reserveFor(c);
            c.f64.assign(n, kNaN);
            c.f64.push_back(d);
        } else if (const int bv = parseBool(b, e); bv >= 0) {
            c.spec.kind = Kind::Bool;
            reserveFor(c);
            c.b8.assign(n, kMissingBool);
            c.b8.push_back(int8_t(bv));
            c.boolText[bv].assign(b, e);
        } else if (parseTemporal(b, e, t)) {
            c.spec.kind = Kind::Date;
            reserveFor(c);
            c.i64.assign(n, kMissingInt64);
            c.emptyRows = 0;
            return putTemporal(c, t);
        } else {
            c.spec.kind = Kind::String;
            reserveFor(c);
            c.codes.assign(n, kMissingCode);
            c.codes.push_back(c.dict.insert(raw));
        }
        c.emptyRows = 0;
        return true;
    }

    static bool putTemporal(ColumnPiece &c, const Temporal &t)
    {
        int64_t v = t.ms;
        if (t.dayMonth) {
            c.hasDayMonth = true;
            const bool df = c.spec.dayFirst;
            const bool okAssumed = df ? t.dmyValid : t.mdyValid;
            const bool okOther = df ? t.mdyValid : t.dmyValid;
            if (!okAssumed) {
                // Only the other order fits: switch, unless this column already
                // holds a value that only fits the current order (then it is text).
                const bool evidence = df ? c.dayFirstOnly : c.monthFirstOnly;
                if (evidence)
                    c.spec.kind = Kind::String;
                else
                    c.spec.dayFirst = !df;
                return false;
            }
            if (!okOther)
                (df ? c.dayFirstOnly : c.monthFirstOnly) = true;
            v = df ? t.msDmy : t.ms;
        }
        if (t.hasTime)
            c.spec.kind = Kind::DateTime;
        c.i64.push_back(v);
        return true;
    }

    static void toReal(ColumnPiece &c)
    {
        c.f64.reserve(c.i64.capacity());
        for (int64_t v : c.i64)
            c.f64.push_back(v == kMissingInt64 ? kNaN : double(v));
        std::vector<int64_t>().swap(c.i64);
        c.spec.kind = Kind::Real;
    }

    static bool toString(ColumnPiece &c)
    {
        c.spec.kind = Kind::String;
        return false;
    }

    const BlockParams &m_params;
    const Tokenizer &m_tok;
    std::string m_scratch;
    size_t m_reserve = 0;
    const char *m_limit = nullptr;
};

} // namespace

void parseBlock(const char *begin, const char *end, bool atEof, int64_t firstLine, const BlockParams &params,
                std::vector<ColSpec> specs, BlockResult &out, int64_t maxRows)
{
    Tokenizer tok(params.tokenizer);
    BlockParser parser(params, tok);
    // Rows ≤ line feeds + 1: reserve once instead of growing (memory and time).
    size_t reserve = countByte(begin, end, '\n') + 1;
    if (maxRows >= 0)
        reserve = std::min(reserve, size_t(maxRows));
    parser.setReserve(reserve);
    parser.setLimit(end);
    const size_t ncols = specs.size();
    const int expected = params.tokenizer.expectedFields;
    for (;;) {
        out = BlockResult{};
        out.columns.resize(ncols);
        for (size_t j = 0; j < ncols; ++j) {
            out.columns[j].spec = specs[j];
            parser.reserveFor(out.columns[j]);
        }
        bool restart = false;
        int64_t line = firstLine;
        int64_t rows = 0;
        uint32_t tick = 0;
        const char *p = begin;
        for (;;) {
            if ((++tick & 0x3FFF) == 0 && isCanceled(params.ctx)) {
                out.canceled = true;
                return;
            }
            const RowStatus st = tok.next<true>(p, end, atEof);
            if (st == RowStatus::End)
                break;
            if (st == RowStatus::Incomplete) {
                out.misaligned = true;
                break;
            }
            if (st == RowStatus::Row) {
                const FieldRef *fields = tok.fields().data();
                for (size_t j = 0; j < ncols; ++j) {
                    if (!parser.put(out.columns[j], fields[j])) {
                        restart = true;
                        break;
                    }
                }
                if (restart)
                    break;
                ++rows;
            } else if (st == RowStatus::Bad) {
                ++out.issueCount;
                ++out.skippedRows;
                if (int(out.issues.size()) < params.maxIssues)
                    out.issues.push_back(
                        RowIssue{line, badRowMessage(tok.reason(), tok.fieldCount(), expected, params.hasHeader)});
            }
            line += tok.lines();
            p = tok.nextRow();
            if (maxRows >= 0 && rows >= maxRows)
                break;
        }
        out.lines = line - firstLine;
        if (restart) {
            for (size_t j = 0; j < ncols; ++j)
                specs[j] = out.columns[j].spec;
            continue;
        }
        out.rows = size_t(rows);
        return;
    }
}

bool valueFits(std::string_view text, const ColSpec &spec, const ValueOptions &values)
{
    const char *b = text.data();
    const char *e = b + text.size();
    trimSpaces(b, e);
    if (values.missing.isMissing(b, e))
        return true;
    int64_t v;
    double d;
    Temporal t;
    switch (spec.kind) {
    case Kind::Empty:
    case Kind::String: return true;
    case Kind::Int: return parseInt64(b, e, v);
    case Kind::Real: return parseDouble(b, e, values.decimal, d);
    case Kind::Bool: return parseBool(b, e) >= 0;
    case Kind::Date:
    case Kind::DateTime:
        if (!parseTemporal(b, e, t))
            return false;
        return !t.dayMonth || (spec.dayFirst ? t.dmyValid : t.mdyValid);
    }
    return true;
}

} // namespace easel::csv
