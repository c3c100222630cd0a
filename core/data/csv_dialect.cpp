// Dialect: JSON round trip and plain-words description.
#include "data/csv_reader.h"

namespace easel {

namespace {

QString charToJson(char c)
{
    return c ? QString(QChar(uchar(c))) : QString();
}

char charFromJson(const QJsonValue &v, char fallback)
{
    if (!v.isString())
        return fallback;
    const QString s = v.toString();
    if (s.isEmpty())
        return '\0';
    if (s == QLatin1String("\\t"))
        return '\t';
    return s.at(0).unicode() < 128 ? char(s.at(0).unicode()) : fallback;
}

const Dialect::Encoding kEncodings[] = {Dialect::Encoding::Utf8, Dialect::Encoding::Utf8Bom,
                                        Dialect::Encoding::Utf16LE, Dialect::Encoding::Utf16BE,
                                        Dialect::Encoding::Windows1252};
const Dialect::LineEnding kEndings[] = {Dialect::LineEnding::LF, Dialect::LineEnding::CRLF, Dialect::LineEnding::CR,
                                        Dialect::LineEnding::Mixed, Dialect::LineEnding::None};

} // namespace

QString encodingName(Dialect::Encoding encoding)
{
    switch (encoding) {
    case Dialect::Encoding::Utf8: return QStringLiteral("UTF-8");
    case Dialect::Encoding::Utf8Bom: return QStringLiteral("UTF-8 with BOM");
    case Dialect::Encoding::Utf16LE: return QStringLiteral("UTF-16LE");
    case Dialect::Encoding::Utf16BE: return QStringLiteral("UTF-16BE");
    case Dialect::Encoding::Windows1252: return QStringLiteral("Windows-1252");
    }
    return QStringLiteral("UTF-8");
}

QString lineEndingName(Dialect::LineEnding ending)
{
    switch (ending) {
    case Dialect::LineEnding::LF: return QStringLiteral("LF");
    case Dialect::LineEnding::CRLF: return QStringLiteral("CRLF");
    case Dialect::LineEnding::CR: return QStringLiteral("CR");
    case Dialect::LineEnding::Mixed: return QStringLiteral("mixed");
    case Dialect::LineEnding::None: return QStringLiteral("none");
    }
    return QStringLiteral("LF");
}

QJsonObject Dialect::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("delimiter"), charToJson(delimiter));
    o.insert(QStringLiteral("quote"), charToJson(quote));
    o.insert(QStringLiteral("escape"), charToJson(escape));
    o.insert(QStringLiteral("hasHeader"), hasHeader);
    o.insert(QStringLiteral("decimalSeparator"), charToJson(decimalSeparator));
    o.insert(QStringLiteral("trailingDelimiter"), trailingDelimiter);
    o.insert(QStringLiteral("encoding"), encodingName(encoding));
    o.insert(QStringLiteral("lineEnding"), lineEndingName(lineEnding));
    return o;
}

Dialect Dialect::fromJson(const QJsonObject &json)
{
    Dialect d;
    d.delimiter = charFromJson(json.value(QStringLiteral("delimiter")), d.delimiter);
    if (!d.delimiter)
        d.delimiter = ',';
    d.quote = charFromJson(json.value(QStringLiteral("quote")), d.quote);
    d.escape = charFromJson(json.value(QStringLiteral("escape")), d.quote);
    d.hasHeader = json.value(QStringLiteral("hasHeader")).toBool(d.hasHeader);
    d.decimalSeparator = charFromJson(json.value(QStringLiteral("decimalSeparator")), d.decimalSeparator);
    if (d.decimalSeparator != ',')
        d.decimalSeparator = '.';
    d.trailingDelimiter = json.value(QStringLiteral("trailingDelimiter")).toBool(false);
    const QString enc = json.value(QStringLiteral("encoding")).toString();
    for (Encoding e : kEncodings)
        if (encodingName(e) == enc)
            d.encoding = e;
    const QString end = json.value(QStringLiteral("lineEnding")).toString();
    for (LineEnding e : kEndings)
        if (lineEndingName(e) == end)
            d.lineEnding = e;
    return d;
}

QString Dialect::describe() const
{
    QStringList parts;
    switch (delimiter) {
    case ',': parts << QStringLiteral("comma-separated"); break;
    case ';': parts << QStringLiteral("semicolon-separated"); break;
    case '\t': parts << QStringLiteral("tab-separated"); break;
    case '|': parts << QStringLiteral("pipe-separated"); break;
    default: parts << QStringLiteral("separated by \"%1\"").arg(QChar(uchar(delimiter))); break;
    }
    parts << encodingName(encoding);
    parts << (hasHeader ? QStringLiteral("header row") : QStringLiteral("no header row"));
    switch (lineEnding) {
    case LineEnding::LF: parts << QStringLiteral("Unix line endings"); break;
    case LineEnding::CRLF: parts << QStringLiteral("Windows line endings"); break;
    case LineEnding::CR: parts << QStringLiteral("old Mac line endings"); break;
    case LineEnding::Mixed: parts << QStringLiteral("mixed line endings"); break;
    case LineEnding::None: break;
    }
    if (decimalSeparator == ',')
        parts << QStringLiteral("decimal comma");
    if (quote && escape == '\\')
        parts << QStringLiteral("backslash escapes");
    if (quote == '\'')
        parts << QStringLiteral("single quotes");
    if (trailingDelimiter)
        parts << QStringLiteral("extra delimiter at line ends");
    return parts.join(QStringLiteral(", "));
}

} // namespace easel
