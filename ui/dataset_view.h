#pragma once

#include "dataset_jobs.h"
#include "samples.h"

#include <QWidget>

#include <optional>

class QLabel;
class QLineEdit;
class QProgressBar;
class QSplitter;
class QStackedWidget;
class QTabWidget;
class QTableView;

namespace easel {

class BackgroundJob;
class ChartWidget;
class ColumnCard;
class ColumnList;
class QualityStrip;
class TableModel;

//! One data set's page: a "Data quality" strip, the rows in a virtualised
//! table, the columns with their type badges, the selected column's card, and a
//! correlation heat map. Loading happens on a worker; the page shows progress
//! meanwhile and swaps the finished, immutable DatasetContent in at once.
class DatasetView : public QWidget
{
    Q_OBJECT
public:
    explicit DatasetView(QWidget *parent = nullptr);

    //! Starts loading data set id from the library at libraryPath (on a worker).
    void open(const QString &libraryPath, qint64 id, std::optional<Sample> sample = std::nullopt);
    //! Shows content that is already loaded.
    void setContent(DatasetContentPtr content);

    qint64 datasetId() const { return m_id; }
    //! The page is filled in, its first column's card included (loaded() was emitted).
    bool isLoaded() const { return m_content != nullptr && m_loaded; }
    const DatasetContentPtr &content() const { return m_content; }

    //! Selects a column everywhere (list, table, card); false if there is none.
    bool selectColumn(const QString &name);
    QString selectedColumn() const;
    void showCorrelations();
    void showRows();

    TableModel *tableModel() const { return m_model; }
    QTableView *tableView() const { return m_table; }
    ColumnCard *columnCard() const { return m_card; }
    ColumnList *columnList() const { return m_columns; }
    QualityStrip *qualityStrip() const { return m_quality; }
    ChartWidget *correlationChart() const { return m_correlation; }

    //! Presentation mode: fewer panels (the column list folds away; the table header still selects columns).
    void setPresentation(bool on);

    QByteArray saveLayout() const;
    void restoreLayout(const QByteArray &state);

signals:
    void backRequested();
    //! "Build a model ›" in the header: go on to the Build page with this data set.
    void buildRequested();
    void loaded();
    void loadFailed(const QString &message);

protected:
    void changeEvent(QEvent *event) override;

private:
    void showError(const Error &error);
    void fitColumnWidths();
    std::vector<DataWarning> warningsFor(const QString &column) const;

    qint64 m_id = -1;
    std::optional<Sample> m_sample;
    DatasetContentPtr m_content;
    bool m_loaded = false;
    BackgroundJob *m_job = nullptr;
    bool m_syncing = false;

    QLabel *m_title = nullptr;
    QLabel *m_subtitle = nullptr;
    QLabel *m_sampleNote = nullptr;
    QStackedWidget *m_stack = nullptr;
    QLabel *m_loadingText = nullptr;
    QProgressBar *m_loadingBar = nullptr;
    QLabel *m_errorText = nullptr;
    QualityStrip *m_quality = nullptr;
    QSplitter *m_splitter = nullptr;
    QLineEdit *m_filter = nullptr;
    QWidget *m_columnPane = nullptr;
    ColumnList *m_columns = nullptr;
    QTabWidget *m_tabs = nullptr;
    QTableView *m_table = nullptr;
    TableModel *m_model = nullptr;
    QLabel *m_correlationText = nullptr;
    ChartWidget *m_correlation = nullptr;
    ColumnCard *m_card = nullptr;
};

} // namespace easel
