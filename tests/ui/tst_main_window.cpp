// The studio's main window, offscreen, over a throw-away library: importing
// penguins.csv through the same path as the Import button, the data set page it
// opens, and that the window never freezes while a large import runs.
#include "chart_widget.h"
#include "column_card.h"
#include "column_list.h"
#include "dataset_list_model.h"
#include "dataset_view.h"
#include "datasets_page.h"
#include "main_window.h"
#include "quality_strip.h"
#include "table_model.h"
#include "theme.h"
#include "unnamed_controls.h"

#include <QAbstractButton>
#include <QAction>
#include <QAbstractSpinBox>
#include <QComboBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>
#include <ctime>
#include <QTimer>

#include <memory>

using namespace easel;

namespace {

//! CPU time the calling thread has used, in ms.
qint64 threadCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return qint64(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void startsOnTheEmptyDataSetsPage();
    void importsPenguins();
    void tableShowsEveryRowAndMissingValues();
    void speciesCardIsCategorical();
    void numberCardShowsHistogram();
    void qualityStripSelectsItsColumn();
    void correlationHeatMapIsDrawn();
    void chartSavesPngAndPdf();
    void everyControlHasAName();
    void darkAppearanceIsDark();
    void reimportOpensTheStoredCopy();
    void missingFileIsExplained();
    void presentationModeShowsHints();
    void importsALargeFileWithoutFreezing();
    void cleanupTestCase();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<MainWindow> m_window;
};

void TestMainWindow::initTestCase()
{
    QVERIFY(m_dir.isValid());
    qputenv("EASEL_LIBRARY", QFile::encodeName(m_dir.filePath(QStringLiteral("library.easeldb"))));
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.filePath(QStringLiteral("settings")));
    QCoreApplication::setOrganizationName(QStringLiteral("easel-test"));
    QCoreApplication::setApplicationName(QStringLiteral("easel-test"));
    m_window = std::make_unique<MainWindow>();
    QCOMPARE(m_window->libraryPath(), m_dir.filePath(QStringLiteral("library.easeldb")));
    m_window->resize(1300, 820);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestMainWindow::startsOnTheEmptyDataSetsPage()
{
    QVERIFY(m_window->datasetsPage()->isVisible());
    QCOMPARE(m_window->datasetsPage()->model()->rowCount(), 0);
    QVERIFY(!m_window->datasetsPage()->view()->isVisible());
    // The teaching empty state offers the bundled samples.
    const auto samples = m_window->datasetsPage()->findChildren<QPushButton *>(QStringLiteral("sampleButton"));
    QVERIFY(samples.size() >= 1);
    QVERIFY(MainWindow::computeTargetText().startsWith(QStringLiteral("This computer · CPU · ")));
}

void TestMainWindow::importsPenguins()
{
    const QString csv = QStringLiteral(EASEL_SHARED_DATA_DIR "/penguins.csv");
    QVERIFY2(QFileInfo::exists(csv), qPrintable(csv));
    QSignalSpy finished(m_window.get(), &MainWindow::importFinished);
    QSignalSpy opened(m_window.get(), &MainWindow::datasetOpened);
    m_window->importCsv(csv);  // what Import CSV…, the samples and drag-and-drop call
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 60000);
    QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(finished.at(0).at(1).toString()));
    QTRY_VERIFY_WITH_TIMEOUT(opened.count() == 1, 60000);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->datasetView()->isLoaded(), 60000);
    QVERIFY(m_window->datasetView()->isVisible());
    QCOMPARE(m_window->datasetsPage()->model()->rowCount(), 1);
}

void TestMainWindow::tableShowsEveryRowAndMissingValues()
{
    TableModel *model = m_window->datasetView()->tableModel();
    QCOMPARE(model->rowCount(), 344);
    QCOMPARE(model->columnCount(), 7);
    QCOMPARE(model->headerData(0, Qt::Horizontal).toString(), QStringLiteral("species"));
    QCOMPARE(model->data(model->index(0, 0)).toString(), QStringLiteral("Adelie"));
    // Row 4 of penguins.csv has no measurements: shown as a grey dash.
    const int bill = m_window->datasetView()->content()->table->indexOf(QStringLiteral("bill_length_mm"));
    QVERIFY(bill >= 0);
    QCOMPARE(model->data(model->index(3, bill)).toString(), QStringLiteral("—"));
    QVERIFY(model->data(model->index(3, bill), Qt::ForegroundRole).isValid());
    QVERIFY(model->data(model->index(0, bill), Qt::TextAlignmentRole).toInt() & Qt::AlignRight);
    QVERIFY(model->data(model->index(0, 0), Qt::TextAlignmentRole).toInt() & Qt::AlignLeft);
}

void TestMainWindow::speciesCardIsCategorical()
{
    DatasetView *view = m_window->datasetView();
    QVERIFY(view->selectColumn(QStringLiteral("species")));
    ColumnCard *card = view->columnCard();
    QVERIFY(card->hasColumn());
    QCOMPARE(card->stats().name, QStringLiteral("species"));
    QCOMPARE(card->stats().type, ColumnType::Categorical);
    QCOMPARE(card->stats().distinct, int64_t(3));
    QCOMPARE(card->chart()->kind(), QStringLiteral("top values"));
    QVERIFY(card->summary().contains(QStringLiteral("3 different values")));
    QCOMPARE(view->columnList()->selectedColumn(), QStringLiteral("species"));
    QCOMPARE(view->tableView()->currentIndex().column(), 0);
}

void TestMainWindow::numberCardShowsHistogram()
{
    DatasetView *view = m_window->datasetView();
    QVERIFY(view->selectColumn(QStringLiteral("body_mass_g")));
    ColumnCard *card = view->columnCard();
    QVERIFY(isNumeric(card->stats().type));
    QCOMPARE(card->stats().missing, int64_t(2));
    QCOMPARE(card->chart()->kind(), QStringLiteral("histogram"));
    QVERIFY(card->chart()->plottableCount() >= 1);
    QVERIFY(!card->chart()->xAxis->label().isEmpty());
    QVERIFY(!card->chart()->yAxis->label().isEmpty());
    QVERIFY(!view->selectColumn(QStringLiteral("no such column")));

    // Histograms zoom and pan; a double-click (resetView) brings back the drawn view.
    ChartWidget *chart = card->chart();
    chart->replot();
    QVERIFY(chart->isZoomable());
    QVERIFY(chart->interactions().testFlag(QCP::iRangeZoom));
    const QCPRange home = chart->xAxis->range();
    chart->xAxis->scaleRange(0.5, home.center());
    QVERIFY(chart->xAxis->range().size() < home.size());
    chart->resetView();
    QCOMPARE(chart->xAxis->range().lower, home.lower);
    QCOMPARE(chart->xAxis->range().upper, home.upper);
}

void TestMainWindow::qualityStripSelectsItsColumn()
{
    DatasetView *view = m_window->datasetView();
    QualityStrip *strip = view->qualityStrip();
    QVERIFY(strip->isVisible());
    QVERIFY(strip->itemCount() >= 1);
    QualityItem *clickable = nullptr;
    for (int i = 0; i < strip->itemCount() && !clickable; ++i)
        if (!strip->item(i)->note().column.isEmpty())
            clickable = strip->item(i);
    QVERIFY2(clickable, "penguins.csv has missing values, so at least one note names a column");
    QVERIFY(!clickable->text().isEmpty());
    view->selectColumn(QStringLiteral("island"));
    const QString column = clickable->note().column;
    QVERIFY(column != QStringLiteral("island"));
    QTest::mouseClick(clickable, Qt::LeftButton, {}, QPoint(2, clickable->height() / 2));
    QTRY_COMPARE(view->selectedColumn(), column);
}

void TestMainWindow::correlationHeatMapIsDrawn()
{
    DatasetView *view = m_window->datasetView();
    const CorrelationMatrix &pearson = view->content()->pearson;
    QVERIFY(pearson.columns.size() >= 4);  // the four measurements
    view->showCorrelations();
    QCOMPARE(view->correlationChart()->kind(), QStringLiteral("correlation"));
    view->showRows();
}

void TestMainWindow::chartSavesPngAndPdf()
{
    ChartWidget *chart = m_window->datasetView()->columnCard()->chart();
    const QString png = m_dir.filePath(QStringLiteral("chart.png"));
    const QString pdf = m_dir.filePath(QStringLiteral("chart.pdf"));
    QVERIFY(chart->saveTo(png));
    QVERIFY(chart->saveTo(pdf));
    QVERIFY(QFileInfo(png).size() > 0);
    QVERIFY(QFileInfo(pdf).size() > 0);
    const QString svg = m_dir.filePath(QStringLiteral("chart.svg"));
    QVERIFY(chart->saveTo(svg));
    QFile file(svg);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray text = file.readAll();
    QVERIFY2(text.trimmed().startsWith("<?xml") || text.trimmed().startsWith("<svg"), text.left(80).constData());
    QVERIFY(text.contains("<svg"));
    QVERIFY(text.size() > 1000);  // the bars and axes, not an empty drawing
}

void TestMainWindow::everyControlHasAName()
{
    const QStringList unnamed = unnamedControls(m_window.get());
    for (const QString &control : unnamed)
        qWarning("no accessible name: %s", qPrintable(control));
    QVERIFY2(unnamed.isEmpty(), qPrintable(QStringLiteral("controls without an accessible name:\n  ")
                                               + unnamed.join(QStringLiteral("\n  "))));
    // Those without visible text also say what they are for.
    QVERIFY(!m_window->datasetView()->tableView()->accessibleDescription().isEmpty());
    QVERIFY(!m_window->datasetView()->columnCard()->chart()->accessibleDescription().isEmpty());
}

void TestMainWindow::darkAppearanceIsDark()
{
    const auto isDarkColour = [](const QColor &c) { return c.lightness() < 128; };
    ChartWidget *chart = m_window->datasetView()->columnCard()->chart();
    QVERIFY(m_window->datasetView()->selectColumn(QStringLiteral("body_mass_g")));
    // View → Dark appearance: Automatic, Light, Dark, one of them checked.
    auto *menu = m_window->findChild<QMenu *>(QStringLiteral("appearanceMenu"));
    QVERIFY(menu);
    QCOMPARE(menu->actions().size(), 3);
    QAction *dark = menu->actions().at(2);
    QCOMPARE(dark->text().remove(QLatin1Char('&')), QStringLiteral("Dark"));
    QVERIFY(menu->actions().at(0)->isChecked());  // Automatic by default
    dark->trigger();
    QVERIFY(dark->isChecked());
    QVERIFY(isDark());
    QCOMPARE(appearance(), Appearance::Dark);
    QCOMPARE(QSettings().value(QStringLiteral("view/appearance")).toString(), QStringLiteral("dark"));
    QApplication::processEvents();
    QVERIFY(isDarkColour(QApplication::palette().color(QPalette::Window)));
    QVERIFY(!isDarkColour(QApplication::palette().color(QPalette::WindowText)));
    QVERIFY(isDarkColour(m_window->datasetView()->tableView()->palette().color(QPalette::Base)));
    QVERIFY(!isDarkColour(m_window->datasetView()->tableView()->palette().color(QPalette::Text)));
    // What is drawn: a grab of the page is mostly dark, and so is the chart's background.
    const QImage page = m_window->datasetView()->grab().toImage();
    QVERIFY(isDarkColour(page.pixelColor(page.width() / 2, page.height() - 4)));
    QTRY_VERIFY(isDarkColour(chart->grab().toImage().pixelColor(3, 3)));
    QCOMPARE(chart->kind(), QStringLiteral("histogram"));
    QVERIFY(!isDarkColour(chart->xAxis->tickLabelColor()));
    QVERIFY(!isDarkColour(chart->xAxis->labelColor()));
    QVERIFY(!isDarkColour(chart->yAxis->tickLabelColor()));

    menu->actions().at(1)->trigger();  // Light
    QVERIFY(!isDark());
    QCOMPARE(appearance(), Appearance::Light);
    QApplication::processEvents();
    QVERIFY(!isDarkColour(QApplication::palette().color(QPalette::Window)));
    QTRY_VERIFY(!isDarkColour(chart->grab().toImage().pixelColor(3, 3)));
    QVERIFY(isDarkColour(chart->xAxis->tickLabelColor()));

    // Automatic follows the system: a dark palette set from outside (as a platform
    // theme switching to dark would) turns the studio dark, a light one back.
    menu->actions().at(0)->trigger();  // Automatic
    QPalette system;
    system.setColor(QPalette::Window, QColor(0x20, 0x20, 0x20));
    system.setColor(QPalette::WindowText, Qt::white);
    QApplication::setPalette(system);
    QTRY_VERIFY(isDark());
    QVERIFY(systemPrefersDark());
    QTRY_VERIFY(isDarkColour(chart->grab().toImage().pixelColor(3, 3)));
    system.setColor(QPalette::Window, QColor(0xf0, 0xf0, 0xf0));
    system.setColor(QPalette::WindowText, Qt::black);
    QApplication::setPalette(system);
    QTRY_VERIFY(!isDark());
    QTRY_VERIFY(!isDarkColour(QApplication::palette().color(QPalette::Window)));
}

void TestMainWindow::reimportOpensTheStoredCopy()
{
    QSignalSpy finished(m_window.get(), &MainWindow::importFinished);
    m_window->importCsv(QStringLiteral(EASEL_SHARED_DATA_DIR "/penguins.csv"));
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 60000);
    QVERIFY(finished.at(0).at(0).toBool());
    QCOMPARE(m_window->datasetsPage()->model()->rowCount(), 1);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->datasetView()->isLoaded(), 60000);
}

void TestMainWindow::missingFileIsExplained()
{
    QSignalSpy finished(m_window.get(), &MainWindow::importFinished);
    const QString missing = m_dir.filePath(QStringLiteral("no-such-file.csv"));
    m_window->importCsv(missing);
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 60000);
    QVERIFY(!finished.at(0).at(0).toBool());
    QMessageBox *box = nullptr;
    QTRY_VERIFY((box = m_window->findChild<QMessageBox *>(QStringLiteral("importError"))) != nullptr);
    QVERIFY(!box->informativeText().isEmpty());  // what to do next
    box->close();
}

void TestMainWindow::presentationModeShowsHints()
{
    const double before = QApplication::font().pointSizeF();
    m_window->setPresentationMode(true);
    QVERIFY(QApplication::font().pointSizeF() > before);
    bool hintShown = false;
    for (QLabel *hint : m_window->findChildren<QLabel *>(QStringLiteral("presentationHint")))
        hintShown = hintShown || hint->isVisible();
    QVERIFY(hintShown);
    m_window->setPresentationMode(false);
    QCOMPARE(QApplication::font().pointSizeF(), before);
}

void TestMainWindow::importsALargeFileWithoutFreezing()
{
    // Large enough that reading it takes far longer than a pause anyone notices, so
    // an import done on the window's thread would fail here (penguins.csv reads in
    // less time than the window takes to paint a new page).
    const QString csv = m_dir.filePath(QStringLiteral("large.csv"));
    {
        QFile file(csv);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QVERIFY(file.write("id,amount,region,score\n") > 0);
        static const char *const regions[] = {"north", "south", "east", "west", "centre"};
        char line[96];
        for (int i = 0; i < 2000000; ++i) {
            const int n = std::snprintf(line, sizeof line, "%d,%.2f,%s,%.1f\n", i, (i * 7919LL % 100003) / 100.0,
                                        regions[i % 5], (i * 104729LL % 1000) / 10.0);
            QCOMPARE(file.write(line, n), qint64(n));
        }
    }

    // A 10 ms heartbeat: the largest gap between ticks is the longest the event loop stalled.
    // What counts is the GUI thread's own CPU time between ticks: on a loaded machine
    // (tests run in parallel on two cores) the scheduler may pause the thread, which
    // is not the window doing work on it.
    QElapsedTimer clock;
    qint64 last = 0, largestGap = 0;
    qint64 lastCpu = threadCpuMs(), largestBusyGap = 0;
    QTimer heartbeat;
    heartbeat.setInterval(10);
    connect(&heartbeat, &QTimer::timeout, this, [&] {
        const qint64 now = clock.elapsed();
        const qint64 cpu = threadCpuMs();
        largestGap = std::max(largestGap, now - last);
        largestBusyGap = std::max(largestBusyGap, std::min(now - last, cpu - lastCpu));
        last = now;
        lastCpu = cpu;
    });
    QSignalSpy finished(m_window.get(), &MainWindow::importFinished);
    QSignalSpy opened(m_window.get(), &MainWindow::datasetOpened);
    clock.start();
    heartbeat.start();

    m_window->importCsv(csv);
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 120000);
    QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(finished.at(0).at(1).toString()));
    QTRY_VERIFY_WITH_TIMEOUT(opened.count() == 1, 60000);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->datasetView()->isLoaded(), 60000);
    const qint64 importMs = clock.elapsed();  // read, stored, and on the screen
    QTest::qWait(200);  // include the first paint of the page
    heartbeat.stop();
    qInfo("import took %lld ms; largest event-loop gap: %lld ms wall, %lld ms busy", importMs, largestGap,
          largestBusyGap);

    QVERIFY2(importMs > 300, "the file is too small to show a freeze; make it larger");
    QVERIFY(m_window->datasetView()->isVisible());
    QCOMPARE(m_window->datasetView()->tableModel()->rowCount(), 2000000);
    // A tenth of a second is where people start to notice a pause.
    QVERIFY2(largestBusyGap < 100,
             qPrintable(QStringLiteral("the event loop was busy for %1 ms without a break").arg(largestBusyGap)));
}

void TestMainWindow::cleanupTestCase()
{
    if (m_window)
        m_window->close();
    m_window.reset();
}

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
