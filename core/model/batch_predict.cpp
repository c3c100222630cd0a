// Streaming CSV scoring: a quote-aware record splitter over blocks of the file,
// typed one-chunk tables for the pipelines, the records' bytes passed through.
#include "model/batch_predict.h"

#include "data/csv_reader.h"
#include "explain/table_ops.h"
#include "model/predictor.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QSaveFile>
#include <QSet>

#include <charconv>
#include <cmath>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>

namespace easel {

namespace {

constexpr qint64 kReadBlock = qint64(4) << 20;

//! One field of a record: offsets into the chunk's bytes.
struct Field
{
    uint32_t begin = 0, size = 0;
    bool quoted = false;
    bool escaped = false;
};

//! Splits a block of bytes into records, respecting quotes (a quoted field may hold
//! delimiters and line breaks). Returns the end of the record that starts at pos
//! (before its line break) and sets *next to where the next record starts; -1 when
//! the record is not complete in [pos, size) and more bytes may follow.
qint64 recordEnd(const char *p, qint64 size, qint64 pos, bool eof, const Dialect &d, qint64 *next)
{
    bool inQuote = false;
    const char q = d.quote, esc = d.escape;
    for (qint64 i = pos; i < size; ++i) {
        const char c = p[i];
        if (inQuote) {
            if (esc != q && c == esc) {
                ++i;  // backslash escape: skip the next byte
                continue;
            }
            if (c == q)
                inQuote = false;  // a doubled quote re-enters at the next byte
            continue;
        }
        if (q && c == q) {
            inQuote = true;
            continue;
        }
        if (c == '\n') {
            *next = i + 1;
            return i;
        }
        if (c == '\r') {
            if (i + 1 < size) {
                *next = p[i + 1] == '\n' ? i + 2 : i + 1;
                return i;
            }
            if (!eof)
                return -1;  // a CR at the end of the block: it may be CRLF
            *next = i + 1;
            return i;
        }
    }
    if (!eof)
        return -1;
    *next = size;
    return size;
}

//! Splits one record into fields (offsets relative to base).
void splitFields(const char *p, uint32_t base, uint32_t size, const Dialect &d, std::vector<Field> *out)
{
    out->clear();
    const char delim = d.delimiter, q = d.quote, esc = d.escape;
    uint32_t i = 0;
    while (true) {
        Field f;
        // Spaces before an opening quote are allowed.
        uint32_t j = i;
        while (j < size && p[base + j] == ' ')
            ++j;
        if (q && j < size && p[base + j] == q) {
            f.quoted = true;
            uint32_t k = j + 1;
            f.begin = base + k;
            while (k < size) {
                const char c = p[base + k];
                if (esc != q && c == esc) {
                    f.escaped = true;
                    k += 2;
                    continue;
                }
                if (c == q) {
                    if (esc == q && k + 1 < size && p[base + k + 1] == q) {
                        f.escaped = true;
                        k += 2;
                        continue;
                    }
                    break;
                }
                ++k;
            }
            f.size = std::min(k, size) - (f.begin - base);
            // Skip to the delimiter after the closing quote.
            while (k < size && p[base + k] != delim)
                ++k;
            out->push_back(f);
            if (k >= size)
                return;
            i = k + 1;
        } else {
            uint32_t k = i;
            while (k < size && p[base + k] != delim)
                ++k;
            f.begin = base + i;
            f.size = k - i;
            out->push_back(f);
            if (k >= size)
                return;
            i = k + 1;
        }
    }
}

std::string fieldText(const char *p, const Field &f, const Dialect &d)
{
    std::string s(p + f.begin, f.size);
    if (!f.escaped)
        return s;
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        if (d.escape != d.quote && s[i] == d.escape && i + 1 < s.size()) {
            out += s[++i];
            continue;
        }
        if (s[i] == d.quote && i + 1 < s.size() && s[i + 1] == d.quote)
            ++i;
        out += s[i];
    }
    return out;
}

std::string_view trimmed(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

bool isMissingToken(std::string_view s)
{
    s = trimmed(s);
    return s.empty() || s == "NA" || s == "N/A" || s == "NaN" || s == "nan" || s == "null" || s == "NULL" || s == "?";
}

//! Parses a number; false when the text is not one.
bool parseNumber(std::string_view s, char decimal, double *out)
{
    s = trimmed(s);
    if (!s.empty() && s.front() == '+')
        s.remove_prefix(1);
    if (s.empty())
        return false;
    char buf[64];
    if (decimal != '.' && s.size() < sizeof buf) {
        std::memcpy(buf, s.data(), s.size());
        for (size_t i = 0; i < s.size(); ++i)
            if (buf[i] == decimal)
                buf[i] = '.';
        s = std::string_view(buf, s.size());
    }
    const auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

//! How one input column is read from the file.
struct ColumnReader
{
    QString name;
    int field = -1;              //!< index in the file's header
    ColumnType type = ColumnType::Text;
    bool numeric = false;        //!< parsed to Float64; else String storage
    qint64 invalid = 0;          //!< values that were not numbers
    QString invalidExample;
};

void appendNumber(QByteArray &line, float v, char decimal)
{
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    if (decimal != '.')
        for (char *c = buf; c < r.ptr; ++c)
            if (*c == '.')
                *c = decimal;
    line.append(buf, r.ptr - buf);
}

void appendText(QByteArray &line, const QString &text, const Dialect &d)
{
    const QByteArray utf8 = text.toUtf8();
    const char q = d.quote ? d.quote : '"';
    if (!utf8.contains(d.delimiter) && !utf8.contains(q) && !utf8.contains('\n') && !utf8.contains('\r')) {
        line += utf8;
        return;
    }
    line += q;
    for (char c : utf8) {
        if (c == q)
            line += q;
        line += c;
    }
    line += q;
}

} // namespace

QJsonObject BatchReport::toJson() const
{
    QJsonObject o{{QStringLiteral("rows"), rows},
                  {QStringLiteral("unread_rows"), unreadRows},
                  {QStringLiteral("warnings"), QJsonArray::fromStringList(warnings)},
                  {QStringLiteral("drift"), drift.toJson()},
                  {QStringLiteral("extra_columns"), QJsonArray::fromStringList(extraColumns)}};
    if (hasActual) {
        o.insert(QStringLiteral("metrics_against_actual"), metricsAgainstActual);
        o.insert(QStringLiteral("actual_rows"), actualRows);
    }
    return o;
}

QStringList predictionColumnNames(const QStringList &header, const QStringList &classLabels, bool classification)
{
    QStringList wanted{QStringLiteral("prediction")};
    if (classification)
        for (const QString &l : classLabels)
            wanted << QStringLiteral("probability_") + l;
    QSet<QString> taken(header.begin(), header.end());
    QStringList names;
    for (const QString &w : std::as_const(wanted)) {
        QString name = w;
        for (int n = 2; taken.contains(name); ++n)
            name = w + QStringLiteral("_%1").arg(n);
        taken.insert(name);
        names << name;
    }
    return names;
}

Result<BatchReport> predictCsv(const Predictor &predictor, const QString &input, const QString &output,
                               const BatchOptions &options, TaskContext *ctx)
{
    using R = Result<BatchReport>;
    Result<Dialect> sniffed = sniffCsv(input);
    if (!sniffed)
        return R(sniffed.error());
    const Dialect dialect = *sniffed;
    if (dialect.encoding == Dialect::Encoding::Utf16LE || dialect.encoding == Dialect::Encoding::Utf16BE)
        return R::failure(ErrorCode::Unsupported,
                          QStringLiteral("Scoring reads UTF-8 files; this one is UTF-16. Save it as UTF-8 CSV and try "
                                         "again."),
                          input);
    if (!dialect.hasHeader)
        return R::failure(ErrorCode::InvalidArgument,
                          QStringLiteral("The file has no header row, so its columns cannot be matched to the model's "
                                         "(%1). Add a first line with the column names.")
                              .arg(predictor.inputColumns().join(QStringLiteral(", "))),
                          input);
    QFile file(input);
    if (!file.open(QIODevice::ReadOnly))
        return R::failure(ErrorCode::PermissionDenied,
                          QStringLiteral("Cannot read the file (%1).").arg(file.errorString()), input);
    const qint64 fileSize = std::max<qint64>(1, file.size());

    QByteArray buf;         // unread bytes: [pos, buf.size())
    qint64 pos = 0;
    bool eof = false;
    bool first = true;
    auto refill = [&]() -> Status {
        if (eof)
            return Status::success();
        if (pos > 0) {
            buf.remove(0, pos);
            pos = 0;
        }
        const qint64 old = buf.size();
        buf.resize(old + kReadBlock);
        const qint64 got = file.read(buf.data() + old, kReadBlock);
        if (got < 0)
            return Status::failure(ErrorCode::Io, QStringLiteral("Reading failed (%1).").arg(file.errorString()),
                                   input);
        buf.resize(old + got);
        if (got == 0)
            eof = true;
        if (first && buf.startsWith("\xEF\xBB\xBF"))
            pos = 3;
        first = false;
        return Status::success();
    };
    //! Next record's bytes [*begin, *end) in buf; false at the end of the file.
    auto nextRecord = [&](qint64 *begin, qint64 *end, Status *status) -> bool {
        while (true) {
            if (pos >= buf.size() && eof)
                return false;
            qint64 next = 0;
            const qint64 e = pos < buf.size() ? recordEnd(buf.constData(), buf.size(), pos, eof, dialect, &next) : -1;
            if (e >= 0) {
                *begin = pos;
                *end = e;
                pos = next;
                return true;
            }
            if (Status s = refill(); !s) {
                *status = s;
                return false;
            }
        }
    };
    auto isBlank = [&](qint64 b, qint64 e) {
        for (qint64 i = b; i < e; ++i)
            if (buf[i] != ' ' && buf[i] != '\t')
                return false;
        return true;
    };

    // The header.
    Status readStatus;
    qint64 hb = 0, he = 0;
    do {
        if (!nextRecord(&hb, &he, &readStatus))
            return readStatus.ok() ? R::failure(ErrorCode::EmptyInput, QStringLiteral("The file is empty."), input)
                                   : R(readStatus.error());
    } while (isBlank(hb, he));
    std::vector<Field> fields;
    QByteArray headerBytes = buf.mid(hb, he - hb);
    if (dialect.trailingDelimiter && headerBytes.endsWith(dialect.delimiter))
        headerBytes.chop(1);
    splitFields(headerBytes.constData(), 0, uint32_t(headerBytes.size()), dialect, &fields);
    QStringList header;
    for (const Field &f : fields)
        header << QString::fromStdString(fieldText(headerBytes.constData(), f, dialect)).trimmed();
    const int fieldCount = int(header.size());

    const QStringList inputs = predictor.inputColumns();
    QStringList missing;
    std::vector<ColumnReader> readers;
    for (const QString &name : inputs) {
        ColumnReader r;
        r.name = name;
        r.field = int(header.indexOf(name));
        columnTypeFromName(predictor.schemaOf(name).value(QStringLiteral("type")).toString(), &r.type);
        r.numeric = isNumeric(r.type);
        if (r.field < 0)
            missing << name;
        readers.push_back(r);
    }
    if (!missing.isEmpty())
        return R::failure(ErrorCode::InvalidArgument,
                          QStringLiteral("The model needs these columns, which the file lacks: %1. Add them (values may "
                                         "be empty) and try again.")
                              .arg(missing.join(QStringLiteral(", "))),
                          input);
    BatchReport report;
    const QString target = predictor.target();
    const int targetField = int(header.indexOf(target));
    report.hasActual = targetField >= 0;
    for (const QString &h : header)
        if (!inputs.contains(h) && h != target)
            report.extraColumns << h;

    // The output header.
    QSaveFile out(output);
    if (!out.open(QIODevice::WriteOnly))
        return R::failure(ErrorCode::PermissionDenied,
                          QStringLiteral("Cannot write the predictions here (%1). Choose another file.")
                              .arg(out.errorString()),
                          output);
    const ProblemType problem = predictor.problem();
    const QStringList labels = predictor.classLabels();
    const bool classification = problem != ProblemType::Regression;
    const int outputs = problem == ProblemType::Multiclass ? int(labels.size()) : 1;
    std::vector<QByteArray> labelBytes;
    for (const QString &l : labels) {
        QByteArray b;
        appendText(b, l, dialect);
        labelBytes.push_back(b);
    }
    {
        const QStringList added = predictionColumnNames(header, labels, classification);
        const QStringList usual = predictionColumnNames({}, labels, classification);
        QByteArray line = headerBytes;
        for (qsizetype i = 0; i < added.size(); ++i) {
            line += dialect.delimiter;
            appendText(line, added[i], dialect);
            if (added[i] != usual[i])
                report.warnings << QStringLiteral("The file already has a column named %1, so the predictions' "
                                                  "column is named %2.").arg(usual[i], added[i]);
        }
        line += '\n';
        out.write(line);
    }

    std::vector<float> truth;
    Predictions allPred;
    allPred.outputs = outputs;
    const double threshold = predictor.threshold();
    const size_t chunkRows = std::max<size_t>(1, options.chunkRows);
    bool driftDone = !options.checkDrift;
    bool done = false;
    QByteArray chunk;                          // the records' bytes
    std::vector<std::pair<uint32_t, uint32_t>> spans;  // per record: begin, size in chunk
    std::vector<uint8_t> bad;                  // per record: wrong number of fields
    std::vector<std::vector<Field>> recordFields;
    QByteArray line;
    while (!done) {
        if (isCanceled(ctx))
            return R::failure(ErrorCode::Canceled, QStringLiteral("Scoring stopped; no output was written."));
        chunk.clear();
        spans.clear();
        bad.clear();
        // Collect a chunk of records.
        while (spans.size() < chunkRows) {
            qint64 b = 0, e = 0;
            if (!nextRecord(&b, &e, &readStatus)) {
                if (!readStatus.ok())
                    return R(readStatus.error());
                done = true;
                break;
            }
            if (isBlank(b, e))
                continue;
            qint64 size = e - b;
            if (dialect.trailingDelimiter && size > 0 && buf[b + size - 1] == dialect.delimiter)
                --size;
            spans.emplace_back(uint32_t(chunk.size()), uint32_t(size));
            chunk.append(buf.constData() + b, size);
        }
        const size_t n = spans.size();
        if (n == 0)
            break;
        // Split and type the fields the model reads.
        recordFields.resize(n);
        bad.assign(n, 0);
        for (size_t i = 0; i < n; ++i) {
            splitFields(chunk.constData(), spans[i].first, spans[i].second, dialect, &recordFields[i]);
            if (int(recordFields[i].size()) != fieldCount)
                bad[i] = 1;
        }
        Table table;
        table.setRowCount(n);
        for (ColumnReader &r : readers) {
            if (r.numeric) {
                Column c(r.name, ColumnType::Real, Storage::Float64);
                c.doubles().resize(n);
                for (size_t i = 0; i < n; ++i) {
                    double v = std::numeric_limits<double>::quiet_NaN();
                    if (!bad[i]) {
                        const Field &f = recordFields[i][size_t(r.field)];
                        const std::string_view text(chunk.constData() + f.begin, f.size);
                        if (!isMissingToken(text) && !parseNumber(f.escaped ? std::string_view() : text,
                                                                  dialect.decimalSeparator, &v)) {
                            v = std::numeric_limits<double>::quiet_NaN();
                            if (r.invalid++ == 0)
                                r.invalidExample = QString::fromUtf8(text.data(), qsizetype(text.size()));
                        }
                    }
                    c.doubles()[i] = v;
                }
                table.addColumn(std::move(c));
            } else {
                Column c(r.name, r.type, Storage::String);
                c.codes().resize(n);
                std::unordered_map<std::string, int32_t> dict;
                for (size_t i = 0; i < n; ++i) {
                    int32_t code = kMissingCode;
                    if (!bad[i]) {
                        const Field &f = recordFields[i][size_t(r.field)];
                        std::string text = fieldText(chunk.constData(), f, dialect);
                        if (!isMissingToken(text)) {
                            auto it = dict.find(text);
                            if (it == dict.end()) {
                                it = dict.emplace(text, int32_t(c.dictionary().size())).first;
                                c.dictionary().push_back(text);
                            }
                            code = it->second;
                        }
                    }
                    c.codes()[i] = code;
                }
                table.addColumn(std::move(c));
            }
        }

        if (!driftDone) {
            driftDone = true;
            const size_t k = std::min(n, options.driftRows);
            std::vector<size_t> rows(k);
            for (size_t i = 0; i < k; ++i)
                rows[i] = i;
            const Table sample = k == n ? table : explain_detail::subsetTable(table, rows);
            report.drift = checkDrift(predictor.manifest().value(QStringLiteral("drift_reference")).toObject(),
                                      predictor.manifest().value(QStringLiteral("input_schema")).toArray(), sample);
            report.warnings << report.drift.warnings;
            if (options.onDrift)
                options.onDrift(report.drift);
        }

        Result<Predictions> pred = predictor.predict(table);
        if (!pred)
            return R(pred.error());

        // Actual values.
        if (report.hasActual && size_t(report.actualRows) < options.maxMetricRows) {
            for (size_t i = 0; i < n && size_t(report.actualRows) < options.maxMetricRows; ++i) {
                float t = std::numeric_limits<float>::quiet_NaN();
                if (!bad[i] && size_t(targetField) < recordFields[i].size()) {
                    const std::string text = fieldText(chunk.constData(), recordFields[i][size_t(targetField)], dialect);
                    if (!isMissingToken(text)) {
                        if (problem == ProblemType::Regression) {
                            double v;
                            if (parseNumber(text, dialect.decimalSeparator, &v))
                                t = float(v);
                        } else {
                            qsizetype k = labels.indexOf(QString::fromStdString(text));
                            if (k < 0)
                                k = labels.indexOf(QString::fromStdString(text).trimmed());
                            if (k >= 0)
                                t = float(k);
                        }
                    }
                }
                if (std::isnan(t))
                    continue;
                truth.push_back(t);
                for (int o = 0; o < outputs; ++o)
                    allPred.values.push_back(pred->values[i * size_t(outputs) + size_t(o)]);
                ++report.actualRows;
            }
        }

        // Write: the record's bytes, then the prediction.
        line.clear();
        line.reserve(qsizetype(chunk.size() + qsizetype(n) * (16 + 12 * (classification ? outputs + 1 : 1))));
        for (size_t i = 0; i < n; ++i) {
            line.append(chunk.constData() + spans[i].first, spans[i].second);
            line += dialect.delimiter;
            if (bad[i]) {
                ++report.unreadRows;
                if (classification)
                    for (qsizetype k = 0; k < labels.size(); ++k)
                        line += dialect.delimiter;
                line += '\n';
                continue;
            }
            const float *p = pred->values.data() + i * size_t(outputs);
            if (problem == ProblemType::Regression) {
                appendNumber(line, p[0], dialect.decimalSeparator);
            } else if (problem == ProblemType::Binary) {
                line += labelBytes[p[0] >= threshold ? 1 : 0];
                line += dialect.delimiter;
                appendNumber(line, 1.0f - p[0], dialect.decimalSeparator);
                line += dialect.delimiter;
                appendNumber(line, p[0], dialect.decimalSeparator);
            } else {
                int best = 0;
                for (int k = 1; k < outputs; ++k)
                    if (p[k] > p[best])
                        best = k;
                line += labelBytes[size_t(best)];
                for (int k = 0; k < outputs; ++k) {
                    line += dialect.delimiter;
                    appendNumber(line, p[k], dialect.decimalSeparator);
                }
            }
            line += '\n';
        }
        if (out.write(line) != line.size())
            return R::failure(ErrorCode::Io,
                              QStringLiteral("Writing the predictions failed (%1). Check the free disk space.")
                                  .arg(out.errorString()),
                              output);
        report.rows += qint64(n);
        const qint64 consumed = file.pos() - (buf.size() - pos);
        reportProgress(ctx, std::min(0.99, double(consumed) / double(fileSize)),
                       QStringLiteral("Scored %L1 rows").arg(report.rows));
    }
    if (isCanceled(ctx))
        return R::failure(ErrorCode::Canceled, QStringLiteral("Scoring stopped; no output was written."));
    if (!out.commit())
        return R::failure(ErrorCode::Io,
                          QStringLiteral("Writing the predictions failed (%1). Check the free disk space.")
                              .arg(out.errorString()),
                          output);

    for (const ColumnReader &r : readers)
        if (r.invalid > 0)
            report.warnings << QStringLiteral("In *%1*, %L2 values are not numbers (such as '%3'): they were read as "
                                              "empty and filled in with a typical value.")
                                   .arg(r.name)
                                   .arg(r.invalid)
                                   .arg(r.invalidExample);
    if (report.unreadRows > 0)
        report.warnings << QStringLiteral("%L1 rows have a different number of fields than the header: they are in "
                                          "the output with an empty prediction.")
                               .arg(report.unreadRows);
    if (report.hasActual) {
        allPred.rows = truth.size();
        for (Metric m : metricsFor(problem)) {
            const double v = truth.empty() ? std::nan("") : computeMetric(m, problem, truth, allPred, threshold);
            report.metricsAgainstActual.insert(metricName(m), std::isfinite(v) ? QJsonValue(v) : QJsonValue());
        }
    }
    reportProgress(ctx, 1.0, QStringLiteral("Scored %L1 rows").arg(report.rows));
    return report;
}

} // namespace easel
