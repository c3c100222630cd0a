// The HTML model card: headline, metrics, impact chart, confusion matrix or
// residuals, and nothing loaded from outside the file.
#include "automl/metrics.h"
#include "export/bundle_export.h"
#include "export/model_report.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QTest>

using namespace easel;

namespace {

ModelBundle sampleBundle(const QString &problem)
{
    const bool regression = problem == QLatin1String("regression");
    ModelBundle b;
    b.manifest = QJsonObject{
        {QStringLiteral("format"), QStringLiteral("easel-model")},
        {QStringLiteral("format_version"), 1},
        {QStringLiteral("easel_version"), QStringLiteral("0.1.0")},
        {QStringLiteral("created_at"), QStringLiteral("2026-11-22T10:00:00Z")},
        {QStringLiteral("problem_type"), problem},
        {QStringLiteral("problem_reason"), QStringLiteral("survived holds 2 different labels <b>.")},
        {QStringLiteral("target"), regression ? QStringLiteral("total") : QStringLiteral("survived")},
        {QStringLiteral("class_labels"), regression ? QJsonArray{} : QJsonArray{QStringLiteral("0"), QStringLiteral("1")}},
        {QStringLiteral("threshold"), 0.42},
        {QStringLiteral("metric"), regression ? QStringLiteral("rmse") : QStringLiteral("accuracy")},
        {QStringLiteral("validation_score"), regression ? 3.5 : 0.83},
        {QStringLiteral("validation"), regression ? QJsonObject{{QStringLiteral("rmse"), 3.5}, {QStringLiteral("r2"), 0.9}}
                                                  : QJsonObject{{QStringLiteral("accuracy"), 0.83}, {QStringLiteral("auc"), 0.87}}},
        {QStringLiteral("input_schema"), QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("age")},
                                                                {QStringLiteral("type"), QStringLiteral("real")},
                                                                {QStringLiteral("min"), 0.4}, {QStringLiteral("max"), 80}},
                                                    QJsonObject{{QStringLiteral("name"), QStringLiteral("sex")},
                                                                {QStringLiteral("type"), QStringLiteral("categorical")},
                                                                {QStringLiteral("levels"), QJsonArray{QStringLiteral("male"), QStringLiteral("female")}}}}},
        {QStringLiteral("members"), QJsonArray{QJsonObject{{QStringLiteral("family"), QStringLiteral("xgboost")},
                                                           {QStringLiteral("weight"), 1.0},
                                                           {QStringLiteral("score"), 0.82},
                                                           {QStringLiteral("params"), QJsonObject{{QStringLiteral("max_depth"), 6}}},
                                                           {QStringLiteral("folds"), QJsonArray{QJsonObject{}, QJsonObject{}}}}}},
        {QStringLiteral("build"), QJsonObject{{QStringLiteral("mode"), QStringLiteral("quick")},
                                              {QStringLiteral("time_limit"), 120},
                                              {QStringLiteral("families"), QJsonArray{QStringLiteral("xgboost")}},
                                              {QStringLiteral("validation"), QStringLiteral("5-fold cross-validation")},
                                              {QStringLiteral("dropped"), QJsonArray{QStringLiteral("ticket")}}}},
        {QStringLiteral("seed"), QStringLiteral("42")},
        {QStringLiteral("data_fingerprint"), QJsonObject{{QStringLiteral("hash"), QStringLiteral("abc")},
                                                         {QStringLiteral("rows"), 891}, {QStringLiteral("columns"), 11}}},
        {QStringLiteral("leaderboard"), QJsonArray{QJsonObject{{QStringLiteral("id"), 1}, {QStringLiteral("family"), QStringLiteral("xgboost")},
                                                               {QStringLiteral("score"), 0.82}, {QStringLiteral("status"), QStringLiteral("finished")}}}},
        {QStringLiteral("column_impact"), QJsonArray{QJsonObject{{QStringLiteral("column"), QStringLiteral("sex")}, {QStringLiteral("percent"), 60.0}},
                                                     QJsonObject{{QStringLiteral("column"), QStringLiteral("age")}, {QStringLiteral("percent"), 40.0}}}},
        {QStringLiteral("dropped_columns"), QJsonArray{QJsonObject{{QStringLiteral("column"), QStringLiteral("name")},
                                                                   {QStringLiteral("reason"), QStringLiteral("looks like free text")}}}},
    };
    return b;
}

} // namespace

class TestReport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void classification()
    {
        const ModelBundle b = sampleBundle(QStringLiteral("binary"));
        Result<QByteArray> html = makeModelReport(b, nullptr);
        QVERIFY(html);
        const QString text = QString::fromUtf8(*html);
        QVERIFY(text.startsWith(QStringLiteral("<!DOCTYPE html>")));
        QVERIFY(text.contains(metricHeadline(Metric::Accuracy, 0.83, QStringLiteral("survived")).toHtmlEscaped()));
        QVERIFY(text.contains(QStringLiteral("<svg class=\"impact-chart\"")));
        QVERIFY(text.contains(QStringLiteral(">sex</text>")));
        QVERIFY(text.contains(QStringLiteral("looks like free text")));
        QVERIFY(text.contains(QStringLiteral("ticket")));
        QVERIFY(text.contains(QStringLiteral("AUC")));
        QVERIFY(text.contains(QStringLiteral("5-fold cross-validation")));
        QVERIFY(text.contains(QStringLiteral("--data")));          // says where a confusion matrix would come from
        QVERIFY(text.contains(QStringLiteral("&lt;b&gt;")));       // escaped
        QVERIFY(!text.contains(QStringLiteral("<b>.")));
        // Self-contained: no URL, no external resource, no script.
        QVERIFY(!text.contains(QRegularExpression(QStringLiteral("https?://|src=|href=|<script|<link|url\\("))));
    }

    //! A model whose probabilities were calibrated says so, and how.
    void calibration()
    {
        ModelBundle b = sampleBundle(QStringLiteral("binary"));
        const QString sentence = QStringLiteral("calibrated on the validation rows");
        Result<QByteArray> plain = makeModelReport(b, nullptr);
        QVERIFY(plain);
        QVERIFY(!QString::fromUtf8(*plain).contains(sentence));
        b.manifest.insert(QStringLiteral("calibration"), QJsonObject{{QStringLiteral("method"), QStringLiteral("platt")},
                                                                     {QStringLiteral("slope"), 2.5},
                                                                     {QStringLiteral("intercept"), -0.25}});
        Result<QByteArray> html = makeModelReport(b, nullptr);
        QVERIFY(html);
        const QString text = QString::fromUtf8(*html);
        QVERIFY(text.contains(QStringLiteral("The models were chosen for Accuracy, which does not check")));
        QVERIFY(text.contains(sentence + QStringLiteral(" (Platt scaling (slope 2.5, intercept -0.25))")));
    }

    void confusionMatrix()
    {
        const ModelBundle b = sampleBundle(QStringLiteral("binary"));
        ReportEvaluation e;
        e.source = QStringLiteral("holdout.csv");
        e.rows = 10;
        e.labels = {QStringLiteral("0"), QStringLiteral("1")};
        e.confusion = {{5, 1}, {2, 2}};
        e.metrics.insert(QStringLiteral("accuracy"), 0.7);
        Result<QByteArray> html = makeModelReport(b, &e);
        QVERIFY(html);
        const QString text = QString::fromUtf8(*html);
        QVERIFY(text.contains(QStringLiteral("holdout.csv")));
        QVERIFY(text.contains(QStringLiteral("<table class=\"cm\">")));
        QVERIFY(text.contains(QStringLiteral("<td class=\"n hit\">5</td>")));
    }

    void confusionMatrixFromValidationPredictions()
    {
        // Bundles carry the final model's out-of-fold predictions: the report uses them without --data.
        ModelBundle b = sampleBundle(QStringLiteral("binary"));
        const std::vector<float> truth = {0, 0, 1, 1, 1, 0};
        const std::vector<float> prob = {0.1f, 0.5f, 0.9f, 0.2f, 0.6f, 0.3f};  // threshold 0.42
        b.payloads[QStringLiteral("validation/truth.f32")] =
            QByteArray(reinterpret_cast<const char *>(truth.data()), qsizetype(truth.size() * sizeof(float)));
        b.payloads[QStringLiteral("validation/predictions.f32")] =
            QByteArray(reinterpret_cast<const char *>(prob.data()), qsizetype(prob.size() * sizeof(float)));
        b.manifest.insert(QStringLiteral("validation_predictions"),
                          QJsonObject{{QStringLiteral("truth"), QStringLiteral("validation/truth.f32")},
                                      {QStringLiteral("predictions"), QStringLiteral("validation/predictions.f32")},
                                      {QStringLiteral("rows"), 6},
                                      {QStringLiteral("outputs"), 1}});
        const std::optional<ReportEvaluation> e = validationEvaluation(b);
        QVERIFY(e.has_value());
        QCOMPARE(e->rows, size_t(6));
        // actual 0: predicted 0,1,0; actual 1: predicted 1,0,1
        QCOMPARE(e->confusion, (std::vector<std::vector<qint64>>{{2, 1}, {1, 2}}));
        QCOMPARE(e->metrics.value(QStringLiteral("accuracy")).toDouble(), 4.0 / 6.0);
        b.manifest.remove(QStringLiteral("validation_predictions"));
        QVERIFY(!validationEvaluation(b).has_value());
    }

    void regressionResiduals()
    {
        const ModelBundle b = sampleBundle(QStringLiteral("regression"));
        ReportEvaluation e;
        e.source = QStringLiteral("holdout.csv");
        e.rows = 3;
        e.meanAbsResidual = 1.25;
        Result<QByteArray> html = makeModelReport(b, &e);
        QVERIFY(html);
        const QString text = QString::fromUtf8(*html);
        QVERIFY(text.contains(QStringLiteral("Mean absolute error")));
        QVERIFY(text.contains(QStringLiteral("1.25")));
        QVERIFY(text.contains(metricHeadline(Metric::Rmse, 3.5, QStringLiteral("total")).toHtmlEscaped()));
    }

    void refusesNonModel()
    {
        ModelBundle b;
        Result<QByteArray> html = makeModelReport(b, nullptr);
        QVERIFY(!html);
        QCOMPARE(html.error().code, ErrorCode::Corrupt);
    }
};

QTEST_GUILESS_MAIN(TestReport)
#include "tst_report.moc"
