#pragma once

#include "data/table.h"

#include <QColor>
#include <QDateTime>
#include <QString>

namespace easel {

//! Plain-language formatting shared by every page: numbers with the system
//! locale's thousands separators, sizes, dates, and the column type badges.
namespace fmt {

QString count(qint64 n);                      //!< "48 311" (locale separators)
QString number(double v);                     //!< about 4 significant digits, "—" for NaN
QString percent(double fraction);             //!< 0.031 → "3.1 %", 0.5 → "50 %"
QString bytes(qint64 n);                      //!< "13.5 KB"
QString when(const QDateTime &utc);           //!< "today 10:42", "yesterday 09:01", "3 May 2024"
QString timestamp(double ms, bool dateOnly);  //!< ms since the epoch as a date (or date and time)

QString badgeText(ColumnType type);   //!< "123", "1.5", "yes/no", "ABC", "text", "date", "ID"
QColor badgeColor(ColumnType type);   //!< the badge's fill colour
QString typeWords(ColumnType type);   //!< "whole numbers", "one of several categories", …

} // namespace fmt
} // namespace easel
