#include "model/drift.h"

#include <QHash>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace easel {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kMaxProfileLevels = 200;

double valueOf(const Column &c, size_t row) { return numberOrParsed(c, row); }

bool numericKind(ColumnType t) { return isNumeric(t) || t == ColumnType::Boolean; }

//! Bin of v among the 9 inner edges: 0..9.
int binOf(double v, const std::vector<double> &edges)
{
    return int(std::lower_bound(edges.begin(), edges.end(), v) - edges.begin());
}

double psiOf(const std::vector<double> &expected, const std::vector<double> &actual)
{
    double psi = 0;
    for (size_t i = 0; i < expected.size() && i < actual.size(); ++i) {
        const double e = std::max(expected[i], 1e-4), a = std::max(actual[i], 1e-4);
        psi += (a - e) * std::log(a / e);
    }
    return psi;
}

QString percent(double share)
{
    const double p = share * 100;
    return p >= 10 || p == 0 ? QString::number(std::lround(p)) : QString::number(p, 'f', 1);
}

QString number(double v) { return QString::number(v, 'g', 6); }

} // namespace

QJsonObject trainingProfile(const Table &table, const std::vector<size_t> &rows, const QStringList &columns)
{
    QJsonObject out;
    for (const QString &name : columns) {
        const int index = table.indexOf(name);
        if (index < 0)
            continue;
        const Column &c = table.column(size_t(index));
        size_t missing = 0;
        if (numericKind(c.type())) {
            std::vector<double> values;
            values.reserve(rows.size());
            for (size_t r : rows) {
                const double v = valueOf(c, r);
                if (std::isnan(v))
                    ++missing;
                else
                    values.push_back(v);
            }
            QJsonObject o{{QStringLiteral("kind"), QStringLiteral("numeric")},
                          {QStringLiteral("missing_share"), rows.empty() ? 0.0 : double(missing) / double(rows.size())}};
            if (!values.empty()) {
                std::sort(values.begin(), values.end());
                QJsonArray quantiles;
                std::vector<double> edges;
                for (int q = 0; q <= 10; ++q) {
                    const double v = values[std::min(values.size() - 1, size_t(double(values.size() - 1) * q / 10.0 + 0.5))];
                    quantiles.append(v);
                    if (q > 0 && q < 10)
                        edges.push_back(v);
                }
                std::vector<double> shares(10, 0.0);
                for (double v : values)
                    shares[size_t(binOf(v, edges))] += 1.0 / double(values.size());
                QJsonArray binShares;
                for (double s : shares)
                    binShares.append(s);
                o.insert(QStringLiteral("quantiles"), quantiles);
                o.insert(QStringLiteral("bin_shares"), binShares);
                o.insert(QStringLiteral("min"), values.front());
                o.insert(QStringLiteral("max"), values.back());
            }
            out.insert(name, o);
        } else if (c.storage() == Storage::String) {
            QHash<QString, qint64> counts;
            for (size_t r : rows) {
                if (c.isMissing(r))
                    ++missing;
                else
                    ++counts[c.textAt(r)];
            }
            std::vector<std::pair<qint64, QString>> sorted;
            for (auto it = counts.begin(); it != counts.end(); ++it)
                sorted.emplace_back(it.value(), it.key());
            std::sort(sorted.begin(), sorted.end(), [](const auto &a, const auto &b) {
                return a.first != b.first ? a.first > b.first : a.second < b.second;
            });
            const double n = std::max<double>(1.0, double(rows.size()));
            QJsonObject levels;
            double other = 0;
            for (size_t i = 0; i < sorted.size(); ++i) {
                if (int(i) < kMaxProfileLevels)
                    levels.insert(sorted[i].second, double(sorted[i].first) / n);
                else
                    other += double(sorted[i].first) / n;
            }
            out.insert(name, QJsonObject{{QStringLiteral("kind"), QStringLiteral("categorical")},
                                         {QStringLiteral("levels"), levels},
                                         {QStringLiteral("other_share"), other},
                                         {QStringLiteral("level_count"), qint64(sorted.size())},
                                         {QStringLiteral("missing_share"), double(missing) / n}});
        }
    }
    return QJsonObject{{QStringLiteral("rows"), qint64(rows.size())}, {QStringLiteral("columns"), out}};
}

QJsonObject DriftReport::toJson() const
{
    QJsonArray cols;
    for (const ColumnDrift &c : columns) {
        QJsonObject o{{QStringLiteral("column"), c.column},
                      {QStringLiteral("outside_range"), c.outsideRange},
                      {QStringLiteral("unseen_share"), c.unseenShare},
                      {QStringLiteral("missing_share"), c.missingShare},
                      {QStringLiteral("training_missing_share"), c.trainingMissingShare}};
        if (!std::isnan(c.psi))
            o.insert(QStringLiteral("psi"), c.psi);
        cols.append(o);
    }
    return QJsonObject{{QStringLiteral("rows"), qint64(rows)},
                       {QStringLiteral("columns"), cols},
                       {QStringLiteral("warnings"), QJsonArray::fromStringList(warnings)}};
}

DriftReport checkDrift(const QJsonObject &reference, const QJsonArray &inputSchema, const Table &sample)
{
    DriftReport report;
    report.rows = sample.rowCount();
    const size_t n = sample.rowCount();
    if (n == 0)
        return report;
    const QJsonObject profiles = reference.value(QStringLiteral("columns")).toObject();
    struct Warning
    {
        double severity;
        QString text;
    };
    std::vector<Warning> warnings;

    for (const QJsonValue &sv : inputSchema) {
        const QJsonObject schema = sv.toObject();
        const QString name = schema.value(QStringLiteral("name")).toString();
        const int index = sample.indexOf(name);
        if (index < 0)
            continue;
        const Column &c = sample.column(size_t(index));
        const QJsonObject profile = profiles.value(name).toObject();
        ColumnType type = ColumnType::Text;
        columnTypeFromName(schema.value(QStringLiteral("type")).toString(), &type);
        ColumnDrift d;
        d.column = name;
        d.psi = kNaN;
        d.trainingMissingShare = profile.value(QStringLiteral("missing_share")).toDouble(kNaN);
        size_t missing = 0;

        if (numericKind(type)) {
            const bool hasRange = schema.contains(QStringLiteral("min")) || profile.contains(QStringLiteral("min"));
            const double lo = profile.contains(QStringLiteral("min")) ? profile.value(QStringLiteral("min")).toDouble()
                                                                      : schema.value(QStringLiteral("min")).toDouble();
            const double hi = profile.contains(QStringLiteral("max")) ? profile.value(QStringLiteral("max")).toDouble()
                                                                      : schema.value(QStringLiteral("max")).toDouble();
            std::vector<double> edges;
            const QJsonArray q = profile.value(QStringLiteral("quantiles")).toArray();
            const QJsonArray expected = profile.value(QStringLiteral("bin_shares")).toArray();
            if (q.size() == 11 && expected.size() == 10)
                for (int i = 1; i < 10; ++i)
                    edges.push_back(q[i].toDouble());
            std::vector<double> actual(10, 0.0);
            size_t outside = 0, present = 0;
            for (size_t r = 0; r < n; ++r) {
                const double v = valueOf(c, r);
                if (std::isnan(v)) {
                    ++missing;
                    continue;
                }
                ++present;
                if (hasRange && (v < lo || v > hi))
                    ++outside;
                if (!edges.empty())
                    actual[size_t(binOf(v, edges))] += 1;
            }
            d.outsideRange = double(outside) / double(n);
            if (!edges.empty() && present > 0) {
                std::vector<double> e;
                for (const QJsonValue &v : expected)
                    e.push_back(v.toDouble());
                for (double &a : actual)
                    a /= double(present);
                d.psi = psiOf(e, actual);
            }
            if (d.outsideRange >= 0.05)
                warnings.push_back({d.outsideRange * 2,
                                    QStringLiteral("In *%1*, %2 % of the rows are outside the range the model was "
                                                   "trained on (%3–%4): predictions for them are less reliable.")
                                        .arg(name, percent(d.outsideRange), number(lo), number(hi))});
            else if (!std::isnan(d.psi) && d.psi > 0.25 && present >= 100)
                warnings.push_back({d.psi,
                                    QStringLiteral("The values of *%1* are spread differently than in the training "
                                                   "data (stability index %2; above 0.25 is a clear change): check that "
                                                   "the file measures %1 the same way. Predictions may be less reliable.")
                                        .arg(name, QString::number(d.psi, 'f', 2))});
        } else if (c.storage() == Storage::String || !isTemporal(type)) {
            QSet<QString> known;
            for (const QJsonValue &l : schema.value(QStringLiteral("levels")).toArray())
                known.insert(l.toString());
            const QJsonObject levels = profile.value(QStringLiteral("levels")).toObject();
            QHash<QString, double> counts;
            size_t unseen = 0;
            for (size_t r = 0; r < n; ++r) {
                if (c.isMissing(r)) {
                    ++missing;
                    continue;
                }
                const QString text = c.textAt(r);
                counts[text] += 1;
                if (!known.isEmpty() && !known.contains(text)) {
                    ++unseen;
                    if (d.unseenExample.isEmpty())
                        d.unseenExample = text;
                }
            }
            d.unseenShare = double(unseen) / double(n);
            if (!levels.isEmpty()) {
                std::vector<double> e, a;
                double otherActual = 0;
                for (auto it = counts.begin(); it != counts.end(); ++it)
                    if (!levels.contains(it.key()))
                        otherActual += it.value() / double(n);
                for (auto it = levels.begin(); it != levels.end(); ++it) {
                    e.push_back(it.value().toDouble());
                    a.push_back(counts.value(it.key()) / double(n));
                }
                e.push_back(profile.value(QStringLiteral("other_share")).toDouble());
                a.push_back(otherActual);
                e.push_back(profile.value(QStringLiteral("missing_share")).toDouble());
                a.push_back(double(missing) / double(n));
                d.psi = psiOf(e, a);
            }
            if (d.unseenShare >= 0.05)
                warnings.push_back({d.unseenShare * 2,
                                    QStringLiteral("In *%1*, %2 % of the rows hold values the model never saw in "
                                                   "training (such as \"%3\"): it treats them as unknown, so predictions "
                                                   "for them are less reliable.")
                                        .arg(name, percent(d.unseenShare), d.unseenExample)});
            else if (!std::isnan(d.psi) && d.psi > 0.25 && n >= 100)
                warnings.push_back({d.psi,
                                    QStringLiteral("The mix of values in *%1* differs from the training data (stability "
                                                   "index %2; above 0.25 is a clear change). Predictions may be less "
                                                   "reliable.")
                                        .arg(name, QString::number(d.psi, 'f', 2))});
        }
        d.missingShare = double(missing) / double(n);
        const double trainedMissing = std::isnan(d.trainingMissingShare) ? 0.0 : d.trainingMissingShare;
        if (d.missingShare - trainedMissing >= 0.2)
            warnings.push_back({d.missingShare - trainedMissing,
                                QStringLiteral("*%1* is empty in %2 % of the rows, against %3 % in the training data: "
                                               "Easel fills the gaps in, but predictions for those rows are less reliable.")
                                    .arg(name, percent(d.missingShare), percent(trainedMissing))});
        report.columns.push_back(d);
    }
    std::stable_sort(warnings.begin(), warnings.end(),
                     [](const Warning &a, const Warning &b) { return a.severity > b.severity; });
    for (const Warning &w : warnings)
        report.warnings << w.text;
    return report;
}

} // namespace easel
