#include "screenshot_tour.h"

#include "build_page.h"
#include "build_progress_page.h"
#include "dataset_view.h"
#include "main_window.h"
#include "model_page.h"
#include "predict_page.h"
#include "samples.h"
#include "theme.h"

#include <QFileInfo>
#include <QScrollArea>
#include <QScrollBar>
#include <QSpinBox>

#include <QApplication>
#include <QDir>
#include <QPixmap>
#include <QRegularExpression>
#include <QElapsedTimer>
#include <QTimer>

#include <cstdio>

namespace easel {

namespace {
constexpr int kSettleMs = 500;
}

ScreenshotTour::ScreenshotTour(MainWindow *window, const QString &directory, const QString &csvPath)
    : QObject(window), m_window(window), m_directory(directory), m_csvPath(csvPath)
{}

void ScreenshotTour::start()
{
    QDir().mkpath(m_directory);
    // EASEL_SCREENSHOT_SIZE=WxH (default 1400x900): the window's size, in
    // device-independent pixels (QT_SCALE_FACTOR=2 makes the PNGs twice as big).
    QSize size(1400, 900);
    static const QRegularExpression wxh(QStringLiteral("^(\\d+)x(\\d+)$"));
    const QRegularExpressionMatch m = wxh.match(qEnvironmentVariable("EASEL_SCREENSHOT_SIZE"));
    if (m.hasMatch())
        size = QSize(m.captured(1).toInt(), m.captured(2).toInt());
    m_window->resize(size);
    // EASEL_SCREENSHOT_PRESENTATION=1: the whole tour in presentation mode.
    m_presentation = qEnvironmentVariableIntValue("EASEL_SCREENSHOT_PRESENTATION") != 0;
    m_window->setPresentationMode(m_presentation);
    QTimer::singleShot(900, this, [this] {
        shoot(QStringLiteral("01-data-sets-empty.png"));
        connect(m_window, &MainWindow::importFinished, this, [this](bool ok, const QString &message) {
            if (!ok)
                fail(QStringLiteral("import failed: ") + message);
        });
        connect(m_window, &MainWindow::datasetOpened, this, &ScreenshotTour::afterOpened, Qt::SingleShotConnection);
        connect(m_window->datasetView(), &DatasetView::loadFailed, this,
                [this](const QString &message) { fail(QStringLiteral("opening failed: ") + message); });
        m_window->importCsv(m_csvPath);
    });
    QTimer::singleShot(600000, this, [this] { fail(QStringLiteral("timed out")); });
}

QString ScreenshotTour::firstColumn(bool numeric) const
{
    const DatasetContentPtr &content = m_window->datasetView()->content();
    if (!content)
        return {};
    // Prefer a well-known, telling column of the penguins sample.
    const QString preferred = numeric ? QStringLiteral("body_mass_g") : QStringLiteral("island");
    if (content->statsFor(preferred))
        return preferred;
    for (const ColumnStats &s : content->stats)
        if (numeric ? isNumeric(s.type) : (s.type == ColumnType::Categorical || s.type == ColumnType::Boolean))
            return s.name;
    return content->stats.empty() ? QString() : content->stats.front().name;
}

void ScreenshotTour::afterOpened()
{
    DatasetView *view = m_window->datasetView();
    auto steps = std::make_shared<std::vector<std::function<void()>>>();
    steps->push_back([this, view] {
        view->showRows();
        view->selectColumn(firstColumn(true));
    });
    steps->push_back([this] { shoot(QStringLiteral("02-data-set-numeric-column.png")); });
    steps->push_back([this, view] { view->selectColumn(firstColumn(false)); });
    steps->push_back([this] { shoot(QStringLiteral("03-data-set-category-column.png")); });
    steps->push_back([view] { view->showCorrelations(); });
    steps->push_back([this] { shoot(QStringLiteral("04-correlations.png")); });
    steps->push_back([this, view] {
        view->showRows();
        m_window->setPresentationMode(true);
    });
    steps->push_back([this] { shoot(QStringLiteral("05-presentation-mode.png")); });
    steps->push_back([this] {
        m_window->setPresentationMode(m_presentation);
        m_window->showDatasets();
    });
    steps->push_back([this] { shoot(QStringLiteral("06-data-sets-list.png")); });
    steps->push_back([this] { m_window->openDataset(m_window->datasetView()->datasetId()); });
    steps->push_back([this] {
        waitFor([this] { return m_window->datasetView()->isLoaded(); }, 60000, QStringLiteral("reopening"),
                [this] { studioTour(); });
    });
    auto run = std::make_shared<std::function<void(size_t)>>();
    *run = [this, steps, run](size_t i) {
        if (i >= steps->size())
            return;
        (*steps)[i]();
        QTimer::singleShot(kSettleMs, this, [run, i] { (*run)(i + 1); });
    };
    QTimer::singleShot(kSettleMs, this, [run] { (*run)(0); });
}

void ScreenshotTour::waitFor(std::function<bool()> ready, int timeoutMs, const QString &what,
                             std::function<void()> then)
{
    auto *timer = new QTimer(this);
    auto *clock = new QElapsedTimer;
    clock->start();
    timer->setInterval(200);
    connect(timer, &QTimer::timeout, this, [=, this] {
        if (ready()) {
            timer->deleteLater();
            delete clock;
            QTimer::singleShot(kSettleMs, this, then);
        } else if (clock->elapsed() > timeoutMs) {
            timer->deleteLater();
            delete clock;
            fail(QStringLiteral("waiting for %1 timed out").arg(what));
        }
    });
    timer->start();
}

namespace {
//! Scrolls the page's first scroll area by fraction of its range (0 top, 1 bottom).
void scrollPage(QWidget *page, double fraction)
{
    for (QScrollArea *area : page->findChildren<QScrollArea *>())
        if (area->isVisible() && area->verticalScrollBar()->maximum() > 0) {
            QScrollBar *bar = area->verticalScrollBar();
            bar->setValue(int(bar->maximum() * fraction));
            return;
        }
}

int buildSeconds()
{
    const int s = qEnvironmentVariableIntValue("EASEL_SCREENSHOT_BUILD_SECONDS");
    return s > 0 ? s : 20;
}
} // namespace

void ScreenshotTour::studioTour()
{
    BuildPage *build = m_window->buildPage();
    m_window->showBuild();
    waitFor([build] { return build->targetsReady(); }, 30000, QStringLiteral("the target list"), [this, build] {
        // EASEL_SCREENSHOT_TARGET names the column to predict in another CSV.
        const QString target = qEnvironmentVariable("EASEL_SCREENSHOT_TARGET", QStringLiteral("species"));
        if (build->target() != target && !build->selectTarget(target))
            return fail(QStringLiteral("no %1 column to predict").arg(target));
        waitFor([build] { return build->previewReady(); }, 90000, QStringLiteral("the preview"), [this, build] {
            shoot(QStringLiteral("07-build-preview.png"));
            build->timeLimitBox()->setValue(buildSeconds());
            scrollPage(build, 1.0);
            QTimer::singleShot(kSettleMs, this, [this, build] {
                shoot(QStringLiteral("07-build-settings.png"));
                scrollPage(build, 0);
                buildTour();
            });
        });
    });
}

void ScreenshotTour::buildTour()
{
    BuildPage *build = m_window->buildPage();
    connect(m_window, &MainWindow::buildFinished, this, [this](bool ok, qint64, const QString &message) {
        if (!ok)
            fail(QStringLiteral("the build failed: ") + message);
    }, Qt::SingleShotConnection);
    build->startQuickBuild();
    BuildProgressPage *progress = m_window->buildProgressPage();
    waitFor([progress] { return progress->finishedTrials() >= 3 || !progress->isRunning(); }, 120000,
            QStringLiteral("the first candidates"), [this, progress] {
                shoot(QStringLiteral("08-build-progress.png"));
                ModelsPage *models = m_window->modelsPage();
                waitFor([progress, models] { return !progress->isRunning() && models->isLoaded(); }, 300000,
                        QStringLiteral("the model"), [this, models] {
                            shoot(QStringLiteral("09-model-classification.png"));
                            scrollPage(models, 0.45);
                            QTimer::singleShot(kSettleMs, this, [this, models] {
                                shoot(QStringLiteral("10-model-classification-charts.png"));
                                scrollPage(models, 1.0);
                                QTimer::singleShot(kSettleMs, this, [this, models] {
                                    shoot(QStringLiteral("11-model-leaderboard-settings.png"));
                                    scrollPage(models, 0);
                                    m_window->showPredict();
                                    PredictPage *predict = m_window->predictPage();
                                    waitFor([predict] { return predict->hasPrediction(); }, 60000,
                                            QStringLiteral("a prediction"), [this, predict] {
                                                shoot(QStringLiteral("12-predict-one-row.png"));
                                                predict->scoreFile(m_csvPath);
                                                waitFor([predict] { return !predict->isScoring(); }, 120000,
                                                        QStringLiteral("the batch"), [this] {
                                                            shoot(QStringLiteral("13-predict-many-rows.png"));
                                                            darkTour();
                                                        });
                                            });
                                });
                            });
                        });
            });
}

void ScreenshotTour::darkTour()
{
    // The model and data set pages in the dark appearance, then back to how it was.
    const Appearance before = appearance();
    setAppearance(Appearance::Dark);
    m_window->showModels();
    scrollPage(m_window->modelsPage(), 0);
    QTimer::singleShot(kSettleMs, this, [this, before] {
        shoot(QStringLiteral("17-dark-model.png"));
        m_window->showPredict();
        QTimer::singleShot(kSettleMs, this, [this, before] {
            shoot(QStringLiteral("18-dark-predict.png"));
            DatasetView *view = m_window->datasetView();
            m_window->openDataset(view->datasetId());
            waitFor([view] { return view->isLoaded(); }, 60000, QStringLiteral("the data set in the dark"),
                    [this, view, before] {
                        view->selectColumn(firstColumn(true));
                        QTimer::singleShot(kSettleMs, this, [this, before] {
                            shoot(QStringLiteral("19-dark-data-set.png"));
                            setAppearance(before);
                            regressionTour();
                        });
                    });
        });
    });
}

void ScreenshotTour::regressionTour()
{
    const QString abalone = samplesDirectory() + QStringLiteral("/abalone.csv");
    if (!QFileInfo::exists(abalone))
        return finish();
    m_window->importCsv(abalone);
    DatasetView *view = m_window->datasetView();
    waitFor([this, view] { return !m_window->isImporting() && view->isLoaded() &&
                                  view->content()->record.name.contains(QStringLiteral("abalone")); },
            60000, QStringLiteral("abalone"), [this] {
                m_window->showBuild();
                BuildPage *build = m_window->buildPage();
                waitFor([build] { return build->targetsReady(); }, 30000, QStringLiteral("abalone's targets"),
                        [this, build] {
                            if (build->target() != QLatin1String("Rings") && !build->selectTarget(QStringLiteral("Rings")))
                                return fail(QStringLiteral("no Rings column to predict"));
                            waitFor([build] { return build->canBuild(); }, 30000, QStringLiteral("Rings"), [this, build] {
                                build->timeLimitBox()->setValue(buildSeconds());
                                build->startQuickBuild();
                                BuildProgressPage *progress = m_window->buildProgressPage();
                                ModelsPage *models = m_window->modelsPage();
                                waitFor([progress, models] {
                                    return !progress->isRunning() && models->isLoaded() &&
                                           models->current()->problem == ProblemType::Regression;
                                }, 300000, QStringLiteral("the regression model"), [this, models] {
                                    shoot(QStringLiteral("14-model-regression.png"));
                                    scrollPage(models, 0.45);
                                    QTimer::singleShot(kSettleMs, this, [this] {
                                        shoot(QStringLiteral("15-model-regression-charts.png"));
                                        m_window->showPredict();
                                        PredictPage *predict = m_window->predictPage();
                                        waitFor([predict] { return predict->hasPrediction(); }, 60000,
                                                QStringLiteral("a regression prediction"), [this] {
                                                    shoot(QStringLiteral("16-predict-regression.png"));
                                                    finish();
                                                });
                                    });
                                });
                            });
                        });
            });
}

void ScreenshotTour::finish()
{
    std::fprintf(stderr, "Screenshots saved in %s\n", qPrintable(QDir::toNativeSeparators(m_directory)));
    QApplication::exit(m_failures ? 1 : 0);
}

void ScreenshotTour::shoot(const QString &name)
{
    const QString path = m_directory + QLatin1Char('/') + name;
    if (!m_window->grab().save(path)) {
        ++m_failures;
        std::fprintf(stderr, "Could not write %s\n", qPrintable(path));
    } else {
        std::fprintf(stderr, "Saved %s\n", qPrintable(path));
    }
}

void ScreenshotTour::fail(const QString &message)
{
    std::fprintf(stderr, "Screenshot tour failed: %s\n", qPrintable(message));
    shoot(QStringLiteral("99-failure.png"));
    QApplication::exit(1);
}

} // namespace easel
