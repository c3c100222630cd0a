// easel-cli serve: what each request means, independent of HTTP.
#include "serve_endpoint.h"

#include "automl/problem.h"
#include "data/csv_reader.h"
#include "data/table.h"
#include "model/predictor.h"

#include <QDate>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>

#include <charconv>
#include <cmath>
#include <unordered_map>

namespace easel::cli {

namespace {

//! A float as JSON shows it best: its shortest decimal form ("0.96", not "0.9599999785").
double tidy(float v)
{
    if (!std::isfinite(v))
        return double(v);
    char buffer[32];
    const auto written = std::to_chars(buffer, buffer + sizeof buffer, v);
    double out = double(v);
    std::from_chars(buffer, written.ptr, out);
    return out;
}

QJsonValue jsonNumber(double v) { return std::isfinite(v) ? QJsonValue(v) : QJsonValue(); }

bool isNumberType(const QString &type)
{
    return type == QLatin1String("integer") || type == QLatin1String("real") || type == QLatin1String("boolean");
}

//! The texts a CSV import reads as a missing value ("NA", "null", "?", …): the same here.
bool isMissingText(const QString &trimmed)
{
    static const QStringList tokens = ImportOptions().missingTokens;
    return tokens.contains(trimmed);
}

bool isDateType(const QString &type) { return type == QLatin1String("date") || type == QLatin1String("datetime"); }

//! The same words the model's pipeline reads as numbers (see parseNumberText in preprocess.cpp).
bool readsAsNumber(const QString &text)
{
    bool ok = false;
    (void)text.toDouble(&ok);
    if (ok)
        return true;
    static const QStringList words{QStringLiteral("true"), QStringLiteral("yes"), QStringLiteral("t"),
                                   QStringLiteral("y"),    QStringLiteral("false"), QStringLiteral("no"),
                                   QStringLiteral("f"),    QStringLiteral("n")};
    return words.contains(text.toLower());
}

//! "row 4 (index 3)": people count from 1, programs from 0.
QString rowName(qsizetype row, bool capital = false)
{
    return (capital ? QStringLiteral("Row %1 (index %2)") : QStringLiteral("row %1 (index %2)")).arg(row + 1).arg(row);
}

QString shown(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::String: {
        QString s = v.toString();
        if (s.size() > 40)
            s = s.left(37) + QStringLiteral("...");
        return QLatin1Char('"') + s + QLatin1Char('"');
    }
    case QJsonValue::Bool: return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double: return QString::number(v.toDouble(), 'g', QLocale::FloatingPointShortest);
    case QJsonValue::Array: return QStringLiteral("a list");
    case QJsonValue::Object: return QStringLiteral("an object");
    default: return QStringLiteral("null");
    }
}

//! 1-based line and column of a byte offset in body, for parse errors.
QString positionOf(const QByteArray &body, int offset)
{
    offset = qBound(0, offset, int(body.size()));
    int line = 1, column = 1;
    for (int i = 0; i < offset; ++i) {
        if (body[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return QStringLiteral("line %1, column %2 (byte %3)").arg(line).arg(column).arg(offset);
}

} // namespace

QByteArray ServeReply::toJson() const { return QJsonDocument(body).toJson(QJsonDocument::Compact); }

ServeReply ServeReply::error(int status, const QString &message)
{
    return {status, QJsonObject{{QStringLiteral("error"), message}}};
}

ServeEndpoint::ServeEndpoint(const Predictor &predictor, QString name) : m_predictor(predictor)
{
    const QJsonObject &manifest = predictor.manifest();
    m_model = QJsonObject{{QStringLiteral("name"), name},
                          {QStringLiteral("target"), predictor.target()},
                          {QStringLiteral("problem_type"), problemTypeName(predictor.problem())},
                          {QStringLiteral("families"), QJsonArray::fromStringList(predictor.families())}};
    for (const QJsonValue &v : manifest.value(QStringLiteral("input_schema")).toArray()) {
        const QJsonObject o = v.toObject();
        m_inputs.push_back({o.value(QStringLiteral("name")).toString(), o.value(QStringLiteral("type")).toString()});
    }
}

ServeReply ServeEndpoint::health() const
{
    return {200, QJsonObject{{QStringLiteral("status"), QStringLiteral("ok")}, {QStringLiteral("model"), m_model}}};
}

ServeReply ServeEndpoint::schema() const
{
    const QJsonObject &manifest = m_predictor.manifest();
    const QJsonArray columns = manifest.value(QStringLiteral("input_schema")).toArray();
    // An example row a user can paste into a first request.
    QJsonObject example;
    for (const QJsonValue &v : columns) {
        const QJsonObject c = v.toObject();
        const QString name = c.value(QStringLiteral("name")).toString();
        const QString type = c.value(QStringLiteral("type")).toString();
        const QJsonArray levels = c.value(QStringLiteral("levels")).toArray();
        if (!levels.isEmpty())
            example.insert(name, levels.first());
        else if (c.contains(QStringLiteral("example")))
            example.insert(name, c.value(QStringLiteral("example")));
        else if (c.contains(QStringLiteral("min")) && c.contains(QStringLiteral("max")))
            example.insert(name, (c.value(QStringLiteral("min")).toDouble() + c.value(QStringLiteral("max")).toDouble()) / 2);
        else if (isDateType(type))
            example.insert(name, QStringLiteral("2024-01-01"));
        else
            example.insert(name, QJsonValue());
    }
    QJsonObject body{{QStringLiteral("model"), m_model},
                     {QStringLiteral("target"), m_predictor.target()},
                     {QStringLiteral("problem_type"), problemTypeName(m_predictor.problem())},
                     {QStringLiteral("columns"), columns},
                     {QStringLiteral("example"), example},
                     {QStringLiteral("max_rows_per_request"), qint64(kMaxRows)}};
    if (m_predictor.problem() != ProblemType::Regression)
        body.insert(QStringLiteral("class_labels"), QJsonArray::fromStringList(m_predictor.classLabels()));
    if (m_predictor.problem() == ProblemType::Binary)
        body.insert(QStringLiteral("threshold"), m_predictor.threshold());
    return {200, body};
}

ServeReply ServeEndpoint::predict(const QByteArray &body) const
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        if (body.trimmed().isEmpty())
            return ServeReply::error(400, QStringLiteral("The request body is empty. Send a JSON array of rows, "
                                                         "for example [{\"column\": value, ...}]."));
        ServeReply r = ServeReply::error(
            400, QStringLiteral("The request body is not valid JSON: %1 at %2.")
                     .arg(parseError.errorString(), positionOf(body, parseError.offset)));
        r.body.insert(QStringLiteral("offset"), parseError.offset);
        return r;
    }
    QJsonArray rows;
    if (doc.isArray())
        rows = doc.array();
    else if (doc.isObject())
        rows.append(doc.object());
    else
        return ServeReply::error(400, QStringLiteral("Send a JSON array of rows, or one row as an object."));
    if (rows.size() > kMaxRows)
        return ServeReply::error(413, QStringLiteral("The request holds %1 rows; send at most %2 per request.")
                                          .arg(rows.size())
                                          .arg(kMaxRows));

    // One String column per input, as a CSV would give it: the model's pipeline
    // reads numbers and dates from the text. Every value is checked first.
    const size_t n = size_t(rows.size());
    Table table;
    table.setRowCount(n);
    std::vector<Column> columns;
    std::vector<std::unordered_map<QString, int32_t>> dictionaries(m_inputs.size());
    columns.reserve(m_inputs.size());
    for (const InputColumn &c : m_inputs) {
        const bool categorical = c.type == QLatin1String("categorical");
        columns.emplace_back(c.name, categorical ? ColumnType::Categorical : ColumnType::Text, Storage::String);
        columns.back().codes().resize(n, kMissingCode);
    }
    for (size_t r = 0; r < n; ++r) {
        const QJsonValue rowValue = rows.at(qsizetype(r));
        if (!rowValue.isObject()) {
            ServeReply e = ServeReply::error(
                400, QStringLiteral("%1 is %2, not an object like {\"column\": value}.")
                         .arg(rowName(qsizetype(r), true), shown(rowValue)));
            e.body.insert(QStringLiteral("row"), qint64(r));
            return e;
        }
        const QJsonObject row = rowValue.toObject();
        QStringList lacking;
        for (size_t c = 0; c < m_inputs.size(); ++c) {
            const InputColumn &input = m_inputs[c];
            const auto it = row.constFind(input.name);
            if (it == row.constEnd()) {
                lacking << input.name;
                continue;
            }
            const QJsonValue v = it.value();
            QString text;
            QString expected;
            switch (v.type()) {
            case QJsonValue::Null:
            case QJsonValue::Undefined: break;
            case QJsonValue::Bool:
                if (isDateType(input.type))
                    expected = QStringLiteral("a date like \"2024-05-01\"");
                else
                    text = v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
                break;
            case QJsonValue::Double:
                if (isDateType(input.type))
                    expected = QStringLiteral("a date like \"2024-05-01\"");
                else
                    text = QString::number(v.toDouble(), 'g', QLocale::FloatingPointShortest);
                break;
            case QJsonValue::String:
                text = v.toString().trimmed();
                if (isMissingText(text)) {
                    text.clear();
                    break;
                }
                if (isNumberType(input.type) && !readsAsNumber(text))
                    expected = input.type == QLatin1String("boolean") ? QStringLiteral("true or false")
                                                                       : QStringLiteral("a number");
                else if (isDateType(input.type) && !QDate::fromString(text.left(10), Qt::ISODate).isValid())
                    expected = QStringLiteral("a date like \"2024-05-01\"");
                break;
            case QJsonValue::Array:
            case QJsonValue::Object: expected = QStringLiteral("a single value"); break;
            }
            if (!expected.isEmpty()) {
                ServeReply e = ServeReply::error(
                    422, QStringLiteral("In %1, column '%2' expects %3 but got %4.")
                             .arg(rowName(qsizetype(r)), input.name, expected, shown(v)));
                e.body.insert(QStringLiteral("row"), qint64(r));
                e.body.insert(QStringLiteral("column"), input.name);
                return e;
            }
            if (text.isEmpty())
                continue;  // missing: the model handles it as an empty CSV cell
            auto &dictionary = dictionaries[c];
            auto found = dictionary.find(text);
            if (found == dictionary.end()) {
                found = dictionary.emplace(text, int32_t(columns[c].dictionary().size())).first;
                columns[c].dictionary().push_back(text.toStdString());
            }
            columns[c].codes()[r] = found->second;
        }
        if (!lacking.isEmpty()) {
            ServeReply e = ServeReply::error(
                422, QStringLiteral("%1 lacks the column%2 %3. Send null where a value is unknown.")
                         .arg(rowName(qsizetype(r), true), lacking.size() > 1 ? QStringLiteral("s") : QString(),
                              lacking.join(QStringLiteral(", "))));
            e.body.insert(QStringLiteral("row"), qint64(r));
            e.body.insert(QStringLiteral("columns"), QJsonArray::fromStringList(lacking));
            return e;
        }
    }
    for (Column &c : columns)
        table.addColumn(std::move(c));

    QJsonArray predictions;
    if (n > 0) {
        Result<Predictions> pred = m_predictor.predict(table);
        if (!pred)
            return ServeReply::error(500, QStringLiteral("The model could not predict these rows: %1")
                                              .arg(pred.error().toString()));
        const bool classification = m_predictor.problem() != ProblemType::Regression;
        const QStringList labels = m_predictor.classLabels();
        for (size_t r = 0; r < n; ++r) {
            QJsonObject p;
            if (classification) {
                p.insert(QStringLiteral("prediction"), m_predictor.labelAt(*pred, r));
                const std::vector<double> probs = m_predictor.probabilitiesAt(*pred, r);
                QJsonObject byLabel;
                for (size_t k = 0; k < probs.size() && k < size_t(labels.size()); ++k)
                    byLabel.insert(labels[qsizetype(k)], jsonNumber(tidy(float(probs[k]))));
                p.insert(QStringLiteral("probabilities"), byLabel);
            } else {
                p.insert(QStringLiteral("prediction"), jsonNumber(tidy(pred->values[r])));
            }
            predictions.append(p);
        }
    }
    return {200, QJsonObject{{QStringLiteral("predictions"), predictions}, {QStringLiteral("model"), m_model}}};
}

} // namespace easel::cli
