#include "automl/problem.h"

#include <QHash>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <unordered_map>

namespace easel {

namespace {

constexpr size_t kMinUsableRows = 20;
constexpr size_t kMaxIntegerClasses = 10;

//! Distinct target values (as written in the CSV) with their counts.
struct TargetValues
{
    std::vector<QString> labels;   //!< distinct labels, sorted (numerically when all are numbers)
    std::vector<size_t> counts;    //!< rows per label
    size_t usable = 0;             //!< rows with a value
    bool numericLabels = false;    //!< every label parses as a number
};

bool parseNumber(const QString &text, double *value)
{
    bool ok = false;
    const double v = text.toDouble(&ok);
    if (ok && std::isfinite(v)) {
        *value = v;
        return true;
    }
    return false;
}

//! Sorts labels numerically when all parse as numbers, else by text; returns
//! whether the sort was numeric.
bool sortLabels(std::vector<QString> &labels)
{
    std::vector<std::pair<double, QString>> numbers;
    numbers.reserve(labels.size());
    for (const QString &label : labels) {
        double v = 0;
        if (!parseNumber(label, &v)) {
            std::sort(labels.begin(), labels.end());
            return false;
        }
        numbers.emplace_back(v, label);
    }
    std::sort(numbers.begin(), numbers.end());
    for (size_t i = 0; i < labels.size(); ++i)
        labels[i] = numbers[i].second;
    return true;
}

//! Counts the distinct labels of a column cheaply (per dictionary code for strings).
TargetValues collectValues(const Column &column)
{
    TargetValues out;
    std::map<QString, size_t> counts;
    const size_t n = column.size();
    if (column.storage() == Storage::String) {
        std::vector<size_t> perCode(column.dictionary().size(), 0);
        for (int32_t code : column.codes())
            if (code >= 0)
                ++perCode[size_t(code)];
        for (size_t c = 0; c < perCode.size(); ++c)
            if (perCode[c] > 0)
                counts[QString::fromStdString(column.dictionary()[c])] += perCode[c];
    } else if (column.storage() == Storage::Int64) {
        std::unordered_map<int64_t, size_t> perValue;
        std::unordered_map<int64_t, size_t> firstRow;
        for (size_t r = 0; r < n; ++r) {
            const int64_t v = column.int64s()[r];
            if (v == kMissingInt64)
                continue;
            if (perValue[v]++ == 0)
                firstRow[v] = r;
        }
        for (const auto &[v, count] : perValue)
            counts[column.textAt(firstRow[v])] += count;
    } else {
        for (size_t r = 0; r < n; ++r)
            if (!column.isMissing(r))
                ++counts[column.textAt(r)];
    }
    for (const auto &[label, count] : counts) {
        out.labels.push_back(label);
        out.usable += count;
    }
    out.numericLabels = sortLabels(out.labels);
    for (const QString &label : out.labels)
        out.counts.push_back(counts[label]);
    return out;
}

QString number(size_t n)
{
    // Thousands separated by a space, as in UX.md ("48 311 rows"), independent of the system locale.
    QString digits = QString::number(qulonglong(n));
    for (int i = digits.size() - 3; i > 0; i -= 3)
        digits.insert(i, QLatin1Char(' '));
    return digits;
}

QString quoteList(const std::vector<QString> &labels, size_t max = 3)
{
    QStringList shown;
    for (size_t i = 0; i < labels.size() && i < max; ++i)
        shown << labels[i];
    QString text;
    if (shown.size() == 2 && labels.size() == 2)
        text = shown[0] + QStringLiteral(" and ") + shown[1];
    else
        text = shown.join(QStringLiteral(", "));
    if (labels.size() > max)
        text += QStringLiteral(", …");
    return text;
}

Result<TargetInfo> fail(const QString &message)
{
    return Result<TargetInfo>::failure(ErrorCode::InvalidArgument, message);
}

//! Shared checks and the label list; problem is the type to build.
Result<TargetInfo> build(const Table &table, const QString &name, ProblemType problem, bool forced,
                         const TargetValues *precomputed = nullptr)
{
    const int index = table.indexOf(name);
    if (index < 0)
        return fail(QStringLiteral("There is no column named %1 in this data set.").arg(name));
    const Column &column = table.column(size_t(index));
    const TargetValues values = precomputed ? *precomputed : collectValues(column);

    if (values.usable == 0)
        return fail(QStringLiteral("%1 is empty in every row, so there is nothing to learn from. "
                                   "Choose another column to predict.").arg(name));
    if (values.labels.size() == 1)
        return fail(QStringLiteral("%1 holds the same value (%2) in every row, so there is nothing to predict. "
                                   "Choose another column.").arg(name, values.labels.front()));
    if (values.usable < kMinUsableRows)
        return fail(QStringLiteral("Only %1 rows have a value in %2; Easel needs at least %3 to build a model. "
                                   "Add rows or choose another column.")
                        .arg(values.usable).arg(name).arg(kMinUsableRows));
    if (isTemporal(column.type()))
        return fail(QStringLiteral("%1 holds dates. Easel predicts categories or numbers, not dates; "
                                   "choose another column.").arg(name));

    TargetInfo info;
    info.column = name;
    info.problem = problem;
    const size_t k = values.labels.size();

    if (problem == ProblemType::Regression) {
        if (!isNumeric(column.type()))
            return fail(QStringLiteral("%1 holds labels, not numbers, so Easel cannot predict it as a number. "
                                       "Predict it as a category instead.").arg(name));
        info.reason = forced
            ? QStringLiteral("You chose to predict %1 as a number.").arg(name)
            : QStringLiteral("%1 holds numbers with %2 different values, so Easel predicts a number.")
                  .arg(name, number(k));
        return info;
    }

    if (problem == ProblemType::Binary && k != 2)
        return fail(QStringLiteral("%1 holds %2 different values, not 2, so it cannot be predicted as yes/no. "
                                   "Predict it as one of several categories instead.").arg(name, number(k)));
    if (problem == ProblemType::Multiclass && k == 2)
        return fail(QStringLiteral("%1 holds only 2 different values (%2); predict it as yes/no instead.")
                        .arg(name, quoteList(values.labels)));

    for (size_t i = 0; i < k; ++i) {
        if (values.counts[i] < 2) {
            if (!forced && k > kMaxIntegerClasses * 2)
                return fail(QStringLiteral("%1 holds %2 different values and some appear only once, so it cannot be "
                                           "predicted as categories. If it is an ID, choose another column.")
                                .arg(name, number(k)));
            return fail(QStringLiteral("The value %1 of %2 appears in a single row; Easel needs at least two "
                                       "examples of every category. Fix or remove that row, or choose another column.")
                            .arg(values.labels[i], name));
        }
    }

    for (const QString &label : values.labels)
        info.classLabels << label;

    if (forced)
        info.reason = problem == ProblemType::Binary
            ? QStringLiteral("You chose to predict %1 as yes/no (%2).").arg(name, quoteList(values.labels))
            : QStringLiteral("You chose to predict %1 as one of %2 categories.").arg(name, number(k));
    else if (problem == ProblemType::Binary)
        info.reason = QStringLiteral("%1 holds 2 different values (%2), so Easel predicts which of the two a row has.")
                          .arg(name, quoteList(values.labels));
    else if (isNumeric(column.type()))
        info.reason = QStringLiteral("%1 holds only %2 different whole numbers (%3), so Easel predicts one of several "
                                     "categories. Choose \"a number\" to predict it as a quantity instead.")
                          .arg(name, number(k), quoteList(values.labels, 4));
    else
        info.reason = QStringLiteral("%1 holds %2 different labels, so Easel predicts one of several categories.")
                          .arg(name, number(k));
    return info;
}

} // namespace

QString problemTypeName(ProblemType type)
{
    switch (type) {
    case ProblemType::Binary: return QStringLiteral("binary");
    case ProblemType::Multiclass: return QStringLiteral("multiclass");
    case ProblemType::Regression: return QStringLiteral("regression");
    }
    return QStringLiteral("regression");
}

bool problemTypeFromName(const QString &name, ProblemType *type)
{
    for (ProblemType t : {ProblemType::Binary, ProblemType::Multiclass, ProblemType::Regression}) {
        if (problemTypeName(t) == name) {
            if (type)
                *type = t;
            return true;
        }
    }
    return false;
}

Result<TargetInfo> detectTarget(const Table &table, const QString &column)
{
    const int index = table.indexOf(column);
    if (index < 0)
        return build(table, column, ProblemType::Regression, false);
    const Column &col = table.column(size_t(index));
    const TargetValues values = collectValues(col);
    const size_t k = values.labels.size();

    ProblemType problem = ProblemType::Multiclass;
    if (k == 2) {
        problem = ProblemType::Binary;
    } else if (col.type() == ColumnType::Real) {
        problem = ProblemType::Regression;
    } else if (col.type() == ColumnType::Integer) {
        // Few whole numbers are categories (wine quality 3–9), many are a quantity (abalone rings 1–29).
        // A value seen only once cannot be a class: then it is a quantity too.
        const bool rare = std::any_of(values.counts.begin(), values.counts.end(), [](size_t c) { return c < 2; });
        problem = (k <= kMaxIntegerClasses && !rare) ? ProblemType::Multiclass : ProblemType::Regression;
    }
    return build(table, column, problem, false, &values);
}

Result<TargetInfo> targetAs(const Table &table, const QString &column, ProblemType problem)
{
    return build(table, column, problem, true);
}

std::vector<float> encodeTarget(const Table &table, const TargetInfo &target)
{
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const int index = table.indexOf(target.column);
    if (index < 0)
        return std::vector<float>(table.rowCount(), nan);
    const Column &column = table.column(size_t(index));
    const size_t n = column.size();
    std::vector<float> y(n, nan);

    if (target.problem == ProblemType::Regression) {
        if (column.storage() == Storage::String) {
            for (size_t r = 0; r < n; ++r) {
                double v = 0;
                if (!column.isMissing(r) && parseNumber(column.textAt(r), &v))
                    y[r] = float(v);
            }
        } else {
            for (size_t r = 0; r < n; ++r)
                y[r] = float(column.numberAt(r));
        }
        return y;
    }

    QHash<QString, int> classOf;
    for (int i = 0; i < target.classLabels.size(); ++i)
        classOf.insert(target.classLabels[i], i);
    auto lookup = [&](const QString &text) { return float(classOf.value(text, -1)); };

    if (column.storage() == Storage::String) {
        std::vector<float> perCode(column.dictionary().size());
        for (size_t c = 0; c < perCode.size(); ++c) {
            const float cls = lookup(QString::fromStdString(column.dictionary()[c]));
            perCode[c] = cls < 0 ? nan : cls;
        }
        for (size_t r = 0; r < n; ++r) {
            const int32_t code = column.codes()[r];
            if (code >= 0)
                y[r] = perCode[size_t(code)];
        }
    } else {
        std::unordered_map<uint64_t, float> cache;
        for (size_t r = 0; r < n; ++r) {
            if (column.isMissing(r))
                continue;
            uint64_t key = 0;
            switch (column.storage()) {
            case Storage::Int64: key = uint64_t(column.int64s()[r]); break;
            case Storage::Float64: {
                const double v = column.doubles()[r];
                std::memcpy(&key, &v, sizeof key);
                break;
            }
            case Storage::Bool: key = uint64_t(column.bools()[r]); break;
            case Storage::String: break;
            }
            auto it = cache.find(key);
            if (it == cache.end()) {
                const float cls = lookup(column.textAt(r));
                it = cache.emplace(key, cls < 0 ? nan : cls).first;
            }
            y[r] = it->second;
        }
    }
    return y;
}

} // namespace easel
