// Encoding detection: BOMs, binary content, UTF-8 validity, and the
// Windows-1252 / UTF-16 → UTF-8 conversion.
#include "data/csv_internal.h"

#include <QStringDecoder>

namespace easel::csv {

bool isValidUtf8(const char *data, size_t size, bool complete)
{
    const auto *s = reinterpret_cast<const unsigned char *>(data);
    size_t i = 0;
    while (i < size) {
        // Fast path over ASCII, 8 bytes at a time.
        while (i + 8 <= size) {
            uint64_t w;
            std::memcpy(&w, s + i, 8);
            if (w & 0x8080808080808080ull)
                break;
            i += 8;
        }
        if (i >= size)
            break;
        const unsigned char c = s[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        int n;
        uint32_t cp;
        if ((c & 0xE0) == 0xC0) {
            n = 1;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + size_t(n) >= size) {
            // The sequence is cut by the end of the data.
            if (!complete) {
                for (size_t k = i + 1; k < size; ++k)
                    if ((s[k] & 0xC0) != 0x80)
                        return false;
                return true;
            }
            return false;
        }
        for (int k = 1; k <= n; ++k) {
            if ((s[i + size_t(k)] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + size_t(k)] & 0x3F);
        }
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF))
            || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += size_t(n) + 1;
    }
    return true;
}

EncodingGuess detectEncoding(const char *data, size_t size, bool complete)
{
    EncodingGuess g;
    const auto *s = reinterpret_cast<const unsigned char *>(data);
    if (size >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) {
        g.encoding = Dialect::Encoding::Utf8Bom;
        g.bomSize = 3;
    } else if (size >= 2 && s[0] == 0xFF && s[1] == 0xFE) {
        g.encoding = Dialect::Encoding::Utf16LE;
        g.bomSize = 2;
        return g;
    } else if (size >= 2 && s[0] == 0xFE && s[1] == 0xFF) {
        g.encoding = Dialect::Encoding::Utf16BE;
        g.bomSize = 2;
        return g;
    }
    const size_t n = std::min<size_t>(size, 1 << 16);
    size_t nul = 0, control = 0;
    for (size_t i = size_t(g.bomSize); i < n; ++i) {
        const unsigned char c = s[i];
        if (c == 0)
            ++nul;
        else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' && c != 0x1A)
            ++control;
    }
    if (nul > 0) {
        g.binary = true;
        g.binaryReason = QStringLiteral("found %1 NUL bytes in the first %2 bytes").arg(nul).arg(n);
        return g;
    }
    if (control * 20 > n) {
        g.binary = true;
        g.binaryReason = QStringLiteral("%1 of the first %2 bytes are control characters").arg(control).arg(n);
        return g;
    }
    if (g.encoding == Dialect::Encoding::Utf8Bom)
        return g;
    if (!isValidUtf8(data, size, complete)) {
        // Mostly high bytes that are not UTF-8: more likely binary than a Western text.
        size_t high = 0;
        for (size_t i = 0; i < n; ++i)
            high += s[i] >= 0x80;
        if (high * 3 > n) {
            g.binary = true;
            g.binaryReason = QStringLiteral("most bytes are not text in any known encoding");
            return g;
        }
        g.encoding = Dialect::Encoding::Windows1252;
    }
    return g;
}

QByteArray toUtf8(const char *data, size_t size, Dialect::Encoding encoding)
{
    switch (encoding) {
    case Dialect::Encoding::Utf16LE:
    case Dialect::Encoding::Utf16BE: {
        QStringDecoder decoder(encoding == Dialect::Encoding::Utf16LE ? QStringConverter::Utf16LE
                                                                       : QStringConverter::Utf16BE,
                               QStringConverter::Flag::Stateless);
        const QString text = decoder(QByteArrayView(data, qsizetype(size)));
        return text.toUtf8();
    }
    case Dialect::Encoding::Windows1252: {
        // 0x80–0x9F differ from Latin-1; the rest map to the same code points.
        static const char16_t high[32] = {0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                          0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
                                          0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                          0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};
        QByteArray out;
        out.reserve(qsizetype(size + size / 8 + 16));
        for (size_t i = 0; i < size; ++i) {
            const unsigned char c = static_cast<unsigned char>(data[i]);
            if (c < 0x80) {
                out.append(char(c));
                continue;
            }
            const char16_t cp = c < 0xA0 ? high[c - 0x80] : char16_t(c);
            if (cp < 0x800) {
                out.append(char(0xC0 | (cp >> 6)));
                out.append(char(0x80 | (cp & 0x3F)));
            } else {
                out.append(char(0xE0 | (cp >> 12)));
                out.append(char(0x80 | ((cp >> 6) & 0x3F)));
                out.append(char(0x80 | (cp & 0x3F)));
            }
        }
        return out;
    }
    case Dialect::Encoding::Utf8:
    case Dialect::Encoding::Utf8Bom:
        break;
    }
    return QByteArray(data, qsizetype(size));
}

} // namespace easel::csv
