#include "stats/column_stats.h"
#include "stats/radix_sort.h"

#include <QJsonArray>
#include <QtConcurrent/QtConcurrentMap>

#include <algorithm>
#include <atomic>
#include <numeric>

namespace easel {

namespace {

constexpr double kNaN = ColumnStats::kNaN;
constexpr size_t kMaxTopValues = 20;

//! A column's present values as sorted distinct values with their counts: the
//! one representation every order statistic, moment and histogram is read from.
struct ValueCounts
{
    std::vector<double> values;   //!< increasing, distinct
    // 32-bit counts: half the memory on large columns; a table holds < 2^32 rows.
    std::vector<uint32_t> counts;      //!< same length, > 0
    int64_t total = 0;

    void finish()
    {
        total = 0;
        for (uint32_t c : counts)
            total += c;
    }

    //! Linear interpolation between order statistics, as numpy.quantile's default
    //! ("linear", with numpy's lerp that is exact at both ends), for several levels
    //! in one pass over the counts (no cumulative array: large columns would hold
    //! one more buffer while they are summarised).
    template<size_t N>
    std::array<double, N> quantiles(const std::array<double, N> &levels) const
    {
        std::array<double, N> out;
        out.fill(kNaN);
        if (total == 0)
            return out;
        // Ranks needed: floor(pos) and the one after, per level; visited in increasing order.
        std::array<int64_t, 2 * N> ranks;
        for (size_t i = 0; i < N; ++i) {
            const int64_t lo = int64_t(std::floor(levels[i] * double(total - 1)));
            ranks[2 * i] = lo;
            ranks[2 * i + 1] = std::min<int64_t>(lo + 1, total - 1);
        }
        std::array<size_t, 2 * N> order;
        std::iota(order.begin(), order.end(), size_t(0));
        std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return ranks[a] < ranks[b]; });
        std::array<double, 2 * N> at;
        size_t r = 0;
        int64_t seen = 0;  // values up to and including index v
        for (size_t v = 0; v < values.size() && r < order.size(); ++v) {
            seen += counts[v];
            while (r < order.size() && ranks[order[r]] < seen)
                at[order[r++]] = values[v];
        }
        for (size_t i = 0; i < N; ++i) {
            const double pos = levels[i] * double(total - 1);
            const double t = pos - std::floor(pos);
            const double a = at[2 * i], b = at[2 * i + 1];
            const double diff = b - a;
            out[i] = t >= 0.5 ? b - diff * (1.0 - t) : a + diff * t;
        }
        return out;
    }
};

//! Sorted sort keys (see detail::sortKey) → distinct values with counts. Works in
//! place: the distinct values are written over the front of sorted, whose storage
//! becomes ValueCounts::values (large columns are not copied again).
ValueCounts compressKeys(std::vector<double> &&sorted)
{
    const auto bits = [](double key) { return std::bit_cast<uint64_t>(key); };  // keys compare as integers
    ValueCounts vc;
    // Room for all: only the pages written count against memory, and no pass to count first.
    vc.counts.reserve(sorted.size());
    size_t out = 0;
    for (size_t i = 0; i < sorted.size();) {
        size_t j = i + 1;
        while (j < sorted.size() && bits(sorted[j]) == bits(sorted[i]))
            ++j;
        sorted[out++] = detail::fromSortKey(std::bit_cast<uint64_t>(sorted[i]));
        vc.counts.push_back(uint32_t(j - i));
        i = j;
    }
    sorted.resize(out);
    vc.values = std::move(sorted);
    vc.finish();
    return vc;
}

//! Present Int64 values → ValueCounts: a counting array for compact ranges, a sort otherwise.
ValueCounts int64Counts(const std::vector<int64_t> &data)
{
    int64_t lo = std::numeric_limits<int64_t>::max(), hi = std::numeric_limits<int64_t>::min();
    size_t present = 0;
    for (int64_t v : data) {
        if (v == kMissingInt64)
            continue;
        ++present;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    }
    if (present == 0)
        return {};
    const uint64_t range = uint64_t(hi) - uint64_t(lo);
    if (range < uint64_t(std::max<size_t>(2 * present, 1 << 16)) && range < (uint64_t(1) << 26)) {
        std::vector<uint32_t> counts(size_t(range) + 1, 0);
        size_t distinct = 0;
        for (int64_t v : data)
            if (v != kMissingInt64)
                distinct += counts[size_t(uint64_t(v) - uint64_t(lo))]++ == 0;
        ValueCounts vc;
        vc.values.reserve(distinct);
        vc.counts.reserve(distinct);
        for (size_t i = 0; i < counts.size(); ++i) {
            if (counts[i]) {
                vc.values.push_back(double(int64_t(uint64_t(lo) + i)));
                vc.counts.push_back(uint32_t(counts[i]));
            }
        }
        vc.finish();
        return vc;
    }
    std::vector<int64_t> sorted;
    sorted.reserve(present);
    for (int64_t v : data)
        if (v != kMissingInt64)
            sorted.push_back(v);
    if (sorted.size() < 256)
        std::sort(sorted.begin(), sorted.end());
    else
        detail::radixSort(sorted, [](int64_t v) { return uint64_t(v) ^ 0x8000000000000000ull; });
    size_t distinct = 0;
    for (size_t i = 0; i < sorted.size(); ++i)
        distinct += i == 0 || sorted[i] != sorted[i - 1];
    ValueCounts vc;
    vc.values.reserve(distinct);
    vc.counts.reserve(distinct);
    for (size_t i = 0; i < sorted.size();) {
        size_t j = i + 1;
        while (j < sorted.size() && sorted[j] == sorted[i])
            ++j;
        vc.values.push_back(double(sorted[i]));
        vc.counts.push_back(uint32_t(j - i));
        i = j;
    }
    std::vector<int64_t>().swap(sorted);
    vc.finish();
    return vc;
}

//! Histogram over ValueCounts, binned one distinct value at a time with add() (so
//! that fillNumeric() bins in the same pass as its moments). Integer-valued data
//! gets bins whose edges fall on half-integers (one bin per value when the range
//! is under 50); otherwise Freedman–Diaconis (Sturges when the IQR is 0), clamped
//! to 5..50 bins. q1, q3: the quartiles of the values.
class HistogramBuilder
{
public:
    HistogramBuilder(const ValueCounts &vc, bool integerValued, double q1, double q3)
    {
        if (vc.total == 0) {
            m_mode = Mode::Done;
            return;
        }
        const double lo = vc.values.front(), hi = vc.values.back();
        if (lo == hi) {
            m_h.edges = {lo - 0.5, lo + 0.5};
            m_h.counts = {vc.total};
            m_mode = Mode::Done;
            return;
        }
        const double n = double(vc.total);
        if (integerValued && hi - lo < 50) {
            const int bins = int(hi - lo) + 1;
            for (int i = 0; i <= bins; ++i)
                m_h.edges.push_back(lo - 0.5 + i);
            m_h.counts.assign(size_t(bins), 0);
            m_mode = Mode::PerValue;
            m_start = lo;
            return;
        }
        const double width = 2.0 * (q3 - q1) / std::cbrt(n);
        double bins = width > 0 ? std::ceil((hi - lo) / width) : std::ceil(std::log2(n)) + 1;
        bins = std::clamp(bins, 5.0, 50.0);
        if (integerValued) {
            m_step = std::ceil((hi - lo + 1) / bins);
            m_start = lo - 0.5;
            bins = std::ceil((hi - lo + 1) / m_step);
        } else {
            m_step = (hi - lo) / bins;
            m_start = lo;
        }
        m_bins = int(bins);
        for (int i = 0; i <= m_bins; ++i)
            m_h.edges.push_back(m_start + m_step * i);
        if (!integerValued)
            m_h.edges.back() = hi;
        m_h.counts.assign(size_t(m_bins), 0);
        m_mode = Mode::Stepped;
    }

    void add(double value, uint32_t count)
    {
        switch (m_mode) {
        case Mode::PerValue: m_h.counts[size_t(value - m_start)] += count; break;
        case Mode::Stepped:
            m_h.counts[size_t(std::clamp(int(std::floor((value - m_start) / m_step)), 0, m_bins - 1))] += count;
            break;
        case Mode::Done: break;
        }
    }

    Histogram take() { return std::move(m_h); }

private:
    enum class Mode { Done, PerValue, Stepped };
    Mode m_mode = Mode::Done;
    Histogram m_h;
    double m_start = 0, m_step = 1;
    int m_bins = 0;
};

Histogram makeHistogram(const ValueCounts &vc, bool integerValued)
{
    const auto quartiles = vc.quantiles(std::array<double, 2>{0.25, 0.75});
    HistogramBuilder builder(vc, integerValued, quartiles[0], quartiles[1]);
    for (size_t i = 0; i < vc.values.size(); ++i)
        builder.add(vc.values[i], vc.counts[i]);
    return builder.take();
}

//! Mean, sample standard deviation, skewness (as pandas' Series.skew), quantiles,
//! zeros, IQR outliers and the histogram of finite values: a pass for the sum,
//! one for the quantiles, one for everything else.
void fillNumeric(ColumnStats &s, const ValueCounts &vc, bool integerValued, bool outliers)
{
    const int64_t n = vc.total;
    if (n == 0)
        return;
    s.min = vc.values.front();
    s.max = vc.values.back();
    double sum = 0;
    for (size_t i = 0; i < vc.values.size(); ++i)
        sum += vc.values[i] * double(vc.counts[i]);
    s.mean = sum / double(n);
    const auto quantiles = vc.quantiles(ColumnStats::kQuantileLevels);
    std::copy(quantiles.begin(), quantiles.end(), s.quantiles.begin());
    const double q1 = s.quantiles[2], q3 = s.quantiles[4];
    // Without outliers asked for, the fences take in every value.
    const double lowFence = outliers ? q1 - 1.5 * (q3 - q1) : -std::numeric_limits<double>::infinity();
    const double highFence = outliers ? q3 + 1.5 * (q3 - q1) : std::numeric_limits<double>::infinity();
    HistogramBuilder histogram(vc, integerValued, q1, q3);
    double m2 = 0, m3 = 0;
    int64_t outside = 0;
    for (size_t i = 0; i < vc.values.size(); ++i) {
        const double v = vc.values[i];
        const double d = v - s.mean;
        const double c = double(vc.counts[i]);
        m2 += c * d * d;
        m3 += c * d * d * d;
        outside += (v < lowFence || v > highFence) ? vc.counts[i] : 0;
        histogram.add(v, vc.counts[i]);
    }
    s.outliers = outside;
    s.histogram = histogram.take();
    // pandas zeroes sums this small to hide floating-point error.
    if (std::abs(m2) < 1e-14)
        m2 = 0;
    if (std::abs(m3) < 1e-14)
        m3 = 0;
    s.stddev = n >= 2 ? std::sqrt(m2 / double(n - 1)) : kNaN;
    if (n >= 3) {
        const double dn = double(n);
        s.skewness = m2 == 0 ? 0.0 : dn * std::sqrt(dn - 1) / (dn - 2) * (m3 / std::pow(m2, 1.5));
    }
    const auto zero = std::lower_bound(vc.values.begin(), vc.values.end(), 0.0);
    if (zero != vc.values.end() && *zero == 0.0)
        s.zeros = vc.counts[size_t(zero - vc.values.begin())];
}

//! Number of Unicode code points in UTF-8 text.
int64_t utf8Length(const std::string &text)
{
    int64_t n = 0;
    for (unsigned char c : text)
        n += (c & 0xC0) != 0x80;
    return n;
}

void fillString(ColumnStats &s, const Column &column)
{
    const auto &dict = column.dictionary();
    std::vector<int64_t> counts(dict.size(), 0);
    for (int32_t code : column.codes()) {
        if (code >= 0 && size_t(code) < counts.size())
            ++counts[size_t(code)];
        else
            ++s.missing;
    }
    s.count = int64_t(column.codes().size()) - s.missing;
    std::vector<int32_t> used;
    int64_t lenMin = std::numeric_limits<int64_t>::max(), lenMax = 0;
    double lenSum = 0;
    for (size_t code = 0; code < counts.size(); ++code) {
        if (!counts[code])
            continue;
        used.push_back(int32_t(code));
        const int64_t len = utf8Length(dict[code]);
        lenMin = std::min(lenMin, len);
        lenMax = std::max(lenMax, len);
        lenSum += double(len) * double(counts[code]);
    }
    s.distinct = int64_t(used.size());
    if (s.count > 0) {
        s.lengthMin = double(lenMin);
        s.lengthMax = double(lenMax);
        s.lengthMean = lenSum / double(s.count);
    }
    const auto byFrequency = [&](int32_t a, int32_t b) {
        if (counts[size_t(a)] != counts[size_t(b)])
            return counts[size_t(a)] > counts[size_t(b)];
        return dict[size_t(a)] < dict[size_t(b)];
    };
    const size_t top = std::min(kMaxTopValues, used.size());
    std::partial_sort(used.begin(), used.begin() + ptrdiff_t(top), used.end(), byFrequency);
    for (size_t i = 0; i < top; ++i)
        s.topValues.push_back({QString::fromStdString(dict[size_t(used[i])]), counts[size_t(used[i])]});
}

void fillTopValues(ColumnStats &s, const ValueCounts &vc)
{
    // The most frequent values, ties to the smaller value, from one pass with a
    // bounded heap (an identifier column has as many values as rows). values are
    // increasing, so ties by index are ties by value.
    const auto better = [&](size_t a, size_t b) {
        return vc.counts[a] != vc.counts[b] ? vc.counts[a] > vc.counts[b] : a < b;
    };
    const size_t top = std::min(kMaxTopValues, vc.values.size());
    std::vector<size_t> heap;  // its front is the worst of those kept
    heap.reserve(top);
    for (size_t i = 0; i < vc.values.size(); ++i) {
        if (heap.size() < top) {
            heap.push_back(i);
            std::push_heap(heap.begin(), heap.end(), better);
        } else if (better(i, heap.front())) {
            std::pop_heap(heap.begin(), heap.end(), better);
            heap.back() = i;
            std::push_heap(heap.begin(), heap.end(), better);
        }
    }
    std::sort_heap(heap.begin(), heap.end(), better);
    for (size_t i : heap)
        s.topValues.push_back({QString::number(qint64(vc.values[i])), vc.counts[i]});
}

QJsonValue jsonNumber(double v)
{
    return std::isfinite(v) ? QJsonValue(v) : QJsonValue(QJsonValue::Null);
}

double numberFrom(const QJsonValue &v)
{
    return v.isDouble() ? v.toDouble() : kNaN;
}

QString quantileKey(size_t i)
{
    return QStringLiteral("p%1").arg(ColumnStats::kQuantileLevels[i] * 100, 0, 'g', 3);
}

bool hasMoments(ColumnType t) { return isNumeric(t) || t == ColumnType::Boolean; }
bool hasTopValues(ColumnType t)
{
    return t == ColumnType::Categorical || t == ColumnType::Text || t == ColumnType::Identifier
           || t == ColumnType::Boolean;
}
bool hasLengths(ColumnType t)
{
    return t == ColumnType::Categorical || t == ColumnType::Text || t == ColumnType::Identifier;
}

} // namespace

ColumnStats computeColumnStats(const Column &column)
{
    ColumnStats s;
    s.name = column.name();
    s.type = column.type();
    const ColumnType type = column.type();
    switch (column.storage()) {
    case Storage::String:
        fillString(s, column);
        break;
    case Storage::Bool: {
        int64_t counts[2] = {0, 0};
        for (int8_t v : column.bools()) {
            if (v == 0 || v == 1)
                ++counts[v];
            else
                ++s.missing;
        }
        s.count = counts[0] + counts[1];
        ValueCounts vc;
        for (int v = 0; v < 2; ++v) {
            if (counts[v]) {
                vc.values.push_back(v);
                vc.counts.push_back(uint32_t(counts[v]));
            }
        }
        vc.finish();
        s.distinct = int64_t(vc.values.size());
        fillNumeric(s, vc, true, false);
        const int first = counts[1] > counts[0] ? 1 : 0; // ties: "false" < "true"
        for (int v : {first, 1 - first})
            if (counts[v])
                s.topValues.push_back({v ? QStringLiteral("true") : QStringLiteral("false"), counts[v]});
        break;
    }
    case Storage::Float64: {
        std::vector<double> keys;
        keys.reserve(column.doubles().size());
        detail::HighDigitCounts digits;
        bool posInf = false, negInf = false;
        for (double v : column.doubles()) {
            if (std::isnan(v)) {
                ++s.missing;
            } else if (std::isinf(v)) {
                ++s.infinities;
                (v > 0 ? posInf : negInf) = true;
            } else {
                keys.push_back(std::bit_cast<double>(detail::sortKey(v == 0.0 ? 0.0 : v)));  // -0 counts as 0
            }
        }
        for (double key : keys)
            digits.add(std::bit_cast<uint64_t>(key));
        s.count = int64_t(column.doubles().size()) - s.missing;
        detail::sortKeysHighFirst(keys, digits);
        const ValueCounts vc = compressKeys(std::move(keys));
        s.distinct = int64_t(vc.values.size()) + posInf + negInf;
        fillNumeric(s, vc, false, true);
        break;
    }
    case Storage::Int64: {
        const ValueCounts vc = int64Counts(column.int64s());
        s.count = vc.total;
        s.missing = int64_t(column.int64s().size()) - vc.total;
        s.distinct = int64_t(vc.values.size());
        if (isTemporal(type)) {
            if (vc.total > 0) {
                s.firstTimestamp = vc.values.front();
                s.lastTimestamp = vc.values.back();
            }
            s.histogram = makeHistogram(vc, false);
        } else if (type == ColumnType::Identifier) {
            fillTopValues(s, vc);
        } else {
            fillNumeric(s, vc, true, true);
        }
        break;
    }
    }
    return s;
}

std::vector<ColumnStats> computeColumnStats(const Table &table, TaskContext *ctx)
{
    const size_t n = table.columnCount();
    std::vector<ColumnStats> result(n);
    std::vector<size_t> indices(n);
    std::iota(indices.begin(), indices.end(), size_t(0));
    std::atomic<size_t> done{0};
    QtConcurrent::blockingMap(indices, [&](size_t i) {
        if (isCanceled(ctx))
            return;
        result[i] = computeColumnStats(table.column(i));
        const size_t finished = ++done;
        reportProgress(ctx, double(finished) / double(n),
                       QStringLiteral("Summarising column %1 of %2").arg(finished).arg(n));
    });
    if (isCanceled(ctx))
        return {};
    return result;
}

QJsonObject ColumnStats::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("name"), name);
    o.insert(QStringLiteral("type"), columnTypeName(type));
    o.insert(QStringLiteral("count"), qint64(count));
    o.insert(QStringLiteral("missing"), qint64(missing));
    o.insert(QStringLiteral("distinct"), qint64(distinct));
    if (hasMoments(type)) {
        o.insert(QStringLiteral("mean"), jsonNumber(mean));
        o.insert(QStringLiteral("stddev"), jsonNumber(stddev));
        o.insert(QStringLiteral("min"), jsonNumber(min));
        o.insert(QStringLiteral("max"), jsonNumber(max));
        o.insert(QStringLiteral("skewness"), jsonNumber(skewness));
        QJsonObject q;
        for (size_t i = 0; i < quantiles.size(); ++i)
            q.insert(quantileKey(i), jsonNumber(quantiles[i]));
        o.insert(QStringLiteral("quantiles"), q);
        o.insert(QStringLiteral("zeros"), qint64(zeros));
        o.insert(QStringLiteral("outliers"), qint64(outliers));
        o.insert(QStringLiteral("infinities"), qint64(infinities));
    }
    if (isTemporal(type)) {
        o.insert(QStringLiteral("first_timestamp"), jsonNumber(firstTimestamp));
        o.insert(QStringLiteral("last_timestamp"), jsonNumber(lastTimestamp));
        const bool dateOnly = type == ColumnType::Date;
        if (std::isfinite(firstTimestamp)) {
            o.insert(QStringLiteral("first"), formatTimestamp(int64_t(firstTimestamp), dateOnly));
            o.insert(QStringLiteral("last"), formatTimestamp(int64_t(lastTimestamp), dateOnly));
        }
    }
    if (hasMoments(type) || isTemporal(type)) {
        QJsonArray edges, counts;
        for (double e : histogram.edges)
            edges.append(jsonNumber(e));
        for (int64_t c : histogram.counts)
            counts.append(qint64(c));
        o.insert(QStringLiteral("histogram"),
                 QJsonObject{{QStringLiteral("edges"), edges}, {QStringLiteral("counts"), counts}});
    }
    if (hasTopValues(type)) {
        QJsonArray top;
        for (const ValueCount &vc : topValues)
            top.append(QJsonObject{{QStringLiteral("value"), vc.value}, {QStringLiteral("count"), qint64(vc.count)}});
        o.insert(QStringLiteral("top_values"), top);
    }
    if (hasLengths(type)) {
        o.insert(QStringLiteral("length_min"), jsonNumber(lengthMin));
        o.insert(QStringLiteral("length_mean"), jsonNumber(lengthMean));
        o.insert(QStringLiteral("length_max"), jsonNumber(lengthMax));
    }
    return o;
}

ColumnStats ColumnStats::fromJson(const QJsonObject &json)
{
    ColumnStats s;
    s.name = json.value(QStringLiteral("name")).toString();
    columnTypeFromName(json.value(QStringLiteral("type")).toString(), &s.type);
    s.count = json.value(QStringLiteral("count")).toInteger();
    s.missing = json.value(QStringLiteral("missing")).toInteger();
    s.distinct = json.value(QStringLiteral("distinct")).toInteger();
    s.mean = numberFrom(json.value(QStringLiteral("mean")));
    s.stddev = numberFrom(json.value(QStringLiteral("stddev")));
    s.min = numberFrom(json.value(QStringLiteral("min")));
    s.max = numberFrom(json.value(QStringLiteral("max")));
    s.skewness = numberFrom(json.value(QStringLiteral("skewness")));
    const QJsonObject q = json.value(QStringLiteral("quantiles")).toObject();
    for (size_t i = 0; i < s.quantiles.size(); ++i)
        s.quantiles[i] = numberFrom(q.value(quantileKey(i)));
    s.zeros = json.value(QStringLiteral("zeros")).toInteger();
    s.outliers = json.value(QStringLiteral("outliers")).toInteger();
    s.infinities = json.value(QStringLiteral("infinities")).toInteger();
    const QJsonObject h = json.value(QStringLiteral("histogram")).toObject();
    for (const QJsonValue &e : h.value(QStringLiteral("edges")).toArray())
        s.histogram.edges.push_back(numberFrom(e));
    for (const QJsonValue &c : h.value(QStringLiteral("counts")).toArray())
        s.histogram.counts.push_back(c.toInteger());
    for (const QJsonValue &v : json.value(QStringLiteral("top_values")).toArray()) {
        const QJsonObject o = v.toObject();
        s.topValues.push_back({o.value(QStringLiteral("value")).toString(), o.value(QStringLiteral("count")).toInteger()});
    }
    s.firstTimestamp = numberFrom(json.value(QStringLiteral("first_timestamp")));
    s.lastTimestamp = numberFrom(json.value(QStringLiteral("last_timestamp")));
    s.lengthMin = numberFrom(json.value(QStringLiteral("length_min")));
    s.lengthMean = numberFrom(json.value(QStringLiteral("length_mean")));
    s.lengthMax = numberFrom(json.value(QStringLiteral("length_max")));
    return s;
}

} // namespace easel
