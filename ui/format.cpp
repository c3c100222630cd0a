#include "format.h"

#include <QLocale>

#include <algorithm>
#include <cmath>

namespace easel::fmt {

QString count(qint64 n)
{
    return QLocale::system().toString(n);
}

QString number(double v)
{
    if (std::isnan(v))
        return QStringLiteral("—");
    if (std::isinf(v))
        return v > 0 ? QStringLiteral("∞") : QStringLiteral("−∞");
    const QLocale locale = QLocale::system();
    const double a = std::fabs(v);
    if (a == 0)
        return locale.toString(0);
    if (a >= 1e9 || a < 1e-3)
        return locale.toString(v, 'g', 4);
    if (a >= 1000 && std::floor(v) == v)
        return locale.toString(qint64(v));
    const int magnitude = int(std::floor(std::log10(a)));
    const int decimals = std::clamp(3 - magnitude, 0, 4);
    QString s = locale.toString(v, 'f', decimals);
    // Drop trailing zeros after the decimal point ("44.50" → "44.5").
    const QString point = locale.decimalPoint();
    if (decimals > 0 && s.contains(point)) {
        while (s.endsWith(QLatin1Char('0')))
            s.chop(1);
        if (s.endsWith(point))
            s.chop(point.size());
    }
    return s;
}

QString percent(double fraction)
{
    const double p = fraction * 100.0;
    const QLocale locale = QLocale::system();
    if (p > 0 && p < 0.1)
        return QStringLiteral("< 0.1 %");
    if (p >= 10 || std::floor(p) == p)
        return locale.toString(int(std::lround(p))) + QStringLiteral(" %");
    return locale.toString(p, 'f', 1) + QStringLiteral(" %");
}

QString bytes(qint64 n)
{
    return QLocale::system().formattedDataSize(n, 1, QLocale::DataSizeSIFormat);
}

QString when(const QDateTime &utc)
{
    if (!utc.isValid())
        return QStringLiteral("—");
    const QDateTime local = utc.toLocalTime();
    const QDate today = QDate::currentDate();
    const QString time = local.time().toString(QStringLiteral("HH:mm"));
    if (local.date() == today)
        return QStringLiteral("today %1").arg(time);
    if (local.date() == today.addDays(-1))
        return QStringLiteral("yesterday %1").arg(time);
    return QLocale::system().toString(local.date(), QLocale::ShortFormat);
}

QString timestamp(double ms, bool dateOnly)
{
    if (std::isnan(ms))
        return QStringLiteral("—");
    return formatTimestamp(int64_t(ms), dateOnly);
}

QString badgeText(ColumnType type)
{
    switch (type) {
    case ColumnType::Integer: return QStringLiteral("123");
    case ColumnType::Real: return QStringLiteral("1.5");
    case ColumnType::Boolean: return QStringLiteral("yes/no");
    case ColumnType::Categorical: return QStringLiteral("ABC");
    case ColumnType::Text: return QStringLiteral("text");
    case ColumnType::Date: return QStringLiteral("date");
    case ColumnType::DateTime: return QStringLiteral("date");
    case ColumnType::Identifier: return QStringLiteral("ID");
    }
    return QStringLiteral("?");
}

QColor badgeColor(ColumnType type)
{
    switch (type) {
    case ColumnType::Integer: return QColor(0x2f, 0x6f, 0xde);
    case ColumnType::Real: return QColor(0x0f, 0x8b, 0x8d);
    case ColumnType::Boolean: return QColor(0x7a, 0x4f, 0xd0);
    case ColumnType::Categorical: return QColor(0xd9, 0x7a, 0x1e);
    case ColumnType::Text: return QColor(0x6b, 0x72, 0x80);
    case ColumnType::Date:
    case ColumnType::DateTime: return QColor(0x2e, 0x9e, 0x5b);
    case ColumnType::Identifier: return QColor(0x9a, 0x9f, 0xa8);
    }
    return Qt::gray;
}

QString typeWords(ColumnType type)
{
    switch (type) {
    case ColumnType::Integer: return QStringLiteral("whole numbers");
    case ColumnType::Real: return QStringLiteral("numbers with decimals");
    case ColumnType::Boolean: return QStringLiteral("yes or no");
    case ColumnType::Categorical: return QStringLiteral("one of several categories");
    case ColumnType::Text: return QStringLiteral("free text");
    case ColumnType::Date: return QStringLiteral("dates");
    case ColumnType::DateTime: return QStringLiteral("dates with a time of day");
    case ColumnType::Identifier: return QStringLiteral("an ID: different in every row");
    }
    return {};
}

} // namespace easel::fmt
