#pragma once
// Private to the CSV reader: parsing single field values (numbers, booleans,
// dates), missing-value tokens and the per-block string dictionary. All inline:
// these run once per field.

#include <QStringList>

#include <array>
#include <bit>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace easel::csv {

inline void trimSpaces(const char *&b, const char *&e)
{
    while (b < e && (*b == ' ' || *b == '\t'))
        ++b;
    while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
        --e;
}

//! Whole numbers: optional sign and up to 19 digits that fit int64 (INT64_MIN is
//! taken as too large: it marks missing values).
inline bool parseInt64(const char *b, const char *e, int64_t &out)
{
    if (b == e)
        return false;
    bool neg = false;
    if (*b == '-' || *b == '+') {
        neg = *b == '-';
        if (++b == e)
            return false;
    }
    if (e - b > 19)
        return false;
    uint64_t v = 0;
    for (; b < e; ++b) {
        const unsigned d = unsigned(uint8_t(*b)) - unsigned('0');
        if (d > 9)
            return false;
        v = v * 10 + d;
    }
    if (neg) {
        if (v > uint64_t(INT64_MAX))
            return false;
        out = -int64_t(v);
    } else {
        if (v > uint64_t(INT64_MAX))
            return false;
        out = int64_t(v);
    }
    return true;
}

inline constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                   1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

//! Decimal numbers, exponents, inf/-inf/infinity; decimal is '.' or ','.
inline bool parseDouble(const char *b, const char *e, char decimal, double &out)
{
    if (b == e)
        return false;
    {
        // Fast path (Clinger): up to 2^53 in the digits and at most 22 decimals,
        // so m / 10^k is one correctly rounded division, the same as from_chars.
        const char *p = b;
        const bool neg = *p == '-';
        if (*p == '-' || *p == '+')
            ++p;
        uint64_t m = 0;
        int digits = 0;
        int frac = 0;
        while (p < e && unsigned(uint8_t(*p)) - unsigned('0') <= 9) {
            m = m * 10 + unsigned(*p - '0');
            ++p;
            ++digits;
        }
        if (p < e && *p == decimal) {
            const char *f = ++p;
            while (p < e && unsigned(uint8_t(*p)) - unsigned('0') <= 9) {
                m = m * 10 + unsigned(*p - '0');
                ++p;
                ++digits;
            }
            frac = int(p - f);
        }
        if (p == e && digits > 0 && digits <= 19 && m <= (uint64_t(1) << 53) && frac <= 22) {
            const double v = double(m) / kPow10[frac];
            out = neg ? -v : v;
            return true;
        }
    }
    if (*b == '+') {
        ++b;
        if (b == e || *b == '-' || *b == '+')
            return false;
    }
    char buf[80];
    if (decimal != '.') {
        if (e - b >= int(sizeof buf))
            return false;
        size_t n = 0;
        for (const char *p = b; p < e; ++p) {
            if (*p == '.')
                return false;
            buf[n++] = *p == decimal ? '.' : *p;
        }
        b = buf;
        e = buf + n;
    }
    const auto r = std::from_chars(b, e, out, std::chars_format::general);
    return r.ec == std::errc() && r.ptr == e;
}

namespace detail {

inline uint64_t load8(const char *p)
{
    uint64_t w;
    std::memcpy(&w, p, 8);
    if constexpr (std::endian::native == std::endian::big)
        w = __builtin_bswap64(w);
    return w;
}

//! How many of the 8 bytes in w (first byte lowest) are ASCII digits before the first non-digit.
inline int leadingDigits(uint64_t w)
{
    constexpr uint64_t kHigh = 0xF0F0F0F0F0F0F0F0ull, k30 = 0x3030303030303030ull;
    // A byte is a digit when its high nibble is 3 both as it is and with 6 added.
    const uint64_t bad = ((w & kHigh) ^ k30) | (((w + 0x0606060606060606ull) & kHigh) ^ k30);
    // High bit of each byte set where bad is non-zero (no carries between bytes).
    const uint64_t nonzero = (((bad & 0x7F7F7F7F7F7F7F7Full) + 0x7F7F7F7F7F7F7F7Full) | bad) & 0x8080808080808080ull;
    return nonzero ? __builtin_ctzll(nonzero) / 8 : 8;
}

//! The value of the first n (1–8) digit bytes of w.
inline uint64_t digitsValue(uint64_t w, int n)
{
    uint64_t v = (w & 0x0F0F0F0F0F0F0F0Full) << (8 * (8 - n));  // leading zero digits in front
    v = v * 10 + (v >> 8);
    v = (((v & 0x000000FF000000FFull) * (100 + (1000000ull << 32)))
         + (((v >> 16) & 0x000000FF000000FFull) * (1 + (10000ull << 32))))
        >> 32;
    return v;
}

} // namespace detail

//! parseDouble() for text that may be read up to 16 bytes past its start (limit is
//! the end of the readable bytes): plain decimals of up to 8 + 8 digits are read
//! eight digits at a time with the same result; everything else goes to parseDouble().
inline bool parseDoubleAt(const char *b, const char *e, const char *limit, char decimal, double &out)
{
    // Branch-free sign: signs are as unpredictable as the data.
    const uint64_t neg = uint64_t(b < e && *b == '-');
    const char *p = b + neg;
    if (limit - p >= 17) {
        const uint64_t w = detail::load8(p);
        const int k = detail::leadingDigits(w);
        if (k > 0 && k < 8) {
            uint64_t m = detail::digitsValue(w, k);
            const char *q = p + k;
            int frac = 0;
            if (q < e && *q == decimal) {
                static constexpr uint64_t kScale[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000};
                const uint64_t f = detail::load8(q + 1);
                frac = detail::leadingDigits(f);
                m = m * kScale[frac & 7] + detail::digitsValue(f, frac | (frac == 0));
                q += 1 + frac;
                if (frac == 0 || frac == 8)
                    q = nullptr;  // "1." or 8+ decimals: the general path
            }
            if (q == e) {
                const double v = double(m) / kPow10[frac];
                out = std::bit_cast<double>(std::bit_cast<uint64_t>(v) | (neg << 63));
                return true;
            }
        }
    }
    return parseDouble(b, e, decimal, out);
}

//! 1 for true/yes/t/y, 0 for false/no/f/n (any case), -1 otherwise.
inline int parseBool(const char *b, const char *e)
{
    const size_t n = size_t(e - b);
    auto is = [b](const char *word, size_t len) {
        for (size_t i = 0; i < len; ++i)
            if (char(b[i] | 0x20) != word[i])
                return false;
        return true;
    };
    switch (n) {
    case 1: {
        const char c = char(b[0] | 0x20);
        return c == 't' || c == 'y' ? 1 : c == 'f' || c == 'n' ? 0 : -1;
    }
    case 2: return is("no", 2) ? 0 : -1;
    case 3: return is("yes", 3) ? 1 : -1;
    case 4: return is("true", 4) ? 1 : -1;
    case 5: return is("false", 5) ? 0 : -1;
    default: return -1;
    }
}

inline int64_t daysFromCivil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = unsigned(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + int64_t(doe) - 719468;
}

inline int daysInMonth(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return days[m - 1];
}

inline bool readDigits(const char *&p, const char *e, int minN, int maxN, int &v)
{
    v = 0;
    int n = 0;
    while (p < e && n < maxN && unsigned(uint8_t(*p)) - unsigned('0') <= 9) {
        v = v * 10 + (*p - '0');
        ++p;
        ++n;
    }
    return n >= minN;
}

//! "HH:MM[:SS[.fff]][Z|±HH[:MM]]" → ms of day minus the offset. Consumes all.
inline bool parseTimeOfDay(const char *p, const char *e, int64_t &ms)
{
    int h, mi, s = 0;
    if (!readDigits(p, e, 1, 2, h) || p == e || *p != ':')
        return false;
    ++p;
    if (!readDigits(p, e, 2, 2, mi))
        return false;
    int64_t frac = 0;
    if (p < e && *p == ':') {
        ++p;
        if (!readDigits(p, e, 2, 2, s))
            return false;
        if (p < e && (*p == '.' || *p == ',')) {
            ++p;
            int n = 0;
            int64_t scale = 100;
            while (p < e && unsigned(uint8_t(*p)) - unsigned('0') <= 9) {
                if (n < 3)
                    frac += (*p - '0') * scale;
                scale /= 10;
                ++n;
                ++p;
            }
            if (n == 0)
                return false;
        }
    }
    if (h > 24 || mi > 59 || s > 60)
        return false;
    int64_t offset = 0;
    if (p < e) {
        if (*p == 'Z' || *p == 'z') {
            ++p;
        } else if (*p == '+' || *p == '-') {
            const int sign = *p == '-' ? -1 : 1;
            ++p;
            int oh, om = 0;
            if (!readDigits(p, e, 2, 2, oh))
                return false;
            if (p < e && *p == ':')
                ++p;
            if (p < e && !readDigits(p, e, 2, 2, om))
                return false;
            if (oh > 14 || om > 59)
                return false;
            offset = sign * (int64_t(oh) * 3600000 + int64_t(om) * 60000);
        }
    }
    if (p != e)
        return false;
    ms = int64_t(h) * 3600000 + int64_t(mi) * 60000 + int64_t(s) * 1000 + frac - offset;
    return true;
}

//! A date or date-time value.
struct Temporal
{
    bool hasTime = false;
    bool dayMonth = false;   //!< written d/m/y or m/d/y (order to be decided)
    bool mdyValid = false;   //!< (dayMonth) valid read month-first
    bool dmyValid = false;   //!< (dayMonth) valid read day-first
    int64_t ms = 0;          //!< ISO value, or month-first value
    int64_t msDmy = 0;       //!< day-first value
};

//! ISO 8601 dates (yyyy-mm-dd, yyyy/mm/dd) and date-times (T or space, fractional
//! seconds, Z/offsets); and dd/mm/yyyy or mm/dd/yyyy with / - . separators.
inline bool parseTemporal(const char *b, const char *e, Temporal &t)
{
    t = Temporal{};
    if (e - b < 8)
        return false;
    const char *p = b;
    int64_t days = 0;
    int64_t daysDmy = 0;
    auto timePart = [&](const char *q, int64_t &tod) -> bool {
        if (q == e) {
            tod = 0;
            return true;
        }
        if (*q != 'T' && *q != ' ')
            return false;
        ++q;
        while (q < e && *q == ' ')
            ++q;
        t.hasTime = true;
        return parseTimeOfDay(q, e, tod);
    };
    auto isDigit = [](char c) { return unsigned(uint8_t(c)) - unsigned('0') <= 9; };
    if (e - b == 10 && b[4] == '-' && b[7] == '-') {
        // The most common form, yyyy-mm-dd, without the general path's loops.
        bool digits = true;
        for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
            digits &= isDigit(b[i]);
        const auto num = [b](int i) { return int(b[i] - '0'); };
        const int y = num(0) * 1000 + num(1) * 100 + num(2) * 10 + num(3);
        const int m = num(5) * 10 + num(6), d = num(8) * 10 + num(9);
        if (digits && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m)) {
            t.ms = daysFromCivil(y, unsigned(m), unsigned(d)) * 86400000;
            return true;
        }
    }
    if (isDigit(b[0]) && isDigit(b[1]) && isDigit(b[2]) && isDigit(b[3]) && (b[4] == '-' || b[4] == '/')) {
        // yyyy-mm-dd
        int y, m, d;
        if (!readDigits(p, e, 4, 4, y) || p == e || (*p != '-' && *p != '/'))
            return false;
        const char sep = *p++;
        if (!readDigits(p, e, 1, 2, m) || p == e || *p != sep)
            return false;
        ++p;
        if (!readDigits(p, e, 1, 2, d))
            return false;
        if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m))
            return false;
        days = daysFromCivil(y, unsigned(m), unsigned(d));
        int64_t tod = 0;
        if (!timePart(p, tod))
            return false;
        t.ms = days * 86400000 + tod;
        return true;
    }
    int a, c, y;
    if (!readDigits(p, e, 1, 2, a) || p == e || (*p != '/' && *p != '-' && *p != '.'))
        return false;
    const char sep = *p++;
    if (!readDigits(p, e, 1, 2, c) || p == e || *p != sep)
        return false;
    ++p;
    if (!readDigits(p, e, 4, 4, y))
        return false;
    if (p < e && unsigned(uint8_t(*p)) - unsigned('0') <= 9)
        return false;
    t.dayMonth = true;
    t.mdyValid = a >= 1 && a <= 12 && c >= 1 && c <= daysInMonth(y, a);
    t.dmyValid = c >= 1 && c <= 12 && a >= 1 && a <= daysInMonth(y, c);
    if (!t.mdyValid && !t.dmyValid)
        return false;
    if (t.mdyValid)
        days = daysFromCivil(y, unsigned(a), unsigned(c));
    if (t.dmyValid)
        daysDmy = daysFromCivil(y, unsigned(c), unsigned(a));
    int64_t tod = 0;
    if (!timePart(p, tod))
        return false;
    t.ms = days * 86400000 + tod;
    t.msDmy = daysDmy * 86400000 + tod;
    return true;
}

//! The configured missing-value tokens, checked fast.
class MissingTokens
{
public:
    MissingTokens() = default;
    explicit MissingTokens(const QStringList &tokens)
    {
        m_first.fill(false);
        for (const QString &t : tokens) {
            const QByteArray u = t.trimmed().toUtf8();
            if (u.isEmpty()) {
                m_empty = true;
                continue;
            }
            m_tokens.emplace_back(u.constData(), size_t(u.size()));
            m_first[uint8_t(u[0])] = true;
            m_maxLen = std::max(m_maxLen, size_t(u.size()));
        }
    }
    //! Whether the trimmed text [b, e) is a missing-value token.
    bool isMissing(const char *b, const char *e) const
    {
        const size_t n = size_t(e - b);
        if (n == 0)
            return m_empty;
        if (n > m_maxLen || !m_first[uint8_t(*b)])
            return false;
        for (const std::string &t : m_tokens)
            if (t.size() == n && std::memcmp(t.data(), b, n) == 0)
                return true;
        return false;
    }

private:
    bool m_empty = false;
    std::vector<std::string> m_tokens;
    std::array<bool, 256> m_first{};
    size_t m_maxLen = 0;
};

namespace detail {

//! The last 0–7 bytes of a string as a word, read without a call to memcpy: two
//! overlapping 4-byte reads for 4–7 bytes, three single bytes for 1–3.
inline uint64_t tailWord(const char *p, size_t n)
{
    if (n >= 4) {
        uint32_t a, b;
        std::memcpy(&a, p, 4);
        std::memcpy(&b, p + n - 4, 4);
        return a | (uint64_t(b) << 32);
    }
    if (n == 0)
        return 0;
    return uint64_t(uint8_t(p[0])) | uint64_t(uint8_t(p[n / 2])) << 8 | uint64_t(uint8_t(p[n - 1])) << 16;
}

} // namespace detail

inline uint64_t hashBytes(const char *p, size_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15ull ^ (n * 0xff51afd7ed558ccdull);
    while (n >= 8) {
        uint64_t w;
        std::memcpy(&w, p, 8);
        h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
        h ^= h >> 31;
        p += 8;
        n -= 8;
    }
    h = (h ^ detail::tailWord(p, n)) * 0x94d049bb133111ebull;
    h ^= h >> 29;
    return h;
}

//! Whether n bytes at a and b are equal (inline, eight at a time).
inline bool sameBytes(const char *a, const char *b, size_t n)
{
    for (; n >= 8; a += 8, b += 8, n -= 8) {
        uint64_t x, y;
        std::memcpy(&x, a, 8);
        std::memcpy(&y, b, 8);
        if (x != y)
            return false;
    }
    return detail::tailWord(a, n) == detail::tailWord(b, n);
}

//! Distinct strings → dense codes in order of first appearance; open addressing
//! over an arena, so no allocation per value.
class StringDict
{
public:
    int32_t insert(std::string_view s)
    {
        const uint64_t h = hashBytes(s.data(), s.size());
        if ((m_count + 1) * 2 > m_slots.size())
            grow();
        size_t mask = m_slots.size() - 1;
        size_t i = size_t(h) & mask;
        const uint32_t tag = uint32_t(h >> 32);
        for (;;) {
            // A slot holds the tag (high half of the hash) beside the code, so most
            // probes decide without touching the strings.
            const uint64_t slot = m_slots[i];
            if (slot == kEmpty)
                break;
            const auto code = int32_t(uint32_t(slot));
            if (uint32_t(slot >> 32) == tag && m_lens[size_t(code)] == s.size()
                && sameBytes(m_arena.data() + m_offsets[size_t(code)], s.data(), s.size()))
                return code;
            i = (i + 1) & mask;
        }
        const int32_t code = int32_t(m_count++);
        m_slots[i] = uint64_t(tag) << 32 | uint32_t(code);
        m_offsets.push_back(m_arena.size());
        m_lens.push_back(uint32_t(s.size()));
        m_arena.append(s.data(), s.size());
        return code;
    }
    size_t size() const { return m_count; }
    std::string_view at(size_t code) const { return {m_arena.data() + m_offsets[code], m_lens[code]}; }
    void clear() { *this = StringDict(); }

private:
    void grow()
    {
        const size_t n = m_slots.empty() ? 64 : m_slots.size() * 2;
        std::vector<uint64_t> table(n, kEmpty);
        const size_t mask = n - 1;
        for (size_t code = 0; code < m_count; ++code) {
            const std::string_view s = at(code);
            const uint64_t h = hashBytes(s.data(), s.size());
            size_t i = size_t(h) & mask;
            while (table[i] != kEmpty)
                i = (i + 1) & mask;
            table[i] = (h >> 32) << 32 | uint32_t(code);
        }
        m_slots.swap(table);
    }

    static constexpr uint64_t kEmpty = ~uint64_t(0);  // a code never reaches 2^32 - 1

    std::string m_arena;
    std::vector<uint64_t> m_offsets;
    std::vector<uint32_t> m_lens;
    std::vector<uint64_t> m_slots;
    size_t m_count = 0;
};

} // namespace easel::csv
