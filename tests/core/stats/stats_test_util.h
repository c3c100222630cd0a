// Small builders for hand-made tables in the stats tests.
#pragma once

#include "data/table.h"

#include <cmath>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace easel::test {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr int64_t kNA = kMissingInt64;

inline Column realColumn(const QString &name, std::vector<double> values)
{
    Column c(name, ColumnType::Real, Storage::Float64);
    c.doubles() = std::move(values);
    return c;
}

inline Column intColumn(const QString &name, std::vector<int64_t> values, ColumnType type = ColumnType::Integer)
{
    Column c(name, type, Storage::Int64);
    c.int64s() = std::move(values);
    return c;
}

//! -1 is missing.
inline Column boolColumn(const QString &name, std::vector<int8_t> values)
{
    Column c(name, ColumnType::Boolean, Storage::Bool);
    c.bools() = std::move(values);
    return c;
}

//! nullptr is missing; codes are given in order of first appearance.
inline Column stringColumn(const QString &name, const std::vector<const char *> &values,
                           ColumnType type = ColumnType::Categorical)
{
    Column c(name, type, Storage::String);
    std::unordered_map<std::string, int32_t> codes;
    for (const char *v : values) {
        if (!v) {
            c.codes().push_back(kMissingCode);
            continue;
        }
        auto [it, added] = codes.emplace(v, int32_t(c.dictionary().size()));
        if (added)
            c.dictionary().push_back(v);
        c.codes().push_back(it->second);
    }
    return c;
}

inline Table makeTable(std::vector<Column> columns)
{
    Table t;
    t.setRowCount(columns.empty() ? 0 : columns.front().size());
    for (Column &c : columns)
        t.addColumn(std::move(c));
    return t;
}

inline bool near(double a, double b, double tol = 1e-9)
{
    if (std::isnan(a) || std::isnan(b))
        return std::isnan(a) && std::isnan(b);
    return std::abs(a - b) <= tol * std::max(1.0, std::abs(b));
}

} // namespace easel::test

#define EASEL_COMPARE_NEAR(actual, expected)                                                                   \
    QVERIFY2(easel::test::near((actual), (expected)),                                                          \
             qPrintable(QStringLiteral("%1 = %2, expected %3").arg(QStringLiteral(#actual)).arg((actual), 0, 'g', 17) \
                            .arg((expected), 0, 'g', 17)))
