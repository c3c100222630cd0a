#include "model/row_input.h"

#include "model/predictor.h"

#include <QDateTime>
#include <QJsonArray>
#include <QSet>

#include <cmath>

namespace easel {

namespace {

bool isMissingToken(const QString &text)
{
    static const QSet<QString> tokens = {QString(),          QStringLiteral("NA"),   QStringLiteral("N/A"),
                                         QStringLiteral("NaN"), QStringLiteral("nan"), QStringLiteral("null"),
                                         QStringLiteral("NULL"), QStringLiteral("?")};
    return tokens.contains(text.trimmed());
}

bool parseBool(const QString &text)
{
    static const QSet<QString> ok = {QStringLiteral("true"), QStringLiteral("false"), QStringLiteral("yes"),
                                     QStringLiteral("no"),   QStringLiteral("t"),     QStringLiteral("f"),
                                     QStringLiteral("y"),    QStringLiteral("n"),     QStringLiteral("1"),
                                     QStringLiteral("0")};
    return ok.contains(text.trimmed().toLower());
}

bool parseDate(const QString &text)
{
    const QString t = text.trimmed();
    return QDate::fromString(t, Qt::ISODate).isValid() || QDateTime::fromString(t, Qt::ISODate).isValid()
           || QDateTime::fromString(t, QStringLiteral("yyyy-MM-dd HH:mm:ss")).isValid()
           || QDateTime::fromString(t, QStringLiteral("yyyy-MM-dd HH:mm")).isValid();
}

QString number(double v) { return QString::number(v, 'g', 6); }

} // namespace

Result<QMap<QString, QString>> rowValuesFromJson(const QJsonObject &json)
{
    QMap<QString, QString> out;
    for (auto it = json.begin(); it != json.end(); ++it) {
        const QJsonValue v = it.value();
        switch (v.type()) {
        case QJsonValue::String: out.insert(it.key(), v.toString()); break;
        case QJsonValue::Double: out.insert(it.key(), QString::number(v.toDouble(), 'g', 17)); break;
        case QJsonValue::Bool: out.insert(it.key(), v.toBool() ? QStringLiteral("true") : QStringLiteral("false")); break;
        case QJsonValue::Null:
        case QJsonValue::Undefined: out.insert(it.key(), QString()); break;
        default:
            return Result<QMap<QString, QString>>::failure(
                ErrorCode::InvalidArgument,
                QStringLiteral("%1 must be a single value (text or a number), not a list or an object.").arg(it.key()));
        }
    }
    return out;
}

Result<Table> rowTable(const Predictor &predictor, const QMap<QString, QString> &values, QStringList *warnings)
{
    QStringList errors, notes;
    const QStringList inputs = predictor.inputColumns();
    Table table;
    table.setRowCount(1);
    for (const QString &name : inputs) {
        const QJsonObject schema = predictor.schemaOf(name);
        ColumnType type = ColumnType::Text;
        columnTypeFromName(schema.value(QStringLiteral("type")).toString(), &type);
        Column column(name, type, Storage::String);
        const auto it = values.find(name);
        const QString text = it == values.end() ? QString() : it.value();
        if (isMissingToken(text)) {
            column.codes().push_back(kMissingCode);
            notes << QStringLiteral("*%1* has no value: Easel filled in a typical value, as it did for empty cells in "
                                    "training.")
                         .arg(name);
            table.addColumn(std::move(column));
            continue;
        }
        const QString trimmed = text.trimmed();
        if (isNumeric(type)) {
            bool ok = false;
            const double v = trimmed.toDouble(&ok);
            if (!ok || !std::isfinite(v))
                errors << QStringLiteral("%1 must be a number; got '%2'.").arg(name, text);
            else if (schema.contains(QStringLiteral("min")) && schema.contains(QStringLiteral("max"))) {
                const double lo = schema.value(QStringLiteral("min")).toDouble();
                const double hi = schema.value(QStringLiteral("max")).toDouble();
                if (v < lo || v > hi)
                    notes << QStringLiteral("*%1* is %2, outside the range the model was trained on (%3–%4): the "
                                            "prediction is less reliable.")
                                 .arg(name, trimmed, number(lo), number(hi));
            }
        } else if (type == ColumnType::Boolean) {
            if (!parseBool(trimmed))
                errors << QStringLiteral("%1 must be yes or no (or true / false); got '%2'.").arg(name, text);
        } else if (isTemporal(type)) {
            if (!parseDate(trimmed))
                errors << QStringLiteral("%1 must be a date like 2024-05-01; got '%2'.").arg(name, text);
        } else {
            const QJsonArray levels = schema.value(QStringLiteral("levels")).toArray();
            if (!levels.isEmpty() && !levels.contains(QJsonValue(text)))
                notes << QStringLiteral("*%1* is '%2', a value never seen in training: Easel treats it as unknown.")
                             .arg(name, text);
        }
        column.dictionary().push_back(text.toStdString());
        column.codes().push_back(0);
        table.addColumn(std::move(column));
    }
    const QString target = predictor.target();
    for (auto it = values.begin(); it != values.end(); ++it)
        if (!inputs.contains(it.key()) && it.key() != target)
            notes << QStringLiteral("'%1' is not a column the model uses; it was ignored.").arg(it.key());
    if (!errors.isEmpty())
        return Result<Table>::failure(ErrorCode::InvalidArgument, errors.join(QLatin1Char(' ')));
    if (warnings)
        *warnings << notes;
    return table;
}

QJsonObject RowPrediction::toJson() const
{
    QJsonObject o{{QStringLiteral("prediction"), label}, {QStringLiteral("value"), value}};
    if (!classLabels.isEmpty()) {
        QJsonObject probs;
        for (qsizetype k = 0; k < classLabels.size() && size_t(k) < probabilities.size(); ++k)
            probs.insert(classLabels[k], probabilities[size_t(k)]);
        o.insert(QStringLiteral("probabilities"), probs);
    }
    if (explanation)
        o.insert(QStringLiteral("explanation"), explanation->toJson());
    o.insert(QStringLiteral("warnings"), QJsonArray::fromStringList(warnings));
    return o;
}

Result<RowPrediction> predictRow(const Predictor &predictor, const QMap<QString, QString> &values,
                                 const RowOptions &options)
{
    using R = Result<RowPrediction>;
    RowPrediction out;
    Result<Table> table = rowTable(predictor, values, &out.warnings);
    if (!table)
        return R(table.error());
    Result<Predictions> pred = predictor.predict(*table);
    if (!pred)
        return R(pred.error());
    out.label = predictor.labelAt(*pred, 0);
    if (predictor.problem() == ProblemType::Regression) {
        out.value = pred->values[0];
    } else {
        out.classLabels = predictor.classLabels();
        out.probabilities = predictor.probabilitiesAt(*pred, 0);
        const qsizetype k = out.classLabels.indexOf(out.label);
        out.value = k >= 0 && size_t(k) < out.probabilities.size() ? out.probabilities[size_t(k)] : 0.0;
    }
    if (options.explain) {
        Result<std::vector<RowExplanation>> e = explainRows(predictor, *table, {0});
        if (!e)
            return R(e.error());
        out.explanation = std::move(e->front());
    }
    return out;
}

Result<RowPrediction> predictRow(const Predictor &predictor, const QJsonObject &values, const RowOptions &options)
{
    Result<QMap<QString, QString>> map = rowValuesFromJson(values);
    if (!map)
        return Result<RowPrediction>(map.error());
    return predictRow(predictor, *map, options);
}

} // namespace easel
