#include "stats/warnings.h"

#include "stats/radix_sort.h"

#include <algorithm>
#include <bit>
#include <numeric>
#include <unordered_map>

namespace easel {

namespace {

constexpr double kMostlyMissingShare = 0.5;
constexpr int64_t kIdentifierMinRows = 20;
constexpr double kIdentifierDistinctShare = 0.95;
constexpr int64_t kHighCardinalityLevels = 100;
constexpr double kHighCardinalityShare = 0.10;
constexpr int64_t kClassLabelMaxIntegers = 10;
constexpr double kImbalanceFairShare = 0.4;   // smallest class < 0.4 / k
constexpr double kLeakCorrelation = 0.97;
constexpr double kLeakAccuracy = 0.99;
constexpr double kLeakErrorCut = 0.75;        // errors at most 25 % of the baseline's
constexpr size_t kLeakMaxSegmentsClasses = 10;
constexpr size_t kLeakSampleRows = 200000;
constexpr double kNearDuplicateCorrelation = 0.95;

//! "48 311", as the UX guide writes counts.
QString count(int64_t n)
{
    QString digits = QString::number(n < 0 ? -n : n);
    for (qsizetype i = digits.size() - 3; i > 0; i -= 3)
        digits.insert(i, QLatin1Char(' '));
    return n < 0 ? QLatin1Char('-') + digits : digits;
}

//! "77 %", "4.5 %", "0.3 %", "less than 0.1 %".
QString percent(double share)
{
    const double p = share * 100;
    if (p > 0 && p < 0.1)
        return QStringLiteral("less than 0.1 %");
    if (p >= 99 && p < 100)
        return QStringLiteral("%1 %").arg(std::floor(p * 10) / 10, 0, 'f', p >= 99.95 ? 2 : 1);
    if (p >= 10)
        return QStringLiteral("%1 %").arg(qRound(p));
    return QStringLiteral("%1 %").arg(QString::number(std::round(p * 10) / 10, 'f', 1).remove(QStringLiteral(".0")));
}

QString quoted(const QString &value) { return QStringLiteral("\u201c%1\u201d").arg(value); }

//! The single value of a constant column, for the message.
QString singleValue(const Column &column, const ColumnStats &s)
{
    if (!s.topValues.empty())
        return s.topValues.front().value;
    for (size_t r = 0; r < column.size(); ++r)
        if (!column.isMissing(r))
            return column.textAt(r);
    return {};
}

bool isClassLabel(const ColumnStats &s)
{
    if (s.type == ColumnType::Boolean || s.type == ColumnType::Categorical)
        return s.distinct >= 1;
    return s.type == ColumnType::Integer && s.distinct <= kClassLabelMaxIntegers;
}

bool isIdentifierLike(const ColumnStats &s, int64_t rows)
{
    if (s.type == ColumnType::Identifier)
        return s.count > 0;
    if (s.type != ColumnType::Integer && s.type != ColumnType::Categorical && s.type != ColumnType::Text)
        return false;
    if (rows < kIdentifierMinRows || double(s.distinct) < kIdentifierDistinctShare * double(rows))
        return false;
    if (s.type == ColumnType::Integer)
        return s.max - s.min + 1 <= 2.0 * double(s.distinct);
    return true;
}

//! A column's values as dense class ids 0..k-1 (-1 when missing), and the class names.
struct Classes
{
    std::vector<int32_t> ids;
    std::vector<QString> names;
    std::vector<int64_t> counts;
};

Classes classesOf(const Column &column)
{
    Classes c;
    const size_t n = column.size();
    c.ids.assign(n, -1);
    switch (column.storage()) {
    case Storage::String: {
        std::vector<int32_t> map(column.dictionary().size(), -1);
        for (size_t r = 0; r < n; ++r) {
            const int32_t code = column.codes()[r];
            if (code < 0 || size_t(code) >= map.size())
                continue;
            if (map[size_t(code)] < 0) {
                map[size_t(code)] = int32_t(c.names.size());
                c.names.push_back(QString::fromStdString(column.dictionary()[size_t(code)]));
            }
            c.ids[r] = map[size_t(code)];
        }
        break;
    }
    case Storage::Bool:
        c.names = {QStringLiteral("false"), QStringLiteral("true")};
        for (size_t r = 0; r < n; ++r)
            c.ids[r] = column.bools()[r] == kMissingBool ? -1 : int32_t(column.bools()[r]);
        break;
    case Storage::Int64:
    case Storage::Float64: {
        std::unordered_map<double, int32_t> map;
        for (size_t r = 0; r < n; ++r) {
            const double v = column.numberAt(r);
            if (std::isnan(v))
                continue;
            auto [it, added] = map.emplace(v, int32_t(c.names.size()));
            if (added)
                c.names.push_back(column.textAt(r));
            c.ids[r] = it->second;
        }
        break;
    }
    }
    c.counts.assign(c.names.size(), 0);
    for (int32_t id : c.ids)
        if (id >= 0)
            ++c.counts[size_t(id)];
    return c;
}

//! Rows used for the classification leak check: all, or an evenly spaced sample.
std::vector<uint32_t> leakRows(const Classes &target)
{
    std::vector<uint32_t> rows;
    const size_t n = target.ids.size();
    const size_t step = n > kLeakSampleRows ? (n + kLeakSampleRows - 1) / kLeakSampleRows : 1;
    for (size_t r = 0; r < n; r += step)
        if (target.ids[r] >= 0)
            rows.push_back(uint32_t(r));
    return rows;
}

//! Share of rows a per-value majority vote gets right (missing is a value of its own).
double majorityAccuracy(const Column &feature, const Classes &target, const std::vector<uint32_t> &rows)
{
    const size_t k = target.names.size();
    std::unordered_map<int64_t, std::vector<int64_t>> groups;
    for (uint32_t r : rows) {
        int64_t key;
        switch (feature.storage()) {
        case Storage::String: key = feature.codes()[r]; break;
        case Storage::Bool: key = feature.bools()[r]; break;
        case Storage::Int64: key = feature.int64s()[r]; break;
        case Storage::Float64: {
            const double v = feature.doubles()[r];
            key = std::isnan(v) ? kMissingInt64 : int64_t(std::bit_cast<uint64_t>(v == 0 ? 0.0 : v));
            break;
        }
        }
        auto &counts = groups[key];
        if (counts.empty())
            counts.assign(k, 0);
        ++counts[size_t(target.ids[r])];
    }
    int64_t correct = 0;
    for (const auto &[key, counts] : groups)
        correct += *std::max_element(counts.begin(), counts.end());
    return rows.empty() ? 0.0 : double(correct) / double(rows.size());
}

//! Share of rows right when the sorted feature is cut into at most `segments`
//! intervals, each predicting one class (dynamic programming over distinct values);
//! rows where the feature is missing vote on their own.
double segmentAccuracy(const Column &feature, const Classes &target, const std::vector<uint32_t> &rows,
                       size_t segments)
{
    const size_t k = target.names.size();
    std::vector<std::pair<double, int32_t>> present;
    std::vector<int64_t> missingCounts(k, 0);
    present.reserve(rows.size());
    for (uint32_t r : rows) {
        const double v = feature.numberAt(r);
        if (std::isnan(v))
            ++missingCounts[size_t(target.ids[r])];
        else
            present.emplace_back(v, target.ids[r]);
    }
    std::sort(present.begin(), present.end());
    constexpr double kNone = -1.0;
    // best[s * k + c]: most rows right so far with the current (s+1-th) interval predicting c.
    std::vector<double> best(segments * k, kNone), next(segments * k);
    std::vector<int64_t> group(k);
    std::vector<double> bestBefore(segments);
    for (size_t i = 0; i < present.size();) {
        std::fill(group.begin(), group.end(), 0);
        size_t j = i;
        for (; j < present.size() && present[j].first == present[i].first; ++j)
            ++group[size_t(present[j].second)];
        for (size_t s = 0; s < segments; ++s)
            bestBefore[s] = *std::max_element(best.begin() + ptrdiff_t(s * k), best.begin() + ptrdiff_t((s + 1) * k));
        for (size_t s = 0; s < segments; ++s) {
            for (size_t c = 0; c < k; ++c) {
                double from = best[s * k + c];
                if (s == 0 && i == 0)
                    from = 0;
                if (s > 0 && bestBefore[s - 1] > from)
                    from = bestBefore[s - 1];
                next[s * k + c] = from < 0 ? kNone : from + double(group[c]);
            }
        }
        best.swap(next);
        i = j;
    }
    double correct = present.empty() ? 0.0 : *std::max_element(best.begin(), best.end());
    correct += double(*std::max_element(missingCounts.begin(), missingCounts.end()));
    return rows.empty() ? 0.0 : correct / double(rows.size());
}

DataWarning makeWarning(WarningKind kind, const QString &column, double value, const QString &message,
                        const QString &other = {})
{
    DataWarning w;
    w.kind = kind;
    w.column = column;
    w.otherColumn = other;
    w.value = value;
    w.message = message;
    return w;
}

//! "0.97", "-0.999": two decimals, three from 0.99 on (cut, not rounded, so never "1.000").
QString correlationText(double r)
{
    if (std::abs(r) >= 0.99 && std::abs(r) < 1)
        return QString::number(std::trunc(r * 1000) / 1000, 'f', 3);
    return QString::number(r, 'f', 2);
}

} // namespace

QString warningKindName(WarningKind kind)
{
    switch (kind) {
    case WarningKind::Constant: return QStringLiteral("constant");
    case WarningKind::MostlyMissing: return QStringLiteral("mostly_missing");
    case WarningKind::IdentifierLike: return QStringLiteral("identifier_like");
    case WarningKind::HighCardinality: return QStringLiteral("high_cardinality");
    case WarningKind::DuplicateRows: return QStringLiteral("duplicate_rows");
    case WarningKind::ClassImbalance: return QStringLiteral("class_imbalance");
    case WarningKind::TargetLeak: return QStringLiteral("target_leak");
    case WarningKind::NearDuplicatePair: return QStringLiteral("near_duplicate_pair");
    }
    return QStringLiteral("constant");
}

QJsonObject DataWarning::toJson() const
{
    QJsonObject o{{QStringLiteral("column"), column},
                  {QStringLiteral("kind"), warningKindName(kind)},
                  {QStringLiteral("message"), message},
                  {QStringLiteral("value"), std::isfinite(value) ? QJsonValue(value) : QJsonValue(QJsonValue::Null)}};
    if (!otherColumn.isEmpty())
        o.insert(QStringLiteral("other_column"), otherColumn);
    return o;
}

int64_t countDuplicateRows(const Table &table, const std::vector<ColumnStats> *stats)
{
    const size_t rows = table.rowCount();
    if (rows < 2 || table.columnCount() == 0)
        return 0;
    if (stats && stats->size() == table.columnCount())
        for (const ColumnStats &s : *stats)
            if (s.distinct + (s.missing > 0 ? 1 : 0) == int64_t(rows) && s.missing <= 1)
                return 0;  // every value of this column differs, so every row does
    // 64-bit hash per row, built column by column; equal hashes are then compared exactly.
    std::vector<uint64_t> hash(rows, 0x9E3779B97F4A7C15ull);
    const auto mix = [](uint64_t h, uint64_t v) {
        v *= 0xBF58476D1CE4E5B9ull;
        v ^= v >> 31;
        h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
        return h * 0x94D049BB133111EBull;
    };
    for (const Column &c : table.columns()) {
        const size_t n = std::min(rows, c.size());
        switch (c.storage()) {
        case Storage::Int64:
            for (size_t r = 0; r < n; ++r) hash[r] = mix(hash[r], uint64_t(c.int64s()[r]));
            break;
        case Storage::Float64:
            for (size_t r = 0; r < n; ++r) {
                const double v = c.doubles()[r];
                hash[r] = mix(hash[r], std::isnan(v) ? 0x7FF8000000000000ull : std::bit_cast<uint64_t>(v == 0 ? 0.0 : v));
            }
            break;
        case Storage::Bool:
            for (size_t r = 0; r < n; ++r) hash[r] = mix(hash[r], uint64_t(int64_t(c.bools()[r])));
            break;
        case Storage::String:
            for (size_t r = 0; r < n; ++r) hash[r] = mix(hash[r], uint64_t(int64_t(c.codes()[r])));
            break;
        }
    }
    const auto sameRow = [&](size_t a, size_t b) {
        for (const Column &c : table.columns()) {
            switch (c.storage()) {
            case Storage::Int64: if (c.int64s()[a] != c.int64s()[b]) return false; break;
            case Storage::Float64: {
                const double x = c.doubles()[a], y = c.doubles()[b];
                if (!(x == y || (std::isnan(x) && std::isnan(y)))) return false;
                break;
            }
            case Storage::Bool: if (c.bools()[a] != c.bools()[b]) return false; break;
            case Storage::String: if (c.codes()[a] != c.codes()[b]) return false; break;
            }
        }
        return true;
    };
    std::vector<std::pair<uint64_t, uint32_t>> order(rows);
    for (size_t r = 0; r < rows; ++r)
        order[r] = {hash[r], uint32_t(r)};
    detail::radixSort(order, [](const std::pair<uint64_t, uint32_t> &e) { return e.first; });
    int64_t duplicates = 0;
    std::vector<uint32_t> firsts;  // rows with a new content in the current hash run
    for (size_t i = 0; i < rows;) {
        size_t j = i + 1;
        while (j < rows && order[j].first == order[i].first)
            ++j;
        if (j - i > 1) {
            firsts.clear();
            for (size_t m = i; m < j; ++m) {
                const uint32_t r = order[m].second;
                const bool seen = std::any_of(firsts.begin(), firsts.end(), [&](uint32_t f) { return sameRow(f, r); });
                if (seen)
                    ++duplicates;
                else
                    firsts.push_back(r);
            }
        }
        i = j;
    }
    return duplicates;
}

std::vector<DataWarning> computeWarnings(const Table &table, const std::vector<ColumnStats> &stats,
                                         const WarningOptions &options, TaskContext *ctx)
{
    std::vector<DataWarning> out;
    const int64_t rows = int64_t(table.rowCount());
    if (stats.size() != table.columnCount())
        return out;

    // Whole table.
    const int64_t duplicates = options.duplicateRows >= 0 ? options.duplicateRows : countDuplicateRows(table);
    if (duplicates > 0) {
        out.push_back(makeWarning(
            WarningKind::DuplicateRows, QString(), double(duplicates),
            QStringLiteral("%1 %2 (%3 of the table) %4 an earlier row exactly. Repeated rows can land in both "
                           "the training and the test part and make the scores look better than they are; "
                           "remove them unless they are real repeats.")
                .arg(count(duplicates), duplicates == 1 ? QStringLiteral("row") : QStringLiteral("rows"),
                     percent(double(duplicates) / double(rows)),
                     duplicates == 1 ? QStringLiteral("repeats") : QStringLiteral("repeat"))));
    }
    if (isCanceled(ctx))
        return {};

    // One column at a time.
    std::vector<bool> idLike(stats.size(), false);
    for (size_t i = 0; i < stats.size() && rows > 0; ++i) {
        const ColumnStats &s = stats[i];
        const bool isTarget = !options.target.isEmpty() && s.name == options.target;
        const double missingShare = double(s.missing) / double(rows);
        if (s.count == 0) {
            out.push_back(makeWarning(
                WarningKind::MostlyMissing, s.name, 1.0,
                isTarget ? QStringLiteral("%1, the column to predict, is empty in every row, so there is nothing to "
                                          "learn from. Choose another target.").arg(s.name)
                         : QStringLiteral("%1 is empty in every row, so it can't help predict anything. Easel will "
                                          "leave it out.").arg(s.name)));
            continue;
        }
        if (missingShare > kMostlyMissingShare) {
            const QString share = QStringLiteral("%1 of rows (%2 of %3)").arg(percent(missingShare), count(s.missing), count(rows));
            out.push_back(makeWarning(
                WarningKind::MostlyMissing, s.name, missingShare,
                isTarget ? QStringLiteral("%1, the column to predict, is empty in %2. Only the rows that have a "
                                          "value can be used for training.").arg(s.name, share)
                         : QStringLiteral("%1 is empty in %2, so there is little to learn from it. Consider leaving "
                                          "it out, or keep it if a missing value itself means something.")
                               .arg(s.name, share)));
        }
        if (s.distinct == 1) {
            const QString value = quoted(singleValue(table.column(i), s));
            const QString where = s.missing > 0 ? QStringLiteral("in every row that has a value") : QStringLiteral("in every row");
            out.push_back(makeWarning(
                WarningKind::Constant, s.name, 1.0,
                isTarget ? QStringLiteral("%1, the column to predict, has the same value (%2) %3, so there is "
                                          "nothing to predict. Choose another target, or add rows with other values.")
                               .arg(s.name, value, where)
                         : QStringLiteral("%1 has the same value (%2) %3, so it can't help predict anything. "
                                          "Easel will leave it out.").arg(s.name, value, where)));
            continue;
        }
        if (isTarget)
            continue;
        // Free text (as the build's preprocessing sees it: text, at least half the values
        // different) is not an ID: the build reads the words that repeat in it. Like an
        // ID, no whole value repeats enough for the checks of leaks and pairs below.
        if (isFreeText(s.type, s.distinct, s.count)) {
            idLike[i] = true;
            out.push_back(makeWarning(WarningKind::HighCardinality, s.name, double(s.distinct),
                                      QStringLiteral("%1 looks like free text (%2 different values in %3 rows). Easel "
                                                     "reads the words that repeat in it, such as a title or a product "
                                                     "name, not each whole text.")
                                          .arg(s.name, count(s.distinct), count(s.count))));
            continue;
        }
        if (isIdentifierLike(s, rows)) {
            idLike[i] = true;
            const QString every = s.distinct >= rows
                                      ? QStringLiteral("a different value in every row")
                                      : QStringLiteral("a different value in nearly every row (%1 different values in %2 rows)")
                                            .arg(count(s.distinct), count(rows));
            out.push_back(makeWarning(WarningKind::IdentifierLike, s.name, double(s.distinct) / double(rows),
                                      QStringLiteral("%1 has %2, so it can't help predict anything. Easel will leave it out.")
                                          .arg(s.name, every)));
            continue;
        }
        if ((s.type == ColumnType::Categorical || s.type == ColumnType::Text) && s.distinct > kHighCardinalityLevels
            && double(s.distinct) > kHighCardinalityShare * double(s.count)) {
            out.push_back(makeWarning(
                WarningKind::HighCardinality, s.name, double(s.distinct),
                QStringLiteral("%1 has %2 different values in %3 rows, so most values appear only a few times and a "
                               "model learns little from each. Consider grouping rare values, or leaving it out.")
                    .arg(s.name, count(s.distinct), count(s.count))));
        }
    }
    if (isCanceled(ctx))
        return {};
    reportProgress(ctx, 0.3, QStringLiteral("Checking columns"));

    CorrelationMatrix computed;
    const CorrelationMatrix *pearson = options.pearson;
    if (!pearson) {
        computed = pearsonCorrelation(table, nullptr);
        pearson = &computed;
    }
    if (isCanceled(ctx))
        return {};

    // The target.
    const int target = options.target.isEmpty() ? -1 : table.indexOf(options.target);
    if (target >= 0 && stats[size_t(target)].count > 0 && stats[size_t(target)].distinct > 1) {
        const ColumnStats &ts = stats[size_t(target)];
        if (isClassLabel(ts)) {
            const Classes classes = classesOf(table.column(size_t(target)));
            const size_t k = classes.names.size();
            const auto smallest = std::min_element(classes.counts.begin(), classes.counts.end());
            const auto largest = std::max_element(classes.counts.begin(), classes.counts.end());
            const double share = double(*smallest) / double(ts.count);
            if (k >= 2 && share < kImbalanceFairShare / double(k)) {
                const QString name = quoted(classes.names[size_t(smallest - classes.counts.begin())]);
                out.push_back(makeWarning(
                    WarningKind::ClassImbalance, ts.name, share,
                    QStringLiteral("Only %1 of rows (%2 of %3) have %5 in %4. A model can look accurate while "
                                   "mostly missing them, so check how many of them it finds (recall), not just "
                                   "accuracy.")
                        .arg(percent(share), count(*smallest), count(ts.count), ts.name, name)));
            }
            const std::vector<uint32_t> sample = leakRows(classes);
            const double baseline = sample.empty() ? 1.0 : double(*largest) / double(ts.count);
            for (size_t i = 0; i < stats.size(); ++i) {
                if (isCanceled(ctx))
                    return {};
                const ColumnStats &fs = stats[i];
                if (int(i) == target || idLike[i] || fs.type == ColumnType::Identifier || fs.count == 0 || fs.distinct < 2)
                    continue;
                const Column &feature = table.column(i);
                double accuracy = 0;
                if (isNumeric(fs.type) || isTemporal(fs.type)) {
                    if (k > kLeakMaxSegmentsClasses)
                        continue;
                    accuracy = segmentAccuracy(feature, classes, sample, k);
                } else {
                    if (double(fs.distinct) > double(rows) / 2)
                        continue;
                    accuracy = majorityAccuracy(feature, classes, sample);
                }
                if (accuracy >= kLeakAccuracy && 1.0 - accuracy <= (1.0 - kLeakErrorCut) * (1.0 - baseline)) {
                    out.push_back(makeWarning(
                        WarningKind::TargetLeak, fs.name, accuracy,
                        QStringLiteral("%1 alone tells %2 correctly in %3 of rows. It is probably derived from %2 "
                                       "or only known afterwards; a model that uses it looks great in testing and "
                                       "fails in real use. Leave it out unless you will know it when you make "
                                       "predictions.")
                            .arg(fs.name, ts.name, percent(accuracy)),
                        ts.name));
                }
            }
        } else if (isNumeric(ts.type)) {
            const int ti = pearson->indexOf(ts.name);
            for (int j = 0; ti >= 0 && j < int(pearson->columns.size()); ++j) {
                const QString &name = pearson->columns.at(j);
                const int fi = table.indexOf(name);
                if (j == ti || fi < 0 || idLike[size_t(fi)])
                    continue;
                const double r = pearson->at(ti, j);
                if (std::abs(r) >= kLeakCorrelation) {
                    out.push_back(makeWarning(
                        WarningKind::TargetLeak, name, std::abs(r),
                        QStringLiteral("%1 predicts %2 almost perfectly (correlation %3). It is probably part of "
                                       "%2 or only known afterwards; a model that uses it looks great in testing "
                                       "and fails in real use. Leave it out unless you will know it when you make "
                                       "predictions.")
                            .arg(name, ts.name, correlationText(r)),
                        ts.name));
                }
            }
        }
    }
    reportProgress(ctx, 0.8, QStringLiteral("Checking the target"));

    // Pairs of features.
    const int n = int(pearson->columns.size());
    for (int i = 0; i < n; ++i) {
        const int ci = table.indexOf(pearson->columns.at(i));
        if (ci < 0 || ci == target || idLike[size_t(ci)])
            continue;
        for (int j = i + 1; j < n; ++j) {
            const int cj = table.indexOf(pearson->columns.at(j));
            if (cj < 0 || cj == target || idLike[size_t(cj)])
                continue;
            const double r = pearson->at(i, j);
            if (!(std::abs(r) > kNearDuplicateCorrelation))
                continue;
            const QString &a = pearson->columns.at(i), &b = pearson->columns.at(j);
            out.push_back(makeWarning(
                WarningKind::NearDuplicatePair, a, std::abs(r),
                QStringLiteral("%1 and %2 %3 almost exactly (correlation %4), so they carry the same information "
                               "twice. Consider keeping only one of them.")
                    .arg(a, b, r > 0 ? QStringLiteral("rise and fall together") : QStringLiteral("move in opposite directions"),
                         correlationText(r)),
                b));
        }
    }
    if (isCanceled(ctx))
        return {};
    reportProgress(ctx, 1.0, QStringLiteral("Checking columns"));
    return out;
}

} // namespace easel
