#include "build_progress_page.h"

#include "theme.h"
#include "background_job.h"
#include "chart_widget.h"
#include "format.h"
#include "page_parts.h"
#include "studio_words.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <cmath>

namespace easel {

namespace {
enum BoardColumn { ColId, ColFamily, ColSettings, ColScore, ColSeconds, ColStatus, ColCount };

QTableWidgetItem *cell(const QString &text, bool right = false)
{
    auto *item = new QTableWidgetItem(text);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    item->setTextAlignment((right ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter);
    return item;
}

//! A number item that sorts by value.
QTableWidgetItem *numberCell(double value, const QString &text)
{
    QTableWidgetItem *item = cell(text, true);
    item->setData(Qt::UserRole, value);
    return item;
}

//! The candidate's distinguishing settings, with every setting in its tooltip.
QTableWidgetItem *settingsCell(const TrialRecord &trial)
{
    QTableWidgetItem *item = cell(words::trialSettings(trial.family, trial.params, trial.iterations));
    item->setToolTip(words::trialSettingsTip(trial.params));
    return item;
}
} // namespace

BuildProgressPage::BuildProgressPage(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("buildProgressPage"));
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, &BuildProgressPage::redrawChart);

    auto *layout = parts::pageLayout(this);
    m_title = parts::pageTitle(QStringLiteral("Building"), this);
    m_subtitle = parts::mutedLabel(QString(), this);
    layout->addWidget(m_title);
    layout->addWidget(m_subtitle);
    layout->addWidget(parts::presentationHint(QStringLiteral("Step 3 · Easel tries many kinds of model and keeps score "
                                                             "on rows each one never saw. The best ones are combined "
                                                             "at the end."),
                                              this));

    QVBoxLayout *sv = nullptr;
    QFrame *statusCard = parts::card(this, &sv);
    auto *statusRow = new QHBoxLayout;
    auto *texts = new QVBoxLayout;
    m_status = new QLabel(QStringLiteral("Starting…"), statusCard);
    m_status->setObjectName(QStringLiteral("sectionTitle"));
    m_status->setWordWrap(true);
    m_best = new QLabel(QStringLiteral("No candidate has finished yet."), statusCard);
    m_best->setObjectName(QStringLiteral("muted"));
    m_best->setWordWrap(true);
    texts->addWidget(m_status);
    texts->addWidget(m_best);
    statusRow->addLayout(texts, 1);
    m_stop = new QPushButton(QStringLiteral("Stop and keep the best so far"), statusCard);
    m_stop->setObjectName(QStringLiteral("stopButton"));
    m_stop->setAccessibleName(QStringLiteral("Stop and keep the best so far"));
    m_stop->setAccessibleDescription(QStringLiteral("Ends the build now and keeps the best model found so far."));
    m_stop->setCursor(Qt::PointingHandCursor);
    m_stop->setToolTip(QStringLiteral("Ends the build now. Easel keeps the best model found so far, so nothing "
                                      "finished is lost."));
    connect(m_stop, &QPushButton::clicked, this, &BuildProgressPage::stop);
    m_back = new QPushButton(QStringLiteral("‹ Back to the build settings"), statusCard);
    m_back->setObjectName(QStringLiteral("backButton"));
    m_back->setFlat(true);
    m_back->setCursor(Qt::PointingHandCursor);
    m_back->hide();
    connect(m_back, &QPushButton::clicked, this, &BuildProgressPage::backRequested);
    statusRow->addWidget(m_back, 0, Qt::AlignVCenter);
    statusRow->addWidget(m_stop, 0, Qt::AlignVCenter);
    sv->addLayout(statusRow);
    m_bar = new QProgressBar(statusCard);
    m_bar->setAccessibleName(QStringLiteral("Build progress"));
    m_bar->setAccessibleDescription(QStringLiteral("How much of the build's time or candidates is used up."));
    m_bar->setRange(0, 1000);
    m_bar->setTextVisible(false);
    m_bar->setMaximumHeight(8);
    sv->addWidget(m_bar);
    m_error = new QLabel(statusCard);
    m_error->setObjectName(QStringLiteral("errorBanner"));
    m_error->setWordWrap(true);
    m_error->hide();
    sv->addWidget(m_error);
    layout->addWidget(statusCard);

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setChildrenCollapsible(false);
    splitter->setHandleWidth(10);
    auto *boardPane = new QWidget(splitter);
    auto *bv = new QVBoxLayout(boardPane);
    bv->setContentsMargins(0, 0, 0, 0);
    bv->addWidget(parts::sectionTitle(QStringLiteral("Candidates tried (best first)"), boardPane));
    m_board = new QTableWidget(0, ColCount, boardPane);
    m_board->setAccessibleName(QStringLiteral("Candidates tried"));
    m_board->setAccessibleDescription(QStringLiteral("Every candidate model tried so far, best first, with its score and time."));
    m_board->setObjectName(QStringLiteral("leaderboard"));
    m_board->setHorizontalHeaderLabels({QStringLiteral("#"), QStringLiteral("Kind of model"), QStringLiteral("Settings"),
                                        QStringLiteral("Score"), QStringLiteral("Seconds"), QStringLiteral("Status")});
    m_board->horizontalHeaderItem(ColSettings)->setToolTip(
        QStringLiteral("What sets this candidate apart; point at it for every setting it was trained with."));
    m_board->verticalHeader()->hide();
    m_board->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_board->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_board->setAlternatingRowColors(true);
    m_board->setShowGrid(false);
    // The settings take what the other columns leave, so the table never needs a
    // horizontal scroll bar; long settings and statuses wrap.
    m_board->horizontalHeader()->setStretchLastSection(false);
    m_board->horizontalHeader()->setSectionResizeMode(ColSettings, QHeaderView::Stretch);
    m_board->horizontalHeader()->setSectionResizeMode(ColStatus, QHeaderView::Interactive);
    m_board->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_board->setColumnWidth(ColId, 40);
    m_board->setColumnWidth(ColFamily, 160);
    m_board->setColumnWidth(ColScore, 80);
    m_board->setColumnWidth(ColSeconds, 76);
    m_board->setColumnWidth(ColStatus, 130);
    bv->addWidget(m_board, 1);
    auto *chartPane = new QWidget(splitter);
    auto *cv = new QVBoxLayout(chartPane);
    cv->setContentsMargins(0, 0, 0, 0);
    cv->addWidget(parts::sectionTitle(QStringLiteral("Best score so far"), chartPane));
    m_chart = new ChartWidget(chartPane);
    m_chart->setAccessibleName(QStringLiteral("Best score so far chart"));
    m_chart->setAccessibleDescription(QStringLiteral("Each finished candidate's score as a dot and the best so far as a line. Right-click to save it as PNG, SVG or PDF."));
    m_chart->setObjectName(QStringLiteral("scoreTimeline"));
    m_chart->setSuggestedName(QStringLiteral("build score over time"));
    m_chart->setMinimumHeight(150);  // two charts on a 720 px screen in presentation mode
    cv->addWidget(m_chart, 1);
    m_curveTitle = parts::sectionTitle(QStringLiteral("Latest candidate's training curve"), chartPane);
    cv->addWidget(m_curveTitle);
    m_curve = new ChartWidget(chartPane);
    m_curve->setAccessibleName(QStringLiteral("Training curve chart"));
    m_curve->setAccessibleDescription(
        QStringLiteral("The latest finished candidate's loss on held-out rows after each round or epoch."));
    m_curve->setObjectName(QStringLiteral("trainingCurve"));
    m_curve->setSuggestedName(QStringLiteral("training curve"));
    m_curve->showTrainingCurve({}, QString());
    m_curve->setMinimumHeight(150);
    cv->addWidget(m_curve, 1);
    // The log sits under the leaderboard, which has room to spare, so that the
    // two charts keep theirs on a short screen.
    m_log = new QPlainTextEdit(boardPane);
    m_log->setAccessibleName(QStringLiteral("Build log"));
    m_log->setAccessibleDescription(QStringLiteral("What Easel is doing, newest last."));
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(500);
    m_log->setMaximumHeight(110);
    m_log->setObjectName(QStringLiteral("buildLog"));
    m_log->setPlaceholderText(QStringLiteral("What Easel is doing appears here."));
    bv->addWidget(m_log);
    splitter->addWidget(boardPane);
    splitter->addWidget(chartPane);
    splitter->setStretchFactor(0, 5);
    splitter->setStretchFactor(1, 6);
    layout->addWidget(splitter, 1);
}

BuildProgressPage::~BuildProgressPage()
{
    if (m_job) {
        m_job->cancel();
        m_job->waitForFinished();
    }
}

void BuildProgressPage::setPresentation(bool on)
{
    for (QWidget *w : {static_cast<QWidget *>(m_curveTitle), static_cast<QWidget *>(m_curve),
                       static_cast<QWidget *>(m_log)})
        w->setVisible(!on);
}

QString BuildProgressPage::statusText() const
{
    return m_status->text();
}

void BuildProgressPage::start(const QString &libraryPath, qint64 datasetId, const QString &datasetName,
                              TablePtr table, const BuildSpec &spec)
{
    if (m_job)
        return;
    m_spec = spec;
    m_finishedTrials = 0;
    m_trialPoints.clear();
    m_bestPoints.clear();
    m_board->setRowCount(0);
    m_log->clear();
    m_error->hide();
    m_back->hide();
    m_stop->show();
    m_stop->setEnabled(true);
    m_stop->setText(QStringLiteral("Stop and keep the best so far"));
    m_bar->setValue(0);
    m_budget = spec.timeLimitSeconds > 0 ? spec.timeLimitSeconds : defaultTimeLimit(spec.mode);
    Metric metric = spec.metric.value_or(Metric::Rmse);
    if (!spec.metric) {
        if (Result<TargetInfo> t = spec.problem ? targetAs(*table, spec.target, *spec.problem)
                                                : detectTarget(*table, spec.target))
            metric = defaultMetric(t->problem);
    }
    m_metric = metric;
    m_higherIsBetter = higherIsBetter(metric);
    m_title->setText(QStringLiteral("Building a model to predict %1").arg(spec.target));
    QString subtitle = QStringLiteral("%1 · %2 · up to %3").arg(words::modeTitle(buildModeName(spec.mode)), datasetName,
                                                                words::duration(m_budget));
    if (spec.maxCandidates > 0)
        subtitle += QStringLiteral(" or %1 candidates").arg(spec.maxCandidates);
    m_subtitle->setText(subtitle + QStringLiteral(" · seed %1").arg(spec.seed));
    m_status->setText(QStringLiteral("Preparing the data…"));
    m_best->setText(QStringLiteral("No candidate has finished yet. Score: %1 (%2).")
                        .arg(metricLabel(metric),
                             m_higherIsBetter ? QStringLiteral("higher is better") : QStringLiteral("lower is better")));
    m_best->setToolTip(words::metricTip(metric));
    m_board->horizontalHeaderItem(ColScore)->setText(metricLabel(metric));
    m_board->horizontalHeaderItem(ColScore)->setToolTip(words::metricTip(metric));
    m_chart->showScoreTimeline({}, {}, metricLabel(metric), m_budget);
    m_clock.start();
    m_tick.start();

    // The observers run on the build's thread: post to this page, which waits for
    // the job in its destructor, so nothing is posted to a destroyed page.
    BuildObserver observer;
    observer.trialStarted = [this](const TrialRecord &t) {
        QMetaObject::invokeMethod(this, [this, t] { onTrialStarted(t); }, Qt::QueuedConnection);
    };
    observer.trialFinished = [this](const TrialRecord &t) {
        QMetaObject::invokeMethod(this, [this, t] { onTrialFinished(t); }, Qt::QueuedConnection);
    };
    observer.bestScoreChanged = [this](double seconds, double score) {
        QMetaObject::invokeMethod(this, [this, seconds, score] { onBestScore(seconds, score); },
                                  Qt::QueuedConnection);
    };
    observer.log = [this](const QString &line) {
        QMetaObject::invokeMethod(this, [this, line] { m_log->appendPlainText(line); }, Qt::QueuedConnection);
    };
    BackgroundJob *job = BackgroundJob::start<BuildJobResult>(
        this,
        [libraryPath, datasetId, table, spec, observer](TaskContext *ctx) {
            return buildJob(libraryPath, datasetId, table, spec, observer, ctx);
        },
        [this](const BuildJobResult &result) { onDone(result); });
    connect(job, &BackgroundJob::progressChanged, this, [this](double fraction, const QString &message) {
        m_bar->setValue(int(fraction * 1000));
        if (!message.isEmpty() && m_job && !m_job->isCanceled())
            m_status->setText(message);
    });
    m_job = job;
}

void BuildProgressPage::stop()
{
    if (!m_job)
        return;
    m_job->cancel();
    m_stop->setEnabled(false);
    m_stop->setText(QStringLiteral("Stopping…"));
    m_status->setText(m_finishedTrials > 0 ? QStringLiteral("Stopping: keeping the best model so far…")
                                           : QStringLiteral("Stopping…"));
}

int BuildProgressPage::rowOf(int trialId) const
{
    for (int r = 0; r < m_board->rowCount(); ++r)
        if (m_board->item(r, ColId) && m_board->item(r, ColId)->data(Qt::UserRole).toInt() == trialId)
            return r;
    return -1;
}

void BuildProgressPage::onTrialStarted(const TrialRecord &trial)
{
    if (rowOf(trial.id) >= 0)
        return;
    const int row = m_board->rowCount();
    m_board->insertRow(row);
    m_board->setItem(row, ColId, numberCell(trial.id, QString::number(trial.id)));
    m_board->setItem(row, ColFamily, cell(words::family(trial.family)));
    m_board->setItem(row, ColSettings, settingsCell(trial));
    m_board->setItem(row, ColScore, numberCell(NAN, QStringLiteral("…")));
    m_board->setItem(row, ColSeconds, numberCell(0, QString()));
    m_board->setItem(row, ColStatus, cell(QStringLiteral("training…")));
    for (int c = 0; c < ColCount; ++c)
        setItemTone(m_board->item(row, c), QStringLiteral("#2f6fde"));  // still training: in blue
}

void BuildProgressPage::onTrialFinished(const TrialRecord &trial)
{
    int row = rowOf(trial.id);
    if (row < 0) {
        onTrialStarted(trial);
        row = rowOf(trial.id);
    }
    const bool ok = std::isfinite(trial.score);
    m_board->setItem(row, ColScore, numberCell(ok ? trial.score : NAN,
                                               ok ? words::metricValue(m_metric, trial.score) : QStringLiteral("—")));
    m_board->setItem(row, ColSeconds,
                     numberCell(trial.seconds, QLocale::system().toString(trial.seconds, 'f', 1)));
    QTableWidgetItem *status = cell(words::trialStatus(trial.status));
    if (!trial.message.isEmpty())
        status->setToolTip(trial.message);
    m_board->setItem(row, ColSettings, settingsCell(trial));  // now with its rounds or epochs
    m_board->setItem(row, ColStatus, status);
    // Failed in red; done in the palette's text colour.
    const QString tone = trial.status == trial_status::Failed ? QStringLiteral("#9b2c2c") : QString();
    for (int c = 0; c < ColCount; ++c)
        setItemTone(m_board->item(row, c), tone);
    ++m_finishedTrials;
    if (ok)
        m_trialPoints.push_back(QPointF(m_clock.elapsed() / 1000.0, trial.score));
    if (ok && trial.curve.size() >= 2)
        m_curve->showTrainingCurve(trial.curve, words::family(trial.family));

    // Best first: finished trials by score, running and failed ones below.
    std::vector<std::pair<double, int>> order;  // (sort key, row)
    const double sign = m_higherIsBetter ? -1 : 1;
    for (int r = 0; r < m_board->rowCount(); ++r) {
        const double s = m_board->item(r, ColScore)->data(Qt::UserRole).toDouble();
        order.push_back({std::isfinite(s) ? sign * s : INFINITY, r});
    }
    std::stable_sort(order.begin(), order.end(),
                     [](const auto &a, const auto &b) { return a.first < b.first; });
    std::vector<std::vector<QTableWidgetItem *>> rows;
    for (const auto &[key, r] : order) {
        std::vector<QTableWidgetItem *> items;
        for (int c = 0; c < ColCount; ++c)
            items.push_back(m_board->takeItem(r, c));
        rows.push_back(items);
    }
    for (int r = 0; r < int(rows.size()); ++r)
        for (int c = 0; c < ColCount; ++c)
            m_board->setItem(r, c, rows[size_t(r)][size_t(c)]);
    if (m_board->rowCount() > 0 && std::isfinite(m_board->item(0, ColScore)->data(Qt::UserRole).toDouble())) {
        QFont bold = m_board->font();
        bold.setBold(true);
        for (int r = 0; r < m_board->rowCount(); ++r)
            for (int c = 0; c < ColCount; ++c)
                m_board->item(r, c)->setFont(r == 0 ? bold : m_board->font());
    }
    redrawChart();
}

void BuildProgressPage::onBestScore(double seconds, double score)
{
    m_bestPoints.push_back(QPointF(seconds, score));
    m_best->setText(QStringLiteral("Best so far: %1 = %2. %3")
                        .arg(metricLabel(m_metric), words::metricValue(m_metric, score),
                             metricHeadline(m_metric, score, m_spec.target)));
    redrawChart();
}

void BuildProgressPage::redrawChart()
{
    if (!isVisible() && m_job)
        return;
    m_chart->showScoreTimeline(m_trialPoints, m_bestPoints, metricLabel(m_metric),
                               std::min(m_budget, std::max(10.0, m_clock.elapsed() / 1000.0)));
}

void BuildProgressPage::onDone(const BuildJobResult &result)
{
    m_job = nullptr;
    m_tick.stop();
    m_stop->hide();
    redrawChart();
    if (!result.ok()) {
        m_bar->setValue(0);
        const bool canceled = result.error.code == ErrorCode::Canceled;
        m_status->setText(canceled ? QStringLiteral("Stopped before any model finished.")
                                   : QStringLiteral("The build didn't finish."));
        m_error->setText(canceled ? QStringLiteral("Nothing was saved. Start the build again and let the first "
                                                   "candidates finish before stopping.")
                                  : result.error.toString() +
                                        QStringLiteral(" Go back to the build settings, change the target or the "
                                                       "columns, and try again."));
        m_error->show();
        m_back->show();
        emit finished(false, -1, result.error.toString());
        return;
    }
    m_bar->setValue(1000);
    m_status->setText(result.canceled
                          ? QStringLiteral("Stopped after %1 candidates: Easel kept the best model so far.").arg(result.trials)
                      : result.timeLimited
                          ? QStringLiteral("Done: %1 candidates tried in %2. The time limit ended the search; a longer "
                                           "one may find a better model.")
                                .arg(result.trials)
                                .arg(words::duration(result.seconds))
                          : QStringLiteral("Done: %1 candidates tried in %2.").arg(result.trials).arg(words::duration(result.seconds)));
    m_best->setText(QStringLiteral("%1 (%2 = %3)")
                        .arg(metricHeadline(result.metric, result.score, result.target), metricLabel(result.metric),
                             words::metricValue(result.metric, result.score)));
    m_back->show();
    emit finished(true, result.modelId, QString());
}

} // namespace easel
