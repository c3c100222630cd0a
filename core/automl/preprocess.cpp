#include "automl/preprocess.h"

#include <QDate>
#include <QHash>
#include <QJsonArray>
#include <QTime>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <thread>
#include <unordered_map>

namespace easel {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr float kNaNf = std::numeric_limits<float>::quiet_NaN();
constexpr int64_t kMsPerDay = 86400000;
constexpr int kFormatVersion = 1;
// Free text: the words in at least kMinWordRows training rows (and a thousandth of them)
// but not in every one, at most kMaxWords of those that go most with the target on the
// training rows, each a 0/1 feature.
constexpr int kMaxWords = 100;
constexpr size_t kMinWordRows = 5;
// Saved with this version only when a column reads words, so that other models stay
// readable by an Easel that does not know them.
constexpr int kWordsFormatVersion = 2;

// Level index codes while reading categoricals.
constexpr int32_t kLevelMissing = -1;
constexpr int32_t kLevelUnseen = -2;

enum class Kind { Numeric, OneHot, TargetEncoded, Embedded, Date, Words };

QString kindName(Kind kind)
{
    switch (kind) {
    case Kind::Numeric: return QStringLiteral("numeric");
    case Kind::OneHot: return QStringLiteral("one_hot");
    case Kind::TargetEncoded: return QStringLiteral("target_encoded");
    case Kind::Embedded: return QStringLiteral("embedded");
    case Kind::Date: return QStringLiteral("date");
    case Kind::Words: return QStringLiteral("words");
    }
    return {};
}

bool kindFromName(const QString &name, Kind *kind)
{
    for (Kind k : {Kind::Numeric, Kind::OneHot, Kind::TargetEncoded, Kind::Embedded, Kind::Date, Kind::Words}) {
        if (kindName(k) == name) {
            *kind = k;
            return true;
        }
    }
    return false;
}

QString flavourName(FeatureFlavour flavour)
{
    switch (flavour) {
    case FeatureFlavour::Trees: return QStringLiteral("trees");
    case FeatureFlavour::Scaled: return QStringLiteral("scaled");
    case FeatureFlavour::Embedded: return QStringLiteral("embedded");
    }
    return {};
}

bool flavourFromName(const QString &name, FeatureFlavour *flavour)
{
    for (FeatureFlavour f : {FeatureFlavour::Trees, FeatureFlavour::Scaled, FeatureFlavour::Embedded}) {
        if (flavourName(f) == name) {
            *flavour = f;
            return true;
        }
    }
    return false;
}

//! splitmix64: the fold of a row for out-of-fold target encoding depends only on
//! the seed and the row index, so transformTraining needs no stored assignment.
uint64_t mix(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

int encodingFold(size_t row, uint64_t seed, int folds)
{
    return int(mix(seed ^ mix(uint64_t(row))) % uint64_t(folds));
}

//! "2024-05-01", "2024-05-01 13:45:00", "2024-05-01T13:45:00.250" → ms since epoch (UTC); NaN otherwise.
double parseIsoMs(const QString &raw)
{
    const QString text = raw.trimmed();
    if (text.size() < 10)
        return kNaN;
    const QDate date = QDate::fromString(text.left(10), Qt::ISODate);
    if (!date.isValid())
        return kNaN;
    int64_t ms = (date.toJulianDay() - 2440588) * kMsPerDay;
    if (text.size() > 10) {
        QString time = text.mid(11);
        // Drop a UTC marker; other offsets are ignored (the CSV reader converts them on import).
        if (time.endsWith(QLatin1Char('Z')))
            time.chop(1);
        const QTime t = QTime::fromString(time, Qt::ISODateWithMs);
        const QTime t2 = t.isValid() ? t : QTime::fromString(time.left(8), Qt::ISODate);
        if (t2.isValid())
            ms += t2.msecsSinceStartOfDay();
    }
    return double(ms);
}

//! Sorts labels numerically when every one is a number, else by text.
void sortLevels(QStringList &levels)
{
    std::vector<std::pair<double, QString>> numbers;
    for (const QString &level : levels) {
        bool ok = false;
        const double v = level.toDouble(&ok);
        if (!ok || !std::isfinite(v)) {
            std::sort(levels.begin(), levels.end());
            return;
        }
        numbers.emplace_back(v, level);
    }
    std::sort(numbers.begin(), numbers.end());
    for (int i = 0; i < levels.size(); ++i)
        levels[i] = numbers[size_t(i)].second;
}

//! The distinct words of text, lower-cased and sorted: runs of letters and digits
//! ("Braund, Mr. Owen" → braund, mr, owen); total (when given) counts every word,
//! repeats included.
QStringList wordsOf(const QString &text, int *total = nullptr)
{
    QStringList words;
    int count = 0;
    qsizetype start = -1;
    const qsizetype n = text.size();
    for (qsizetype i = 0; i <= n;) {
        // Whole code points, as Python's str.isalnum() sees them in the exported
        // scorer: a letter outside the Basic Multilingual Plane is two UTF-16 units.
        char32_t c = 0;
        qsizetype width = 1;
        if (i < n) {
            c = text.at(i).unicode();
            if (QChar::isHighSurrogate(c) && i + 1 < n && text.at(i + 1).isLowSurrogate()) {
                c = QChar::surrogateToUcs4(text.at(i), text.at(i + 1));
                width = 2;
            }
        }
        const bool inWord = i < n && QChar::isLetterOrNumber(c);
        if (inWord && start < 0) {
            start = i;
        } else if (!inWord && start >= 0) {
            ++count;
            words << text.mid(start, i - start).toLower();
            start = -1;
        }
        i += width;
    }
    if (total)
        *total = count;
    std::sort(words.begin(), words.end());
    words.erase(std::unique(words.begin(), words.end()), words.end());
    return words;
}

// ---- dates ------------------------------------------------------------------------------------

int64_t floorDiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        --q;
    return q;
}

//! Days since 1970-01-01 → civil date (H. Hinnant's algorithm).
void civilFromDays(int64_t z, int64_t *year, int *month, int *day)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    *day = int(doy - (153 * mp + 2) / 5 + 1);
    *month = int(mp < 10 ? mp + 3 : mp - 9);
    *year = yoe + era * 400 + (*month <= 2 ? 1 : 0);
}

int64_t daysFromCivil(int64_t y, int m, int d)
{
    y -= m <= 2 ? 1 : 0;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

const char *const kDateParts[] = {"year", "month", "day_of_week", "hour", "day_of_year", "elapsed_days"};
constexpr int kDatePartCount = 6;

//! The date parts of ms into out (6 values; hour is used for date-times only).
void dateParts(double ms, int64_t minMs, double out[kDatePartCount])
{
    const int64_t t = int64_t(ms);
    const int64_t days = floorDiv(t, kMsPerDay);
    int64_t year = 0;
    int month = 0, day = 0;
    civilFromDays(days, &year, &month, &day);
    out[0] = double(year);
    out[1] = double(month);
    out[2] = double(((days % 7) + 7 + 3) % 7);  // Monday 0 … Sunday 6 (1970-01-01 was a Thursday)
    out[3] = double(t - days * kMsPerDay) / 3600000.0;
    out[4] = double(days - daysFromCivil(year, 1, 1) + 1);
    out[5] = double(t - minMs) / double(kMsPerDay);
}

// ---- the plan per input column -------------------------------------------------------------------

struct ColumnPlan
{
    QString name;
    ColumnType type = ColumnType::Real;  //!< type in the training table
    Kind kind = Kind::Numeric;
    bool scaled = false;                 //!< standardise (Scaled / Embedded flavours)
    bool indicator = false;              //!< add a "(missing)" feature

    // Numeric
    double median = 0, mean = 0, stdev = 1;

    // Categorical
    QStringList levels;
    // Target encoding: outputs per bucket; buckets 0..L-1 levels, L missing, L+1 unseen (= prior).
    int outputs = 1;
    std::vector<float> full;                 //!< (L+2) × outputs, fitted on all training rows
    std::vector<std::vector<float>> oof;     //!< per fold, fitted without that fold
    std::vector<double> encMean, encStd;     //!< per output, scaled flavours

    // Date
    int64_t minMs = 0;
    bool dateTime = false;
    double dateMean[kDatePartCount] = {0, 0, 0, 0, 0, 0};
    double dateStd[kDatePartCount] = {1, 1, 1, 1, 1, 1};

    std::vector<int> dateUsed() const
    {
        return dateTime ? std::vector<int>{0, 1, 2, 3, 4, 5} : std::vector<int>{0, 1, 2, 4, 5};
    }

    int featureCount() const
    {
        switch (kind) {
        case Kind::Numeric: return 1 + (indicator ? 1 : 0);
        case Kind::OneHot: return int(levels.size()) + (indicator ? 1 : 0);
        case Kind::TargetEncoded: return outputs;
        case Kind::Embedded: return 0;
        case Kind::Date: return int(dateUsed().size()) + (indicator ? 1 : 0);
        case Kind::Words: return 1 + int(levels.size()) + (indicator ? 1 : 0);
        }
        return 0;
    }
    int catCount() const { return kind == Kind::Embedded ? 1 : 0; }

    QStringList featureNames(const QStringList &classLabels) const
    {
        QStringList names;
        switch (kind) {
        case Kind::Numeric: names << name; break;
        case Kind::OneHot:
            for (const QString &level : levels)
                names << name + QLatin1Char('=') + level;
            break;
        case Kind::TargetEncoded:
            if (outputs == 1)
                names << name + QStringLiteral(" (target mean)");
            else
                for (int c = 0; c < outputs; ++c)
                    names << name + QStringLiteral(" (share of %1)").arg(c < classLabels.size() ? classLabels[c]
                                                                                             : QString::number(c));
            break;
        case Kind::Embedded: break;
        case Kind::Date:
            for (int part : dateUsed())
                names << name + QLatin1Char('.') + QLatin1String(kDateParts[part]);
            break;
        case Kind::Words:
            names << name + QStringLiteral(" (words)");
            for (const QString &word : levels)
                names << name + QStringLiteral(" has \"%1\"").arg(word);
            break;
        }
        if (indicator)
            names << name + QStringLiteral(" (missing)");
        return names;
    }
};

QJsonArray toArray(const std::vector<float> &v)
{
    QJsonArray a;
    for (float x : v)
        a.append(double(x));
    return a;
}

QJsonArray toArray(const std::vector<double> &v)
{
    QJsonArray a;
    for (double x : v)
        a.append(x);
    return a;
}

template<typename T>
bool fromArray(const QJsonValue &value, std::vector<T> *out, size_t expected = size_t(-1))
{
    if (!value.isArray())
        return false;
    const QJsonArray a = value.toArray();
    if (expected != size_t(-1) && size_t(a.size()) != expected)
        return false;
    out->clear();
    out->reserve(size_t(a.size()));
    for (const QJsonValue &x : a) {
        if (!x.isDouble())
            return false;
        out->push_back(T(x.toDouble()));
    }
    return true;
}

// ---- reading a column at transform time ------------------------------------------------------------

//! How one input column is read from the table given to transform.
struct Source
{
    const Column *column = nullptr;     //!< null when the table lacks the column
    std::vector<double> dictValues;     //!< String storage: number or ms per dictionary code
    std::vector<int32_t> dictLevels;    //!< String storage: level per dictionary code
    std::vector<int32_t> rowLevels;     //!< other storage: level per requested row position
    QHash<QString, int32_t> levelIndex;
    //! Words: the known words and the word count of each dictionary code (String
    //! storage) or of each requested row position (other storage); count -1 when missing.
    std::vector<std::vector<int32_t>> words;
    std::vector<int> wordCounts;

    //! Index into words / wordCounts for row at position.
    size_t wordSlot(size_t row, size_t position) const
    {
        if (column->storage() == Storage::String) {
            const int32_t code = column->codes()[row];
            return code < 0 ? column->dictionary().size() : size_t(code);
        }
        return position;
    }

    double number(size_t row) const
    {
        if (!column)
            return kNaN;
        if (column->storage() == Storage::String) {
            const int32_t code = column->codes()[row];
            return code < 0 ? kNaN : dictValues[size_t(code)];
        }
        return column->numberAt(row);
    }

    double ms(size_t row) const
    {
        if (!column)
            return kNaN;
        switch (column->storage()) {
        case Storage::String: {
            const int32_t code = column->codes()[row];
            return code < 0 ? kNaN : dictValues[size_t(code)];
        }
        case Storage::Int64: {
            const int64_t v = column->int64s()[row];
            return v == kMissingInt64 || !isTemporal(column->type()) ? kNaN : double(v);
        }
        default: return kNaN;
        }
    }

    int32_t level(size_t row, size_t position) const
    {
        if (!column)
            return kLevelMissing;
        if (column->storage() == Storage::String) {
            const int32_t code = column->codes()[row];
            return code < 0 ? kLevelMissing : dictLevels[size_t(code)];
        }
        return rowLevels[position];
    }
};

Source prepareSource(const ColumnPlan &plan, const Table &table, const std::vector<size_t> &rows)
{
    Source s;
    const int index = table.indexOf(plan.name);
    if (index < 0)
        return s;
    s.column = &table.column(size_t(index));
    const Column &col = *s.column;
    const bool categorical = plan.kind == Kind::OneHot || plan.kind == Kind::TargetEncoded
                             || plan.kind == Kind::Embedded;
    if (plan.kind == Kind::Words) {
        for (int i = 0; i < plan.levels.size(); ++i)
            s.levelIndex.insert(plan.levels[i], i);
        auto read = [&](const QString &text) {
            int total = 0;
            std::vector<int32_t> known;
            for (const QString &word : wordsOf(text, &total))
                if (const int32_t at = s.levelIndex.value(word, -1); at >= 0)
                    known.push_back(at);
            s.words.push_back(std::move(known));
            s.wordCounts.push_back(total);
        };
        if (col.storage() == Storage::String) {
            // Only the texts of the rows asked for: a fold's rows are a part of the table.
            std::vector<char> used(col.dictionary().size(), 0);
            for (size_t r : rows)
                if (const int32_t code = col.codes()[r]; code >= 0)
                    used[size_t(code)] = 1;
            for (size_t c = 0; c < used.size(); ++c) {
                if (used[c]) {
                    read(QString::fromStdString(col.dictionary()[c]));
                } else {
                    s.words.emplace_back();
                    s.wordCounts.push_back(-1);
                }
            }
        } else {
            for (size_t r : rows) {
                if (col.isMissing(r)) {
                    s.words.emplace_back();
                    s.wordCounts.push_back(-1);
                } else {
                    read(col.textAt(r));
                }
            }
        }
        // The slot of a missing String value.
        s.words.emplace_back();
        s.wordCounts.push_back(-1);
    } else if (categorical) {
        for (int i = 0; i < plan.levels.size(); ++i)
            s.levelIndex.insert(plan.levels[i], i);
        auto lookup = [&](const QString &text) { return s.levelIndex.value(text, kLevelUnseen); };
        if (col.storage() == Storage::String) {
            s.dictLevels.resize(col.dictionary().size());
            for (size_t c = 0; c < col.dictionary().size(); ++c)
                s.dictLevels[c] = lookup(QString::fromStdString(col.dictionary()[c]));
        } else {
            // Match by the text as written (an integer category read as "1" matches the level "1").
            std::unordered_map<uint64_t, int32_t> cache;
            s.rowLevels.resize(rows.size());
            for (size_t i = 0; i < rows.size(); ++i) {
                const size_t r = rows[i];
                if (col.isMissing(r)) {
                    s.rowLevels[i] = kLevelMissing;
                    continue;
                }
                uint64_t key = 0;
                switch (col.storage()) {
                case Storage::Int64: key = uint64_t(col.int64s()[r]); break;
                case Storage::Float64: std::memcpy(&key, &col.doubles()[r], sizeof key); break;
                case Storage::Bool: key = uint64_t(col.bools()[r]); break;
                case Storage::String: break;
                }
                auto it = cache.find(key);
                if (it == cache.end())
                    it = cache.emplace(key, lookup(col.textAt(r))).first;
                s.rowLevels[i] = it->second;
            }
        }
    } else if (col.storage() == Storage::String) {
        s.dictValues.resize(col.dictionary().size(), kNaN);
        for (size_t c = 0; c < col.dictionary().size(); ++c) {
            const QString text = QString::fromStdString(col.dictionary()[c]);
            if (plan.kind == Kind::Date) {
                s.dictValues[c] = parseIsoMs(text);
            } else {
                double v = kNaN;
                if (parseNumberText(text, &v))
                    s.dictValues[c] = v;
            }
        }
    }
    return s;
}

//! Runs body(begin, end) over [0, n) in blocks on a few threads.
template<typename Body>
void parallelBlocks(size_t n, size_t work, Body body)
{
    constexpr size_t kSerialWork = 1u << 18;
    const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
    if (work < kSerialWork || hw == 1 || n < 2) {
        body(size_t(0), n);
        return;
    }
    const size_t threads = std::min<size_t>(std::min<size_t>(hw, 16), n);
    const size_t block = std::max<size_t>(1024, n / (threads * 8));
    std::atomic<size_t> next{0};
    auto worker = [&]() {
        for (;;) {
            const size_t begin = next.fetch_add(block);
            if (begin >= n)
                return;
            body(begin, std::min(n, begin + block));
        }
    };
    std::vector<std::thread> pool;
    pool.reserve(threads - 1);
    for (size_t t = 1; t < threads; ++t)
        pool.emplace_back(worker);
    worker();
    for (std::thread &t : pool)
        t.join();
}

double median(std::vector<double> &values)
{
    if (values.empty())
        return 0;
    const size_t mid = values.size() / 2;
    std::nth_element(values.begin(), values.begin() + ptrdiff_t(mid), values.end());
    const double upper = values[mid];
    if (values.size() % 2)
        return upper;
    const double lower = *std::max_element(values.begin(), values.begin() + ptrdiff_t(mid));
    return (lower + upper) / 2;
}

void meanStd(const std::vector<double> &values, double *mean, double *stdev)
{
    double m = 0;
    for (double v : values)
        m += v;
    m = values.empty() ? 0 : m / double(values.size());
    double ss = 0;
    for (double v : values)
        ss += (v - m) * (v - m);
    double sd = values.empty() ? 0 : std::sqrt(ss / double(values.size()));
    if (!(sd > 1e-12) || !std::isfinite(sd))
        sd = 1;
    *mean = m;
    *stdev = sd;
}

QString formatCount(size_t n)
{
    QString digits = QString::number(qulonglong(n));
    for (int i = digits.size() - 3; i > 0; i -= 3)
        digits.insert(i, QLatin1Char(' '));
    return digits;
}

} // namespace

// ---- Private ------------------------------------------------------------------------------------

struct Preprocessor::Private
{
    PreprocessOptions options;
    ProblemType problem = ProblemType::Regression;
    QStringList classLabels;
    QString target;
    std::vector<ColumnPlan> plans;
    std::vector<DroppedColumn> dropped;

    int folds() const { return std::max(2, options.targetEncodingFolds); }
    FeatureMatrix run(const Table &table, const std::vector<size_t> &rows, bool training) const;
};

Preprocessor::Preprocessor() : d(std::make_unique<Private>()) {}
Preprocessor::~Preprocessor() = default;
Preprocessor::Preprocessor(const Preprocessor &other) : d(std::make_unique<Private>(*other.d)) {}
Preprocessor &Preprocessor::operator=(const Preprocessor &other)
{
    if (this != &other)
        d = std::make_unique<Private>(*other.d);
    return *this;
}
Preprocessor::Preprocessor(Preprocessor &&other) noexcept = default;
Preprocessor &Preprocessor::operator=(Preprocessor &&other) noexcept = default;

QStringList Preprocessor::inputColumns() const
{
    QStringList names;
    if (!d)
        return names;
    for (const ColumnPlan &p : d->plans)
        names << p.name;
    return names;
}

std::vector<DroppedColumn> Preprocessor::dropped() const { return d ? d->dropped : std::vector<DroppedColumn>{}; }
FeatureFlavour Preprocessor::flavour() const { return d ? d->options.flavour : FeatureFlavour::Trees; }

// ---- fit ----------------------------------------------------------------------------------------

namespace {

//! Fits the target encoding of one categorical column; level[i] is the bucket of rows[i].
void fitTargetEncoding(ColumnPlan &plan, const std::vector<size_t> &rows, const std::vector<int32_t> &level,
                       const std::vector<float> &y, ProblemType problem, int classes, int folds, double smoothing,
                       uint64_t seed)
{
    const int m = problem == ProblemType::Multiclass ? classes : 1;
    const size_t buckets = size_t(plan.levels.size()) + 2;  // levels, missing, unseen
    plan.outputs = m;
    // Per fold: count and target sums per bucket.
    std::vector<std::vector<double>> count(size_t(folds), std::vector<double>(buckets, 0));
    std::vector<std::vector<double>> sum(size_t(folds), std::vector<double>(buckets * size_t(m), 0));
    for (size_t i = 0; i < rows.size(); ++i) {
        const float t = rows[i] < y.size() ? y[rows[i]] : kNaNf;
        if (std::isnan(t))
            continue;
        const size_t f = size_t(encodingFold(rows[i], seed, folds));
        const size_t b = level[i] >= 0 ? size_t(level[i]) : buckets - 2;
        count[f][b] += 1;
        if (m == 1) {
            sum[f][b] += double(t);
        } else {
            const int c = int(t);
            if (c >= 0 && c < m)
                sum[f][b * size_t(m) + size_t(c)] += 1;
        }
    }

    // Encodings from the folds in `use` (all folds, or all but one), in a fixed order.
    auto encode = [&](int excluded) {
        std::vector<double> cnt(buckets, 0), sm(buckets * size_t(m), 0);
        for (int f = 0; f < folds; ++f) {
            if (f == excluded)
                continue;
            for (size_t b = 0; b < buckets; ++b)
                cnt[b] += count[size_t(f)][b];
            for (size_t j = 0; j < sm.size(); ++j)
                sm[j] += sum[size_t(f)][j];
        }
        double total = 0;
        std::vector<double> prior(size_t(m), 0);
        for (size_t b = 0; b < buckets; ++b) {
            total += cnt[b];
            for (int c = 0; c < m; ++c)
                prior[size_t(c)] += sm[b * size_t(m) + size_t(c)];
        }
        for (double &p : prior)
            p = total > 0 ? p / total : (m == 1 ? 0.0 : 1.0 / m);
        std::vector<float> out(buckets * size_t(m));
        for (size_t b = 0; b < buckets; ++b)
            for (int c = 0; c < m; ++c) {
                const size_t j = b * size_t(m) + size_t(c);
                out[j] = float((sm[j] + smoothing * prior[size_t(c)]) / (cnt[b] + smoothing));
            }
        // The unseen bucket is the prior itself.
        for (int c = 0; c < m; ++c)
            out[(buckets - 1) * size_t(m) + size_t(c)] = float(prior[size_t(c)]);
        return out;
    };
    plan.full = encode(-1);
    plan.oof.clear();
    for (int f = 0; f < folds; ++f)
        plan.oof.push_back(encode(f));

    plan.encMean.assign(size_t(m), 0);
    plan.encStd.assign(size_t(m), 1);
    if (plan.scaled) {
        // Standardise with the out-of-fold values the model trains on.
        for (int c = 0; c < m; ++c) {
            std::vector<double> values;
            values.reserve(rows.size());
            for (size_t i = 0; i < rows.size(); ++i) {
                const size_t f = size_t(encodingFold(rows[i], seed, folds));
                const size_t b = level[i] >= 0 ? size_t(level[i]) : buckets - 2;
                values.push_back(double(plan.oof[f][b * size_t(m) + size_t(c)]));
            }
            meanStd(values, &plan.encMean[size_t(c)], &plan.encStd[size_t(c)]);
        }
    }
}

//! How strongly a word goes with the target on the training rows that have one: for
//! classes, the chi-square statistic of the word's presence against the class; for a
//! number, the F statistic of the mean with the word against the mean without it.
//! Both grow with the evidence, so a frequent word with a clear link ranks first.
struct WordTargetStats
{
    bool classes = false;
    std::vector<double> total;  //!< classes: rows per class; number: {rows, Σy, Σy²}

    void add(std::vector<double> &into, const std::vector<double> &text) const
    {
        if (into.empty())
            into.assign(text.size(), 0.0);
        for (size_t k = 0; k < text.size(); ++k)
            into[k] += text[k];
    }

    double score(const std::vector<double> &with) const
    {
        if (with.empty())
            return 0;
        if (classes) {
            double n = 0, all = 0;
            for (size_t k = 0; k < total.size(); ++k) {
                n += with[k];
                all += total[k];
            }
            if (n <= 0 || n >= all)
                return 0;
            double chi = 0;
            for (size_t k = 0; k < total.size(); ++k) {
                if (total[k] <= 0)
                    continue;
                // Rows of class k with the word against the expected e1, and without it
                // against e0: both differ from what is expected by the same amount.
                const double e1 = n * total[k] / all, e0 = (all - n) * total[k] / all;
                const double d = with[k] - e1;
                chi += d * d / e1 + d * d / e0;
            }
            return chi;
        }
        const double all = total[0], n = with[0];
        if (n <= 0 || n >= all)
            return 0;
        const double mean = total[1] / all;
        const double var = total[2] / all - mean * mean;
        if (!(var > 1e-12))
            return 0;
        const double in = with[1] / n, out = (total[1] - with[1]) / (all - n);
        return (in - out) * (in - out) * n * (all - n) / all / var;
    }
};

//! Fits a free-text column as words (see kMaxWords): false, with why in whyNot, when
//! no word qualifies. Row texts are read once per distinct text.
bool fitWords(ColumnPlan &plan, const Column &col, const std::vector<size_t> &rows, const TargetInfo &target,
              const std::vector<float> &y, QString *whyNot)
{
    WordTargetStats stats;
    stats.classes = target.problem != ProblemType::Regression;
    const size_t width = stats.classes ? size_t(std::max<qsizetype>(2, target.classLabels.size())) : 3;
    stats.total.assign(width, 0.0);
    // One row's share of the statistics (empty when the row has no target value).
    const auto ofRow = [&](size_t r, std::vector<double> &into) {
        const float t = r < y.size() ? y[r] : kNaNf;
        if (std::isnan(t))
            return;
        if (into.empty())
            into.assign(width, 0.0);
        if (stats.classes) {
            if (t >= 0 && size_t(t) < width)
                into[size_t(t)] += 1;
        } else {
            into[0] += 1;
            into[1] += double(t);
            into[2] += double(t) * double(t);
        }
    };

    struct Seen
    {
        size_t rows = 0;
        std::vector<double> target;
    };
    std::map<QString, Seen> rowsWith;  // sorted, so ties below break by the word
    size_t present = 0;
    double sum = 0, squares = 0;
    const auto count = [&](const QString &text, size_t times, const std::vector<double> &targetShare) {
        int total = 0;
        for (const QString &word : wordsOf(text, &total)) {
            Seen &seen = rowsWith[word];
            seen.rows += times;
            if (!targetShare.empty())
                stats.add(seen.target, targetShare);
        }
        if (!targetShare.empty())
            stats.add(stats.total, targetShare);
        present += times;
        sum += double(total) * double(times);
        squares += double(total) * double(total) * double(times);
    };
    if (col.storage() == Storage::String) {
        std::vector<size_t> perCode(col.dictionary().size(), 0);
        std::vector<std::vector<double>> targetPerCode(col.dictionary().size());
        for (size_t r : rows)
            if (const int32_t code = col.codes()[r]; code >= 0) {
                ++perCode[size_t(code)];
                ofRow(r, targetPerCode[size_t(code)]);
            }
        for (size_t c = 0; c < perCode.size(); ++c)
            if (perCode[c])
                count(QString::fromStdString(col.dictionary()[c]), perCode[c], targetPerCode[c]);
    } else {
        std::vector<double> share;
        for (size_t r : rows)
            if (!col.isMissing(r)) {
                share.clear();
                ofRow(r, share);
                count(col.textAt(r), 1, share);
            }
    }
    const size_t least = std::max(kMinWordRows, size_t(std::ceil(0.001 * double(present))));
    struct Kept
    {
        double score;
        size_t rows;
        QString word;
    };
    std::vector<Kept> kept;
    for (const auto &[word, seen] : rowsWith)
        if (seen.rows >= least && seen.rows < present)  // in every row, a word tells nothing
            kept.push_back({stats.score(seen.target), seen.rows, word});
    if (kept.empty()) {
        *whyNot = QStringLiteral("no word in it is in %1 rows or more").arg(least);
        return false;
    }
    // The strongest link first; then the more frequent word; then by the word (the map's order).
    std::stable_sort(kept.begin(), kept.end(), [](const Kept &a, const Kept &b) {
        return a.score != b.score ? a.score > b.score : a.rows > b.rows;
    });
    if (kept.size() > size_t(kMaxWords))
        kept.resize(size_t(kMaxWords));
    plan.kind = Kind::Words;
    plan.levels.clear();
    for (const Kept &k : kept)
        plan.levels << k.word;
    plan.indicator = plan.scaled && present < rows.size();
    if (plan.scaled) {
        plan.mean = sum / double(present);
        const double var = squares / double(present) - plan.mean * plan.mean;
        plan.stdev = var > 1e-12 ? std::sqrt(var) : 1.0;
    }
    return true;
}

} // namespace

Result<Preprocessor> Preprocessor::fit(const Table &table, const std::vector<size_t> &rows, const TargetInfo &target,
                                       const std::vector<float> &y, const PreprocessOptions &options)
{
    using R = Result<Preprocessor>;
    if (rows.empty())
        return R::failure(ErrorCode::InvalidArgument, QStringLiteral("There are no training rows to prepare."));
    for (size_t r : rows)
        if (r >= table.rowCount())
            return R::failure(ErrorCode::InvalidArgument,
                              QStringLiteral("Training row %1 is past the end of the table (%2 rows).")
                                  .arg(r).arg(table.rowCount()));

    Preprocessor pre;
    Private &p = *pre.d;
    p.options = options;
    p.options.oneHotMaxLevels = std::max(1, options.oneHotMaxLevels);
    p.options.targetEncodingFolds = std::max(2, options.targetEncodingFolds);
    p.options.smoothing = std::max(0.0, options.smoothing);
    p.problem = target.problem;
    p.classLabels = target.classLabels;
    p.target = target.column;
    const bool scaled = options.flavour != FeatureFlavour::Trees;
    const int classes = std::max(2, int(target.classLabels.size()));

    for (size_t ci = 0; ci < table.columnCount(); ++ci) {
        const Column &col = table.column(ci);
        const QString &name = col.name();
        if (name == target.column || options.excluded.contains(name))
            continue;
        auto drop = [&](const QString &reason) { p.dropped.push_back({name, reason}); };
        if (col.type() == ColumnType::Identifier) {
            drop(QStringLiteral("looks like an ID: a different value in (nearly) every row, so it can't help "
                                "predict anything"));
            continue;
        }

        ColumnPlan plan;
        plan.name = name;
        plan.type = col.type();
        plan.scaled = scaled;

        if (isNumeric(col.type()) || col.type() == ColumnType::Boolean || isTemporal(col.type())) {
            std::vector<double> values;
            values.reserve(rows.size());
            for (size_t r : rows) {
                const double v = col.numberAt(r);
                if (!std::isnan(v))
                    values.push_back(v);
            }
            const size_t missing = rows.size() - values.size();
            if (values.empty()) {
                drop(QStringLiteral("is empty in every row"));
                continue;
            }
            const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
            if (*lo == *hi && missing == 0) {
                drop(QStringLiteral("holds the same value (%1) in every row, so it can't help predict anything")
                         .arg(col.textAt(rows.front())));
                continue;
            }
            plan.indicator = scaled && missing > 0;
            if (isTemporal(col.type())) {
                plan.kind = Kind::Date;
                plan.dateTime = col.type() == ColumnType::DateTime;
                plan.minMs = int64_t(*lo);
                if (scaled) {
                    std::vector<std::vector<double>> parts(kDatePartCount);
                    for (auto &part : parts)
                        part.reserve(values.size());
                    double out[kDatePartCount];
                    for (double v : values) {
                        dateParts(v, plan.minMs, out);
                        for (int part = 0; part < kDatePartCount; ++part)
                            parts[size_t(part)].push_back(out[part]);
                    }
                    for (int part : plan.dateUsed())
                        meanStd(parts[size_t(part)], &plan.dateMean[part], &plan.dateStd[part]);
                }
            } else {
                plan.kind = Kind::Numeric;
                if (scaled) {
                    meanStd(values, &plan.mean, &plan.stdev);
                    plan.median = median(values);
                }
            }
            p.plans.push_back(std::move(plan));
            continue;
        }

        // Free text: read as words, or dropped when no word repeats enough.
        const auto freeText = [&](size_t distinct, size_t present) {
            QString whyNot;
            if (fitWords(plan, col, rows, target, y, &whyNot))
                p.plans.push_back(std::move(plan));
            else
                drop(QStringLiteral("looks like free text (%1 different values in %2 rows), and %3")
                         .arg(formatCount(distinct), formatCount(present), whyNot));
        };
        // Categorical and text: levels as written, counted on the training rows.
        std::map<QString, size_t> counts;
        size_t missing = 0;
        if (col.storage() == Storage::String) {
            std::vector<size_t> perCode(col.dictionary().size(), 0);
            for (size_t r : rows) {
                const int32_t code = col.codes()[r];
                if (code < 0)
                    ++missing;
                else
                    ++perCode[size_t(code)];
            }
            // Free text is recognised before any string is built (dictionary codes are distinct texts).
            const size_t distinct = size_t(std::count_if(perCode.begin(), perCode.end(), [](size_t n) { return n > 0; }));
            if (isFreeText(col.type(), int64_t(distinct), int64_t(rows.size() - missing))) {
                freeText(distinct, rows.size() - missing);
                continue;
            }
            for (size_t c = 0; c < perCode.size(); ++c)
                if (perCode[c])
                    counts[QString::fromStdString(col.dictionary()[c])] += perCode[c];
        } else {
            for (size_t r : rows) {
                if (col.isMissing(r))
                    ++missing;
                else
                    ++counts[col.textAt(r)];
            }
        }
        const size_t present = rows.size() - missing;
        if (counts.empty()) {
            drop(QStringLiteral("is empty in every row"));
            continue;
        }
        if (counts.size() == 1 && missing == 0) {
            drop(QStringLiteral("holds the same value (%1) in every row, so it can't help predict anything")
                     .arg(counts.begin()->first));
            continue;
        }
        if (isFreeText(col.type(), int64_t(counts.size()), int64_t(present))) {
            freeText(counts.size(), present);
            continue;
        }
        for (const auto &[level, n] : counts)
            plan.levels << level;
        sortLevels(plan.levels);
        const int L = int(plan.levels.size());
        if (options.flavour == FeatureFlavour::Embedded && L <= options.embedMaxLevels) {
            plan.kind = Kind::Embedded;
        } else if (L <= p.options.oneHotMaxLevels) {
            plan.kind = Kind::OneHot;
            plan.indicator = scaled && missing > 0;
        } else {
            plan.kind = Kind::TargetEncoded;
            QHash<QString, int32_t> index;
            for (int i = 0; i < L; ++i)
                index.insert(plan.levels[i], i);
            std::vector<int32_t> level(rows.size(), kLevelMissing);
            if (col.storage() == Storage::String) {
                std::vector<int32_t> perCode(col.dictionary().size());
                for (size_t c = 0; c < perCode.size(); ++c)
                    perCode[c] = index.value(QString::fromStdString(col.dictionary()[c]), kLevelMissing);
                for (size_t i = 0; i < rows.size(); ++i) {
                    const int32_t code = col.codes()[rows[i]];
                    level[i] = code < 0 ? kLevelMissing : perCode[size_t(code)];
                }
            } else {
                for (size_t i = 0; i < rows.size(); ++i)
                    if (!col.isMissing(rows[i]))
                        level[i] = index.value(col.textAt(rows[i]), kLevelMissing);
            }
            fitTargetEncoding(plan, rows, level, y, target.problem, classes, p.folds(), p.options.smoothing,
                              p.options.seed);
        }
        p.plans.push_back(std::move(plan));
    }

    if (p.plans.empty())
        return R::failure(ErrorCode::InvalidArgument,
                          QStringLiteral("No column is left to learn from: every column other than %1 was left out. "
                                         "Tick at least one useful column.").arg(target.column));
    return pre;
}

// ---- transform ------------------------------------------------------------------------------------

FeatureMatrix Preprocessor::Private::run(const Table &table, const std::vector<size_t> &rows, bool training) const
{
    FeatureMatrix x;
    x.rows = rows.size();
    std::vector<size_t> offset(plans.size()), catOffset(plans.size());
    for (size_t i = 0; i < plans.size(); ++i) {
        const ColumnPlan &plan = plans[i];
        offset[i] = x.cols;
        catOffset[i] = x.catCols;
        x.cols += size_t(plan.featureCount());
        x.catCols += size_t(plan.catCount());
        const QStringList names = plan.featureNames(classLabels);
        x.names += names;
        for (int j = 0; j < names.size(); ++j)
            x.sourceColumn.push_back(int(i));
        if (plan.kind == Kind::Embedded) {
            x.catNames << plan.name;
            x.catSourceColumn.push_back(int(i));
            x.catCardinality.push_back(int32_t(plan.levels.size()) + 1);
        }
    }
    x.values.assign(x.rows * x.cols, 0.0f);
    x.cats.assign(x.rows * x.catCols, 0);

    std::vector<Source> sources;
    sources.reserve(plans.size());
    for (const ColumnPlan &plan : plans)
        sources.push_back(prepareSource(plan, table, rows));

    const int nFolds = folds();
    const uint64_t seed = options.seed;
    const size_t cols = x.cols, catCols = x.catCols;
    float *values = x.values.data();
    int32_t *cats = x.cats.data();

    parallelBlocks(rows.size(), rows.size() * std::max<size_t>(1, plans.size()), [&](size_t begin, size_t end) {
        for (size_t pi = 0; pi < plans.size(); ++pi) {
            const ColumnPlan &plan = plans[pi];
            const Source &src = sources[pi];
            float *base = values + offset[pi];
            switch (plan.kind) {
            case Kind::Numeric:
                for (size_t i = begin; i < end; ++i) {
                    const double v = src.number(rows[i]);
                    float *out = base + i * cols;
                    if (!plan.scaled) {
                        out[0] = float(v);
                    } else {
                        const bool miss = std::isnan(v);
                        out[0] = float(((miss ? plan.median : v) - plan.mean) / plan.stdev);
                        if (plan.indicator)
                            out[1] = miss ? 1.0f : 0.0f;
                    }
                }
                break;
            case Kind::OneHot: {
                const int L = int(plan.levels.size());
                for (size_t i = begin; i < end; ++i) {
                    const int32_t level = src.level(rows[i], i);
                    float *out = base + i * cols;
                    if (level >= 0)
                        out[level] = 1.0f;
                    if (plan.indicator && level == kLevelMissing)
                        out[L] = 1.0f;
                }
                break;
            }
            case Kind::TargetEncoded: {
                const size_t m = size_t(plan.outputs);
                const size_t L = size_t(plan.levels.size());
                for (size_t i = begin; i < end; ++i) {
                    const int32_t level = src.level(rows[i], i);
                    const size_t b = level >= 0 ? size_t(level) : (level == kLevelMissing ? L : L + 1);
                    const std::vector<float> &enc = training
                        ? plan.oof[size_t(encodingFold(rows[i], seed, nFolds))] : plan.full;
                    float *out = base + i * cols;
                    for (size_t c = 0; c < m; ++c) {
                        const float e = enc[b * m + c];
                        out[c] = plan.scaled ? float((double(e) - plan.encMean[c]) / plan.encStd[c]) : e;
                    }
                }
                break;
            }
            case Kind::Embedded: {
                const int32_t other = int32_t(plan.levels.size());
                int32_t *cbase = cats + catOffset[pi];
                for (size_t i = begin; i < end; ++i) {
                    const int32_t level = src.level(rows[i], i);
                    cbase[i * catCols] = level >= 0 ? level : other;
                }
                break;
            }
            case Kind::Date: {
                const std::vector<int> used = plan.dateUsed();
                double parts[kDatePartCount];
                for (size_t i = begin; i < end; ++i) {
                    const double ms = src.ms(rows[i]);
                    float *out = base + i * cols;
                    const bool miss = std::isnan(ms);
                    if (!miss)
                        dateParts(ms, plan.minMs, parts);
                    for (size_t j = 0; j < used.size(); ++j) {
                        const int part = used[j];
                        if (!plan.scaled)
                            out[j] = miss ? kNaNf : float(parts[part]);
                        else
                            out[j] = miss ? 0.0f : float((parts[part] - plan.dateMean[part]) / plan.dateStd[part]);
                    }
                    if (plan.indicator)
                        out[used.size()] = miss ? 1.0f : 0.0f;
                }
                break;
            }
            case Kind::Words: {
                const size_t known = size_t(plan.levels.size());
                for (size_t i = begin; i < end; ++i) {
                    float *out = base + i * cols;
                    if (!src.column) {
                        out[0] = plan.scaled ? 0.0f : kNaNf;
                        if (plan.indicator)
                            out[1 + known] = 1.0f;
                        continue;
                    }
                    const size_t slot = src.wordSlot(rows[i], i);
                    const int count = src.wordCounts[slot];
                    const bool miss = count < 0;
                    if (!plan.scaled)
                        out[0] = miss ? kNaNf : float(count);
                    else
                        out[0] = miss ? 0.0f : float((double(count) - plan.mean) / plan.stdev);
                    for (int32_t word : src.words[slot])
                        out[1 + size_t(word)] = 1.0f;
                    if (plan.indicator)
                        out[1 + known] = miss ? 1.0f : 0.0f;
                }
                break;
            }
            }
        }
    });
    return x;
}

FeatureMatrix Preprocessor::transformTraining(const Table &table, const std::vector<size_t> &rows) const
{
    if (!d)
        return {};  // moved-from
    return d->run(table, rows, true);
}

FeatureMatrix Preprocessor::transform(const Table &table, const std::vector<size_t> &rows) const
{
    if (!d)
        return {};
    return d->run(table, rows, false);
}

FeatureMatrix Preprocessor::transform(const Table &table) const
{
    if (!d)
        return {};
    std::vector<size_t> rows(table.rowCount());
    for (size_t i = 0; i < rows.size(); ++i)
        rows[i] = i;
    return d->run(table, rows, false);
}

// ---- JSON -----------------------------------------------------------------------------------------

QJsonObject Preprocessor::toJson() const
{
    QJsonObject json;
    if (!d)
        return json;
    json[QStringLiteral("format")] = QStringLiteral("easel.preprocessor");
    const bool words = std::any_of(d->plans.begin(), d->plans.end(),
                                   [](const ColumnPlan &plan) { return plan.kind == Kind::Words; });
    json[QStringLiteral("version")] = words ? kWordsFormatVersion : kFormatVersion;
    json[QStringLiteral("flavour")] = flavourName(d->options.flavour);
    json[QStringLiteral("problem")] = problemTypeName(d->problem);
    json[QStringLiteral("target")] = d->target;
    json[QStringLiteral("classLabels")] = QJsonArray::fromStringList(d->classLabels);

    QJsonObject options;
    options[QStringLiteral("excluded")] = QJsonArray::fromStringList(d->options.excluded);
    options[QStringLiteral("oneHotMaxLevels")] = d->options.oneHotMaxLevels;
    options[QStringLiteral("embedMaxLevels")] = d->options.embedMaxLevels;
    options[QStringLiteral("targetEncodingFolds")] = d->options.targetEncodingFolds;
    options[QStringLiteral("smoothing")] = d->options.smoothing;
    options[QStringLiteral("seed")] = QString::number(d->options.seed);  // 64 bits do not fit a JSON double
    json[QStringLiteral("options")] = options;

    QJsonArray dropped;
    for (const DroppedColumn &c : d->dropped)
        dropped.append(QJsonObject{{QStringLiteral("column"), c.column}, {QStringLiteral("reason"), c.reason}});
    json[QStringLiteral("dropped")] = dropped;

    QJsonArray columns;
    for (const ColumnPlan &plan : d->plans) {
        QJsonObject c;
        c[QStringLiteral("name")] = plan.name;
        c[QStringLiteral("type")] = columnTypeName(plan.type);
        c[QStringLiteral("kind")] = kindName(plan.kind);
        c[QStringLiteral("scaled")] = plan.scaled;
        c[QStringLiteral("indicator")] = plan.indicator;
        switch (plan.kind) {
        case Kind::Numeric:
            c[QStringLiteral("median")] = plan.median;
            c[QStringLiteral("mean")] = plan.mean;
            c[QStringLiteral("std")] = plan.stdev;
            break;
        case Kind::OneHot:
        case Kind::Embedded: c[QStringLiteral("levels")] = QJsonArray::fromStringList(plan.levels); break;
        case Kind::TargetEncoded: {
            c[QStringLiteral("levels")] = QJsonArray::fromStringList(plan.levels);
            c[QStringLiteral("outputs")] = plan.outputs;
            c[QStringLiteral("full")] = toArray(plan.full);
            QJsonArray oof;
            for (const std::vector<float> &f : plan.oof)
                oof.append(toArray(f));
            c[QStringLiteral("outOfFold")] = oof;
            c[QStringLiteral("mean")] = toArray(plan.encMean);
            c[QStringLiteral("std")] = toArray(plan.encStd);
            break;
        }
        case Kind::Date: {
            c[QStringLiteral("minimum")] = QString::number(plan.minMs);
            c[QStringLiteral("dateTime")] = plan.dateTime;
            c[QStringLiteral("mean")] = toArray(std::vector<double>(plan.dateMean, plan.dateMean + kDatePartCount));
            c[QStringLiteral("std")] = toArray(std::vector<double>(plan.dateStd, plan.dateStd + kDatePartCount));
            break;
        }
        case Kind::Words:
            c[QStringLiteral("words")] = QJsonArray::fromStringList(plan.levels);
            c[QStringLiteral("mean")] = plan.mean;
            c[QStringLiteral("std")] = plan.stdev;
            break;
        }
        columns.append(c);
    }
    json[QStringLiteral("columns")] = columns;
    return json;
}

Result<Preprocessor> Preprocessor::fromJson(const QJsonObject &json)
{
    using R = Result<Preprocessor>;
    auto corrupt = [](const QString &what) {
        return R::failure(ErrorCode::Corrupt,
                          QStringLiteral("The saved data preparation is damaged (%1). Build the model again.").arg(what));
    };
    if (json.value(QStringLiteral("format")).toString() != QLatin1String("easel.preprocessor"))
        return corrupt(QStringLiteral("not a data preparation"));
    if (json.value(QStringLiteral("version")).toInt() > kWordsFormatVersion)
        return R::failure(ErrorCode::Unsupported,
                          QStringLiteral("This model was saved by a newer Easel. Update Easel to open it."));

    Preprocessor pre;
    Private &p = *pre.d;
    if (!flavourFromName(json.value(QStringLiteral("flavour")).toString(), &p.options.flavour))
        return corrupt(QStringLiteral("unknown flavour"));
    if (!problemTypeFromName(json.value(QStringLiteral("problem")).toString(), &p.problem))
        return corrupt(QStringLiteral("unknown problem type"));
    p.target = json.value(QStringLiteral("target")).toString();
    for (const QJsonValue &v : json.value(QStringLiteral("classLabels")).toArray())
        p.classLabels << v.toString();

    const QJsonObject options = json.value(QStringLiteral("options")).toObject();
    for (const QJsonValue &v : options.value(QStringLiteral("excluded")).toArray())
        p.options.excluded << v.toString();
    p.options.oneHotMaxLevels = options.value(QStringLiteral("oneHotMaxLevels")).toInt(12);
    p.options.embedMaxLevels = options.value(QStringLiteral("embedMaxLevels")).toInt(1000);
    p.options.targetEncodingFolds = std::max(2, options.value(QStringLiteral("targetEncodingFolds")).toInt(5));
    p.options.smoothing = options.value(QStringLiteral("smoothing")).toDouble(10);
    bool seedOk = false;
    p.options.seed = options.value(QStringLiteral("seed")).toString().toULongLong(&seedOk);
    if (!seedOk)
        return corrupt(QStringLiteral("bad seed"));

    for (const QJsonValue &v : json.value(QStringLiteral("dropped")).toArray()) {
        const QJsonObject o = v.toObject();
        p.dropped.push_back({o.value(QStringLiteral("column")).toString(), o.value(QStringLiteral("reason")).toString()});
    }

    const QJsonArray columns = json.value(QStringLiteral("columns")).toArray();
    if (columns.isEmpty())
        return corrupt(QStringLiteral("no columns"));
    for (const QJsonValue &value : columns) {
        const QJsonObject c = value.toObject();
        ColumnPlan plan;
        plan.name = c.value(QStringLiteral("name")).toString();
        if (plan.name.isEmpty())
            return corrupt(QStringLiteral("a column without a name"));
        if (!columnTypeFromName(c.value(QStringLiteral("type")).toString(), &plan.type)
            || !kindFromName(c.value(QStringLiteral("kind")).toString(), &plan.kind))
            return corrupt(QStringLiteral("column %1 has an unknown type").arg(plan.name));
        plan.scaled = c.value(QStringLiteral("scaled")).toBool();
        plan.indicator = c.value(QStringLiteral("indicator")).toBool();
        switch (plan.kind) {
        case Kind::Numeric:
            plan.median = c.value(QStringLiteral("median")).toDouble();
            plan.mean = c.value(QStringLiteral("mean")).toDouble();
            plan.stdev = c.value(QStringLiteral("std")).toDouble(1);
            if (!(plan.stdev > 0))
                return corrupt(QStringLiteral("column %1 has a bad scale").arg(plan.name));
            break;
        case Kind::OneHot:
        case Kind::Embedded:
        case Kind::TargetEncoded:
            for (const QJsonValue &l : c.value(QStringLiteral("levels")).toArray())
                plan.levels << l.toString();
            if (plan.levels.isEmpty())
                return corrupt(QStringLiteral("column %1 has no levels").arg(plan.name));
            if (plan.kind == Kind::TargetEncoded) {
                plan.outputs = c.value(QStringLiteral("outputs")).toInt();
                if (plan.outputs < 1)
                    return corrupt(QStringLiteral("column %1 has no encoding").arg(plan.name));
                const size_t size = (size_t(plan.levels.size()) + 2) * size_t(plan.outputs);
                if (!fromArray(c.value(QStringLiteral("full")), &plan.full, size)
                    || !fromArray(c.value(QStringLiteral("mean")), &plan.encMean, size_t(plan.outputs))
                    || !fromArray(c.value(QStringLiteral("std")), &plan.encStd, size_t(plan.outputs)))
                    return corrupt(QStringLiteral("column %1 has a bad encoding").arg(plan.name));
                const QJsonArray oof = c.value(QStringLiteral("outOfFold")).toArray();
                if (oof.size() != p.folds())
                    return corrupt(QStringLiteral("column %1 has a bad encoding").arg(plan.name));
                for (const QJsonValue &f : oof) {
                    std::vector<float> fold;
                    if (!fromArray(f, &fold, size))
                        return corrupt(QStringLiteral("column %1 has a bad encoding").arg(plan.name));
                    plan.oof.push_back(std::move(fold));
                }
            }
            break;
        case Kind::Date: {
            bool ok = false;
            plan.minMs = c.value(QStringLiteral("minimum")).toString().toLongLong(&ok);
            plan.dateTime = c.value(QStringLiteral("dateTime")).toBool();
            std::vector<double> mean, sd;
            if (!ok || !fromArray(c.value(QStringLiteral("mean")), &mean, kDatePartCount)
                || !fromArray(c.value(QStringLiteral("std")), &sd, kDatePartCount))
                return corrupt(QStringLiteral("column %1 has bad date settings").arg(plan.name));
            std::copy(mean.begin(), mean.end(), plan.dateMean);
            std::copy(sd.begin(), sd.end(), plan.dateStd);
            break;
        }
        case Kind::Words:
            for (const QJsonValue &w : c.value(QStringLiteral("words")).toArray())
                plan.levels << w.toString();
            plan.mean = c.value(QStringLiteral("mean")).toDouble();
            plan.stdev = c.value(QStringLiteral("std")).toDouble(1);
            if (plan.levels.isEmpty() || plan.levels.contains(QString()) || !(plan.stdev > 0))
                return corrupt(QStringLiteral("column %1 has bad word settings").arg(plan.name));
            break;
        }
        p.plans.push_back(std::move(plan));
    }
    return pre;
}

} // namespace easel
