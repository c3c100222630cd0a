// EASEL_TEST_LABEL: slow
// The exported Python script reproduces Easel's own predictions (to 1e-6) on
// held-out rows of three shared data sets: binary with missing values and
// categoricals (titanic), multiclass (penguins), regression with date-times
// (taxis), each an ensemble of XGBoost, linear and MLP members.
#include "export/bundle_export.h"
#include "export/python_export.h"
#include "model/batch_predict.h"
#include "model/predictor.h"

#include "export_test_util.h"

#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <map>

using namespace easel;
using namespace easel::testing;

class TestPythonExport : public QObject
{
    Q_OBJECT

    TrainerRegistry m_registry;
    QTemporaryDir m_dir;
    double m_maxDiff = 0;
    std::map<QString, ModelBundle> m_built;  //!< by data set and families: a calibrated row reuses its plain build

    QString path(const QString &name) const { return m_dir.filePath(name); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_registry.discover();
        if (!m_registry.families().contains(QStringLiteral("xgboost"))
            || !m_registry.families().contains(QStringLiteral("linear")))
            QSKIP("the xgboost and linear trainer plugins are not built");
        if (!pythonHas({QStringLiteral("numpy"), QStringLiteral("pandas"), QStringLiteral("xgboost")}))
            QSKIP("/usr/bin/python3 lacks numpy, pandas or xgboost");
    }

    void matchesEasel_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("target");
        QTest::addColumn<QStringList>("dropped");
        QTest::addColumn<QStringList>("only");  // families (empty: xgboost, linear and mlp)
        // A probability calibration to put in the model instead of the build's own (none: keep it).
        QTest::addColumn<QJsonObject>("calibration");
        const QJsonObject keep;
        QTest::newRow("binary titanic") << "titanic.csv" << "survived" << QStringList{} << QStringList{} << keep;
        QTest::newRow("binary titanic, calibrated")
            << "titanic.csv" << "survived" << QStringList{} << QStringList{}
            << QJsonObject{{QStringLiteral("method"), QStringLiteral("platt")},
                           {QStringLiteral("slope"), 1.7},
                           {QStringLiteral("intercept"), -0.3}};
        QTest::newRow("binary reviews, words in many scripts")
            << QStringLiteral(EASEL_TEST_DATA_DIR "/automl/unicode_reviews.csv") << "liked" << QStringList{}
            << QStringList{QStringLiteral("linear")} << keep;
        QTest::newRow("multiclass penguins") << "penguins.csv" << "species" << QStringList{} << QStringList{} << keep;
        QTest::newRow("multiclass penguins, trees and network, calibrated")
            << "penguins.csv" << "species" << QStringList{}
            << QStringList{QStringLiteral("xgboost"), QStringLiteral("mlp")}
            << QJsonObject{{QStringLiteral("method"), QStringLiteral("temperature")},
                           {QStringLiteral("temperature"), 1.8}};
        QTest::newRow("multiclass penguins, forest")
            << "penguins.csv" << "species" << QStringList{} << QStringList{QStringLiteral("random_forest")} << keep;
        QTest::newRow("regression taxis") << "taxis.csv" << "total"
                                          << QStringList{QStringLiteral("fare"), QStringLiteral("tip"),
                                                         QStringLiteral("tolls")}
                                          << QStringList{} << keep;
    }

    void matchesEasel()
    {
        QFETCH(QString, file);
        QFETCH(QString, target);
        QFETCH(QStringList, dropped);
        QFETCH(QStringList, only);
        QFETCH(QJsonObject, calibration);
        const QString data = QFileInfo(file).completeBaseName() + QString::number(only.size());
        const QString stem = data + (calibration.isEmpty() ? QString() : QStringLiteral("_calibrated"));
        const QString train = path(data + QStringLiteral("_train.csv"));
        const QString test = path(data + QStringLiteral("_test.csv"));
        QVERIFY(splitCsv(QFileInfo(file).isAbsolute() ? file : sharedData(file), train, test));

        QStringList families{QStringLiteral("xgboost"), QStringLiteral("linear")};
        if (m_registry.families().contains(QStringLiteral("mlp")))
            families << QStringLiteral("mlp");
        if (!only.isEmpty()) {
            families.clear();
            for (const QString &f : only)
                if (m_registry.families().contains(f))
                    families << f;
        }
        QString why;
        std::optional<ModelBundle> bundle;
        if (auto built = m_built.find(data); built != m_built.end())
            bundle = built->second;
        else
            bundle = buildBundle(train, target, families, m_registry, 12, dropped, &why);
        QVERIFY2(bundle, qPrintable(why));
        m_built.emplace(data, *bundle);
        if (!calibration.isEmpty()) {
            // Easel applies the map to the blend of its members, and so must the script.
            ModelBundle plainBundle = *bundle;
            plainBundle.manifest.remove(QStringLiteral("calibration"));
            bundle->manifest.insert(QStringLiteral("calibration"), calibration);
            bundle->manifest.insert(QStringLiteral("format_version"), ModelBundle::kCalibratedManifestVersion);
            Result<std::unique_ptr<Predictor>> plain = Predictor::open(plainBundle, m_registry);
            Result<std::unique_ptr<Predictor>> mapped = Predictor::open(*bundle, m_registry);
            QVERIFY(plain && mapped);
            Result<CsvImport> rows = readCsv(test);
            QVERIFY(rows);
            Result<Predictions> raw = (*plain)->predict(*rows->table);
            Result<Predictions> got = (*mapped)->predict(*rows->table);
            QVERIFY(raw && got);
            Predictions expectedMap = *raw;
            (*mapped)->calibration().apply(&expectedMap);
            QCOMPARE(got->values, expectedMap.values);
            QVERIFY(got->values != raw->values);
        }

        // Easel's own predictions: in process, and as `easel-cli predict` writes them.
        Result<std::unique_ptr<Predictor>> predictor = Predictor::open(*bundle, m_registry);
        QVERIFY2(predictor, qPrintable(predictor ? QString() : predictor.error().message));
        Result<CsvImport> testTable = readCsv(test);
        QVERIFY(testTable);
        Result<Predictions> expected = (*predictor)->predict(*testTable->table);
        QVERIFY(expected);
        const QString easelCsv = path(stem + QStringLiteral("_easel.csv"));
        BatchOptions batch;
        batch.checkDrift = false;
        QVERIFY(predictCsv(**predictor, test, easelCsv, batch));

        // The script.
        const QString script = path(stem + QStringLiteral(".py"));
        Result<ExportOutcome> exported = exportBundle(*bundle, m_registry, ExportFormat::Python, script);
        QVERIFY2(exported, qPrintable(exported ? QString() : exported.error().message));
        const QString precise = path(stem + QStringLiteral("_precise.csv"));
        const QString plain = path(stem + QStringLiteral("_py.csv"));
        QByteArray output;
        QCOMPARE(runPython({script, test, precise, QStringLiteral("--precise")}, &output), 0);
        QCOMPARE(runPython({script, test, plain}, &output), 0);

        // Values / probabilities to 1e-6 against Predictor::predict.
        Result<CsvImport> got = readCsv(precise);
        QVERIFY(got);
        const Table &t = *got->table;
        QCOMPARE(t.rowCount(), size_t(expected->rows));
        const QStringList labels = (*predictor)->classLabels();
        const ProblemType problem = (*predictor)->problem();
        // Values and probabilities to 1e-6 absolute. Both sides run networks in double precision
        // and everything after in float32 in the same order, so they usually agree to the bit.
        double maxDiff = 0;
        for (size_t r = 0; r < t.rowCount(); ++r) {
            if (problem == ProblemType::Regression) {
                const double v = t.column(size_t(t.indexOf(QStringLiteral("prediction")))).numberAt(r);
                maxDiff = std::max(maxDiff, std::abs(v - double(expected->values[r])));
                continue;
            }
            const std::vector<double> probs = (*predictor)->probabilitiesAt(*expected, r);
            for (qsizetype k = 0; k < labels.size(); ++k) {
                const int c = t.indexOf(QStringLiteral("probability_") + labels[k]);
                QVERIFY(c >= 0);
                maxDiff = std::max(maxDiff, std::abs(t.column(size_t(c)).numberAt(r) - probs[size_t(k)]));
            }
            QCOMPARE(t.column(size_t(t.indexOf(QStringLiteral("prediction")))).textAt(r),
                     (*predictor)->labelAt(*expected, r));
        }
        qInfo("%s: %zu rows, members %s, max |script - Easel| = %.3g", qPrintable(stem), t.rowCount(),
              qPrintable((*predictor)->families().join(QLatin1Char(','))), maxDiff);
        QVERIFY2(maxDiff <= 1e-6, qPrintable(QStringLiteral("max difference %1").arg(maxDiff)));
        m_maxDiff = std::max(m_maxDiff, maxDiff);

        // The default output has the lines `easel-cli predict` writes (numbers to 1e-6, in case a
        // last float32 bit differs).
        QFile a(easelCsv), b(plain);
        QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
        const QList<QByteArray> la = a.readAll().split('\n'), lb = b.readAll().split('\n');
        QCOMPARE(lb.size(), la.size());
        QCOMPARE(lb.front(), la.front());
        const int inputFields = int(la.front().count(',')) - (problem == ProblemType::Regression ? 0 : int(labels.size()));
        for (qsizetype i = 1; i < la.size(); ++i) {
            if (la[i] == lb[i])
                continue;
            const QList<QByteArray> fa = la[i].split(','), fb = lb[i].split(',');
            QCOMPARE(fb.size(), fa.size());
            for (qsizetype j = 0; j < fa.size(); ++j) {
                if (fa[j] == fb[j])
                    continue;
                const double a = fa[j].toDouble(), b = fb[j].toDouble();
                QVERIFY2(j >= inputFields && std::abs(a - b) <= 1e-6,
                         qPrintable(QStringLiteral("line %1: %2 | %3").arg(i).arg(QString::fromUtf8(la[i]),
                                                                                    QString::fromUtf8(lb[i]))));
            }
        }
    }

    //! A file with its own "prediction" and "probability_1" columns: the script names the
    //! added columns as `easel-cli predict` does.
    void addedColumnsAreNamedAsEaselNamesThem()
    {
        auto built = m_built.find(QStringLiteral("titanic0"));
        if (built == m_built.end())
            QSKIP("needs the titanic model of matchesEasel");
        QFile in(path(QStringLiteral("titanic0_test.csv")));
        QVERIFY(in.open(QIODevice::ReadOnly));
        QByteArray csv;
        for (QByteArray line : in.readAll().split('\n')) {
            if (line.endsWith('\r'))  // the shared file ends its lines in CR LF
                line.chop(1);
            if (!line.isEmpty())
                csv += line + (csv.isEmpty() ? ",prediction,probability_1\n" : ",x,y\n");
        }
        QFile again(path(QStringLiteral("again.csv")));
        QVERIFY(again.open(QIODevice::WriteOnly) && again.write(csv) == csv.size());
        again.close();

        Result<std::unique_ptr<Predictor>> predictor = Predictor::open(built->second, m_registry);
        QVERIFY(predictor);
        BatchOptions batch;
        batch.checkDrift = false;
        QVERIFY(predictCsv(**predictor, again.fileName(), path(QStringLiteral("again_easel.csv")), batch));
        const QString script = path(QStringLiteral("titanic0.py"));
        QByteArray output;
        QCOMPARE(runPython({script, again.fileName(), path(QStringLiteral("again_py.csv"))}, &output), 0);
        QFile a(path(QStringLiteral("again_easel.csv"))), b(path(QStringLiteral("again_py.csv")));
        QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
        const QByteArray head = a.readLine();
        QVERIFY2(head.trimmed().endsWith(",prediction,probability_1,prediction_2,probability_0,probability_1_2"),
                 head.constData());
        QCOMPARE(b.readLine(), head);
    }

    void cleanupTestCase() { qInfo("largest difference over all data sets: %.3g", m_maxDiff); }

    void refusesUnknownFamily()
    {
        ModelBundle bundle;
        bundle.manifest = QJsonObject{
            {QStringLiteral("format"), QStringLiteral("easel-model")},
            {QStringLiteral("members"),
             QJsonArray{QJsonObject{{QStringLiteral("family"), QStringLiteral("catboost")},
                                    {QStringLiteral("weight"), 1.0},
                                    {QStringLiteral("folds"), QJsonArray{QJsonObject{}}}}}}};
        Result<QByteArray> script = makePythonScript(bundle);
        QVERIFY(!script);
        QCOMPARE(script.error().code, ErrorCode::Unsupported);
    }
};

QTEST_GUILESS_MAIN(TestPythonExport)
#include "tst_python_export.moc"
