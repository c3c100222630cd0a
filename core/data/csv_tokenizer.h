#pragma once
// Private to the CSV reader: splits UTF-8 bytes into rows and fields (RFC 4180
// plus backslash escapes), one row at a time, with no allocation per field.
// The same code finds block boundaries (reading thread) and splits rows for
// the workers, so both always agree on where rows start and end.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace easel::csv {

//! How many bytes in [p, end) equal c; sixteen at a time where the CPU can
//! (std::count goes byte by byte).
inline size_t countByte(const char *p, const char *end, char c)
{
    size_t n = 0;
#if defined(__SSE2__)
    const __m128i needle = _mm_set1_epi8(c);
    while (end - p >= 16) {
        // Up to 255 rounds of per-byte counters (each match adds 1), then a horizontal sum.
        const size_t rounds = std::min<size_t>(255, size_t(end - p) / 16);
        __m128i acc = _mm_setzero_si128();
        for (size_t r = 0; r < rounds; ++r, p += 16)
            acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i *>(p)), needle));
        const __m128i sums = _mm_sad_epu8(acc, _mm_setzero_si128());
        n += size_t(_mm_cvtsi128_si32(sums)) + size_t(_mm_extract_epi16(sums, 4));
    }
#endif
    for (; p < end; ++p)
        n += *p == c;
    return n;
}

//! Finds the first byte in [p, end) equal to one of four bytes (repeats are fine),
//! sixteen bytes at a time where the CPU can; end when there is none.
class ByteFinder
{
public:
    ByteFinder(char a, char b, char c, char d)
    {
        m_is.fill(false);
        m_is[uint8_t(a)] = m_is[uint8_t(b)] = m_is[uint8_t(c)] = m_is[uint8_t(d)] = true;
#if defined(__SSE2__)
        m_a = _mm_set1_epi8(a);
        m_b = _mm_set1_epi8(b);
        m_c = _mm_set1_epi8(c);
        m_d = _mm_set1_epi8(d);
#endif
    }

    const char *find(const char *p, const char *end) const
    {
#if defined(__SSE2__)
        while (end - p >= 16) {
            const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
            const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, m_a), _mm_cmpeq_epi8(v, m_b)),
                                             _mm_or_si128(_mm_cmpeq_epi8(v, m_c), _mm_cmpeq_epi8(v, m_d)));
            const unsigned mask = unsigned(_mm_movemask_epi8(hit));
            if (mask)
                return p + __builtin_ctz(mask);
            p += 16;
        }
#endif
        while (p < end && !m_is[uint8_t(*p)])
            ++p;
        return p;
    }

private:
    std::array<bool, 256> m_is{};
#if defined(__SSE2__)
    __m128i m_a, m_b, m_c, m_d;
#endif
};

//! One field of a row, pointing into the bytes being read.
struct FieldRef
{
    const char *ptr = nullptr;
    uint32_t size = 0;
    bool quoted = false;
    bool escaped = false;  //!< holds doubled quotes or backslash escapes: unescape() before use
};

enum class RowStatus : uint8_t {
    Row,         //!< a good row
    Blank,       //!< an empty (or all-space) line, skipped
    Bad,         //!< a malformed row: see reason(); next() is where reading goes on
    Incomplete,  //!< the row runs past the end of the bytes: read more first
    End,         //!< no bytes left
};

enum class BadReason : uint8_t { None, FieldCount, UnclosedQuote, TextAfterQuote };

struct TokenizerConfig
{
    char delimiter = ',';
    char quote = '"';     //!< 0: no quoting
    char escape = '"';    //!< == quote: doubled quotes; '\\': backslash escapes
    bool trailingDelimiter = false;
    int expectedFields = -1;  //!< -1: any count is fine (sniffing)
};

//! A quoted field longer than this is taken for a quote that is never closed,
//! so a stray quote cannot swallow the rest of a large file.
constexpr size_t kMaxQuotedField = size_t(16) << 20;

//! Splits rows. Not thread-safe; make one per thread.
class Tokenizer
{
public:
    explicit Tokenizer(const TokenizerConfig &config)
        : m_config(config),
          m_special(config.delimiter, '\n', '\r', '\n'),
          // Without quoting the quoted scanner never runs; '\n' stands in for the quote.
          m_quotedSpecial(config.quote ? config.quote : '\n', config.quote ? config.escape : '\n', '\n', '\r')
    {
        m_fields.reserve(64);
    }

    const TokenizerConfig &config() const { return m_config; }

    //! Scans the row starting at pos. atEof: end is the real end of the data
    //! (otherwise a row touching end is Incomplete). With kStore the fields of a
    //! Row are in fields().
    template<bool kStore>
    RowStatus next(const char *pos, const char *end, bool atEof);

    const char *nextRow() const { return m_next; }       //!< where the following row starts
    int64_t lines() const { return m_lines; }            //!< physical lines the row took
    int fieldCount() const { return m_fieldCount; }      //!< fields found (also for Bad FieldCount)
    BadReason reason() const { return m_reason; }
    const std::vector<FieldRef> &fields() const { return m_fields; }

    //! The text of a field with escapes removed; scratch holds it when needed.
    std::string_view text(const FieldRef &f, std::string &scratch) const
    {
        if (!f.escaped)
            return {f.ptr, f.size};
        scratch.clear();
        const char q = m_config.quote, esc = m_config.escape;
        for (uint32_t i = 0; i < f.size; ++i) {
            const char c = f.ptr[i];
            if (c == esc && i + 1 < f.size && (esc != q || f.ptr[i + 1] == q)) {
                scratch.push_back(f.ptr[++i]);
                continue;
            }
            scratch.push_back(c);
        }
        return scratch;
    }

private:
    //! A broken row: reading goes on at the next physical line after start.
    RowStatus badLine(const char *start, const char *end, bool atEof, BadReason reason)
    {
        m_reason = reason;
        const char *p = start;
        while (p < end && *p != '\n' && *p != '\r')
            ++p;
        if (p == end) {
            if (!atEof)
                return RowStatus::Incomplete;
            m_next = end;
            m_lines = 1;
            return RowStatus::Bad;
        }
        if (*p == '\r') {
            if (p + 1 == end && !atEof)
                return RowStatus::Incomplete;
            if (p + 1 < end && p[1] == '\n')
                ++p;
        }
        m_next = p + 1;
        m_lines = 1;
        return RowStatus::Bad;
    }

    TokenizerConfig m_config;
    ByteFinder m_special;        //!< ends an unquoted field
    ByteFinder m_quotedSpecial;  //!< needs a look inside a quoted field
    std::vector<FieldRef> m_fields;
    const char *m_next = nullptr;
    int64_t m_lines = 0;
    int m_fieldCount = 0;
    BadReason m_reason = BadReason::None;
};

template<bool kStore>
RowStatus Tokenizer::next(const char *const start, const char *const end, bool atEof)
{
    m_reason = BadReason::None;
    m_fieldCount = 0;
    if constexpr (kStore)
        m_fields.clear();
    const char *p = start;
    if (p >= end)
        return RowStatus::End;
    if (*p == '\n' || *p == '\r') {
        if (*p == '\r') {
            if (p + 1 == end && !atEof)
                return RowStatus::Incomplete;
            if (p + 1 < end && p[1] == '\n')
                ++p;
        }
        m_next = p + 1;
        m_lines = 1;
        return RowStatus::Blank;
    }
    const char delim = m_config.delimiter;
    const char quote = m_config.quote;
    const char escape = m_config.escape;
    int64_t extraLines = 0;
    bool lastEmptyUnquoted = false;
    FieldRef firstField;
    for (;;) {
        FieldRef f;
        if (quote && *p == quote) {
            const char *s = ++p;
            bool esc = false;
            for (;;) {
                p = m_quotedSpecial.find(p, end);
                if (size_t(p - s) > kMaxQuotedField)
                    return badLine(start, end, atEof, BadReason::UnclosedQuote);
                if (p >= end) {
                    if (!atEof)
                        return RowStatus::Incomplete;
                    return badLine(start, end, atEof, BadReason::UnclosedQuote);
                }
                const char c = *p;
                if (c == '\n') {
                    ++extraLines;
                    ++p;
                    continue;
                }
                if (c == '\r') {
                    if (p + 1 == end && !atEof)
                        return RowStatus::Incomplete;
                    if (p + 1 < end && p[1] == '\n')
                        ++p;
                    ++extraLines;
                    ++p;
                    continue;
                }
                if (c == escape && escape != quote) {
                    if (p + 1 >= end) {
                        if (!atEof)
                            return RowStatus::Incomplete;
                        return badLine(start, end, atEof, BadReason::UnclosedQuote);
                    }
                    if (p[1] == '\n' || p[1] == '\r')
                        ++extraLines;
                    p += 2;
                    esc = true;
                    continue;
                }
                // c == quote
                if (p + 1 >= end) {
                    if (!atEof)
                        return RowStatus::Incomplete;
                    f = FieldRef{s, uint32_t(p - s), true, esc};
                    ++p;
                    break;
                }
                if (escape == quote && p[1] == quote) {
                    p += 2;
                    esc = true;
                    continue;
                }
                f = FieldRef{s, uint32_t(p - s), true, esc};
                ++p;
                break;
            }
            const char *q = p;
            while (q < end && (*q == ' ' || (*q == '\t' && delim != '\t')))
                ++q;
            if (q == end && !atEof)
                return RowStatus::Incomplete;
            if (q < end && *q != delim && *q != '\n' && *q != '\r')
                return badLine(start, end, atEof, BadReason::TextAfterQuote);
            p = q;
        } else {
            const char *s = p;
            p = m_special.find(p, end);
            if (p == end && !atEof)
                return RowStatus::Incomplete;
            f = FieldRef{s, uint32_t(p - s), false, false};
        }
        if (m_fieldCount == 0)
            firstField = f;
        ++m_fieldCount;
        if constexpr (kStore)
            m_fields.push_back(f);
        lastEmptyUnquoted = !f.quoted && f.size == 0;
        if (p < end && *p == delim) {
            ++p;
            if (p == end) {
                if (!atEof)
                    return RowStatus::Incomplete;
                ++m_fieldCount;
                if constexpr (kStore)
                    m_fields.push_back(FieldRef{p, 0, false, false});
                lastEmptyUnquoted = true;
                break;
            }
            continue;
        }
        if (p < end) {
            if (*p == '\r') {
                if (p + 1 == end && !atEof)
                    return RowStatus::Incomplete;
                if (p + 1 < end && p[1] == '\n')
                    ++p;
            }
            ++p;
        }
        break;
    }
    m_next = p;
    m_lines = 1 + extraLines;
    if (m_fieldCount == 1 && !firstField.quoted) {
        // A line of spaces only is blank.
        bool allSpace = true;
        for (uint32_t i = 0; i < firstField.size && allSpace; ++i)
            allSpace = firstField.ptr[i] == ' ' || firstField.ptr[i] == '\t';
        if (allSpace)
            return RowStatus::Blank;
    }
    const int expected = m_config.expectedFields;
    if (m_config.trailingDelimiter && m_fieldCount >= 2 && lastEmptyUnquoted
        && (expected < 0 || m_fieldCount == expected + 1)) {
        --m_fieldCount;
        if constexpr (kStore)
            m_fields.pop_back();
    }
    if (expected >= 0 && m_fieldCount != expected) {
        if (extraLines > 0) {
            const int count = m_fieldCount;
            const RowStatus st = badLine(start, end, atEof, BadReason::FieldCount);
            m_fieldCount = count;
            return st;
        }
        m_reason = BadReason::FieldCount;
        return RowStatus::Bad;
    }
    return RowStatus::Row;
}

} // namespace easel::csv
