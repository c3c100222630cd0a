#include "main_window.h"

#include "background_job.h"
#include "build_page.h"
#include "build_progress_page.h"
#include "dataset_jobs.h"
#include "dataset_view.h"
#include "datasets_page.h"
#include "format.h"
#include "model_page.h"
#include "predict_page.h"
#include "studio_words.h"
#include "theme.h"

#include "store/build_store.h"

#include <easel/version.h>

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QShortcut>
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
    m_buildPage = new BuildPage(m_pages);
    m_progressPage = new BuildProgressPage(m_pages);
    m_modelsPage = new ModelsPage(m_pages);
    m_predictPage = new PredictPage(m_pages);
    m_pages->addWidget(m_datasetsPage);
    m_pages->addWidget(m_datasetView);
    m_pages->addWidget(m_buildPage);
    m_pages->addWidget(m_progressPage);
    m_pages->addWidget(m_modelsPage);
    m_pages->addWidget(m_predictPage);
    layout->addWidget(m_pages, 1);

    connect(m_datasetView, &DatasetView::buildRequested, this, &MainWindow::showBuild);
    connect(m_buildPage, &BuildPage::chooseDatasetRequested, this, &MainWindow::showDatasets);
    connect(m_buildPage, &BuildPage::buildRequested, this, &MainWindow::startBuild);
    connect(m_progressPage, &BuildProgressPage::backRequested, this, [this] {
        m_pages->setCurrentWidget(m_buildPage);
        checkRail(m_buildButton);
    });
    connect(m_progressPage, &BuildProgressPage::finished, this, [this](bool ok, qint64 modelId, const QString &message) {
        refreshModels();
        if (ok) {
            statusBar()->showMessage(QStringLiteral("The model is ready."), 6000);
            showModels(modelId);
        } else {
            statusBar()->showMessage(QStringLiteral("The build didn't produce a model."), 8000);
        }
        emit buildFinished(ok, modelId, message);
    });
    connect(m_modelsPage, &ModelsPage::buildRequested, this, &MainWindow::showBuild);
    connect(m_predictPage, &PredictPage::buildRequested, this, &MainWindow::showBuild);
    connect(m_modelsPage, &ModelsPage::predictRequested, this, &MainWindow::showPredict);
    connect(m_modelsPage, &ModelsPage::modelLoaded, m_predictPage, &PredictPage::setModel);
    connect(m_modelsPage, &ModelsPage::exportFinished, this, [this](bool, const QString &message) {
        statusBar()->showMessage(message, 10000);
    });

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
    if (m_library)
        (void)BuildStore(*m_library).markInterrupted();  // builds killed mid-way read "interrupted"
    refreshModels();

    // Which trainers are installed and whether XGBoost sees a GPU, off the GUI thread
    // (networks load LibTorch, so they are only checked when a build uses them).
    BackgroundJob::start<ComputeInfo>(
        this, [](TaskContext *ctx) { return computeInfoJob(ctx); },
        [this](const ComputeInfo &info) {
            m_buildPage->setComputeInfo(info);
            const QString gpu = info.gpuAvailable ? QStringLiteral("GPU available") : QStringLiteral("no GPU");
            m_computeLabel->setText(computeTargetText() + QStringLiteral(" · ") + gpu);
            m_computeLabel->setToolTip(info.gpuAvailable ? QStringLiteral("Gradient-boosted trees can train on the GPU.")
                                                         : info.gpuReason);
            if (m_railCompute)
                // No-break spaces keep "2 threads" and "no GPU" whole where the rail wraps the line.
                m_railCompute->setText(QStringLiteral("This computer\nCPU · %1\u00a0threads · %2")
                                           .arg(QThread::idealThreadCount())
                                           .arg(info.gpuAvailable ? QStringLiteral("GPU") : QStringLiteral("no\u00a0GPU")));
        });

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
        b->setAccessibleName(text);
        b->setAccessibleDescription(tip);
        b->setCheckable(enabled);
        b->setEnabled(enabled);
        b->setToolButtonStyle(Qt::ToolButtonTextOnly);
        b->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
        b->setCursor(enabled ? Qt::PointingHandCursor : Qt::ArrowCursor);
        v->addWidget(b);
        return b;
    };
    m_dataButton = addButton(QStringLiteral("Data"), QStringLiteral("Your data sets (Ctrl+O imports one)"), true);
    m_dataButton->setChecked(true);
    connect(m_dataButton, &QToolButton::clicked, this, [this] {
        if (m_datasetView->isLoaded() && m_pages->currentWidget() != m_datasetView)
            m_pages->setCurrentWidget(m_datasetView);
        else
            showDatasets();
        checkRail(m_dataButton);
    });
    m_buildButton = addButton(QStringLiteral("Build"), QStringLiteral("Build a model from the open data set (Ctrl+B)"), true);
    connect(m_buildButton, &QToolButton::clicked, this, [this] {
        if (m_progressPage->isRunning())
            m_pages->setCurrentWidget(m_progressPage), checkRail(m_buildButton);
        else
            showBuild();
    });
    m_modelsButton = addButton(QStringLiteral("Models"), QStringLiteral("The models in your library"), true);
    connect(m_modelsButton, &QToolButton::clicked, this, [this] { showModels(); });
    m_predictButton = addButton(QStringLiteral("Predict"), QStringLiteral("Use a model on one row or a file (Ctrl+P)"), true);
    connect(m_predictButton, &QToolButton::clicked, this, [this] { showPredict(); });
    v->addStretch(1);
    auto *line = new QFrame(rail);
    line->setFixedHeight(1);
    line->setStyleSheet(QStringLiteral("background:#343b4a;"));
    v->addWidget(line);
    auto *compute = new QLabel(
        QStringLiteral("This computer\nCPU · %1\u00a0threads").arg(QThread::idealThreadCount()), rail);
    compute->setObjectName(QStringLiteral("railCompute"));
    compute->setWordWrap(true);  // the rail is narrow, and presentation mode makes the text bigger
    v->addWidget(compute);
    m_railCompute = compute;
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
    view->addAction(QStringLiteral("&Build"), this, &MainWindow::showBuild);
    view->addAction(QStringLiteral("&Models"), this, [this] { showModels(); });
    QAction *predict = view->addAction(QStringLiteral("&Predict"), this, [this] { showPredict(); });
    predict->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    QMenu *buildMenu = menuBar()->addMenu(QStringLiteral("&Build"));
    QAction *quick = buildMenu->addAction(QStringLiteral("&Quick build"), this, &MainWindow::quickBuild);
    quick->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_B));
    quick->setStatusTip(QStringLiteral("Start a quick build of the open data set, or choose what to predict first"));
    buildMenu->addAction(QStringLiteral("&Stop and keep the best so far"), m_progressPage, &BuildProgressPage::stop);
    view->addSeparator();
    m_presentationAction = view->addAction(QStringLiteral("&Presentation mode"));
    m_presentationAction->setCheckable(true);
    m_presentationAction->setShortcut(Qt::Key_F11);
    m_presentationAction->setStatusTip(QStringLiteral("Bigger fonts and charts, with each step explained on screen"));
    connect(m_presentationAction, &QAction::toggled, this, &MainWindow::setPresentationMode);
    QMenu *appearanceMenu = view->addMenu(QStringLiteral("Dark &appearance"));
    appearanceMenu->setObjectName(QStringLiteral("appearanceMenu"));
    auto *appearanceGroup = new QActionGroup(appearanceMenu);
    const auto addAppearance = [&](const QString &text, Appearance a, const QString &tip) {
        QAction *action = appearanceMenu->addAction(text);
        action->setCheckable(true);
        action->setChecked(easel::appearance() == a);
        action->setStatusTip(tip);
        action->setData(int(a));
        appearanceGroup->addAction(action);
        connect(action, &QAction::triggered, this, [a] { easel::setAppearance(a); });
    };
    addAppearance(QStringLiteral("&Automatic"), Appearance::Automatic,
                  QStringLiteral("Light or dark, following the system"));
    addAppearance(QStringLiteral("&Light"), Appearance::Light, QStringLiteral("Always light"));
    addAppearance(QStringLiteral("&Dark"), Appearance::Dark, QStringLiteral("Always dark"));
    connect(appearanceMenu, &QMenu::aboutToShow, appearanceMenu, [appearanceMenu] {
        for (QAction *action : appearanceMenu->actions())
            action->setChecked(action->data().toInt() == int(easel::appearance()));
    });

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
    checkRail(m_dataButton);
}

void MainWindow::checkRail(QToolButton *button)
{
    for (QToolButton *b : {m_dataButton, m_buildButton, m_modelsButton, m_predictButton})
        if (b)
            b->setChecked(b == button);
}

void MainWindow::showBuild()
{
    if (m_progressPage->isRunning()) {
        m_pages->setCurrentWidget(m_progressPage);
        checkRail(m_buildButton);
        return;
    }
    const DatasetContentPtr &content = m_datasetView->content();
    if (content && content->record.id == m_datasetView->datasetId()) {
        std::optional<Sample> sample = sampleForFile(content->record.sourcePath);
        if (!sample)
            sample = sampleForFile(content->record.name);
        m_buildPage->setDataset(content, sample ? sample->target : QString());
    } else {
        m_buildPage->setDataset(nullptr);
    }
    m_pages->setCurrentWidget(m_buildPage);
    checkRail(m_buildButton);
}

void MainWindow::startBuild(const BuildSpec &spec)
{
    const DatasetContentPtr content = m_buildPage->content();
    if (!content || m_progressPage->isRunning())
        return;
    m_progressPage->start(m_libraryPath, content->record.id, content->record.name, content->table, spec);
    m_pages->setCurrentWidget(m_progressPage);
    checkRail(m_buildButton);
    statusBar()->showMessage(QStringLiteral("Building a model to predict %1…").arg(spec.target), 5000);
}

void MainWindow::quickBuild()
{
    if (m_progressPage->isRunning()) {
        m_pages->setCurrentWidget(m_progressPage);
        checkRail(m_buildButton);
        return;
    }
    if (m_pages->currentWidget() == m_buildPage && m_buildPage->canBuild())
        m_buildPage->startQuickBuild();
    else
        showBuild();
}

void MainWindow::refreshModels()
{
    std::vector<ModelEntry> entries;
    if (m_library) {
        BuildStore store(*m_library);
        std::map<qint64, QString> names;
        if (auto datasets = m_library->datasets())
            for (const DatasetRecord &d : *datasets)
                names[d.id] = d.name;
        std::map<qint64, BuildRecord> builds;
        if (auto all = store.builds())
            for (const BuildRecord &b : *all)
                builds[b.id] = b;
        if (auto models = store.models()) {
            for (const ModelRecord &m : *models) {
                ModelEntry e;
                e.record = m;
                auto it = builds.find(m.buildId);
                if (it != builds.end()) {
                    e.buildStatus = it->second.status;
                    e.datasetName = names.count(it->second.datasetId) ? names[it->second.datasetId] : QString();
                }
                entries.push_back(e);
            }
        }
    }
    std::sort(entries.begin(), entries.end(), [](const ModelEntry &a, const ModelEntry &b) {
        return a.record.id > b.record.id;
    });
    m_modelsPage->setModels(entries);
    m_predictPage->setModels(entries);
}

void MainWindow::showModels(qint64 modelId)
{
    refreshModels();
    if (modelId < 0)
        modelId = m_modelsPage->currentId();
    if (modelId < 0 && m_library) {
        if (auto models = BuildStore(*m_library).models())
            for (const ModelRecord &m : *models)
                modelId = std::max(modelId, m.id);
    }
    if (modelId >= 0)
        m_modelsPage->showModel(modelId);
    m_pages->setCurrentWidget(m_modelsPage);
    checkRail(m_modelsButton);
}

void MainWindow::showPredict(qint64 modelId)
{
    refreshModels();
    if (modelId < 0 && m_modelsPage->current())
        modelId = m_modelsPage->currentId();
    if (modelId >= 0 && m_modelsPage->current() && m_modelsPage->currentId() == modelId)
        m_predictPage->setModel(m_modelsPage->current());
    else if (modelId >= 0)
        m_predictPage->selectModel(modelId);
    else if (!m_predictPage->model() && m_library) {
        qint64 newest = -1;
        if (auto models = BuildStore(*m_library).models())
            for (const ModelRecord &m : *models)
                newest = std::max(newest, m.id);
        if (newest >= 0)
            m_predictPage->selectModel(newest);
    }
    m_pages->setCurrentWidget(m_predictPage);
    checkRail(m_predictButton);
}

void MainWindow::showDatasets()
{
    refreshDatasets();
    setWindowTitle(QStringLiteral("Easel"));
    m_pages->setCurrentWidget(m_datasetsPage);
    checkRail(m_dataButton);
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
    m_progressPage->setPresentation(on);
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
