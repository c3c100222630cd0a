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
class DatasetView;
class DatasetsPage;

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

signals:
    //! An import ended: ok, or the error shown to the user.
    void importFinished(bool ok, const QString &message);
    void datasetOpened(qint64 id);

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragLeaveEvent(QDragLeaveEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void buildRail();
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
