// EASEL_TEST_LABEL: slow
// `export --format xgboost`: the JSON loads in Python's xgboost and predicts what
// Easel's model predicts on the same features (probabilities and margins);
// several boosters go into a folder with a manifest and a README.
#include "automl/preprocess.h"
#include "export/bundle_export.h"

#include "export_test_util.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>
#include <QTextStream>

#include <cmath>

using namespace easel;
using namespace easel::testing;

class TestXgboostExport : public QObject
{
    Q_OBJECT

    TrainerRegistry m_registry;
    QTemporaryDir m_dir;
    std::optional<ModelBundle> m_bundle;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_registry.discover();
        if (!m_registry.families().contains(QStringLiteral("xgboost")))
            QSKIP("the xgboost trainer plugin is not built");
        const QString train = m_dir.filePath(QStringLiteral("train.csv"));
        QVERIFY(splitCsv(sharedData(QStringLiteral("titanic.csv")), train, m_dir.filePath(QStringLiteral("test.csv"))));
        QString why;
        m_bundle = buildBundle(train, QStringLiteral("survived"), {QStringLiteral("xgboost")}, m_registry, 6, {}, &why);
        QVERIFY2(m_bundle, qPrintable(why));
    }

    void folderOfBoosters()
    {
        const QString out = m_dir.filePath(QStringLiteral("xgb"));
        Result<ExportOutcome> r = exportBundle(*m_bundle, m_registry, ExportFormat::XGBoost, out);
        QVERIFY2(r, qPrintable(r ? QString() : r.error().message));
        QFile f(QDir(out).filePath(QStringLiteral("manifest.json")));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject manifest = QJsonDocument::fromJson(f.readAll()).object();
        const QJsonArray members = manifest.value(QStringLiteral("members")).toArray();
        QVERIFY(!members.isEmpty());
        QVERIFY(QFile::exists(QDir(out).filePath(QStringLiteral("README.txt"))));
        const QJsonObject first = members[0].toObject().value(QStringLiteral("files")).toArray()[0].toObject();
        const QString pipeline = first.value(QStringLiteral("pipeline")).toString();
        QVERIFY(!manifest.value(QStringLiteral("pipelines")).toObject().value(pipeline).toObject()
                     .value(QStringLiteral("features")).toArray().isEmpty());

        if (!pythonHas({QStringLiteral("numpy"), QStringLiteral("xgboost")}))
            QSKIP("/usr/bin/python3 lacks numpy or xgboost");
        // Features of the test rows through the same pipeline, and Easel's own predictions.
        Result<CsvImport> test = readCsv(m_dir.filePath(QStringLiteral("test.csv")));
        QVERIFY(test);
        Result<Preprocessor> pre = Preprocessor::fromJson(
            m_bundle->manifest.value(QStringLiteral("pipelines")).toObject().value(pipeline).toObject());
        QVERIFY(pre);
        const FeatureMatrix x = pre->transform(*test->table);
        // The fold model Easel loads from the bundle's payload.
        const QJsonObject fold0 = m_bundle->manifest.value(QStringLiteral("members")).toArray()[0].toObject()
                                      .value(QStringLiteral("folds")).toArray()[0].toObject();
        Trainer *trainer = m_registry.trainer(QStringLiteral("xgboost"));
        FitOptions options;
        options.problem = ProblemType::Binary;
        options.numClasses = 2;
        Result<std::unique_ptr<Model>> model =
            trainer->load(m_bundle->payloads.at(fold0.value(QStringLiteral("payload")).toString()), options);
        QVERIFY(model);
        Result<Predictions> expected = (*model)->predict(x);
        QVERIFY(expected);

        // Features as raw float32 bytes; Python prints probability and margin per row.
        QFile raw(m_dir.filePath(QStringLiteral("x.f32")));
        QVERIFY(raw.open(QIODevice::WriteOnly));
        raw.write(reinterpret_cast<const char *>(x.values.data()), qint64(x.values.size() * sizeof(float)));
        raw.close();
        const QString code = QStringLiteral(
            "import sys, numpy as np, xgboost as xgb\n"
            "x = np.fromfile(sys.argv[2], dtype='<f4').reshape(-1, int(sys.argv[3]))\n"
            "b = xgb.Booster(model_file=sys.argv[1])\n"
            "best = int(b.attr('best_iteration'))\n"
            "d = xgb.DMatrix(x, missing=np.nan)\n"
            "p = b.predict(d, iteration_range=(0, best + 1))\n"
            "m = b.predict(d, iteration_range=(0, best + 1), output_margin=True)\n"
            "for a, c in zip(p, m): print('%.9g %.9g' % (a, c))\n");
        QByteArray output;
        const QString file = QDir(out).filePath(first.value(QStringLiteral("file")).toString());
        QCOMPARE(runPython({QStringLiteral("-c"), code, file, raw.fileName(), QString::number(x.cols)}, &output), 0);
        const QList<QByteArray> lines = output.trimmed().split('\n');
        QCOMPARE(size_t(lines.size()), x.rows);
        double maxDiff = 0, maxMargin = 0;
        for (size_t r = 0; r < x.rows; ++r) {
            const QList<QByteArray> parts = lines[qsizetype(r)].split(' ');
            const double p = parts[0].toDouble(), margin = parts[1].toDouble();
            const double want = expected->values[r];
            maxDiff = std::max(maxDiff, std::abs(p - want));
            maxMargin = std::max(maxMargin, std::abs(margin - std::log(want / (1 - want))));
        }
        qInfo("max |python - Easel| probability %.3g, margin (from Easel's probability) %.3g", maxDiff, maxMargin);
        QVERIFY(maxDiff <= 1e-6);
        QVERIFY(maxMargin <= 1e-4);
    }

    //! A classification forest's probabilities are its trees' mean class fractions,
    //! not XGBoost's own output: the manifest and README give the recipe, and the
    //! recipe applied in Python to the exported booster's margins gives Easel's numbers.
    void forestFollowsTheRecipe()
    {
        QString why;
        std::optional<ModelBundle> bundle = buildBundle(m_dir.filePath(QStringLiteral("train.csv")),
                                                        QStringLiteral("survived"), {QStringLiteral("random_forest")},
                                                        m_registry, 6, {}, &why);
        QVERIFY2(bundle, qPrintable(why));
        const QString out = m_dir.filePath(QStringLiteral("forest"));
        Result<ExportOutcome> r = exportBundle(*bundle, m_registry, ExportFormat::XGBoost, out);
        QVERIFY2(r, qPrintable(r ? QString() : r.error().message));
        QFile f(QDir(out).filePath(QStringLiteral("manifest.json")));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject manifest = QJsonDocument::fromJson(f.readAll()).object();
        const QJsonObject first = manifest.value(QStringLiteral("members")).toArray()[0].toObject()
                                      .value(QStringLiteral("files")).toArray()[0].toObject();
        const QJsonObject output = first.value(QStringLiteral("output")).toObject();
        QCOMPARE(output.value(QStringLiteral("kind")).toString(), QStringLiteral("leaf_fractions"));
        QFile readme(QDir(out).filePath(QStringLiteral("README.txt")));
        QVERIFY(readme.open(QIODevice::ReadOnly));
        QVERIFY(readme.readAll().contains("output_margin=True"));

        if (!pythonHas({QStringLiteral("numpy"), QStringLiteral("xgboost")}))
            QSKIP("/usr/bin/python3 lacks numpy or xgboost");
        Result<CsvImport> test = readCsv(m_dir.filePath(QStringLiteral("test.csv")));
        QVERIFY(test);
        const QString pipeline = first.value(QStringLiteral("pipeline")).toString();
        Result<Preprocessor> pre = Preprocessor::fromJson(
            bundle->manifest.value(QStringLiteral("pipelines")).toObject().value(pipeline).toObject());
        QVERIFY(pre);
        const FeatureMatrix x = pre->transform(*test->table);
        const QJsonObject fold0 = bundle->manifest.value(QStringLiteral("members")).toArray()[0].toObject()
                                      .value(QStringLiteral("folds")).toArray()[0].toObject();
        FitOptions options;
        options.problem = ProblemType::Binary;
        options.numClasses = 2;
        Result<std::unique_ptr<Model>> model = m_registry.trainer(QStringLiteral("random_forest"))
                                                   ->load(bundle->payloads.at(fold0.value(QStringLiteral("payload")).toString()), options);
        QVERIFY(model);
        Result<Predictions> expected = (*model)->predict(x);
        QVERIFY(expected);

        QFile raw(m_dir.filePath(QStringLiteral("forest.f32")));
        QVERIFY(raw.open(QIODevice::WriteOnly));
        raw.write(reinterpret_cast<const char *>(x.values.data()), qint64(x.values.size() * sizeof(float)));
        raw.close();
        const QString code = QStringLiteral(
            "import sys, json, numpy as np, xgboost as xgb\n"
            "x = np.fromfile(sys.argv[2], dtype='<f4').reshape(-1, int(sys.argv[3]))\n"
            "o = json.loads(sys.argv[4])\n"
            "b = xgb.Booster(model_file=sys.argv[1])\n"
            "m = b.predict(xgb.DMatrix(x, missing=np.nan), output_margin=True).astype(np.float64)\n"
            "p = np.clip(o['base'] + o['scale'] * (m - o['offset']), 0, 1)\n"
            "p = (1 - o['smoothing']) * p + o['smoothing'] / 2\n"
            "for v in p: print('%.9g' % v)\n");
        QByteArray printed;
        const QString file = QDir(out).filePath(first.value(QStringLiteral("file")).toString());
        QCOMPARE(runPython({QStringLiteral("-c"), code, file, raw.fileName(), QString::number(x.cols),
                            QString::fromUtf8(QJsonDocument(output).toJson(QJsonDocument::Compact))},
                           &printed),
                 0);
        const QList<QByteArray> lines = printed.trimmed().split('\n');
        QCOMPARE(size_t(lines.size()), x.rows);
        double maxDiff = 0;
        for (size_t i = 0; i < x.rows; ++i)
            maxDiff = std::max(maxDiff, std::abs(lines[qsizetype(i)].toDouble() - double(expected->values[i])));
        qInfo("forest: max |recipe in python - Easel| %.3g", maxDiff);
        QVERIFY(maxDiff <= 1e-6);
    }

    void noMemberOfThatKind()
    {
        Result<ExportOutcome> r = exportBundle(*m_bundle, m_registry, ExportFormat::TorchScript,
                                               m_dir.filePath(QStringLiteral("net.pt")));
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::InvalidArgument);
        QVERIFY(r.error().message.contains(QStringLiteral("neural-network")));
    }

    void folderForSeveralRefusesAFile()
    {
        const QString file = m_dir.filePath(QStringLiteral("existing.json"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        Result<ExportOutcome> r = exportBundle(*m_bundle, m_registry, ExportFormat::XGBoost, file);
        QVERIFY(!r);  // 5 folds: a folder is needed
        QCOMPARE(r.error().code, ErrorCode::InvalidArgument);
    }
};

QTEST_GUILESS_MAIN(TestXgboostExport)
#include "tst_xgboost_export.moc"
