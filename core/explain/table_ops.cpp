#include "explain/table_ops.h"

#include <cmath>
#include <limits>

namespace easel::explain_detail {

Column subsetColumn(const Column &c, const std::vector<size_t> &rows)
{
    Column out(c.name(), c.type(), c.storage());
    switch (c.storage()) {
    case Storage::Int64:
        out.int64s().reserve(rows.size());
        for (size_t r : rows)
            out.int64s().push_back(c.int64s()[r]);
        break;
    case Storage::Float64:
        out.doubles().reserve(rows.size());
        for (size_t r : rows)
            out.doubles().push_back(c.doubles()[r]);
        break;
    case Storage::Bool:
        out.bools().reserve(rows.size());
        for (size_t r : rows)
            out.bools().push_back(c.bools()[r]);
        break;
    case Storage::String: {
        std::vector<int32_t> remap(c.dictionary().size(), -1);
        out.codes().reserve(rows.size());
        for (size_t r : rows) {
            const int32_t code = c.codes()[r];
            if (code < 0) {
                out.codes().push_back(kMissingCode);
                continue;
            }
            int32_t &m = remap[size_t(code)];
            if (m < 0) {
                m = int32_t(out.dictionary().size());
                out.dictionary().push_back(c.dictionary()[size_t(code)]);
            }
            out.codes().push_back(m);
        }
        break;
    }
    }
    return out;
}

Table subsetTable(const Table &table, const std::vector<size_t> &rows, const QStringList &columns)
{
    Table out;
    out.setRowCount(rows.size());
    for (const Column &c : table.columns())
        if (columns.isEmpty() || columns.contains(c.name()))
            out.addColumn(subsetColumn(c, rows));
    return out;
}

Table withoutColumn(const Table &table, const QString &name)
{
    Table out;
    out.setRowCount(table.rowCount());
    for (const Column &c : table.columns())
        if (c.name() != name)
            out.addColumn(c);
    return out;
}

Column permutedColumn(const Column &c, const std::vector<size_t> &perm)
{
    Column out(c.name(), c.type(), c.storage());
    switch (c.storage()) {
    case Storage::Int64:
        for (size_t p : perm)
            out.int64s().push_back(c.int64s()[p]);
        break;
    case Storage::Float64:
        for (size_t p : perm)
            out.doubles().push_back(c.doubles()[p]);
        break;
    case Storage::Bool:
        for (size_t p : perm)
            out.bools().push_back(c.bools()[p]);
        break;
    case Storage::String:
        out.dictionary() = c.dictionary();
        for (size_t p : perm)
            out.codes().push_back(c.codes()[p]);
        break;
    }
    return out;
}

double numericValue(const Column &c, size_t row) { return numberOrParsed(c, row); }

} // namespace easel::explain_detail
