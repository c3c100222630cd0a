#pragma once
// Small table operations the explainers need: row subsets with compact
// dictionaries, a column left out, a column shuffled. Private to core/explain.

#include "data/table.h"

#include <QStringList>

#include <cstdint>
#include <vector>

namespace easel::explain_detail {

//! The given rows of column, in order; String dictionaries keep only the codes used.
Column subsetColumn(const Column &column, const std::vector<size_t> &rows);
//! The given rows of table; only the named columns when columns is non-empty.
Table subsetTable(const Table &table, const std::vector<size_t> &rows, const QStringList &columns = {});
//! A copy of table without the named column (it then reads as missing in every row).
Table withoutColumn(const Table &table, const QString &name);
//! column with its values reordered: row i takes the value of row perm[i].
Column permutedColumn(const Column &column, const std::vector<size_t> &perm);
//! The value as a number: numbers as stored, text parsed ("1.5", "yes" → 1); NaN when missing or not a number.
double numericValue(const Column &column, size_t row);

} // namespace easel::explain_detail
