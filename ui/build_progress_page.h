#pragma once

#include "studio_jobs.h"

#include <QElapsedTimer>
#include <QPointF>
#include <QPointer>
#include <QTimer>
#include <QWidget>

#include <vector>

class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace easel {

class BackgroundJob;
class ChartWidget;

//! Step 3: a build running on a worker. The leaderboard fills in live, a chart
//! shows the best score so far, a line says how many candidates were tried and
//! how long is left, and "Stop and keep the best so far" ends it early.
class BuildProgressPage : public QWidget
{
    Q_OBJECT
public:
    explicit BuildProgressPage(QWidget *parent = nullptr);
    ~BuildProgressPage() override;

    //! Starts a build of table (data set datasetId, named datasetName) in the library at libraryPath.
    void start(const QString &libraryPath, qint64 datasetId, const QString &datasetName, TablePtr table,
               const BuildSpec &spec);
    bool isRunning() const { return m_job != nullptr; }
    int finishedTrials() const { return m_finishedTrials; }
    QTableWidget *leaderboard() const { return m_board; }
    ChartWidget *scoreChart() const { return m_chart; }
    //! The latest finished candidate's training curve.
    ChartWidget *curveChart() const { return m_curve; }
    QPushButton *stopButton() const { return m_stop; }
    QString statusText() const;
    //! Presentation mode: fewer panels (the training curve and the log fold away,
    //! so the leaderboard and the best score keep their room on a projector).
    void setPresentation(bool on);

public slots:
    //! Stops the build; it keeps the best model found so far.
    void stop();

signals:
    //! The build ended. ok: a model was saved (modelId); otherwise message says why.
    void finished(bool ok, qint64 modelId, const QString &message);
    void backRequested();

private:
    void onTrialStarted(const TrialRecord &trial);
    void onTrialFinished(const TrialRecord &trial);
    void onBestScore(double seconds, double score);
    void onDone(const BuildJobResult &result);
    void redrawChart();
    int rowOf(int trialId) const;

    QPointer<BackgroundJob> m_job;
    BuildSpec m_spec;
    Metric m_metric = Metric::Rmse;
    bool m_higherIsBetter = false;
    double m_budget = 0;
    int m_finishedTrials = 0;
    QElapsedTimer m_clock;
    QTimer m_tick;
    std::vector<QPointF> m_trialPoints;
    std::vector<QPointF> m_bestPoints;

    QLabel *m_title = nullptr;
    QLabel *m_subtitle = nullptr;
    QLabel *m_status = nullptr;
    QProgressBar *m_bar = nullptr;
    QLabel *m_best = nullptr;
    QPushButton *m_stop = nullptr;
    QPushButton *m_back = nullptr;
    QLabel *m_error = nullptr;
    QTableWidget *m_board = nullptr;
    ChartWidget *m_curve = nullptr;
    QLabel *m_curveTitle = nullptr;
    ChartWidget *m_chart = nullptr;
    QPlainTextEdit *m_log = nullptr;
};

} // namespace easel
