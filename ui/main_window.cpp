#include "main_window.h"

#include "background_job.h"
#include "dataset_jobs.h"
#include "dataset_view.h"
#include "datasets_page.h"
#include "format.h"
#include "theme.h"

#include <easel/version.h>

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressDialog>
#include <QPushButton>
#include <QSettings>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStatusBar>
#include <QThread>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace easel {

namespace {
constexpr double kPresentationScale = 1.35;
}

QString MainWindow::computeTargetText()
{
    return QStringLiteral("This computer · CPU · %1 threads").arg(QThread::idealThreadCount());
}

MainWindow::MainWindow(const QString &libraryPath, QWidget *parent)
    : QMainWindow(parent),
      m_libraryPath(libraryPath.isEmpty() ? Library::defaultPath() : libraryPath),
      m_baseFont(QApplication::font())
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(QStringLiteral("Easel"));
    setAcceptDrops(true);

    auto *central = new QWidget(this);
    auto *layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    setCentralWidget(central);
    buildRail();

    m_pages = new QStackedWidget(central);
    m_datasetsPage = new DatasetsPage(m_pages);
    m_datasetView = new DatasetView(m_pages);
    m_pages->addWidget(m_datasetsPage);
    m_pages->addWidget(m_datasetView);
    layout->addWidget(m_pages, 1);

    connect(m_datasetsPage, &DatasetsPage::importRequested, this, &MainWindow::chooseAndImport);
    connect(m_datasetsPage, &DatasetsPage::sampleRequested, this,
            [this](const Sample &sample) { importCsv(sample.path); });
    connect(m_datasetsPage, &DatasetsPage::openRequested, this, &MainWindow::openDataset);
    connect(m_datasetsPage, &DatasetsPage::deleteRequested, this, &MainWindow::deleteDataset);
    connect(m_datasetView, &DatasetView::backRequested, this, &MainWindow::showDatasets);
    connect(m_datasetView, &DatasetView::loaded, this, [this] {
        statusBar()->showMessage(QStringLiteral("Opened %1.").arg(windowTitle().section(QStringLiteral(" — "), 0, 0)),
                                 4000);
        emit datasetOpened(m_datasetView->datasetId());
    });

    buildMenus();
    m_computeLabel = new QLabel(computeTargetText(), this);
    m_computeLabel->setToolTip(QStringLiteral("Where Easel computes. Builds will also be able to use a GPU or a "
                                              "remote machine once the AutoML engine arrives."));
    statusBar()->addPermanentWidget(m_computeLabel);

    QDir().mkpath(QFileInfo(m_libraryPath).absolutePath());
    auto library = Library::open(m_libraryPath);
    if (library) {
        m_library = std::move(library).value();
    } else {
        m_datasetsPage->setLibraryError(
            QStringLiteral("Easel could not open your library at %1: %2 Imports will not be saved until this is fixed.")
                .arg(QDir::toNativeSeparators(m_libraryPath), library.error().toString()));
    }
    refreshDatasets();

    QSettings settings;
    resize(1320, 840);
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    m_datasetView->restoreLayout(settings.value(QStringLiteral("dataset/splitter")).toByteArray());
    if (settings.value(QStringLiteral("view/presentation"), false).toBool())
        setPresentationMode(true);
}

MainWindow::~MainWindow()
{
    if (m_importJob)
        m_importJob->cancel();
}

void MainWindow::buildRail()
{
    auto *rail = new QFrame(centralWidget());
    rail->setObjectName(QStringLiteral("rail"));
    rail->setFixedWidth(184);
    auto *v = new QVBoxLayout(rail);
    v->setContentsMargins(12, 16, 12, 12);
    v->setSpacing(4);
    auto *logo = new QLabel(QStringLiteral("Easel"), rail);
    logo->setObjectName(QStringLiteral("railLogo"));
    v->addWidget(logo);

    auto addButton = [&](const QString &text, const QString &tip, bool enabled) {
        auto *b = new QToolButton(rail);
        b->setText(text);
        b->setToolTip(tip);
        b->setCheckable(enabled);
        b->setEnabled(enabled);
        b->setToolButtonStyle(Qt::ToolButtonTextOnly);
        b->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
        b->setCursor(enabled ? Qt::PointingHandCursor : Qt::ArrowCursor);
        v->addWidget(b);
        return b;
    };
    m_dataButton = addButton(QStringLiteral("Data"), QStringLiteral("Your data sets"), true);
    m_dataButton->setChecked(true);
    connect(m_dataButton, &QToolButton::clicked, this, [this] {
        m_dataButton->setChecked(true);
        showDatasets();
    });
    const QString later = QStringLiteral("Comes with the AutoML engine");
    addButton(QStringLiteral("Build"), later, false);
    addButton(QStringLiteral("Models"), later, false);
    addButton(QStringLiteral("Predict"), later, false);
    v->addStretch(1);
    auto *line = new QFrame(rail);
    line->setFixedHeight(1);
    line->setStyleSheet(QStringLiteral("background:#343b4a;"));
    v->addWidget(line);
    auto *compute = new QLabel(
        QStringLiteral("This computer\nCPU · %1 threads").arg(QThread::idealThreadCount()), rail);
    compute->setObjectName(QStringLiteral("railCompute"));
    v->addWidget(compute);
    static_cast<QHBoxLayout *>(centralWidget()->layout())->addWidget(rail);
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(QStringLiteral("&File"));
    QAction *import = file->addAction(QStringLiteral("&Import CSV…"), this, &MainWindow::chooseAndImport);
    import->setShortcut(QKeySequence::Open);
    m_samplesMenu = file->addMenu(QStringLiteral("Open &sample"));
    for (const Sample &sample : bundledSamples()) {
        QAction *a = m_samplesMenu->addAction(sample.title, this, [this, sample] { importCsv(sample.path); });
        a->setStatusTip(sample.note);
        a->setToolTip(sample.note);
    }
    m_samplesMenu->setEnabled(!m_samplesMenu->isEmpty());
    m_samplesMenu->setToolTipsVisible(true);
    file->addSeparator();
    QAction *quit = file->addAction(QStringLiteral("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *view = menuBar()->addMenu(QStringLiteral("&View"));
    view->addAction(QStringLiteral("&Data sets"), this, &MainWindow::showDatasets);
    view->addSeparator();
    m_presentationAction = view->addAction(QStringLiteral("&Presentation mode"));
    m_presentationAction->setCheckable(true);
    m_presentationAction->setShortcut(Qt::Key_F11);
    m_presentationAction->setStatusTip(QStringLiteral("Bigger fonts and charts, with each step explained on screen"));
    connect(m_presentationAction, &QAction::toggled, this, &MainWindow::setPresentationMode);

    QMenu *help = menuBar()->addMenu(QStringLiteral("&Help"));
    help->addAction(QStringLiteral("&About Easel"), this, [this] {
        QMessageBox::about(
            this, QStringLiteral("About Easel"),
            QStringLiteral("<h3>Easel %1</h3><p>A desktop, no-code machine-learning studio for tabular data: "
                           "drop in a CSV, read what each column holds, and (soon) build, compare and use models "
                           "without writing code.</p><p>Library: %2</p><p>Built with Qt %3 and QCustomPlot.</p>")
                .arg(QStringLiteral(EASEL_VERSION_STRING), QDir::toNativeSeparators(m_libraryPath).toHtmlEscaped(),
                     QString::fromLatin1(qVersion())));
    });
}

void MainWindow::refreshDatasets()
{
    if (!m_library) {
        m_datasetsPage->setRecords({});
        return;
    }
    auto records = m_library->datasets();
    if (records)
        m_datasetsPage->setRecords(std::move(records).value());
    else
        m_datasetsPage->setLibraryError(QStringLiteral("Easel could not list your data sets: %1")
                                            .arg(records.error().toString()));
}

void MainWindow::chooseAndImport()
{
    QSettings settings;
    const QString dir = settings.value(QStringLiteral("import/lastDir"),
                                       QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation))
                            .toString();
    const QString path = QFileDialog::getOpenFileName(
        this, QStringLiteral("Import a CSV file"), dir,
        QStringLiteral("CSV and text tables (*.csv *.tsv *.txt *.tab);;All files (*)"));
    if (path.isEmpty())
        return;
    settings.setValue(QStringLiteral("import/lastDir"), QFileInfo(path).absolutePath());
    importCsv(path);
}

void MainWindow::importCsv(const QString &csvPath)
{
    m_importQueue << csvPath;
    if (!m_importJob)
        startNextImport();
}

void MainWindow::startNextImport()
{
    if (m_importQueue.isEmpty() || m_importJob)
        return;
    const QString path = m_importQueue.takeFirst();
    const QString name = QFileInfo(path).fileName();
    statusBar()->showMessage(QStringLiteral("Importing %1…").arg(name));

    // Non-modal: a modal QProgressDialog would spin a nested event loop in setValue().
    auto *progress = new QProgressDialog(QStringLiteral("Reading %1…").arg(name), QStringLiteral("Cancel"), 0, 1000,
                                         this);
    progress->setWindowTitle(QStringLiteral("Importing %1").arg(name));
    progress->setWindowModality(Qt::NonModal);
    progress->setMinimumDuration(500);
    progress->setAutoClose(false);
    progress->setAutoReset(false);
    progress->setMinimumWidth(420);
    progress->setValue(0);
    m_progress = progress;

    const QString library = m_libraryPath;
    BackgroundJob *job = BackgroundJob::start<ImportJobResult>(
        this, [library, path](TaskContext *ctx) { return importCsvJob(library, path, ctx); },
        [this, path, name](const ImportJobResult &result) {
            m_importJob = nullptr;
            if (m_progress) {
                m_progress->hide();
                m_progress->deleteLater();
            }
            if (!result.ok()) {
                if (result.error.code == ErrorCode::Canceled) {
                    statusBar()->showMessage(QStringLiteral("Import of %1 canceled.").arg(name), 5000);
                    emit importFinished(false, QStringLiteral("Canceled."));
                } else {
                    statusBar()->showMessage(QStringLiteral("Couldn't import %1.").arg(name), 8000);
                    showImportError(path, result.error);
                    emit importFinished(false, result.error.toString());
                }
            } else {
                refreshDatasets();
                const Library::ImportOutcome &outcome = result.outcome;
                if (outcome.alreadyPresent)
                    statusBar()->showMessage(
                        QStringLiteral("%1 is already in your library, so Easel opened that copy.").arg(name), 6000);
                else
                    statusBar()->showMessage(QStringLiteral("Imported %1: %2 rows.")
                                                 .arg(name, fmt::count(outcome.record.rows)),
                                             6000);
                if (!outcome.alreadyPresent && (outcome.report.skippedRows > 0 || !outcome.report.notes.isEmpty()))
                    showImportReport(path, outcome);
                openDataset(outcome.record.id);
                emit importFinished(true, QString());
            }
            QTimer::singleShot(0, this, &MainWindow::startNextImport);
        });
    connect(job, &BackgroundJob::progressChanged, progress, [progress](double fraction, const QString &message) {
        progress->setValue(int(fraction * 1000));
        if (!message.isEmpty())
            progress->setLabelText(message + QStringLiteral("…"));
    });
    connect(progress, &QProgressDialog::canceled, job, &BackgroundJob::cancel);
    m_importJob = job;
}

void MainWindow::showImportError(const QString &csvPath, const Error &error)
{
    auto *box = new QMessageBox(QMessageBox::Warning,
                                QStringLiteral("Couldn't import %1").arg(QFileInfo(csvPath).fileName()),
                                error.toString(), QMessageBox::Ok, this);
    box->setInformativeText(adviceFor(error));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setObjectName(QStringLiteral("importError"));
    box->open();
}

void MainWindow::showImportReport(const QString &csvPath, const Library::ImportOutcome &outcome)
{
    const ImportReport &report = outcome.report;
    QString text = QStringLiteral("Imported %1 rows from %2.")
                       .arg(fmt::count(outcome.record.rows), QFileInfo(csvPath).fileName());
    if (report.skippedRows > 0)
        text += QStringLiteral(" %1 rows were left out because they were malformed; the first ones are listed "
                               "below. Fix them in the file and import it again if they matter.")
                    .arg(fmt::count(report.skippedRows));
    auto *box = new QMessageBox(report.skippedRows > 0 ? QMessageBox::Warning : QMessageBox::Information,
                                QStringLiteral("Import report"), text, QMessageBox::Ok, this);
    box->setInformativeText(report.notes.join(QLatin1Char('\n')));
    QStringList lines;
    for (const RowIssue &issue : report.issues)
        lines << QStringLiteral("Line %1: %2").arg(fmt::count(issue.line), issue.message);
    if (report.issueCount > qint64(report.issues.size()))
        lines << QStringLiteral("… and %1 more.").arg(fmt::count(report.issueCount - qint64(report.issues.size())));
    if (!lines.isEmpty())
        box->setDetailedText(lines.join(QLatin1Char('\n')));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setObjectName(QStringLiteral("importReport"));
    box->open();
}

void MainWindow::openDataset(qint64 id)
{
    std::optional<Sample> sample;
    QString name = QStringLiteral("Data set");
    if (m_library) {
        if (auto record = m_library->dataset(id)) {
            name = record->name;
            sample = sampleForFile(record->sourcePath);
            if (!sample)
                sample = sampleForFile(record->name);
        }
    }
    setWindowTitle(QStringLiteral("%1 — Easel").arg(name));
    m_datasetView->open(m_libraryPath, id, sample);
    m_pages->setCurrentWidget(m_datasetView);
    m_dataButton->setChecked(true);
}

void MainWindow::showDatasets()
{
    refreshDatasets();
    setWindowTitle(QStringLiteral("Easel"));
    m_pages->setCurrentWidget(m_datasetsPage);
}

void MainWindow::deleteDataset(qint64 id)
{
    if (!m_library)
        return;
    auto record = m_library->dataset(id);
    if (!record)
        return;
    QMessageBox box(QMessageBox::Question, QStringLiteral("Delete data set"),
                    QStringLiteral("Delete “%1” from your library?").arg(record->name), QMessageBox::NoButton, this);
    box.setInformativeText(QStringLiteral("Its stored copy and statistics are removed. The CSV file itself stays "
                                          "where it is, so you can import it again."));
    QPushButton *del = box.addButton(QStringLiteral("Delete"), QMessageBox::DestructiveRole);
    box.addButton(QMessageBox::Cancel);
    box.setDefaultButton(QMessageBox::Cancel);
    box.exec();
    if (box.clickedButton() != del)
        return;
    const Status status = m_library->removeDataset(id);
    if (!status) {
        QMessageBox::warning(this, QStringLiteral("Couldn't delete"), status.error().toString());
        return;
    }
    if (m_datasetView->datasetId() == id && m_pages->currentWidget() == m_datasetView)
        showDatasets();
    refreshDatasets();
    statusBar()->showMessage(QStringLiteral("Deleted %1.").arg(record->name), 5000);
}

void MainWindow::setPresentationMode(bool on)
{
    if (on == m_presentation)
        return;
    m_presentation = on;
    if (m_presentationAction && m_presentationAction->isChecked() != on)
        m_presentationAction->setChecked(on);
    QFont font = m_baseFont;
    if (on && font.pointSizeF() > 0)
        font.setPointSizeF(font.pointSizeF() * kPresentationScale);
    QApplication::setFont(font);
    qApp->setStyleSheet(easel::styleSheet(on ? kPresentationScale : 1.0));
    m_datasetView->setPresentation(on);
    for (QLabel *hint : findChildren<QLabel *>(QStringLiteral("presentationHint")))
        hint->setVisible(on);
    statusBar()->showMessage(on ? QStringLiteral("Presentation mode: press F11 to leave.")
                                : QStringLiteral("Presentation mode off."),
                             4000);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("dataset/splitter"), m_datasetView->saveLayout());
    settings.setValue(QStringLiteral("view/presentation"), m_presentation);
    m_importQueue.clear();
    if (m_importJob)
        m_importJob->cancel();
    QMainWindow::closeEvent(event);
}

QStringList MainWindow::csvPathsFrom(const QMimeData *mime)
{
    QStringList paths;
    if (!mime || !mime->hasUrls())
        return paths;
    for (const QUrl &url : mime->urls())
        if (url.isLocalFile() && QFileInfo(url.toLocalFile()).isFile())
            paths << url.toLocalFile();
    return paths;
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (!csvPathsFrom(event->mimeData()).isEmpty()) {
        event->acceptProposedAction();
        m_datasetsPage->setDropActive(true);
        statusBar()->showMessage(QStringLiteral("Drop to import into your library."));
    }
}

void MainWindow::dragLeaveEvent(QDragLeaveEvent *event)
{
    m_datasetsPage->setDropActive(false);
    statusBar()->clearMessage();
    QMainWindow::dragLeaveEvent(event);
}

void MainWindow::dropEvent(QDropEvent *event)
{
    m_datasetsPage->setDropActive(false);
    const QStringList paths = csvPathsFrom(event->mimeData());
    if (paths.isEmpty())
        return;
    event->acceptProposedAction();
    for (const QString &path : paths)
        importCsv(path);
}

} // namespace easel
