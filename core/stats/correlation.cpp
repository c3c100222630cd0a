#include "stats/correlation.h"
#include "stats/radix_sort.h"

#include <QJsonArray>
#include <QThread>
#include <QtConcurrent/QtConcurrentMap>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <numeric>
#include <thread>
#include <unordered_map>

namespace easel {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool isCorrelationNumeric(ColumnType t) { return isNumeric(t) || t == ColumnType::Boolean; }
bool isAssociationCategorical(ColumnType t) { return t == ColumnType::Categorical || t == ColumnType::Boolean; }

//! One numeric column as doubles, NaN where missing or infinite.
struct NumericColumn
{
    std::vector<double> x;
    bool complete = true;  //!< no NaN at all
};

NumericColumn numericColumn(const Column &column)
{
    NumericColumn c;
    const size_t n = column.size();
    c.x.resize(n);
    for (size_t r = 0; r < n; ++r) {
        double v = column.numberAt(r);
        if (!std::isfinite(v))
            v = kNaN;
        c.x[r] = v;
        c.complete = c.complete && !std::isnan(v);
    }
    return c;
}

double ratio(double cov, double denominator)
{
    if (!(denominator > 0))
        return kNaN;
    return std::clamp(cov / denominator, -1.0, 1.0);
}

//! Pearson r over rows where both are present (two passes, as pandas' nancorr).
double pearsonPair(const std::vector<double> &x, const std::vector<double> &y)
{
    double sx = 0, sy = 0;
    int64_t n = 0;
    const size_t rows = std::min(x.size(), y.size());
    for (size_t r = 0; r < rows; ++r) {
        if (std::isnan(x[r]) || std::isnan(y[r]))
            continue;
        sx += x[r];
        sy += y[r];
        ++n;
    }
    if (n < 2)
        return kNaN;
    const double mx = sx / double(n), my = sy / double(n);
    double sxx = 0, syy = 0, sxy = 0;
    for (size_t r = 0; r < rows; ++r) {
        if (std::isnan(x[r]) || std::isnan(y[r]))
            continue;
        const double dx = x[r] - mx, dy = y[r] - my;
        sxx += dx * dx;
        syy += dy * dy;
        sxy += dx * dy;
    }
    return ratio(sxy, std::sqrt(sxx * syy));
}

//! Rows of the present values of x in increasing order of value (the one sort per column).
std::vector<uint32_t> sortedRows(const std::vector<double> &x)
{
    struct Item
    {
        uint64_t key;
        uint32_t row;
    };
    std::vector<Item> items;
    items.reserve(x.size());
    for (size_t r = 0; r < x.size(); ++r)
        if (!std::isnan(x[r]))
            items.push_back({detail::sortKey(x[r] == 0.0 ? 0.0 : x[r]), uint32_t(r)});
    detail::radixSort(items, [](const Item &i) { return i.key; });
    std::vector<uint32_t> rows(items.size());
    for (size_t i = 0; i < items.size(); ++i)
        rows[i] = items[i].row;
    return rows;
}

//! 1-based average ranks of x over the rows in sorted order that keep(row) accepts;
//! NaN elsewhere.
template<typename Keep>
std::vector<double> averageRanks(const std::vector<double> &x, const std::vector<uint32_t> &order, Keep keep)
{
    std::vector<double> ranks(x.size(), kNaN);
    double rank = 0;  // rows ranked so far
    for (size_t i = 0; i < order.size();) {
        const double v = x[order[i]];
        size_t j = i;
        size_t kept = 0;
        for (; j < order.size() && x[order[j]] == v; ++j)
            kept += keep(order[j]);
        const double average = rank + (double(kept) + 1.0) / 2.0;
        for (size_t m = i; m < j; ++m)
            if (keep(order[m]))
                ranks[order[m]] = average;
        rank += double(kept);
        i = j;
    }
    return ranks;
}

template<typename Fn>
void forEachPair(int n, TaskContext *ctx, const QString &message, double from, double to, Fn fn)
{
    std::vector<std::pair<int, int>> pairs;
    for (int i = 0; i < n; ++i)
        for (int j = i; j < n; ++j)
            pairs.emplace_back(i, j);
    std::atomic<size_t> done{0};
    const size_t total = pairs.size();
    QtConcurrent::blockingMap(pairs, [&](const std::pair<int, int> &p) {
        if (isCanceled(ctx))
            return;
        fn(p.first, p.second);
        const size_t finished = ++done;
        reportProgress(ctx, from + (to - from) * double(finished) / double(total), message);
    });
}

CorrelationMatrix emptyMatrix(const Table &table, bool (*accept)(ColumnType), std::vector<size_t> *indices)
{
    CorrelationMatrix m;
    for (size_t i = 0; i < table.columnCount(); ++i) {
        if (accept(table.column(i).type())) {
            m.columns.append(table.column(i).name());
            indices->push_back(i);
        }
    }
    m.values.assign(indices->size() * indices->size(), kNaN);
    return m;
}

void setSymmetric(CorrelationMatrix &m, int i, int j, double v)
{
    const size_t n = size_t(m.columns.size());
    m.values[size_t(i) * n + size_t(j)] = v;
    m.values[size_t(j) * n + size_t(i)] = v;
}

//! Codes of a categorical column: 0..levels-1, -1 when missing.
struct CodedColumn
{
    const int32_t *codes = nullptr;
    const int8_t *bools = nullptr;
    size_t levels = 0;
    size_t size = 0;
    //! The code at row r, or -1 when missing (or out of the dictionary).
    int32_t at(size_t r) const
    {
        const int32_t c = codes ? codes[r] : int32_t(bools[r]);
        return c >= 0 && size_t(c) < levels ? c : -1;
    }
};

double cramersV(const CodedColumn &a, const CodedColumn &b)
{
    const size_t rows = std::min(a.size, b.size);
    std::vector<int64_t> rowTotals(a.levels, 0), colTotals(b.levels, 0);
    std::unordered_map<uint64_t, int64_t> sparse;
    std::vector<int64_t> dense;
    const bool useDense = a.levels * b.levels <= (size_t(1) << 22);
    if (useDense)
        dense.assign(a.levels * b.levels, 0);
    int64_t n = 0;
    for (size_t r = 0; r < rows; ++r) {
        const int32_t x = a.at(r), y = b.at(r);
        if (x < 0 || y < 0)
            continue;
        ++rowTotals[size_t(x)];
        ++colTotals[size_t(y)];
        ++n;
        if (useDense)
            ++dense[size_t(x) * b.levels + size_t(y)];
        else
            ++sparse[(uint64_t(x) << 32) | uint64_t(y)];
    }
    const auto seen = [](const std::vector<int64_t> &t) {
        return std::count_if(t.begin(), t.end(), [](int64_t c) { return c > 0; });
    };
    const int64_t k = std::min(seen(rowTotals), seen(colTotals));
    if (n == 0 || k < 2)
        return kNaN;
    // chi²/n = Σ O²/(R·C) − 1 over the non-empty cells.
    double sum = 0;
    const auto add = [&](size_t x, size_t y, int64_t o) {
        sum += double(o) * double(o) / (double(rowTotals[x]) * double(colTotals[y]));
    };
    if (useDense) {
        for (size_t x = 0; x < a.levels; ++x)
            for (size_t y = 0; y < b.levels; ++y)
                if (const int64_t o = dense[x * b.levels + y])
                    add(x, y, o);
    } else {
        for (const auto &[key, o] : sparse)
            add(size_t(key >> 32), size_t(key & 0xffffffffu), o);
    }
    return std::sqrt(std::clamp((sum - 1.0) / double(k - 1), 0.0, 1.0));
}

} // namespace

QJsonObject CorrelationMatrix::toJson() const
{
    QJsonArray rows;
    const int n = int(columns.size());
    for (int i = 0; i < n; ++i) {
        QJsonArray row;
        for (int j = 0; j < n; ++j) {
            const double v = at(i, j);
            row.append(std::isfinite(v) ? QJsonValue(v) : QJsonValue(QJsonValue::Null));
        }
        rows.append(row);
    }
    return {{QStringLiteral("columns"), QJsonArray::fromStringList(columns)}, {QStringLiteral("values"), rows}};
}

CorrelationMatrix CorrelationMatrix::fromJson(const QJsonObject &json)
{
    CorrelationMatrix m;
    for (const QJsonValue &c : json.value(QStringLiteral("columns")).toArray())
        m.columns.append(c.toString());
    const size_t n = size_t(m.columns.size());
    m.values.assign(n * n, kNaN);
    const QJsonArray rows = json.value(QStringLiteral("values")).toArray();
    for (size_t i = 0; i < n && i < size_t(rows.size()); ++i) {
        const QJsonArray row = rows.at(qsizetype(i)).toArray();
        for (size_t j = 0; j < n && j < size_t(row.size()); ++j)
            if (row.at(qsizetype(j)).isDouble())
                m.values[i * n + j] = row.at(qsizetype(j)).toDouble();
    }
    return m;
}

namespace {

// Typed readers: the stored value as a double, NaN when missing or infinite.
inline double valueOf(int64_t v) { return v == kMissingInt64 ? kNaN : double(v); }
inline double valueOf(double v) { return std::isfinite(v) ? v : kNaN; }
inline double valueOf(int8_t v) { return v == kMissingBool ? kNaN : double(v); }

//! Sums of one column pair over the rows where both are present, values shifted
//! by a value of each column (one pass stays accurate when the mean is far from 0).
struct PairSums
{
    double n = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
};

//! Rows [begin, end) of a column as shifted doubles (0 where missing) and a 0/1 presence mask.
void loadBlock(const Column &c, size_t begin, size_t end, double shift, double *x, double *present)
{
    const auto load = [&](const auto *v) {
        for (size_t r = begin; r < end; ++r) {
            const double d = valueOf(v[r]);
            const bool ok = !std::isnan(d);
            x[r - begin] = ok ? d - shift : 0.0;
            present[r - begin] = ok ? 1.0 : 0.0;
        }
    };
    switch (c.storage()) {
    case Storage::Int64: load(c.int64s().data()); break;
    case Storage::Float64: load(c.doubles().data()); break;
    case Storage::Bool: load(c.bools().data()); break;
    case Storage::String: std::fill(x, x + (end - begin), 0.0); std::fill(present, present + (end - begin), 0.0); break;
    }
}

double firstPresent(const Column &c)
{
    const auto first = [&](const auto &v) {
        for (const auto &e : v)
            if (const double d = valueOf(e); !std::isnan(d))
                return d;
        return 0.0;
    };
    switch (c.storage()) {
    case Storage::Int64: return first(c.int64s());
    case Storage::Float64: return first(c.doubles());
    case Storage::Bool: return first(c.bools());
    case Storage::String: break;
    }
    return 0.0;
}

} // namespace

CorrelationMatrix pearsonCorrelation(const Table &table, TaskContext *ctx)
{
    std::vector<size_t> indices;
    CorrelationMatrix m = emptyMatrix(table, isCorrelationNumeric, &indices);
    const size_t k = indices.size();
    if (k == 0)
        return m;
    // One pass over blocks of rows, all pairs at once, branch-free sums over a 0/1
    // presence mask (pairwise deletion as pandas' nancorr). Memory: two small
    // buffers per column and thread; the table is read in place.
    size_t rows = table.rowCount();
    std::vector<double> shift(k);
    for (size_t i = 0; i < k; ++i) {
        rows = std::min(rows, table.column(indices[i]).size());
        shift[i] = firstPresent(table.column(indices[i]));
    }
    constexpr size_t kBlock = 4096;
    const size_t blocks = (rows + kBlock - 1) / kBlock;
    const size_t pairs = k * (k + 1) / 2;
    const int threads = std::max(1, std::min(QThread::idealThreadCount(), int(blocks)));
    std::vector<std::vector<PairSums>> partial(size_t(threads), std::vector<PairSums>(pairs, PairSums{}));
    std::atomic<size_t> next{0};
    const auto work = [&](int t) {
        std::vector<double> x(k * kBlock), present(k * kBlock), sum(k), sumSquares(k);
        std::vector<char> full(k);
        std::vector<PairSums> &acc = partial[size_t(t)];
        for (size_t b; (b = next.fetch_add(1)) < blocks;) {
            if (isCanceled(ctx))
                return;
            const size_t begin = b * kBlock, end = std::min(rows, begin + kBlock), len = end - begin;
            for (size_t i = 0; i < k; ++i) {
                loadBlock(table.column(indices[i]), begin, end, shift[i], x.data() + i * kBlock,
                          present.data() + i * kBlock);
                // A column with every value present in the block (the usual case) has its
                // own sums, shared by all its pairs; a pair of two such needs only Σxy.
                const double *xi = x.data() + i * kBlock, *vi = present.data() + i * kBlock;
                double n = 0, sx = 0, sxx = 0;
#pragma omp simd reduction(+ : n, sx, sxx)
                for (size_t r = 0; r < len; ++r) {
                    n += vi[r];
                    sx += xi[r];
                    sxx += xi[r] * xi[r];
                }
                full[i] = n == double(len);
                sum[i] = sx;
                sumSquares[i] = sxx;
            }
            size_t p = 0;
            for (size_t i = 0; i < k; ++i)
                for (size_t j = i; j < k; ++j, ++p) {
                    const double *xa = x.data() + i * kBlock, *va = present.data() + i * kBlock;
                    const double *xb = x.data() + j * kBlock, *vb = present.data() + j * kBlock;
                    PairSums &s = acc[p];
                    if (full[i] && full[j]) {
                        double sxy = 0;
#pragma omp simd reduction(+ : sxy)
                        for (size_t r = 0; r < len; ++r)
                            sxy += xa[r] * xb[r];
                        s.n += double(len);
                        s.sx += sum[i];
                        s.sy += sum[j];
                        s.sxx += sumSquares[i];
                        s.syy += sumSquares[j];
                        s.sxy += sxy;
                        continue;
                    }
                    double n = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
#pragma omp simd reduction(+ : n, sx, sy, sxx, syy, sxy)
                    for (size_t r = 0; r < len; ++r) {
                        const double a = xa[r] * vb[r], c = xb[r] * va[r];
                        n += va[r] * vb[r];
                        sx += a;
                        sy += c;
                        sxx += a * a;
                        syy += c * c;
                        sxy += a * c;
                    }
                    s.n += n;
                    s.sx += sx;
                    s.sy += sy;
                    s.sxx += sxx;
                    s.syy += syy;
                    s.sxy += sxy;
                }
            reportProgress(ctx, double(b + 1) / double(blocks), QStringLiteral("Correlating columns"));
        }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t)
        pool.emplace_back(work, t);
    work(0);
    for (std::thread &t : pool)
        t.join();
    if (isCanceled(ctx))
        return {};
    size_t p = 0;
    for (size_t i = 0; i < k; ++i)
        for (size_t j = i; j < k; ++j, ++p) {
            PairSums s;
            for (const std::vector<PairSums> &part : partial) {
                s.n += part[p].n;
                s.sx += part[p].sx;
                s.sy += part[p].sy;
                s.sxx += part[p].sxx;
                s.syy += part[p].syy;
                s.sxy += part[p].sxy;
            }
            double r = kNaN;
            if (s.n >= 2) {
                const double cov = s.sxy - s.sx * s.sy / s.n;
                const double vx = std::max(0.0, s.sxx - s.sx * s.sx / s.n);
                const double vy = std::max(0.0, s.syy - s.sy * s.sy / s.n);
                r = ratio(cov, std::sqrt(vx * vy));
            }
            setSymmetric(m, int(i), int(j), r);
        }
    return m;
}

CorrelationMatrix spearmanCorrelation(const Table &table, TaskContext *ctx)
{
    std::vector<size_t> indices;
    CorrelationMatrix m = emptyMatrix(table, isCorrelationNumeric, &indices);
    const size_t n = indices.size();
    // One sort per column, from a temporary copy of its values; kept per column: its
    // sorted row order and its full-column average ranks (12 bytes a row, where a
    // copy, ranks and centred ranks took 28). Ties in the values are ties in the
    // ranks, so re-ranking over a pair's complete rows needs only these two.
    std::vector<std::vector<uint32_t>> orders(n);
    std::vector<NumericColumn> ranks(n);
    std::vector<size_t> k(n);
    std::iota(k.begin(), k.end(), size_t(0));
    QtConcurrent::blockingMap(k, [&](size_t i) {
        if (isCanceled(ctx))
            return;
        const NumericColumn values = numericColumn(table.column(indices[i]));
        orders[i] = sortedRows(values.x);
        ranks[i].x = averageRanks(values.x, orders[i], [](uint32_t) { return true; });
        ranks[i].complete = values.complete;
    });
    if (std::all_of(ranks.begin(), ranks.end(), [](const NumericColumn &c) { return c.complete; }))
        std::vector<std::vector<uint32_t>>().swap(orders);  // no pair needs re-ranking
    reportProgress(ctx, 0.3, QStringLiteral("Ranking columns"));
    forEachPair(int(n), ctx, QStringLiteral("Correlating ranks"), 0.3, 1.0, [&](int i, int j) {
        const NumericColumn &a = ranks[size_t(i)], &b = ranks[size_t(j)];
        if (i == j || (a.complete && b.complete)) {
            setSymmetric(m, i, j, pearsonPair(a.x, b.x));
            return;
        }
        // Re-rank over the pair's complete rows, walking each column's sorted order;
        // a column needs it only where the other one has gaps.
        std::vector<double> ra, rb;
        if (!b.complete)
            ra = averageRanks(a.x, orders[size_t(i)], [&](uint32_t r) { return !std::isnan(b.x[r]); });
        if (!a.complete)
            rb = averageRanks(b.x, orders[size_t(j)], [&](uint32_t r) { return !std::isnan(a.x[r]); });
        setSymmetric(m, i, j, pearsonPair(b.complete ? a.x : ra, a.complete ? b.x : rb));
    });
    if (isCanceled(ctx))
        return {};
    return m;
}

CorrelationMatrix categoricalAssociation(const Table &table, TaskContext *ctx)
{
    std::vector<size_t> indices;
    CorrelationMatrix m = emptyMatrix(table, isAssociationCategorical, &indices);
    std::vector<CodedColumn> cols;
    for (size_t i : indices) {
        const Column &c = table.column(i);
        CodedColumn coded;
        if (c.storage() == Storage::Bool) {
            coded.bools = c.bools().data();
            coded.levels = 2;
            coded.size = c.bools().size();
        } else if (c.storage() == Storage::String) {
            coded.codes = c.codes().data();
            coded.levels = c.dictionary().size();
            coded.size = c.codes().size();
        }
        cols.push_back(coded);
    }
    forEachPair(int(indices.size()), ctx, QStringLiteral("Relating categories"), 0.0, 1.0, [&](int i, int j) {
        const CodedColumn &a = cols[size_t(i)], &b = cols[size_t(j)];
        if ((!a.codes && !a.bools) || (!b.codes && !b.bools))
            return;
        setSymmetric(m, i, j, cramersV(a, b));
    });
    if (isCanceled(ctx))
        return {};
    return m;
}

} // namespace easel
