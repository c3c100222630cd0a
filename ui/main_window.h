#pragma once

#include "background_job.h"
#include "samples.h"
#include "store/library.h"

#include <QMainWindow>
#include <QPointer>
#include <QStringList>

#include <memory>

class QAction;
class QButtonGroup;
class QLabel;
class QMimeData;
class QProgressDialog;
class QStackedWidget;
class QToolButton;

namespace easel {

class BackgroundJob;
class BuildPage;
class BuildProgressPage;
class DatasetView;
class DatasetsPage;
class ModelsPage;
class PredictPage;
struct BuildSpec;

//! The studio's one window: a left rail (Data; Build, Models and Predict come
//! with the AutoML engine), the pages, menus, a status bar naming the compute
//! target, drag-and-drop import, remembered layout and a presentation mode.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    //! Opens (creating if needed) the library at libraryPath; Library::defaultPath() when empty.
    explicit MainWindow(const QString &libraryPath = {}, QWidget *parent = nullptr);
    ~MainWindow() override;

    QString libraryPath() const { return m_libraryPath; }
    DatasetsPage *datasetsPage() const { return m_datasetsPage; }
    DatasetView *datasetView() const { return m_datasetView; }
    BuildPage *buildPage() const { return m_buildPage; }
    BuildProgressPage *buildProgressPage() const { return m_progressPage; }
    ModelsPage *modelsPage() const { return m_modelsPage; }
    PredictPage *predictPage() const { return m_predictPage; }
    bool isImporting() const { return m_importJob != nullptr; }
    bool presentationMode() const { return m_presentation; }
    //! "This computer · CPU · 8 threads"
    static QString computeTargetText();

public slots:
    //! Imports csvPath on a worker (what Import CSV…, the samples and drops all
    //! call), then opens the data set. A second call while one runs is queued.
    void importCsv(const QString &csvPath);
    //! Asks for a file, then imports it.
    void chooseAndImport();
    void openDataset(qint64 id);
    void showDatasets();
    void deleteDataset(qint64 id);
    void setPresentationMode(bool on);
    void refreshDatasets();
    //! The Build page for the open data set (or its empty state).
    void showBuild();
    //! Starts a build of the open data set and shows its progress.
    void startBuild(const easel::BuildSpec &spec);
    //! Ctrl+B: a quick build when the Build page is ready, else the Build page.
    void quickBuild();
    //! The Models page, opening modelId (-1: keep the selection, or the newest).
    void showModels(qint64 modelId = -1);
    //! The Predict page, with modelId (-1: the model open on the Models page, or the newest).
    void showPredict(qint64 modelId = -1);
    void refreshModels();

signals:
    //! An import ended: ok, or the error shown to the user.
    void importFinished(bool ok, const QString &message);
    void datasetOpened(qint64 id);
    //! A build ended: ok with the saved model's id, or the reason it didn't.
    void buildFinished(bool ok, qint64 modelId, const QString &message);

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragLeaveEvent(QDragLeaveEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void buildRail();
    void checkRail(QToolButton *button);
    void buildMenus();
    void startNextImport();
    void showImportError(const QString &csvPath, const Error &error);
    void showImportReport(const QString &csvPath, const Library::ImportOutcome &outcome);
    static QStringList csvPathsFrom(const QMimeData *mime);

    QString m_libraryPath;
    std::unique_ptr<Library> m_library;  //!< GUI-thread connection: listing and deleting only
    QStackedWidget *m_pages = nullptr;
    DatasetsPage *m_datasetsPage = nullptr;
    DatasetView *m_datasetView = nullptr;
    QToolButton *m_dataButton = nullptr;
    QToolButton *m_buildButton = nullptr;
    QToolButton *m_modelsButton = nullptr;
    QToolButton *m_predictButton = nullptr;
    BuildPage *m_buildPage = nullptr;
    BuildProgressPage *m_progressPage = nullptr;
    ModelsPage *m_modelsPage = nullptr;
    PredictPage *m_predictPage = nullptr;
    QLabel *m_railCompute = nullptr;
    QLabel *m_computeLabel = nullptr;
    QMenu *m_samplesMenu = nullptr;
    QAction *m_presentationAction = nullptr;

    QStringList m_importQueue;
    QPointer<BackgroundJob> m_importJob;
    QPointer<QProgressDialog> m_progress;
    bool m_presentation = false;
    QFont m_baseFont;
};

} // namespace easel
