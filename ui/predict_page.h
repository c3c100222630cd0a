#pragma once

#include "model_page.h"
#include "studio_jobs.h"

#include <QPointer>
#include <QTemporaryDir>
#include <QTimer>
#include <QWidget>

#include <map>

class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QStackedWidget;
class QTabWidget;
class QTableWidget;

namespace easel {

class BackgroundJob;
class ChartWidget;

//! The text of a prediction-form field as the model reads it: trimmed, and for a
//! number field (property kNumberField set) without the locale's thousands
//! separators, so "1,250" is 1250 while the text "Braund, Mr. Owen" keeps its comma.
inline constexpr char kNumberField[] = "easelNumber";
QString formFieldText(const QLineEdit *field);

//! Step 5: use a model. *One row*: a form generated from the model's input
//! schema; the answer, its probabilities and the per-column "why" update as
//! values change. *Many rows*: score a CSV with drift warnings, progress and
//! cancel, a preview of the results, and Save as CSV.
class PredictPage : public QWidget
{
    Q_OBJECT
public:
    explicit PredictPage(QWidget *parent = nullptr);
    ~PredictPage() override;

    void setModels(const std::vector<ModelEntry> &entries);
    //! Uses a model already opened elsewhere (the Models page).
    void setModel(const LoadedModelPtr &model);
    //! Selects a model from the list, opening it on a worker if needed.
    void selectModel(qint64 modelId);
    const LoadedModelPtr &model() const { return m_model; }

    void showOneRow();
    void showManyRows();

    // One row.
    QWidget *field(const QString &column) const;
    //! Sets a field's text (combo boxes and line edits; dates as ISO text).
    bool setValue(const QString &column, const QString &text);
    bool hasPrediction() const { return m_hasPrediction; }
    QString predictedLabel() const { return m_lastPrediction.label; }
    const RowPrediction &lastPrediction() const { return m_lastPrediction; }
    ChartWidget *probabilityChart() const { return m_probabilities; }
    ChartWidget *explanationChart() const { return m_explanation; }

    // Many rows.
    //! Scores csvPath on a worker (what Choose a CSV… calls).
    void scoreFile(const QString &csvPath);
    bool isScoring() const { return m_batchJob != nullptr; }
    bool hasResults() const { return !m_resultFile.isEmpty(); }
    QTableWidget *resultsTable() const { return m_results; }
    QString batchMessage() const;
    //! Copies the scored file to path; false (and a message) on failure.
    bool saveResults(const QString &path);

signals:
    //! "Build a model" in the empty state: no model yet.
    void buildRequested();
    void rowPredicted(bool ok);
    void batchFinished(bool ok, const QString &message);

private:
    void buildForm();
    QMap<QString, QString> formValues() const;
    void schedulePrediction();
    void predictNow();
    void showPrediction(const RowJobResult &result);
    void chooseFile();
    void onBatchDone(const BatchJobResult &result);
    void updateModelInfo();

    std::vector<ModelEntry> m_entries;
    LoadedModelPtr m_model;
    QPointer<BackgroundJob> m_loadJob;
    QPointer<BackgroundJob> m_rowJob;
    QPointer<BackgroundJob> m_batchJob;
    quint64 m_rowGeneration = 0;
    quint64 m_loadGeneration = 0;
    QTimer m_rowTimer;
    bool m_hasPrediction = false;
    bool m_rowPending = false;
    RowPrediction m_lastPrediction;
    std::map<QString, QWidget *> m_fields;
    QTemporaryDir m_tmp;
    QString m_resultFile;
    int m_runs = 0;

    QComboBox *m_modelBox = nullptr;
    QLabel *m_modelInfo = nullptr;
    QStackedWidget *m_stack = nullptr;
    QTabWidget *m_tabs = nullptr;
    QWidget *m_formHost = nullptr;
    QFormLayout *m_form = nullptr;
    QLabel *m_answer = nullptr;
    QLabel *m_answerDetail = nullptr;
    QLabel *m_rowWarnings = nullptr;
    QLabel *m_rowError = nullptr;
    QWidget *m_probabilityCard = nullptr;
    ChartWidget *m_probabilities = nullptr;
    QLabel *m_explanationCaption = nullptr;
    ChartWidget *m_explanation = nullptr;

    QLabel *m_fileLabel = nullptr;
    QLabel *m_needs = nullptr;
    QProgressBar *m_batchBar = nullptr;
    QPushButton *m_cancel = nullptr;
    QLabel *m_batchStatus = nullptr;
    QLabel *m_batchWarnings = nullptr;
    QTableWidget *m_results = nullptr;
    QPushButton *m_save = nullptr;
};

} // namespace easel
