#include "screenshot_tour.h"

#include "dataset_view.h"
#include "main_window.h"

#include <QApplication>
#include <QDir>
#include <QPixmap>
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
    QTimer::singleShot(120000, this, [this] { fail(QStringLiteral("timed out")); });
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
        m_window->setPresentationMode(false);
        m_window->showDatasets();
    });
    steps->push_back([this] { shoot(QStringLiteral("06-data-sets-list.png")); });
    steps->push_back([this] {
        std::fprintf(stderr, "Screenshots saved in %s\n", qPrintable(QDir::toNativeSeparators(m_directory)));
        QApplication::exit(m_failures ? 1 : 0);
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
