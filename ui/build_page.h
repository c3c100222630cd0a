#pragma once

#include "studio_jobs.h"

#include <QPointer>
#include <QTimer>
#include <QWidget>

#include <optional>

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QStackedWidget;
class QTreeWidget;
class QTreeWidgetItem;

namespace easel {

class BackgroundJob;
class ChartWidget;

//! Step 2: what to predict, which columns to use, what matters most, the
//! settings, a preview that re-runs by itself, and the Quick / Standard build buttons.
class BuildPage : public QWidget
{
    Q_OBJECT
public:
    explicit BuildPage(QWidget *parent = nullptr);
    ~BuildPage() override;

    //! The data set to build from (nullptr: the empty state). suggestedTarget is preselected.
    void setDataset(DatasetContentPtr content, const QString &suggestedTarget = {});
    void setComputeInfo(const ComputeInfo &info);
    bool hasDataset() const { return m_content != nullptr; }
    qint64 datasetId() const { return m_content ? m_content->record.id : -1; }
    const DatasetContentPtr &content() const { return m_content; }

    //! Picks the column to predict; false if it is not a usable target (or not loaded yet).
    bool selectTarget(const QString &column);
    QString target() const { return m_target; }
    //! Whether a build can start now (a usable target was analysed).
    bool canBuild() const;
    BuildSpec spec(BuildMode mode) const;
    //! Columns the user (or Easel's suggestion) left out.
    QStringList leftOutColumns() const;
    //! Ticks or unticks one column to use.
    void setColumnUsed(const QString &column, bool used);

    bool targetsReady() const { return m_targetsReady; }
    bool previewReady() const { return m_previewReady; }
    double previewScore() const { return m_previewScore; }
    ChartWidget *previewChart() const { return m_impact; }
    QSpinBox *timeLimitBox() const { return m_timeLimit; }
    QSpinBox *maxCandidatesBox() const { return m_maxCandidates; }
    QSpinBox *seedBox() const { return m_seed; }
    QComboBox *objectiveBox() const { return m_objective; }
    QComboBox *computeBox() const { return m_compute; }
    QPushButton *quickButton() const { return m_quick; }
    QPushButton *standardButton() const { return m_standard; }

public slots:
    void startQuickBuild();
    void startStandardBuild();

signals:
    void buildRequested(const easel::BuildSpec &spec);
    void chooseDatasetRequested();
    void previewFinished(bool ok);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    //! The build buttons' texts: each build's duration (the time limit when one is set),
    //! with what it does while there is room.
    void updateButtonTexts();
    QWidget *makeCard(const QString &title, QWidget *parent, QLayout **body);
    void onTargetsDetected(const std::vector<TargetChoice> &choices);
    void analyseTarget();
    void onAnalysed(const TargetAnalysis &analysis);
    void fillObjectives(ProblemType type);
    void schedulePreview();
    void runPreview();
    void showPreview(const PreviewJobResult &result);
    void cancelJobs();
    void updateButtons();

    DatasetContentPtr m_content;
    QString m_suggested;
    QString m_target;
    std::optional<TargetAnalysis> m_analysis;
    bool m_targetsReady = false;
    bool m_previewReady = false;
    bool m_filling = false;
    double m_previewScore = 0;
    quint64 m_previewGeneration = 0;
    quint64 m_analysisGeneration = 0;
    QPointer<BackgroundJob> m_targetsJob;
    QPointer<BackgroundJob> m_analysisJob;
    QPointer<BackgroundJob> m_previewJob;
    QTimer m_previewTimer;
    ComputeInfo m_computeInfo;

    QLabel *m_subtitle = nullptr;
    QStackedWidget *m_stack = nullptr;
    QTreeWidget *m_targets = nullptr;
    QLabel *m_problemText = nullptr;
    QComboBox *m_problem = nullptr;
    QTreeWidget *m_columns = nullptr;
    QLabel *m_columnsNote = nullptr;
    QComboBox *m_objective = nullptr;
    QLabel *m_objectiveLine = nullptr;
    QSpinBox *m_seed = nullptr;
    QSpinBox *m_timeLimit = nullptr;
    QSpinBox *m_maxCandidates = nullptr;
    QComboBox *m_compute = nullptr;
    QLabel *m_computeNote = nullptr;
    QLabel *m_previewStatus = nullptr;
    QProgressBar *m_previewBar = nullptr;
    QLabel *m_previewHeadline = nullptr;
    QLabel *m_previewMetric = nullptr;
    ChartWidget *m_impact = nullptr;
    QPushButton *m_quick = nullptr;
    QPushButton *m_standard = nullptr;
};

} // namespace easel
