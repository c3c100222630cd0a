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
#include "column_card.h"
#include "dataset_view.h"
#include "datasets_page.h"
#include "layout_fit.h"
#include "main_window.h"
#include "model_page.h"
#include "predict_page.h"
#include "quality_strip.h"
#include "samples.h"
#include "theme.h"
#include "unnamed_controls.h"

#include <QApplication>
#include <QRegularExpression>
#include <QScrollArea>
#include <QTreeWidget>

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
//! The limit, 100 ms, is where a response stops feeling instant; the first paint of
//! a results page takes 40–55 ms of CPU here, more on a loaded machine.
constexpr qint64 kMaxBusyMs = 100;

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

namespace {

//! Where a window at size does not fit: its minimum size, the size it was forced
//! to, or a page wider or taller than the room it has; empty when it fits.
QStringList fitProblems(QMainWindow *window, QWidget *page, const QString &where, const QSize &size)
{
    QStringList problems;
    const QSize need = window->minimumSizeHint();
    if (need.width() > size.width())
        problems << QStringLiteral("%1: the window needs %2 px of width:\n  › %3")
                        .arg(where)
                        .arg(need.width())
                        .arg(widestChain(window, true));
    if (need.height() > size.height())
        problems << QStringLiteral("%1: the window needs %2 px of height:\n  › %3")
                        .arg(where)
                        .arg(need.height())
                        .arg(widestChain(window, false));
    if (window->width() > size.width() || window->height() > size.height())
        problems << QStringLiteral("%1: the window was forced to %2×%3").arg(where).arg(window->width()).arg(window->height());
    const QSize pageNeed = layoutMinimum(page);
    if (pageNeed.width() > page->width() || pageNeed.height() > page->height())
        problems << QStringLiteral("%1: the page needs %2×%3 but has %4×%5:\n  › %6")
                        .arg(where)
                        .arg(pageNeed.width())
                        .arg(pageNeed.height())
                        .arg(page->width())
                        .arg(page->height())
                        .arg(widestChain(page, pageNeed.width() > page->width()));
    // Inside the page, nothing may need sideways scrolling (or be cut where that is off).
    for (QScrollArea *area : page->findChildren<QScrollArea *>()) {
        if (!area->isVisible() || !area->widget())
            continue;
        const int need = layoutMinimum(area->widget()).width(), room = area->viewport()->width();
        if (need > room)
            problems << QStringLiteral("%1: the scroll area \"%2\" needs %3 px of width but has %4:\n  › %5")
                            .arg(where, area->accessibleName())
                            .arg(need)
                            .arg(room)
                            .arg(widestChain(area->widget(), true));
    }
    // Push buttons draw their text unwrapped: narrower than it, they cut it off.
    for (QPushButton *button : page->findChildren<QPushButton *>()) {
        if (button->isVisible() && !button->text().isEmpty() && button->width() < button->sizeHint().width())
            problems << QStringLiteral("%1: the button \"%2\" is %3 px wide, its text needs %4")
                            .arg(where, button->text().section(QLatin1Char('\n'), 0, 0))
                            .arg(button->width())
                            .arg(button->sizeHint().width());
    }
    return problems;
}

//! The text colour a label is drawn in (its style sheet's colour, through its palette).
QColor textColour(const QWidget *label)
{
    return label->palette().color(QPalette::WindowText);
}

//! The colours written into a label's rich text ("color:#6b7280" → "#6b7280").
QStringList inlineColours(const QString &html)
{
    static const QRegularExpression colour(QStringLiteral("color\\s*:\\s*(#[0-9a-fA-F]{6})"));
    QStringList out;
    for (auto it = colour.globalMatch(html); it.hasNext();)
        out << it.next().captured(1).toLower();
    return out;
}

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
    void presentationModeFitsA1280By720Screen();
    void themeSwitchRecoloursEveryLabelAtOnce();
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
    applyTheme(*qApp);  // as the studio starts: its style, palette and style sheet
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
    // A limit on candidates goes into the builds' spec, not the preview's.
    QCOMPARE(page->maxCandidatesBox()->value(), 0);
    QCOMPARE(page->maxCandidatesBox()->text(), QStringLiteral("No limit"));
    page->maxCandidatesBox()->setValue(12);
    QCOMPARE(page->spec(BuildMode::Quick).maxCandidates, 12);
    QCOMPARE(page->spec(BuildMode::Standard).maxCandidates, 12);
    QCOMPARE(page->spec(BuildMode::Preview).maxCandidates, 0);
    page->maxCandidatesBox()->setValue(0);
    QCOMPARE(page->spec(BuildMode::Quick).maxCandidates, 0);
    // The build buttons say how long each build takes: the time limit once one is set.
    QVERIFY2(page->quickButton()->text().contains(QStringLiteral("about 2 min")), qPrintable(page->quickButton()->text()));
    QVERIFY2(page->standardButton()->text().contains(QStringLiteral("up to 15 min")),
             qPrintable(page->standardButton()->text()));
    page->timeLimitBox()->setValue(300);
    QVERIFY2(page->quickButton()->text().contains(QStringLiteral("about 5 min")), qPrintable(page->quickButton()->text()));
    QVERIFY2(page->standardButton()->text().contains(QStringLiteral("up to 5 min")),
             qPrintable(page->standardButton()->text()));
    QCOMPARE(page->quickButton()->accessibleDescription(),
             QStringLiteral("About 5 min: proven settings, then an ensemble. Ctrl+B."));
    page->timeLimitBox()->setValue(0);
    QVERIFY(page->quickButton()->text().contains(QStringLiteral("about 2 min")));
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
    QVERIFY2(meter.largestBusy < kMaxBusyMs,
             qPrintable(QStringLiteral("the event loop was busy for %1 ms without a break").arg(meter.largestBusy)));
    QVERIFY(m_window->buildProgressPage()->finishedTrials() >= 1);
    // Whether 15 s was enough depends on the machine; the progress page and the model
    // page say so exactly when the build records that the limit ended its search.
    const bool limited = m_window->modelsPage()->current()->manifest.value(QStringLiteral("build")).toObject()
                             .value(QStringLiteral("time_limited")).toBool();
    const QString status = m_window->buildProgressPage()->statusText();
    QVERIFY2(status.contains(QStringLiteral("The time limit ended the search")) == limited, qPrintable(status));
    QLabel *note = m_window->modelsPage()->note();
    QCOMPARE(note->isVisibleTo(m_window->modelsPage()), limited);
    if (limited)
        QVERIFY2(note->text().contains(QStringLiteral("A Standard build, with more time, may do better")),
                 qPrintable(note->text()));
    qInfo("the 15 s quick build was %s by its time limit", limited ? "ended" : "not ended");
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
    // Every candidate says what sets it apart, and its tooltip lists all its settings.
    QTableWidget *board = page->leaderboard();
    QVERIFY(board->rowCount() >= 3);
    QCOMPARE(board->horizontalHeaderItem(2)->text(), QStringLiteral("Settings"));
    QStringList linear;
    for (int r = 0; r < board->rowCount(); ++r) {
        const QString family = board->item(r, 1)->text();
        const QString settings = board->item(r, 2)->text();
        QVERIFY2(!settings.isEmpty(), qPrintable(family));
        QVERIFY2(board->item(r, 2)->toolTip().contains(QStringLiteral(" = ")), qPrintable(family));
        if (family == QStringLiteral("Gradient-boosted trees"))
            QVERIFY2(settings.contains(QStringLiteral("rounds")), qPrintable(settings));
        if (family == QStringLiteral("Linear model")) {
            QVERIFY2(settings.startsWith(QStringLiteral("L2 penalty ")), qPrintable(settings));
            QVERIFY2(!linear.contains(settings), qPrintable(settings));  // the rows can be told apart
            linear << settings;
        }
    }
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
    QVERIFY2(meter.largestBusy < kMaxBusyMs,
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

void TestStudioFlow::presentationModeFitsA1280By720Screen()
{
    // A 1366×768 laptop or a 1280×800 projector, less the title bar and a panel:
    // every page in presentation mode, filled in, fits without clipping or
    // pushing the window wider than the screen.
    const QSize screen(1280, 720);
    m_window->setPresentationMode(true);
    QStringList problems;
    const auto settle = [] {
        // Layout requests climb one parent per round: let them reach the window.
        for (int i = 0; i < 8; ++i) {
            QApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
            QApplication::processEvents();
        }
    };
    const auto visit = [&](const QString &where, QWidget *page) {
        settle();
        m_window->resize(screen);
        settle();
        problems << fitProblems(m_window.get(), page, where, screen);
    };

    m_window->showDatasets();
    visit(QStringLiteral("data sets"), m_window->datasetsPage());
    DatasetView *view = m_window->datasetView();
    m_window->openDataset(view->datasetId());
    QTRY_VERIFY_WITH_TIMEOUT(view->isLoaded(), 60000);
    QVERIFY(view->selectColumn(QStringLiteral("body_mass_g")));
    visit(QStringLiteral("data set, a number column"), view);
    QVERIFY(view->selectColumn(QStringLiteral("island")));
    visit(QStringLiteral("data set, a category column"), view);
    view->showCorrelations();
    visit(QStringLiteral("data set, correlations"), view);
    view->showRows();

    m_window->showBuild();
    BuildPage *build = m_window->buildPage();
    QTRY_VERIFY_WITH_TIMEOUT(build->canBuild(), 30000);
    QTRY_VERIFY_WITH_TIMEOUT(build->previewReady(), 90000);
    visit(QStringLiteral("build"), build);
    // The progress page while a short build runs: its status card is at its tallest then.
    BuildProgressPage *progress = m_window->buildProgressPage();
    build->timeLimitBox()->setValue(8);
    QSignalSpy built(m_window.get(), &MainWindow::buildFinished);
    build->startQuickBuild();
    QVERIFY(progress->isRunning());
    QTRY_VERIFY_WITH_TIMEOUT(progress->finishedTrials() >= 2 || !progress->isRunning(), 120000);
    visit(QStringLiteral("build progress, running"), progress);
    QTRY_VERIFY_WITH_TIMEOUT(built.count() == 1, 240000);
    QVERIFY2(built.at(0).at(0).toBool(), qPrintable(built.at(0).at(2).toString()));
    // Finished (its stacked page counts for the window whichever page is shown).
    visit(QStringLiteral("build progress, finished"), progress);

    m_window->showModels(m_firstModel);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->modelsPage()->isLoaded(), 60000);
    visit(QStringLiteral("models"), m_window->modelsPage());

    PredictPage *predict = m_window->predictPage();
    m_window->showPredict();
    predict->showOneRow();
    QTRY_VERIFY_WITH_TIMEOUT(predict->hasPrediction(), 30000);
    visit(QStringLiteral("predict, one row"), predict);
    if (!predict->hasResults()) {  // another model since predictsAFile: score the file again
        QSignalSpy scored(predict, &PredictPage::batchFinished);
        predict->scoreFile(QStringLiteral(EASEL_SHARED_DATA_DIR "/penguins.csv"));
        QTRY_VERIFY_WITH_TIMEOUT(scored.count() == 1, 60000);
    }
    predict->showManyRows();
    QVERIFY(predict->hasResults());
    visit(QStringLiteral("predict, many rows"), predict);
    predict->showOneRow();

    // The other samples' data set pages: their notes, warnings and columns differ.
    const qint64 penguins = view->datasetId();
    for (const QString &sample : {QStringLiteral("abalone.csv"), QStringLiteral("breast_cancer_wisconsin.csv"),
                                  QStringLiteral("iris.csv")}) {
        QSignalSpy imported(m_window.get(), &MainWindow::importFinished);
        m_window->importCsv(samplesDirectory() + QLatin1Char('/') + sample);
        QTRY_VERIFY_WITH_TIMEOUT(imported.count() == 1, 60000);
        QVERIFY2(imported.at(0).at(0).toBool(), qPrintable(imported.at(0).at(1).toString()));
        QTRY_VERIFY_WITH_TIMEOUT(view->isLoaded() && view->datasetId() != penguins, 60000);
        visit(QStringLiteral("data set %1").arg(sample), view);
    }
    // Back to penguins and species, as the tests after this one expect.
    m_window->openDataset(penguins);
    QTRY_VERIFY_WITH_TIMEOUT(view->isLoaded() && view->datasetId() == penguins, 60000);
    m_window->showBuild();
    QTRY_VERIFY_WITH_TIMEOUT(build->targetsReady(), 30000);
    QVERIFY(build->selectTarget(QStringLiteral("species")) || build->target() == QStringLiteral("species"));
    QTRY_VERIFY_WITH_TIMEOUT(build->canBuild(), 30000);

    m_window->setPresentationMode(false);
    m_window->resize(1400, 900);
    for (const QString &problem : problems)
        qWarning("%s", qPrintable(problem));
    QVERIFY2(problems.isEmpty(), "presentation mode does not fit a 1280×720 screen (the reasons are above)");
}

void TestStudioFlow::themeSwitchRecoloursEveryLabelAtOnce()
{
    // Every page filled in the light appearance; then dark, and back, with
    // nothing refreshed in between: the texts must follow at once.
    setAppearance(Appearance::Light);
    DatasetView *view = m_window->datasetView();
    m_window->openDataset(view->datasetId());
    QTRY_VERIFY_WITH_TIMEOUT(view->isLoaded(), 60000);
    QVERIFY(view->selectColumn(QStringLiteral("body_mass_g")));
    m_window->showBuild();
    BuildPage *build = m_window->buildPage();
    QTRY_VERIFY_WITH_TIMEOUT(build->previewReady(), 90000);
    m_window->showModels(m_firstModel);
    ModelsPage *models = m_window->modelsPage();
    QTRY_VERIFY_WITH_TIMEOUT(models->isLoaded(), 60000);

    ColumnCard *card = view->columnCard();
    QLabel *summary = card->findChild<QLabel *>(QStringLiteral("cardSummary"));
    QLabel *typeWords = card->findChild<QLabel *>(QStringLiteral("muted"));
    QLabel *factCaption = card->findChild<QLabel *>(QStringLiteral("factCaption"));
    QVERIFY(summary && typeWords && factCaption);
    QualityItem *quality = nullptr;
    for (int i = 0; i < view->qualityStrip()->itemCount() && !quality; ++i)
        if (!view->qualityStrip()->item(i)->note().html.isEmpty())
            quality = view->qualityStrip()->item(i);
    QVERIFY2(quality, "penguins.csv has empty values, so a note links to its columns");
    QLabel *chip = models->findChild<QLabel *>(QStringLiteral("metricChip"));
    QVERIFY(chip);
    QLabel *buildHint = build->findChild<QLabel *>(QStringLiteral("presentationHint"));
    QVERIFY(buildHint);
    QList<QLabel *> buildMuted;
    for (QLabel *label : build->findChildren<QLabel *>(QStringLiteral("muted")))
        if (!label->text().isEmpty())
            buildMuted << label;
    QVERIFY(!buildMuted.isEmpty());
    auto *columns = build->findChild<QTreeWidget *>(QStringLiteral("columnsToUse"));
    auto *targets = build->findChild<QTreeWidget *>(QStringLiteral("targetList"));
    QVERIFY(columns && columns->topLevelItemCount() > 0 && targets && targets->topLevelItemCount() > 0);

    for (Appearance a : {Appearance::Dark, Appearance::Light}) {
        setAppearance(a);
        QApplication::processEvents();
        const QString mode = a == Appearance::Dark ? QStringLiteral("dark") : QStringLiteral("light");
        const auto expect = [&](QWidget *label, const QString &lightColour, const char *what) {
            const QColor want(themed(lightColour));
            QVERIFY2(textColour(label) == want, qPrintable(QStringLiteral("%1 in %2: %3, expected %4")
                                                                .arg(QLatin1String(what), mode,
                                                                     textColour(label).name(), want.name())));
        };
        // The data set view's column card and quality strip.
        expect(summary, QStringLiteral("#33373d"), "the column summary");
        expect(typeWords, QStringLiteral("#6b7280"), "the column's type in words");
        expect(factCaption, QStringLiteral("#6b7280"), "a fact's caption");
        QVERIFY2(inlineColours(quality->text()).contains(themed(QStringLiteral("#2f6fde")).toLower()),
                 qPrintable(mode + QStringLiteral(": ") + quality->text()));
        // The model page's score text.
        expect(models->headline(), QStringLiteral("#1f2430"), "the model's headline");
        QVERIFY2(inlineColours(chip->text()) == QStringList{themed(QStringLiteral("#6b7280")).toLower()},
                 qPrintable(mode + QStringLiteral(": ") + chip->text()));
        // The build page's hints and its lists' notes.
        expect(buildHint, QStringLiteral("#5c4a12"), "the build page's presentation hint");
        for (QLabel *label : buildMuted)
            expect(label, QStringLiteral("#6b7280"), "a build page hint");
        for (int i = 0; i < columns->topLevelItemCount(); ++i) {
            const QColor note = columns->topLevelItem(i)->foreground(1).color();
            QVERIFY2((note.lightness() > 128) == (a == Appearance::Dark),
                     qPrintable(QStringLiteral("%1: column note %2").arg(mode, note.name())));
        }
        for (int i = 0; i < targets->topLevelItemCount(); ++i) {
            const QBrush kind = targets->topLevelItem(i)->foreground(1);
            QVERIFY2(kind.style() == Qt::NoBrush || (kind.color().lightness() > 128) == (a == Appearance::Dark),
                     qPrintable(QStringLiteral("%1: target kind %2").arg(mode, kind.color().name())));
        }
        // No rich text anywhere keeps a colour of the other appearance.
        const QStringList stale = a == Appearance::Dark
                                      ? QStringList{QStringLiteral("#6b7280"), QStringLiteral("#2f6fde"),
                                                    QStringLiteral("#7a1f1f"), QStringLiteral("#1f2430")}
                                      : QStringList{QStringLiteral("#9aa1ad"), QStringLiteral("#6ea2ff"),
                                                    QStringLiteral("#ffb3b3"), QStringLiteral("#e6e9ef")};
        for (QLabel *label : m_window->findChildren<QLabel *>())
            for (const QString &c : inlineColours(label->text()))
                QVERIFY2(!stale.contains(c), qPrintable(QStringLiteral("%1: \"%2\" keeps %3")
                                                            .arg(mode, label->text().left(120), c)));
    }
    setAppearance(Appearance::Automatic);
}

void TestStudioFlow::stoppedBuildKeepsTheBest()
{
    m_window->showBuild();
    BuildPage *page = m_window->buildPage();
    QTRY_VERIFY_WITH_TIMEOUT(page->canBuild(), 30000);
    page->timeLimitBox()->setValue(300);
    const int modelsBefore = m_window->modelsPage()->modelCount();
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
    QCOMPARE(models->modelCount(), modelsBefore + 1);
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
