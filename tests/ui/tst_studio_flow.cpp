// EASEL_TEST_LABEL: slow
// The whole studio flow, offscreen, over a throw-away library: penguins.csv →
// Build (target species, the preview appears by itself) → a short quick build
// that never freezes the window → the model page (metrics, column impact,
// confusion matrix) → one prediction in the form → a batch prediction saved as
// CSV. Then a build stopped after its first candidate still gives a model that
// opens and predicts.
#include "build_page.h"
#include "build_progress_page.h"
#include "chart_widget.h"
#include "dataset_view.h"
#include "main_window.h"
#include "model_page.h"
#include "predict_page.h"
#include "unnamed_controls.h"

#include <QComboBox>
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolButton>

#include <cmath>
#include <ctime>
#include <memory>

using namespace easel;

namespace {

qint64 threadCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return qint64(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

//! A 10 ms heartbeat on the GUI thread: the largest stretch of the thread's own
//! CPU time between two ticks is the longest the event loop was busy (as in
//! tst_main_window: time the scheduler takes the thread away does not count).
class StallMeter : public QObject
{
public:
    StallMeter()
    {
        m_timer.setInterval(10);
        connect(&m_timer, &QTimer::timeout, this, [this] {
            const qint64 now = m_clock.elapsed(), cpu = threadCpuMs();
            largestBusy = std::max(largestBusy, std::min(now - m_last, cpu - m_lastCpu));
            m_last = now;
            m_lastCpu = cpu;
        });
    }
    void start()
    {
        m_clock.start();
        m_last = 0;
        m_lastCpu = threadCpuMs();
        largestBusy = 0;
        m_timer.start();
    }
    void stop() { m_timer.stop(); }
    qint64 largestBusy = 0;

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0, m_lastCpu = 0;
};

} // namespace

class TestStudioFlow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void opensPenguins();
    void buildPageShowsThePreview();
    void quickBuildWithoutFreezing();
    void modelPageShowsTheEvidence();
    void predictsOneRow();
    void predictsAFile();
    void everyControlHasAName();
    void stoppedBuildKeepsTheBest();
    void cleanupTestCase();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<MainWindow> m_window;
    qint64 m_firstModel = -1;
};

void TestStudioFlow::initTestCase()
{
    QVERIFY(m_dir.isValid());
    qputenv("EASEL_LIBRARY", QFile::encodeName(m_dir.filePath(QStringLiteral("library.easeldb"))));
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.filePath(QStringLiteral("settings")));
    QCoreApplication::setOrganizationName(QStringLiteral("easel-test"));
    QCoreApplication::setApplicationName(QStringLiteral("easel-test-flow"));
    m_window = std::make_unique<MainWindow>();
    m_window->resize(1400, 900);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    m_window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));  // for the Ctrl+B / Ctrl+P shortcuts
}

void TestStudioFlow::opensPenguins()
{
    const QString csv = QStringLiteral(EASEL_SHARED_DATA_DIR "/penguins.csv");
    QVERIFY2(QFileInfo::exists(csv), qPrintable(csv));
    QSignalSpy finished(m_window.get(), &MainWindow::importFinished);
    m_window->importCsv(csv);
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 60000);
    QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(finished.at(0).at(1).toString()));
    QTRY_VERIFY_WITH_TIMEOUT(m_window->datasetView()->isLoaded(), 60000);
}

void TestStudioFlow::buildPageShowsThePreview()
{
    m_window->showBuild();
    BuildPage *page = m_window->buildPage();
    QVERIFY(page->isVisible());
    QVERIFY(page->hasDataset());
    QTRY_VERIFY_WITH_TIMEOUT(page->targetsReady(), 30000);
    QVERIFY(page->selectTarget(QStringLiteral("species")) || page->target() == QStringLiteral("species"));
    QCOMPARE(page->target(), QStringLiteral("species"));
    QTRY_VERIFY_WITH_TIMEOUT(page->canBuild(), 30000);
    if (!QTest::qWaitFor([page] { return page->previewReady(); }, 90000)) {
        // Say why: the page's own words (its status line) are the useful part of a failure.
        for (QLabel *label : page->findChildren<QLabel *>())
            if (label->isVisible() && !label->text().isEmpty())
                qWarning("build page: %s", qPrintable(label->text()));
        QFAIL("the preview did not finish");
    }
    QVERIFY(std::isfinite(page->previewScore()));
    QCOMPARE(page->previewChart()->kind(), QStringLiteral("impact"));
    QCOMPARE(page->seedBox()->value(), 0);
    QVERIFY(page->objectiveBox()->count() >= 2);
    QVERIFY(page->quickButton()->isEnabled());
    // The GPU entry is enabled only when a trainer reports one.
    QVERIFY(page->computeBox()->count() >= 2);
}

void TestStudioFlow::quickBuildWithoutFreezing()
{
    BuildPage *page = m_window->buildPage();
    page->timeLimitBox()->setValue(15);
    StallMeter meter;
    QSignalSpy done(m_window.get(), &MainWindow::buildFinished);
    meter.start();
    QTest::mouseClick(page->quickButton(), Qt::LeftButton);
    QVERIFY(m_window->buildProgressPage()->isVisible());
    QVERIFY(m_window->buildProgressPage()->isRunning());
    QTRY_VERIFY_WITH_TIMEOUT(m_window->buildProgressPage()->leaderboard()->rowCount() > 0, 60000);
    QTRY_VERIFY_WITH_TIMEOUT(done.count() == 1, 240000);
    QVERIFY2(done.at(0).at(0).toBool(), qPrintable(done.at(0).at(2).toString()));
    m_firstModel = done.at(0).at(1).toLongLong();
    QVERIFY(m_firstModel > 0);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->modelsPage()->isLoaded(), 60000);
    QTest::qWait(300);  // include the first paint of the model page
    meter.stop();
    qInfo("largest event-loop busy stretch during the build: %lld ms", meter.largestBusy);
    QVERIFY2(meter.largestBusy < 50,
             qPrintable(QStringLiteral("the event loop was busy for %1 ms without a break").arg(meter.largestBusy)));
    QVERIFY(m_window->buildProgressPage()->finishedTrials() >= 1);
}

void TestStudioFlow::modelPageShowsTheEvidence()
{
    ModelsPage *page = m_window->modelsPage();
    QVERIFY(page->isVisible());
    QCOMPARE(page->currentId(), m_firstModel);
    QCOMPARE(page->modelCount(), 1);
    QVERIFY(!page->headline()->text().isEmpty());
    const QStringList metrics = page->metricTexts();
    QVERIFY2(metrics.size() >= 2, qPrintable(metrics.join(QStringLiteral(" | "))));
    QVERIFY(metrics.join(QLatin1Char(' ')).contains(QStringLiteral("Accuracy")));
    QCOMPARE(page->impactChart()->kind(), QStringLiteral("impact"));
    QCOMPARE(page->mainChart()->kind(), QStringLiteral("confusion"));
    QCOMPARE(page->secondChart()->kind(), QStringLiteral("recall"));
    QVERIFY(page->exportButton()->menu()->actions().size() >= 5);
    // The model is the one the library recorded.
    const LoadedModelPtr model = page->current();
    QCOMPARE(model->target, QStringLiteral("species"));
    QCOMPARE(model->classLabels.size(), 3);
    QVERIFY(!model->truth.empty());
}

void TestStudioFlow::predictsOneRow()
{
    QTest::keyClick(m_window.get(), Qt::Key_P, Qt::ControlModifier);
    PredictPage *page = m_window->predictPage();
    QVERIFY(page->isVisible());
    QVERIFY(page->model());
    QTRY_VERIFY_WITH_TIMEOUT(page->hasPrediction(), 30000);
    const RowPrediction &p = page->lastPrediction();
    QVERIFY2(QStringList({QStringLiteral("Adelie"), QStringLiteral("Chinstrap"), QStringLiteral("Gentoo")})
                 .contains(p.label),
             qPrintable(p.label));
    QCOMPARE(p.probabilities.size(), size_t(3));
    double sum = 0;
    for (double v : p.probabilities)
        sum += v;
    QVERIFY(std::fabs(sum - 1) < 1e-3);
    QCOMPARE(page->probabilityChart()->kind(), QStringLiteral("probabilities"));
    QCOMPARE(page->explanationChart()->kind(), QStringLiteral("contributions"));

    // What-if: a big penguin from Biscoe with long flippers is a Gentoo.
    QSignalSpy predicted(page, &PredictPage::rowPredicted);
    QVERIFY(page->field(QStringLiteral("flipper_length_mm")));
    page->setValue(QStringLiteral("island"), QStringLiteral("Biscoe"));
    page->setValue(QStringLiteral("bill_length_mm"), QStringLiteral("48"));
    page->setValue(QStringLiteral("bill_depth_mm"), QStringLiteral("15"));
    page->setValue(QStringLiteral("flipper_length_mm"), QStringLiteral("225"));
    page->setValue(QStringLiteral("body_mass_g"), QStringLiteral("5500"));
    QTRY_VERIFY_WITH_TIMEOUT(predicted.count() >= 1, 30000);
    QTRY_COMPARE_WITH_TIMEOUT(page->predictedLabel(), QStringLiteral("Gentoo"), 30000);

    // A value that is not a number is explained where it happens.
    QSignalSpy failed(page, &PredictPage::rowPredicted);
    page->setValue(QStringLiteral("body_mass_g"), QStringLiteral("heavy"));
    QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty() && !failed.last().at(0).toBool(), 30000);
    QVERIFY(!page->hasPrediction());
    page->setValue(QStringLiteral("body_mass_g"), QStringLiteral("5500"));
    QTRY_VERIFY_WITH_TIMEOUT(page->hasPrediction(), 30000);
}

void TestStudioFlow::predictsAFile()
{
    PredictPage *page = m_window->predictPage();
    QSignalSpy done(page, &PredictPage::batchFinished);
    StallMeter meter;
    meter.start();
    page->scoreFile(QStringLiteral(EASEL_SHARED_DATA_DIR "/penguins.csv"));
    QTRY_VERIFY_WITH_TIMEOUT(done.count() == 1, 60000);
    QTest::qWait(200);  // include the first paint of the results
    meter.stop();
    qInfo("largest event-loop busy stretch during the batch prediction: %lld ms", meter.largestBusy);
    QVERIFY2(done.at(0).at(0).toBool(), qPrintable(done.at(0).at(1).toString()));
    QVERIFY2(meter.largestBusy < 50,
             qPrintable(QStringLiteral("the event loop was busy for %1 ms without a break").arg(meter.largestBusy)));
    QCOMPARE(page->resultsTable()->rowCount(), 200);
    const QString out = m_dir.filePath(QStringLiteral("scored.csv"));
    QVERIFY(page->saveResults(out));
    QFile file(out);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray header = file.readLine();
    QVERIFY2(header.contains("prediction"), header.constData());
    QVERIFY2(header.contains("probability_Adelie"), header.constData());
    QVERIFY2(header.contains("probability_Gentoo"), header.constData());
    int lines = 1;
    while (!file.readLine().isEmpty())
        ++lines;
    QCOMPARE(lines, 345);
}

void TestStudioFlow::everyControlHasAName()
{
    // Every page has been built and filled by now: the build page, its progress,
    // the model page and the predict page with its form and results.
    const QStringList unnamed = unnamedControls(m_window.get());
    for (const QString &control : unnamed)
        qWarning("no accessible name: %s", qPrintable(control));
    QVERIFY2(unnamed.isEmpty(), qPrintable(QStringLiteral("controls without an accessible name:\n  ")
                                               + unnamed.join(QStringLiteral("\n  "))));
    PredictPage *page = m_window->predictPage();
    QWidget *field = page->field(QStringLiteral("flipper_length_mm"));
    QVERIFY(field);
    QVERIFY(!field->accessibleName().isEmpty());
    QVERIFY(!m_window->buildProgressPage()->stopButton()->accessibleDescription().isEmpty());
}

void TestStudioFlow::stoppedBuildKeepsTheBest()
{
    m_window->showBuild();
    BuildPage *page = m_window->buildPage();
    QTRY_VERIFY_WITH_TIMEOUT(page->canBuild(), 30000);
    page->timeLimitBox()->setValue(300);
    QSignalSpy done(m_window.get(), &MainWindow::buildFinished);
    QTest::keyClick(m_window.get(), Qt::Key_B, Qt::ControlModifier);  // Ctrl+B: a quick build
    BuildProgressPage *progress = m_window->buildProgressPage();
    QVERIFY(progress->isRunning());
    QTRY_VERIFY_WITH_TIMEOUT(progress->finishedTrials() >= 1, 120000);
    // The first candidate (boosted trees) trains in rounds: its curve is drawn.
    QTRY_COMPARE_WITH_TIMEOUT(progress->curveChart()->kind(), QStringLiteral("training curve"), 10000);
    QVERIFY(progress->curveChart()->graphCount() == 1 && progress->curveChart()->graph(0)->dataCount() >= 2);
    QTest::mouseClick(progress->stopButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(done.count() == 1, 120000);
    QVERIFY2(done.at(0).at(0).toBool(), qPrintable(done.at(0).at(2).toString()));
    const qint64 id = done.at(0).at(1).toLongLong();
    QVERIFY(id > m_firstModel);
    ModelsPage *models = m_window->modelsPage();
    QTRY_VERIFY_WITH_TIMEOUT(models->isLoaded() && models->currentId() == id, 60000);
    QCOMPARE(models->modelCount(), 2);
    QVERIFY(models->current()->manifest.value(QStringLiteral("build")).toObject().value(QStringLiteral("canceled")).toBool());
    m_window->showPredict(id);
    PredictPage *predict = m_window->predictPage();
    QCOMPARE(predict->model()->record.id, id);
    QTRY_VERIFY_WITH_TIMEOUT(predict->hasPrediction(), 30000);
    QVERIFY(!predict->predictedLabel().isEmpty());
}

void TestStudioFlow::cleanupTestCase()
{
    m_window.reset();
}

QTEST_MAIN(TestStudioFlow)
#include "tst_studio_flow.moc"
