#include "export/model_report.h"

#include "automl/calibration.h"
#include "automl/metrics.h"
#include "automl/problem.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <cmath>

namespace easel {

namespace {

QString esc(const QString &text) { return text.toHtmlEscaped(); }

QString num(double v, int digits = 4)
{
    if (std::isnan(v))
        return QStringLiteral("—");
    return QString::number(v, 'g', digits);
}

QString plainMetricLabel(const QString &name)
{
    Metric m;
    return metricFromName(name, &m) ? metricLabel(m) : name;
}

const char *const kStyle =
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1d2330;max-width:920px;"
    "margin:2em auto;padding:0 1.2em;line-height:1.45}"
    "h1{font-size:1.7em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:1.8em;border-bottom:1px solid #dde2ea;"
    "padding-bottom:.2em}.sub{color:#5b6475}.headline{font-size:1.25em;background:#eef5ff;border-left:4px solid "
    "#2f6fdf;padding:.6em .9em;margin:1em 0}table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid "
    "#dde2ea;padding:.25em .6em;text-align:left;vertical-align:top}th{background:#f5f7fa}td.n{text-align:right;"
    "font-variant-numeric:tabular-nums}.note{color:#5b6475;font-size:.92em}.cm td.hit{background:#e3f1e6}"
    "code{background:#f5f7fa;padding:0 .25em}@media print{body{margin:0}}";

QString table(const QStringList &headers, const std::vector<QStringList> &rows, const QString &cls = {})
{
    QString h = cls.isEmpty() ? QStringLiteral("<table>") : QStringLiteral("<table class=\"%1\">").arg(cls);
    h += QStringLiteral("<tr>");
    for (const QString &c : headers)
        h += QStringLiteral("<th>") + esc(c) + QStringLiteral("</th>");
    h += QStringLiteral("</tr>\n");
    for (const QStringList &row : rows) {
        h += QStringLiteral("<tr>");
        for (const QString &c : row) {
            // Cells starting with a marker are numbers (right-aligned); the text is already escaped.
            if (c.startsWith(QLatin1Char('\x01')))
                h += QStringLiteral("<td class=\"n\">") + c.mid(1) + QStringLiteral("</td>");
            else if (c.startsWith(QLatin1Char('\x02')))
                h += QStringLiteral("<td class=\"n hit\">") + c.mid(1) + QStringLiteral("</td>");
            else
                h += QStringLiteral("<td>") + esc(c) + QStringLiteral("</td>");
        }
        h += QStringLiteral("</tr>\n");
    }
    return h + QStringLiteral("</table>\n");
}

QString numberCell(const QString &text) { return QLatin1Char('\x01') + esc(text); }

//! A horizontal bar chart of column impact as inline SVG.
QString impactChart(const QJsonArray &impact)
{
    const int maxBars = 20;
    const int n = std::min<int>(int(impact.size()), maxBars);
    const int labelWidth = 220, barWidth = 520, rowHeight = 22, top = 6;
    double maxPercent = 0;
    for (int i = 0; i < n; ++i)
        maxPercent = std::max(maxPercent, impact[i].toObject().value(QStringLiteral("percent")).toDouble());
    if (!(maxPercent > 0))
        maxPercent = 1;
    const int height = top * 2 + n * rowHeight;
    QString svg = QStringLiteral("<svg class=\"impact-chart\" width=\"%1\" "
                                 "height=\"%2\" viewBox=\"0 0 %1 %2\" role=\"img\" aria-label=\"Column impact\">\n")
                      .arg(labelWidth + barWidth + 70)
                      .arg(height);
    for (int i = 0; i < n; ++i) {
        const QJsonObject o = impact[i].toObject();
        const double p = o.value(QStringLiteral("percent")).toDouble();
        const int y = top + i * rowHeight;
        const double w = std::max(1.0, barWidth * p / maxPercent);
        QString name = o.value(QStringLiteral("column")).toString();
        if (name.size() > 30)
            name = name.left(29) + QChar(0x2026);
        svg += QStringLiteral("<text x=\"%1\" y=\"%2\" text-anchor=\"end\" font-size=\"13\" fill=\"#1d2330\">%3</text>")
                   .arg(labelWidth - 8)
                   .arg(y + 15)
                   .arg(esc(name));
        svg += QStringLiteral("<rect x=\"%1\" y=\"%2\" width=\"%3\" height=\"%4\" rx=\"2\" fill=\"#2f6fdf\"/>")
                   .arg(labelWidth)
                   .arg(y + 3)
                   .arg(w, 0, 'f', 1)
                   .arg(rowHeight - 6);
        svg += QStringLiteral("<text x=\"%1\" y=\"%2\" font-size=\"12\" fill=\"#5b6475\">%3 %</text>\n")
                   .arg(labelWidth + w + 6, 0, 'f', 1)
                   .arg(y + 15)
                   .arg(p, 0, 'f', 1);
    }
    svg += QStringLiteral("</svg>\n");
    if (impact.size() > maxBars)
        svg += QStringLiteral("<p class=\"note\">The %1 other columns share the remaining %2 %.</p>\n")
                   .arg(impact.size() - maxBars)
                   .arg([&] {
                       double rest = 0;
                       for (qsizetype i = maxBars; i < impact.size(); ++i)
                           rest += impact[i].toObject().value(QStringLiteral("percent")).toDouble();
                       return rest;
                   }(), 0, 'f', 1);
    return svg;
}

QString jsonText(const QJsonValue &v)
{
    if (v.isString())
        return v.toString();
    if (v.isDouble())
        return num(v.toDouble(), 6);
    if (v.isBool())
        return v.toBool() ? QStringLiteral("yes") : QStringLiteral("no");
    if (v.isArray()) {
        QStringList parts;
        for (const QJsonValue &x : v.toArray())
            parts << jsonText(x);
        return parts.isEmpty() ? QStringLiteral("(all)") : parts.join(QStringLiteral(", "));
    }
    if (v.isObject())
        return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
    return QStringLiteral("—");
}

} // namespace

Result<QByteArray> makeModelReport(const ModelBundle &bundle, const ReportEvaluation *evaluation)
{
    using R = Result<QByteArray>;
    const QJsonObject &m = bundle.manifest;
    if (m.value(QStringLiteral("format")).toString() != QLatin1String("easel-model"))
        return R::failure(ErrorCode::Corrupt, QStringLiteral("The file holds no Easel model manifest."));
    const QString target = m.value(QStringLiteral("target")).toString();
    ProblemType problem = ProblemType::Regression;
    problemTypeFromName(m.value(QStringLiteral("problem_type")).toString(), &problem);
    const bool classification = problem != ProblemType::Regression;
    Metric metric = defaultMetric(problem);
    metricFromName(m.value(QStringLiteral("metric")).toString(), &metric);
    const double score = m.value(QStringLiteral("validation_score")).toDouble(std::nan(""));
    const QJsonObject build = m.value(QStringLiteral("build")).toObject();
    const QJsonObject fingerprint = m.value(QStringLiteral("data_fingerprint")).toObject();

    QString h;
    h += QStringLiteral("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h += QStringLiteral("<title>Model card: %1</title>\n<style>%2</style>\n</head>\n<body>\n")
             .arg(esc(target), QString::fromLatin1(kStyle));
    h += QStringLiteral("<h1>Model card: predicting %1</h1>\n").arg(esc(target));
    h += QStringLiteral("<p class=\"sub\">Built %1 with Easel %2 · %3 problem</p>\n")
             .arg(esc(m.value(QStringLiteral("created_at")).toString()),
                  esc(m.value(QStringLiteral("easel_version")).toString()), esc(problemTypeName(problem)));
    h += QStringLiteral("<p class=\"headline\">%1</p>\n").arg(esc(metricHeadline(metric, score, target)));

    // ---- problem
    h += QStringLiteral("<h2>The problem</h2>\n<p>%1</p>\n")
             .arg(esc(m.value(QStringLiteral("problem_reason")).toString()));
    const QJsonArray labels = m.value(QStringLiteral("class_labels")).toArray();
    if (classification) {
        QStringList ls;
        for (const QJsonValue &v : labels)
            ls << v.toString();
        h += QStringLiteral("<p>Classes: %1.</p>\n").arg(esc(ls.join(QStringLiteral(", "))));
        if (problem == ProblemType::Binary)
            h += QStringLiteral("<p>A row is predicted <b>%1</b> when its probability is at least %2.</p>\n")
                     .arg(esc(labels.size() > 1 ? labels[1].toString() : QString()))
                     .arg(num(m.value(QStringLiteral("threshold")).toDouble(0.5)));
        if (Result<Calibration> c = Calibration::fromJson(m.value(QStringLiteral("calibration")).toObject());
            c && c->active()) {
            Metric metric = Metric::Auc;
            metricFromName(m.value(QStringLiteral("metric")).toString(), &metric);
            h += QStringLiteral("<p>The models were chosen for %1, which does not check how close the probabilities "
                                "are to the truth, so the combined probabilities are calibrated on the validation "
                                "rows (%2).</p>\n")
                     .arg(esc(metricLabel(metric)), esc(c->describe()));
        }
    }

    // ---- data
    h += QStringLiteral("<h2>The data</h2>\n");
    h += QStringLiteral("<p>%1 rows and %2 columns were used to build the model (fingerprint <code>%3</code>).</p>\n")
             .arg(fingerprint.value(QStringLiteral("rows")).toInteger())
             .arg(fingerprint.value(QStringLiteral("columns")).toInteger())
             .arg(esc(fingerprint.value(QStringLiteral("hash")).toString()));
    std::vector<QStringList> inputRows;
    for (const QJsonValue &v : m.value(QStringLiteral("input_schema")).toArray()) {
        const QJsonObject o = v.toObject();
        QString range;
        if (o.contains(QStringLiteral("min")))
            range = QStringLiteral("%1 … %2").arg(num(o.value(QStringLiteral("min")).toDouble(), 6),
                                                  num(o.value(QStringLiteral("max")).toDouble(), 6));
        else if (o.contains(QStringLiteral("levels")))
            range = QStringLiteral("%1 levels").arg(o.value(QStringLiteral("levels")).toArray().size());
        else if (o.value(QStringLiteral("free_text")).toBool())
            range = QStringLiteral("free text, read as words");
        inputRows.push_back({o.value(QStringLiteral("name")).toString(), o.value(QStringLiteral("type")).toString(),
                             range});
    }
    h += QStringLiteral("<p>The model reads %1 columns:</p>\n").arg(inputRows.size());
    h += table({QStringLiteral("Column"), QStringLiteral("Type"), QStringLiteral("Values seen")}, inputRows);
    const QJsonArray dropped = m.value(QStringLiteral("dropped_columns")).toArray();
    QStringList userDropped;
    for (const QJsonValue &v : build.value(QStringLiteral("dropped")).toArray())
        userDropped << v.toString();
    if (!dropped.isEmpty() || !userDropped.isEmpty()) {
        std::vector<QStringList> rows;
        for (const QString &c : userDropped)
            rows.push_back({c, QStringLiteral("left out when the build was set up")});
        for (const QJsonValue &v : dropped) {
            const QJsonObject o = v.toObject();
            rows.push_back({o.value(QStringLiteral("column")).toString(), o.value(QStringLiteral("reason")).toString()});
        }
        h += QStringLiteral("<p>Columns left out:</p>\n");
        h += table({QStringLiteral("Column"), QStringLiteral("Why")}, rows);
    } else {
        h += QStringLiteral("<p>No column was left out.</p>\n");
    }

    // ---- validation
    h += QStringLiteral("<h2>How well it works</h2>\n");
    h += QStringLiteral("<p>Measured on rows the model did not see while learning (%1). The build optimised <b>%2</b>.</p>\n")
             .arg(esc(build.value(QStringLiteral("validation")).toString(QStringLiteral("validation"))),
                  esc(metricLabel(metric)));
    std::vector<QStringList> metricRows;
    const QJsonObject validation = m.value(QStringLiteral("validation")).toObject();
    for (auto it = validation.begin(); it != validation.end(); ++it)
        metricRows.push_back({plainMetricLabel(it.key()),
                              numberCell(it.value().isDouble() ? num(it.value().toDouble(), 5) : QStringLiteral("—"))});
    h += table({QStringLiteral("Metric"), QStringLiteral("Validation")}, metricRows);

    if (classification) {
        h += QStringLiteral("<h2>Confusion matrix</h2>\n");
        if (evaluation && !evaluation->confusion.empty()) {
            h += QStringLiteral("<p>Predictions on %1 (%2 rows with a known %3): rows are the actual class, "
                                "columns the predicted one.</p>\n")
                     .arg(esc(evaluation->source))
                     .arg(evaluation->rows)
                     .arg(esc(target));
            QStringList headers{QStringLiteral("actual \\ predicted")};
            headers += evaluation->labels;
            std::vector<QStringList> rows;
            for (size_t a = 0; a < evaluation->confusion.size(); ++a) {
                QStringList row{evaluation->labels.value(int(a))};
                for (size_t p = 0; p < evaluation->confusion[a].size(); ++p)
                    row << (a == p ? QLatin1Char('\x02') + QString::number(evaluation->confusion[a][p])
                                   : numberCell(QString::number(evaluation->confusion[a][p])));
                rows.push_back(row);
            }
            h += table(headers, rows, QStringLiteral("cm"));
        } else {
            h += QStringLiteral("<p class=\"note\">Not available: the model file keeps no out-of-fold predictions. "
                                "Export the report with <code>--data FILE.csv</code> (a file holding the %1 column) "
                                "to add one computed from the model's predictions on that file.</p>\n")
                     .arg(esc(target));
        }
    } else {
        h += QStringLiteral("<h2>Errors (residuals)</h2>\n");
        if (evaluation && evaluation->rows > 0) {
            h += QStringLiteral("<p>On %1 (%2 rows with a known %3), residual = actual − predicted:</p>\n")
                     .arg(esc(evaluation->source))
                     .arg(evaluation->rows)
                     .arg(esc(target));
            h += table({QStringLiteral("Summary"), QStringLiteral("Value")},
                       {{QStringLiteral("Mean residual (bias)"), numberCell(num(evaluation->meanResidual, 5))},
                        {QStringLiteral("Mean absolute error"), numberCell(num(evaluation->meanAbsResidual, 5))},
                        {QStringLiteral("Median absolute error"), numberCell(num(evaluation->medianAbsResidual, 5))},
                        {QStringLiteral("90 % of errors are below"), numberCell(num(evaluation->p90AbsResidual, 5))},
                        {QStringLiteral("Largest absolute error"), numberCell(num(evaluation->maxAbsResidual, 5))}});
        } else {
            h += QStringLiteral("<p class=\"note\">Not available: the model file keeps no out-of-fold predictions. "
                                "Export the report with <code>--data FILE.csv</code> to add a residual summary.</p>\n");
        }
    }
    if (evaluation && !evaluation->metrics.isEmpty()) {
        std::vector<QStringList> rows;
        for (auto it = evaluation->metrics.begin(); it != evaluation->metrics.end(); ++it)
            rows.push_back({plainMetricLabel(it.key()),
                            numberCell(it.value().isDouble() ? num(it.value().toDouble(), 5) : QStringLiteral("—"))});
        h += QStringLiteral("<p>Metrics on %1:</p>\n").arg(esc(evaluation->source));
        h += table({QStringLiteral("Metric"), QStringLiteral("Value")}, rows);
    }

    // ---- impact
    h += QStringLiteral("<h2>Column impact</h2>\n");
    const QJsonArray impact = m.value(QStringLiteral("column_impact")).toArray();
    if (impact.isEmpty())
        h += QStringLiteral("<p class=\"note\">The model's members report no column impact.</p>\n");
    else
        h += QStringLiteral("<p>Each column's share of the model's decisions (all columns sum to 100 %).</p>\n")
             + impactChart(impact);

    // ---- models
    h += QStringLiteral("<h2>The models</h2>\n<p>The final model averages these members (each over its "
                        "cross-validation folds), weighted:</p>\n");
    std::vector<QStringList> memberRows;
    for (const QJsonValue &v : m.value(QStringLiteral("members")).toArray()) {
        const QJsonObject o = v.toObject();
        memberRows.push_back({o.value(QStringLiteral("family")).toString(),
                              numberCell(num(o.value(QStringLiteral("weight")).toDouble(), 3)),
                              numberCell(QString::number(o.value(QStringLiteral("folds")).toArray().size())),
                              numberCell(num(o.value(QStringLiteral("score")).toDouble(), 5)),
                              jsonText(o.value(QStringLiteral("params")))});
    }
    h += table({QStringLiteral("Family"), QStringLiteral("Weight"), QStringLiteral("Folds"),
                metricLabel(metric), QStringLiteral("Settings")},
               memberRows);
    h += QStringLiteral("<p>Leaderboard (every candidate tried, best first):</p>\n");
    std::vector<QStringList> boardRows;
    for (const QJsonValue &v : m.value(QStringLiteral("leaderboard")).toArray()) {
        const QJsonObject o = v.toObject();
        boardRows.push_back({numberCell(QString::number(o.value(QStringLiteral("id")).toInt())),
                             o.value(QStringLiteral("family")).toString(),
                             numberCell(o.value(QStringLiteral("score")).isDouble()
                                            ? num(o.value(QStringLiteral("score")).toDouble(), 5)
                                            : QStringLiteral("—")),
                             numberCell(num(o.value(QStringLiteral("seconds")).toDouble(), 3)),
                             numberCell(QString::number(o.value(QStringLiteral("iterations")).toInt())),
                             o.value(QStringLiteral("status")).toString()});
    }
    h += table({QStringLiteral("#"), QStringLiteral("Family"), metricLabel(metric), QStringLiteral("Seconds"),
                QStringLiteral("Rounds / epochs"), QStringLiteral("Status")},
               boardRows);

    // ---- settings
    h += QStringLiteral("<h2>Build settings</h2>\n");
    // Recorded for --gpu builds only; an empty list means none could use it (jsonText says "(all)").
    const QJsonValue gpu = build.value(QStringLiteral("gpu_families"));
    const QString gpuFamilies = gpu.isUndefined()            ? QStringLiteral("—")
                                : gpu.toArray().isEmpty()    ? QStringLiteral("none")
                                                             : jsonText(gpu);
    std::vector<QStringList> settingRows{
        {QStringLiteral("Mode"), jsonText(build.value(QStringLiteral("mode")))},
        {QStringLiteral("Time limit (s)"), jsonText(build.value(QStringLiteral("time_limit")))},
        {QStringLiteral("Seed"), m.value(QStringLiteral("seed")).toString()},
        {QStringLiteral("Model families"), jsonText(build.value(QStringLiteral("families")))},
        {QStringLiteral("Validation"), jsonText(build.value(QStringLiteral("validation")))},
        {QStringLiteral("Threads"), jsonText(build.value(QStringLiteral("threads")))},
        {QStringLiteral("GPU"), jsonText(build.value(QStringLiteral("use_gpu")))},
        {QStringLiteral("Families on the GPU"), gpuFamilies},
        {QStringLiteral("Build took (s)"), jsonText(build.value(QStringLiteral("seconds")))},
        {QStringLiteral("Stopped early"), jsonText(build.value(QStringLiteral("canceled")))},
    };
    h += table({QStringLiteral("Setting"), QStringLiteral("Value")}, settingRows);

    h += QStringLiteral("<h2>Versions</h2>\n");
    h += table({QStringLiteral("What"), QStringLiteral("Value")},
               {{QStringLiteral("Model built"), m.value(QStringLiteral("created_at")).toString()},
                {QStringLiteral("Built with"), QStringLiteral("Easel ") + m.value(QStringLiteral("easel_version")).toString()},
                {QStringLiteral("Model file format"), jsonText(m.value(QStringLiteral("format_version")))},
                {QStringLiteral("Report written"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate)}});
    h += QStringLiteral("<p class=\"note\">This report is one HTML file with no external resources. Easel writes no "
                        "PDF version (its core has no PDF engine); use your browser's Print → Save as PDF.</p>\n");
    h += QStringLiteral("</body>\n</html>\n");
    return h.toUtf8();
}

} // namespace easel
