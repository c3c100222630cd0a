#pragma once

#include "studio_jobs.h"

#include <QPointer>
#include <QWidget>

class QGridLayout;
class QLabel;
class QListWidget;
class QPushButton;
class QStackedWidget;
class QTableWidget;
class QToolButton;
class QVBoxLayout;

namespace easel {

class BackgroundJob;
class ChartWidget;

//! One model in the library's list.
struct ModelEntry
{
    ModelRecord record;
    QString datasetName;
    QString buildStatus;   //!< finished, canceled, …
};

//! Step 4: the models in the library and, for the selected one, the answer in
//! a sentence, every metric, column impact, the right charts for the problem
//! (confusion matrix, ROC and precision–recall; or predicted vs actual and
//! residuals), the candidates' leaderboard, the build settings and Export.
class ModelsPage : public QWidget
{
    Q_OBJECT
public:
    explicit ModelsPage(QWidget *parent = nullptr);
    ~ModelsPage() override;

    //! The library's models, newest first; keeps the selection when it still exists.
    void setModels(const std::vector<ModelEntry> &entries);
    //! Selects and opens a model (on a worker).
    void showModel(qint64 modelId);
    const LoadedModelPtr &current() const { return m_model; }
    bool isLoaded() const { return m_model != nullptr; }
    qint64 currentId() const { return m_model ? m_model->record.id : -1; }
    int modelCount() const;

    QLabel *headline() const { return m_headline; }
    //! A note above the evidence: the build was stopped, or its time limit ended the search.
    QLabel *note() const { return m_note; }
    //! The metric chips' texts ("Accuracy 97.7 %").
    QStringList metricTexts() const;
    ChartWidget *impactChart() const { return m_impact; }
    QTableWidget *leaderboard() const { return m_board; }
    ChartWidget *mainChart() const { return m_chartA; }
    ChartWidget *secondChart() const { return m_chartB; }
    ChartWidget *thirdChart() const { return m_chartC; }
    QToolButton *exportButton() const { return m_export; }

    //! Exports the current model (format "bundle" or an exportFormatName()) to path, on a worker.
    void exportTo(const QString &format, const QString &path);

signals:
    void modelLoaded(const easel::LoadedModelPtr &model);
    void predictRequested(qint64 modelId);
    void buildRequested();
    void exportFinished(bool ok, const QString &message);

private:
    void present(const LoadedModelPtr &model);
    void fillMetrics(const LoadedModel &m);
    void fillLeaderboard(const LoadedModel &m);
    void fillSettings(const LoadedModel &m);
    void chooseExport(const QString &format);

    std::vector<ModelEntry> m_entries;
    LoadedModelPtr m_model;
    QPointer<BackgroundJob> m_loadJob;
    QPointer<BackgroundJob> m_exportJob;
    quint64 m_generation = 0;

    QStackedWidget *m_stack = nullptr;
    QListWidget *m_list = nullptr;
    QStackedWidget *m_detailStack = nullptr;
    QLabel *m_loading = nullptr;
    QLabel *m_title = nullptr;
    QLabel *m_subtitle = nullptr;
    QLabel *m_note = nullptr;
    QLabel *m_headline = nullptr;
    QLabel *m_exact = nullptr;
    QGridLayout *m_metricGrid = nullptr;
    QGridLayout *m_chartGrid = nullptr;
    QLabel *m_plain = nullptr;
    QWidget *m_metricBox = nullptr;
    QToolButton *m_export = nullptr;
    QPushButton *m_predict = nullptr;
    ChartWidget *m_impact = nullptr;
    ChartWidget *m_chartA = nullptr;
    ChartWidget *m_chartB = nullptr;
    ChartWidget *m_chartC = nullptr;
    QWidget *m_cardA = nullptr;
    QWidget *m_cardB = nullptr;
    QWidget *m_cardC = nullptr;
    QLabel *m_captionA = nullptr;
    QLabel *m_captionB = nullptr;
    QLabel *m_captionC = nullptr;
    QLabel *m_titleA = nullptr;
    QLabel *m_titleB = nullptr;
    QLabel *m_titleC = nullptr;
    QTableWidget *m_board = nullptr;
    QLabel *m_settings = nullptr;
};

} // namespace easel
