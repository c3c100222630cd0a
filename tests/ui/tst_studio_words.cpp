// The studio's plain words for candidates (what sets each apart on the leaderboard), and
// how the prediction form reads what is typed.
#include "background_job.h"
#include "predict_page.h"
#include "studio_words.h"

#include <QJsonArray>
#include <QLineEdit>
#include <QLocale>
#include <QTest>

using namespace easel;

namespace {

QString num(double v)
{
    return QLocale::system().toString(v, 'g', 3);
}

} // namespace

class TestStudioWords : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void probabilitiesSayWhetherTheyWereCalibrated()
    {
        QJsonObject m{{"problem_type", "binary"}, {"metric", "auc"}};
        QCOMPARE(words::probabilities(m), QStringLiteral("As the models give them"));
        m.insert("calibration", QJsonObject{{"method", "platt"}, {"slope", 1.4}, {"intercept", 0.1}});
        QCOMPARE(words::probabilities(m), QStringLiteral("Adjusted on the validation rows, so that 70 % means right "
                                                         "about 7 times in 10 (AUC alone does not check that)"));
        QVERIFY(words::probabilities({{"problem_type", "regression"}}).isEmpty());
    }

    //! A number field drops thousands separators; a text field keeps every comma.
    void formFieldsReadAsTheModelExpects()
    {
        QLineEdit text;
        text.setText(QStringLiteral("  Braund, Mr. Owen Harris "));
        QCOMPARE(formFieldText(&text), QStringLiteral("Braund, Mr. Owen Harris"));
        QLineEdit number;
        number.setProperty(kNumberField, true);
        number.setText(QStringLiteral("1") + QLocale::system().groupSeparator() + QStringLiteral("250"));
        QCOMPARE(formFieldText(&number), QStringLiteral("1250"));
    }

    void boostedTreesShowDepthRateAndRounds()
    {
        const QJsonObject p{{"max_depth", 6}, {"learning_rate", 0.05}, {"subsample", 0.8}};
        QCOMPARE(words::trialSettings(QStringLiteral("xgboost"), p, 412),
                 QStringLiteral("depth 6 · learning rate %1 · %2 rounds").arg(num(0.05), QLocale::system().toString(412)));
        // Rounds are left out while they are not known.
        QCOMPARE(words::trialSettings(QStringLiteral("xgboost"), p),
                 QStringLiteral("depth 6 · learning rate %1").arg(num(0.05)));
    }

    //! The model page's "Compute": what the build asked for, and with --gpu, what used it.
    void computeSaysWhatUsedTheGpu()
    {
        QCOMPARE(words::compute(QJsonObject{{"use_gpu", false}}), QStringLiteral("CPU"));
        QCOMPARE(words::compute(QJsonObject{{"use_gpu", true}}), QStringLiteral("GPU"));  // built before it was recorded
        QCOMPARE(words::compute(QJsonObject{{"use_gpu", true}, {"gpu_families", QJsonArray{}},
                                            {"cpu_families", QJsonArray{"linear", "xgboost"}}}),
                 QStringLiteral("CPU (no GPU could be used)"));
        QCOMPARE(words::compute(QJsonObject{{"use_gpu", true}, {"gpu_families", QJsonArray{"xgboost", "mlp"}},
                                            {"cpu_families", QJsonArray{"linear"}}}),
                 QStringLiteral("GPU for gradient-boosted trees, neural network; CPU for linear model"));
        QCOMPARE(words::compute(QJsonObject{{"use_gpu", true}, {"gpu_families", QJsonArray{"xgboost"}},
                                            {"cpu_families", QJsonArray{}}}),
                 QStringLiteral("GPU"));
    }

    void forestsShowDepthTreesAndColumns()
    {
        const QJsonObject p{{"max_depth", 14}, {"n_estimators", 300}, {"subsample", 0.63}};
        QCOMPARE(words::trialSettings(QStringLiteral("random_forest"), p), QStringLiteral("depth 14 · 300 trees"));
        const QJsonObject q{{"max_depth", 8}, {"n_estimators", 250}, {"colsample_bynode", 0.35}};
        QCOMPARE(words::trialSettings(QStringLiteral("random_forest"), q),
                 QStringLiteral("depth 8 · 250 trees · %1 of columns per split").arg(num(0.35)));
    }

    //! The search's penalties are long decimals; three significant digits tell them apart.
    void linearModelsShowTheirPenalty()
    {
        QCOMPARE(words::trialSettings(QStringLiteral("linear"), QJsonObject{{"l2", 0.39180000000000004}, {"max_iter", 300}}),
                 QStringLiteral("L2 penalty %1").arg(num(0.392)));
        QCOMPARE(words::trialSettings(QStringLiteral("linear"), QJsonObject{{"l2", 39.18}}),
                 QStringLiteral("L2 penalty %1").arg(num(39.2)));
    }

    void networksShowLayersDropoutAndEpochs()
    {
        const QJsonObject p{{"hidden", QJsonArray{256, 128}}, {"dropout", 0.1}, {"lr", 0.003}};
        QCOMPARE(words::trialSettings(QStringLiteral("mlp"), p, 37),
                 QStringLiteral("2 layers (256-128) · dropout %1 · 37 epochs").arg(num(0.1)));
        const QJsonObject q{{"hidden", QJsonArray{64}}, {"dropout", 0}};
        QCOMPARE(words::trialSettings(QStringLiteral("mlp"), q), QStringLiteral("1 layer of 64 · dropout 0"));
    }

    void otherFamiliesShowTheirFirstSettings()
    {
        const QJsonObject p{{"a", 1}, {"b", QStringLiteral("x")}, {"c", true}, {"d", 4}};
        QCOMPARE(words::trialSettings(QStringLiteral("something_new"), p), QStringLiteral("a 1 · b x · c yes"));
        QCOMPARE(words::trialSettings(QStringLiteral("xgboost"), QJsonObject{}), QString());
    }

    //! A forest stopped between folds for time is not called "not promising": it was
    //! slow, not poor (the progress page once said so of every stopped forest).
    void statusesSayWhyACandidateStopped()
    {
        QCOMPARE(words::trialStatus(QStringLiteral("finished")), QStringLiteral("done"));
        QCOMPARE(words::trialStatus(QStringLiteral("pruned")), QStringLiteral("stopped early (not promising)"));
        QCOMPARE(words::trialStatus(QStringLiteral("out of time")), QStringLiteral("stopped: would not finish in time"));
        QCOMPARE(words::trialStatus(QStringLiteral("cut short")), QStringLiteral("cut short by the time limit"));
        QCOMPARE(words::trialStatus(QStringLiteral("failed")), QStringLiteral("failed"));
    }

    //! The model page promises the same leaderboard from the same seed only for a
    //! build that its candidate limit ended, not the clock.
    void seedNotePromisesOnlyWhatHolds()
    {
        QVERIFY(words::seedNote(12, false).startsWith(QLatin1String("the same data, seed and number of threads")));
        QVERIFY(words::seedNote(12, true).startsWith(QLatin1String("the time limit ended this build")));
        QVERIFY(words::seedNote(0, true).startsWith(QLatin1String("the time limit ended this build")));
        const QString unlimited = words::seedNote(0, false);
        QVERIFY(unlimited.contains(QLatin1String("may differ")));
        QVERIFY(unlimited.contains(QLatin1String("limit the candidates")));
    }

    void theTooltipListsEverySetting()
    {
        const QJsonObject p{{"hidden", QJsonArray{256, 128}}, {"lr", 0.003}, {"norm", QStringLiteral("batch")}};
        QCOMPARE(words::trialSettingsTip(p),
                 QStringLiteral("hidden = 256, 128\nlr = %1\nnorm = batch").arg(num(0.003)));
        QCOMPARE(words::trialSettingsTip(QJsonObject{}), QString());
    }
};

QTEST_MAIN(TestStudioWords)
#include "tst_studio_words.moc"
