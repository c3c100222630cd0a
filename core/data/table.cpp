#include "data/table.h"

#include <QDateTime>
#include <QLocale>

namespace easel {

QString columnTypeName(ColumnType type)
{
    switch (type) {
    case ColumnType::Integer: return QStringLiteral("integer");
    case ColumnType::Real: return QStringLiteral("real");
    case ColumnType::Boolean: return QStringLiteral("boolean");
    case ColumnType::Categorical: return QStringLiteral("categorical");
    case ColumnType::Text: return QStringLiteral("text");
    case ColumnType::Date: return QStringLiteral("date");
    case ColumnType::DateTime: return QStringLiteral("datetime");
    case ColumnType::Identifier: return QStringLiteral("identifier");
    }
    return QStringLiteral("text");
}

bool columnTypeFromName(const QString &name, ColumnType *type)
{
    static const ColumnType all[] = {ColumnType::Integer, ColumnType::Real, ColumnType::Boolean,
                                     ColumnType::Categorical, ColumnType::Text, ColumnType::Date,
                                     ColumnType::DateTime, ColumnType::Identifier};
    for (ColumnType t : all) {
        if (columnTypeName(t) == name) {
            *type = t;
            return true;
        }
    }
    return false;
}

bool isNumeric(ColumnType type) { return type == ColumnType::Integer || type == ColumnType::Real; }
bool isTemporal(ColumnType type) { return type == ColumnType::Date || type == ColumnType::DateTime; }

bool isFreeText(ColumnType type, int64_t distinct, int64_t present)
{
    return type == ColumnType::Text && distinct > 2 && 2 * distinct >= present;
}

size_t Column::size() const
{
    switch (m_storage) {
    case Storage::Int64: return m_int64.size();
    case Storage::Float64: return m_double.size();
    case Storage::Bool: return m_bool.size();
    case Storage::String: return m_codes.size();
    }
    return 0;
}

bool Column::isMissing(size_t row) const
{
    switch (m_storage) {
    case Storage::Int64: return m_int64[row] == kMissingInt64;
    case Storage::Float64: return std::isnan(m_double[row]);
    case Storage::Bool: return m_bool[row] == kMissingBool;
    case Storage::String: return m_codes[row] == kMissingCode;
    }
    return true;
}

size_t Column::missingCount() const
{
    size_t n = 0;
    switch (m_storage) {
    case Storage::Int64: for (int64_t v : m_int64) n += v == kMissingInt64; break;
    case Storage::Float64: for (double v : m_double) n += std::isnan(v); break;
    case Storage::Bool: for (int8_t v : m_bool) n += v == kMissingBool; break;
    case Storage::String: for (int32_t v : m_codes) n += v == kMissingCode; break;
    }
    return n;
}

double Column::numberAt(size_t row) const
{
    const double nan = std::numeric_limits<double>::quiet_NaN();
    switch (m_storage) {
    case Storage::Int64: return m_int64[row] == kMissingInt64 ? nan : double(m_int64[row]);
    case Storage::Float64: return m_double[row];
    case Storage::Bool: return m_bool[row] == kMissingBool ? nan : double(m_bool[row]);
    case Storage::String: return m_codes[row] == kMissingCode ? nan : double(m_codes[row]);
    }
    return nan;
}

QString formatTimestamp(int64_t ms, bool dateOnly)
{
    const QDateTime dt = QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
    return dateOnly ? dt.date().toString(Qt::ISODate)
                    : dt.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

QString Column::textAt(size_t row) const
{
    if (isMissing(row))
        return {};
    switch (m_storage) {
    case Storage::Int64:
        if (isTemporal(m_type))
            return formatTimestamp(m_int64[row], m_type == ColumnType::Date);
        return QString::number(m_int64[row]);
    case Storage::Float64: return QString::number(m_double[row], 'g', 15);
    case Storage::Bool: return QString::fromStdString(m_boolText[m_bool[row] ? 1 : 0]);
    case Storage::String: return QString::fromStdString(m_dictionary[size_t(m_codes[row])]);
    }
    return {};
}

int Table::indexOf(const QString &name) const
{
    for (size_t i = 0; i < m_columns.size(); ++i)
        if (m_columns[i].name() == name)
            return int(i);
    return -1;
}

size_t Table::memoryBytes() const
{
    size_t bytes = 0;
    for (const Column &c : m_columns) {
        bytes += c.int64s().capacity() * 8 + c.doubles().capacity() * 8 + c.bools().capacity()
                 + c.codes().capacity() * 4;
        for (const std::string &s : c.dictionary())
            bytes += sizeof(std::string) + (s.size() > 15 ? s.capacity() : 0);
    }
    return bytes;
}

bool parseNumberText(const QString &raw, double *value)
{
    const QString text = raw.trimmed();
    if (text.isEmpty())
        return false;
    bool ok = false;
    const double v = text.toDouble(&ok);
    if (ok) {
        *value = v;
        return true;
    }
    const QString lower = text.toLower();
    if (lower == QLatin1String("true") || lower == QLatin1String("yes") || lower == QLatin1String("t")
        || lower == QLatin1String("y")) {
        *value = 1;
        return true;
    }
    if (lower == QLatin1String("false") || lower == QLatin1String("no") || lower == QLatin1String("f")
        || lower == QLatin1String("n")) {
        *value = 0;
        return true;
    }
    return false;
}

double numberOrParsed(const Column &column, size_t row)
{
    if (column.isMissing(row))
        return std::numeric_limits<double>::quiet_NaN();
    if (column.storage() != Storage::String)
        return column.numberAt(row);
    double v = 0;
    return parseNumberText(column.textAt(row), &v) ? v : std::numeric_limits<double>::quiet_NaN();
}

} // namespace easel
