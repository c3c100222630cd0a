#include "build_page.h"

#include "theme.h"
#include "background_job.h"
#include "chart_widget.h"
#include "format.h"
#include "page_parts.h"
#include "studio_words.h"

#include <QComboBox>
#include <QEvent>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QStackedWidget>
#include <QStandardItemModel>
#include <QThread>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <tuple>

#include <cmath>

namespace easel {

namespace {

constexpr int kPreviewDelayMs = 600;
constexpr int kUseColumn = 0;
// Item text colours, as the light theme's; setItemTone keeps them right in the dark.
const QString kMutedTone = QStringLiteral("#6b7280");
const QString kLeftOutTone = QStringLiteral("#a05a12");
} // namespace

BuildPage::BuildPage(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("buildPage"));
    m_previewTimer.setSingleShot(true);
    m_previewTimer.setInterval(kPreviewDelayMs);
    connect(&m_previewTimer, &QTimer::timeout, this, &BuildPage::runPreview);

    auto *layout = parts::pageLayout(this);
    layout->addWidget(parts::pageTitle(QStringLiteral("Build a model"), this));
    m_subtitle = parts::mutedLabel(QString(), this);
    layout->addWidget(m_subtitle);
    layout->addWidget(parts::presentationHint(QStringLiteral("Step 2 · Say what to predict. Easel suggests which "
                                                             "columns to leave out and estimates how well it can do "
                                                             "before you build."),
                                              this));

    m_stack = new QStackedWidget(this);
    layout->addWidget(m_stack, 1);

    // Page 0: nothing open yet.
    QPushButton *choose = nullptr;
    m_stack->addWidget(parts::emptyState(QStringLiteral("Open a data set first: Easel builds a model from the rows "
                                                        "of one data set, predicting one of its columns."),
                                         QStringLiteral("Choose a data set"), m_stack, &choose));
    connect(choose, &QPushButton::clicked, this, &BuildPage::chooseDatasetRequested);

    // Page 1: the questions on the left, the preview and the build buttons on the right.
    auto *content = new QWidget(m_stack);
    auto *row = new QHBoxLayout(content);
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(16);
    QScrollArea *scroll = parts::scrollArea(content, QStringLiteral("Build settings"),
                                            QStringLiteral("The build settings; scroll for more."));
    auto *left = new QWidget(scroll);
    auto *lv = new QVBoxLayout(left);
    lv->setContentsMargins(0, 0, 6, 0);
    lv->setSpacing(12);
    scroll->setWidget(left);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setMinimumWidth(470);
    row->addWidget(scroll, 11);

    // 1. What do you want to predict?
    QLayout *body = nullptr;
    lv->addWidget(makeCard(QStringLiteral("What do you want to predict?"), left, &body));
    auto *targetBody = static_cast<QVBoxLayout *>(body);
    m_targets = new QTreeWidget(left);
    m_targets->setAccessibleName(QStringLiteral("What do you want to predict?"));
    m_targets->setAccessibleDescription(QStringLiteral("The columns Easel can predict, with the kind of answer each would give."));
    m_targets->setObjectName(QStringLiteral("targetList"));
    m_targets->setHeaderLabels({QStringLiteral("Column"), QStringLiteral("Easel would predict")});
    m_targets->setRootIsDecorated(false);
    m_targets->setUniformRowHeights(true);
    m_targets->setMinimumHeight(150);
    m_targets->setMaximumHeight(230);
    m_targets->header()->setStretchLastSection(true);
    targetBody->addWidget(m_targets);
    connect(m_targets, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem *item) {
        if (m_filling || !item || !(item->flags() & Qt::ItemIsEnabled))
            return;
        const QString column = item->data(0, Qt::UserRole).toString();
        if (column == m_target)
            return;
        m_target = column;
        {
            const QSignalBlocker block(m_problem);
            m_problem->setCurrentIndex(0);
        }
        analyseTarget();
    });
    auto *problemRow = new QHBoxLayout;
    m_problemText = new QLabel(QStringLiteral("Pick the column whose value you want Easel to predict."), left);
    m_problemText->setWordWrap(true);
    m_problemText->setObjectName(QStringLiteral("problemText"));
    m_problem = new QComboBox(left);
    m_problem->setAccessibleName(QStringLiteral("Kind of answer"));
    m_problem->setAccessibleDescription(QStringLiteral("What kind of answer Easel predicts for the chosen column."));
    m_problem->addItem(QStringLiteral("As detected"));
    m_problem->addItem(words::problemTitle(ProblemType::Binary), int(ProblemType::Binary));
    m_problem->addItem(words::problemTitle(ProblemType::Multiclass), int(ProblemType::Multiclass));
    m_problem->addItem(words::problemTitle(ProblemType::Regression), int(ProblemType::Regression));
    m_problem->setToolTip(QStringLiteral("Change what kind of answer Easel predicts, e.g. treat a whole number with "
                                         "a few values as categories."));
    connect(m_problem, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_target.isEmpty())
            analyseTarget();
    });
    problemRow->addWidget(m_problemText, 1);
    problemRow->addWidget(m_problem, 0, Qt::AlignTop);
    targetBody->addLayout(problemRow);

    // 2. Columns to use.
    lv->addWidget(makeCard(QStringLiteral("Columns to use"), left, &body));
    auto *columnsBody = static_cast<QVBoxLayout *>(body);
    m_columnsNote = new QLabel(QStringLiteral("Choose what to predict first."), left);
    m_columnsNote->setObjectName(QStringLiteral("muted"));
    m_columnsNote->setWordWrap(true);
    columnsBody->addWidget(m_columnsNote);
    m_columns = new QTreeWidget(left);
    m_columns->setAccessibleName(QStringLiteral("Columns to use"));
    m_columns->setAccessibleDescription(QStringLiteral("Tick the columns Easel may learn from; the ones it suggests leaving out are unticked, with the reason beside them."));
    m_columns->setObjectName(QStringLiteral("columnsToUse"));
    m_columns->setHeaderLabels({QStringLiteral("Column"), QStringLiteral("Note")});
    m_columns->setRootIsDecorated(false);
    m_columns->setUniformRowHeights(true);
    m_columns->setMinimumHeight(150);
    m_columns->setMaximumHeight(260);
    columnsBody->addWidget(m_columns);
    connect(m_columns, &QTreeWidget::itemChanged, this, [this](QTreeWidgetItem *, int column) {
        if (!m_filling && column == kUseColumn)
            schedulePreview();
    });

    // 3. What matters most.
    lv->addWidget(makeCard(QStringLiteral("What matters most?"), left, &body));
    auto *objectiveBody = static_cast<QVBoxLayout *>(body);
    m_objective = new QComboBox(left);
    m_objective->setAccessibleName(QStringLiteral("Score to optimise"));
    m_objective->setAccessibleDescription(QStringLiteral("Which score the build tries to make best."));
    m_objective->setObjectName(QStringLiteral("objectiveBox"));
    m_objective->setEnabled(false);
    m_objectiveLine = new QLabel(left);
    m_objectiveLine->setObjectName(QStringLiteral("muted"));
    m_objectiveLine->setWordWrap(true);
    objectiveBody->addWidget(m_objective);
    objectiveBody->addWidget(m_objectiveLine);
    connect(m_objective, &QComboBox::currentIndexChanged, this, [this](int index) {
        m_objectiveLine->setText(m_objective->itemData(index, Qt::UserRole + 1).toString());
        if (!m_filling)
            schedulePreview();
    });

    // 4. Build settings.
    lv->addWidget(makeCard(QStringLiteral("Build settings"), left, &body));
    auto *settingsBody = static_cast<QVBoxLayout *>(body);
    auto *form = new QFormLayout;
    form->setLabelAlignment(Qt::AlignLeft);
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);  // a field goes under its label on a narrow window
    m_seed = new QSpinBox(left);
    m_seed->setAccessibleName(QStringLiteral("Seed"));
    m_seed->setAccessibleDescription(
        QStringLiteral("With a candidate limit, the same data and seed give the same leaderboard."));
    m_seed->setObjectName(QStringLiteral("seedBox"));
    m_seed->setRange(0, std::numeric_limits<int>::max());
    m_seed->setValue(0);
    m_seed->setToolTip(QStringLiteral("With a candidate limit, the same data and seed give the same leaderboard; "
                                      "change the seed to see how much the results vary."));
    m_timeLimit = new QSpinBox(left);
    m_timeLimit->setAccessibleName(QStringLiteral("Time limit"));
    m_timeLimit->setAccessibleDescription(QStringLiteral("How long a build may take, in seconds; 0 is automatic."));
    m_timeLimit->setObjectName(QStringLiteral("timeLimitBox"));
    m_timeLimit->setRange(0, 24 * 3600);
    m_timeLimit->setSingleStep(30);
    m_timeLimit->setSuffix(QStringLiteral(" s"));
    m_timeLimit->setSpecialValueText(QStringLiteral("Automatic (2 min quick · 15 min standard)"));
    m_timeLimit->setToolTip(QStringLiteral("How long a build may take, in seconds. When time runs out Easel keeps "
                                           "the best models found so far."));
    m_maxCandidates = new QSpinBox(left);
    m_maxCandidates->setAccessibleName(QStringLiteral("Candidates"));
    m_maxCandidates->setAccessibleDescription(
        QStringLiteral("The most candidate models a build tries; 0 is no limit."));
    m_maxCandidates->setObjectName(QStringLiteral("maxCandidatesBox"));
    m_maxCandidates->setRange(0, 1000);
    m_maxCandidates->setPrefix(QStringLiteral("at most "));
    m_maxCandidates->setSpecialValueText(QStringLiteral("No limit"));
    m_maxCandidates->setToolTip(QStringLiteral(
        "Stop after this many candidate models. The time limit decides otherwise, and a faster or slower computer "
        "then tries a different number: with a limit here (and time to reach it) the same seed gives the same "
        "leaderboard on every computer, as for a class."));
    m_compute = new QComboBox(left);
    m_compute->setAccessibleName(QStringLiteral("Compute"));
    m_compute->setAccessibleDescription(QStringLiteral("Train on the CPU or, when one is available, the GPU."));
    m_compute->setObjectName(QStringLiteral("computeBox"));
    m_compute->addItem(QStringLiteral("This computer (CPU, %1 threads)").arg(QThread::idealThreadCount()));
    m_compute->addItem(QStringLiteral("This computer's GPU (checking…)"));
    static_cast<QStandardItemModel *>(m_compute->model())->item(1)->setEnabled(false);
    m_computeNote = new QLabel(QStringLiteral("Networks: checked when first used."), left);
    m_computeNote->setObjectName(QStringLiteral("muted"));
    m_computeNote->setWordWrap(true);
    form->addRow(QStringLiteral("Seed"), m_seed);
    form->addRow(QStringLiteral("Time limit"), m_timeLimit);
    form->addRow(QStringLiteral("Candidates"), m_maxCandidates);
    form->addRow(QStringLiteral("Compute on"), m_compute);
    settingsBody->addLayout(form);
    settingsBody->addWidget(m_computeNote);
    lv->addStretch(1);

    // Right: the preview and the two build buttons.
    auto *right = new QWidget(content);
    auto *rv = new QVBoxLayout(right);
    rv->setContentsMargins(0, 0, 0, 0);
    rv->setSpacing(12);
    right->setMinimumWidth(420);
    row->addWidget(right, 12);
    rv->addWidget(makeCard(QStringLiteral("Preview"), right, &body));
    auto *previewBody = static_cast<QVBoxLayout *>(body);
    m_previewStatus = new QLabel(QStringLiteral("A rough estimate appears here as soon as you choose what to predict."),
                                 right);
    m_previewStatus->setObjectName(QStringLiteral("muted"));
    m_previewStatus->setWordWrap(true);
    m_previewBar = new QProgressBar(right);
    m_previewBar->setRange(0, 1000);
    m_previewBar->setTextVisible(false);
    m_previewBar->setMaximumHeight(6);
    m_previewBar->hide();
    m_previewHeadline = new QLabel(right);
    m_previewHeadline->setObjectName(QStringLiteral("headline"));
    m_previewHeadline->setWordWrap(true);
    m_previewHeadline->hide();
    m_previewMetric = new QLabel(right);
    m_previewMetric->setObjectName(QStringLiteral("muted"));
    m_previewMetric->setWordWrap(true);
    m_previewMetric->hide();
    m_impact = new ChartWidget(right);
    m_impact->setAccessibleName(QStringLiteral("Preview column impact chart"));
    m_impact->setAccessibleDescription(QStringLiteral("How much each column helps the quick preview model. Right-click to save it as PNG, SVG or PDF."));
    m_impact->setObjectName(QStringLiteral("previewImpact"));
    m_impact->setSuggestedName(QStringLiteral("preview column impact"));
    m_impact->showMessage(QStringLiteral("Column impact appears here."));
    previewBody->addWidget(m_previewStatus);
    previewBody->addWidget(m_previewBar);
    previewBody->addWidget(m_previewHeadline);
    previewBody->addWidget(m_previewMetric);
    previewBody->addWidget(m_impact, 1);
    rv->itemAt(0)->widget()->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Expanding);

    auto *buttons = new QHBoxLayout;
    buttons->setSpacing(12);
    right->installEventFilter(this);
    m_quick = new QPushButton(right);
    m_quick->setObjectName(QStringLiteral("quickBuild"));
    m_quick->setAccessibleName(QStringLiteral("Quick build"));
    m_quick->setToolTip(QStringLiteral("Ctrl+B"));
    m_standard = new QPushButton(right);
    m_standard->setObjectName(QStringLiteral("standardBuild"));
    m_standard->setAccessibleName(QStringLiteral("Standard build"));
    for (QPushButton *b : {m_quick, m_standard}) {
        b->setCursor(Qt::PointingHandCursor);
        b->setMinimumHeight(64);
        b->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    }
    connect(m_quick, &QPushButton::clicked, this, &BuildPage::startQuickBuild);
    connect(m_standard, &QPushButton::clicked, this, &BuildPage::startStandardBuild);
    buttons->addWidget(m_quick);
    buttons->addWidget(m_standard);
    rv->addLayout(buttons);
    m_stack->addWidget(content);
    connect(m_timeLimit, &QSpinBox::valueChanged, this, &BuildPage::updateButtonTexts);
    updateButtonTexts();
    updateButtons();
}

BuildPage::~BuildPage()
{
    cancelJobs();
}

bool BuildPage::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::Resize && m_quick && watched == m_quick->parentWidget())
        updateButtonTexts();
    return QWidget::eventFilter(watched, event);
}

void BuildPage::updateButtonTexts()
{
    // The buttons say how long each build takes: the time limit when one is set.
    const int limit = m_timeLimit->value();
    const QString quickTime = QStringLiteral("about ") + words::duration(limit > 0 ? limit : 120);
    const QString standardTime = QStringLiteral("up to ") + words::duration(limit > 0 ? limit : 900);
    const QString quickLong = QStringLiteral("Quick build  ·  %1\nProven settings, then an ensemble.").arg(quickTime);
    const QString quickShort = QStringLiteral("Quick build\n") + quickTime;
    const QString standardLong = QStringLiteral("Standard build  ·  %1\nTunes each kind of model.").arg(standardTime);
    const QString standardShort = QStringLiteral("Standard build\n") + standardTime;
    // They say what each build does while the column has room for both texts side by
    // side (presentation mode on a 1280-pixel screen has not); else only their name
    // and duration, the rest staying in the tooltip.
    QWidget *column = m_quick->parentWidget();
    const QMargins margins = column->contentsMargins();
    const int room = column->width() - margins.left() - margins.right();
    const auto widthFor = [](QPushButton *b, const QString &text) {
        const QFontMetrics fm(b->font());
        return b->sizeHint().width() - fm.size(0, b->text()).width() + fm.size(0, text).width();
    };
    const bool full = widthFor(m_quick, quickLong) + widthFor(m_standard, standardLong) + 12 <= room;
    for (auto [button, long_, short_] : {std::tuple{m_quick, quickLong, quickShort},
                                         std::tuple{m_standard, standardLong, standardShort}}) {
        const QString wanted = full ? long_ : short_;
        if (button->text() != wanted)
            button->setText(wanted);
    }
    const auto capitalised = [](QString text) {
        text[0] = text[0].toUpper();
        return text;
    };
    m_quick->setAccessibleDescription(
        QStringLiteral("%1: proven settings, then an ensemble. Ctrl+B.").arg(capitalised(quickTime)));
    m_standard->setAccessibleDescription(
        QStringLiteral("%1, less on small data: tunes each kind of model.").arg(capitalised(standardTime)));
}

QWidget *BuildPage::makeCard(const QString &title, QWidget *parent, QLayout **body)
{
    QVBoxLayout *v = nullptr;
    QFrame *card = parts::card(parent, &v, QMargins(16, 12, 16, 14));
    v->setSpacing(8);
    v->addWidget(parts::sectionTitle(title, card));
    *body = v;
    return card;
}

void BuildPage::cancelJobs()
{
    m_previewTimer.stop();
    for (const QPointer<BackgroundJob> &job : {m_targetsJob, m_analysisJob, m_previewJob})
        if (job)
            job->cancel();
}

void BuildPage::setDataset(DatasetContentPtr content, const QString &suggestedTarget)
{
    if (content && m_content && content->record.id == m_content->record.id && content == m_content)
        return;
    cancelJobs();
    m_content = std::move(content);
    m_suggested = suggestedTarget;
    m_target.clear();
    m_analysis.reset();
    m_targetsReady = false;
    m_previewReady = false;
    ++m_previewGeneration;
    ++m_analysisGeneration;
    {
        const QSignalBlocker b1(m_targets), b2(m_columns);
        m_targets->clear();
        m_columns->clear();
    }
    m_objective->clear();
    m_objective->setEnabled(false);
    m_problemText->setText(QStringLiteral("Pick the column whose value you want Easel to predict."));
    m_columnsNote->setText(QStringLiteral("Choose what to predict first."));
    m_previewStatus->setText(QStringLiteral("A rough estimate appears here as soon as you choose what to predict."));
    m_previewHeadline->hide();
    m_previewMetric->hide();
    m_previewBar->hide();
    m_impact->showMessage(QStringLiteral("Column impact appears here."));
    if (!m_content) {
        m_subtitle->setText(QStringLiteral("No data set open"));
        m_stack->setCurrentIndex(0);
        updateButtons();
        return;
    }
    m_subtitle->setText(QStringLiteral("From %1 · %2 rows · %3 columns")
                            .arg(m_content->record.name, fmt::count(m_content->record.rows))
                            .arg(m_content->record.columns));
    m_stack->setCurrentIndex(1);
    {
        const QSignalBlocker block(m_targets);
        for (size_t i = 0; i < m_content->table->columnCount(); ++i) {
            auto *item = new QTreeWidgetItem(m_targets);
            item->setText(0, m_content->table->column(i).name());
            item->setData(0, Qt::UserRole, m_content->table->column(i).name());
            item->setText(1, QStringLiteral("checking…"));
            setItemTone(item, 1, kMutedTone);
        }
    }
    TablePtr table = m_content->table;
    m_targetsJob = BackgroundJob::start<std::vector<TargetChoice>>(
        this, [table](TaskContext *ctx) { return targetChoicesJob(table, ctx); },
        [this, table](const std::vector<TargetChoice> &choices) {
            if (m_content && m_content->table == table)
                onTargetsDetected(choices);
        });
    updateButtons();
}

void BuildPage::onTargetsDetected(const std::vector<TargetChoice> &choices)
{
    m_filling = true;
    for (const TargetChoice &c : choices) {
        for (int i = 0; i < m_targets->topLevelItemCount(); ++i) {
            QTreeWidgetItem *item = m_targets->topLevelItem(i);
            if (item->data(0, Qt::UserRole).toString() != c.column)
                continue;
            item->setToolTip(0, c.reason);
            item->setToolTip(1, c.reason);
            if (c.usable) {
                QString kind = words::problemKind(c.problem);
                if (c.problem == ProblemType::Multiclass && c.classes > 0)
                    kind += QStringLiteral(" (%1)").arg(c.classes);
                item->setText(1, kind);
                setItemTone(item, 1, QString());  // the palette's text colour
            } else {
                item->setText(1, QStringLiteral("can't be predicted"));
                item->setFlags(item->flags() & ~(Qt::ItemIsEnabled | Qt::ItemIsSelectable));
            }
        }
    }
    m_targets->resizeColumnToContents(0);
    m_targets->setColumnWidth(0, m_targets->columnWidth(0) + 24);
    m_filling = false;
    m_targetsReady = true;
    if (!m_suggested.isEmpty() && m_target.isEmpty())
        selectTarget(m_suggested);
}

bool BuildPage::selectTarget(const QString &column)
{
    for (int i = 0; i < m_targets->topLevelItemCount(); ++i) {
        QTreeWidgetItem *item = m_targets->topLevelItem(i);
        if (item->data(0, Qt::UserRole).toString() == column) {
            if (!m_targetsReady || !(item->flags() & Qt::ItemIsEnabled))
                return false;
            m_targets->setCurrentItem(item);
            return true;
        }
    }
    return false;
}

void BuildPage::analyseTarget()
{
    if (!m_content || m_target.isEmpty())
        return;
    if (m_analysisJob)
        m_analysisJob->cancel();
    if (m_previewJob)
        m_previewJob->cancel();
    m_analysis.reset();
    m_previewReady = false;
    ++m_previewGeneration;
    updateButtons();
    std::optional<ProblemType> problem;
    if (m_problem->currentIndex() > 0)
        problem = ProblemType(m_problem->currentData().toInt());
    m_problemText->setText(QStringLiteral("Looking at %1…").arg(m_target));
    const quint64 generation = ++m_analysisGeneration;
    DatasetContentPtr content = m_content;
    const QString target = m_target;
    m_analysisJob = BackgroundJob::start<TargetAnalysis>(
        this, [content, target, problem](TaskContext *ctx) { return analyseTargetJob(content, target, problem, ctx); },
        [this, generation](const TargetAnalysis &analysis) {
            if (generation == m_analysisGeneration)
                onAnalysed(analysis);
        });
}

void BuildPage::onAnalysed(const TargetAnalysis &analysis)
{
    if (!analysis.ok()) {
        setThemedText(m_problemText, QStringLiteral("<span style=\"color:#7a1f1f\">%1</span> Choose another column, "
                                                    "or another kind of answer on the right.")
                                         .arg(analysis.error.message.toHtmlEscaped()));
        m_previewStatus->setText(QStringLiteral("No preview: %1 can't be predicted this way.").arg(m_target));
        m_impact->showMessage(QStringLiteral("Column impact appears here."));
        updateButtons();
        return;
    }
    m_analysis = analysis;
    m_problemText->setText(QStringLiteral("<b>Easel will predict %1.</b> %2")
                               .arg(words::problemKind(analysis.target.problem), analysis.target.reason.toHtmlEscaped()));
    m_filling = true;
    m_columns->clear();
    int leftOut = 0;
    for (size_t i = 0; i < m_content->table->columnCount(); ++i) {
        const Column &c = m_content->table->column(i);
        if (c.name() == m_target)
            continue;
        auto *item = new QTreeWidgetItem(m_columns);
        item->setText(0, c.name());
        item->setData(0, Qt::UserRole, c.name());
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        const LeaveOutSuggestion *suggestion = nullptr;
        for (const LeaveOutSuggestion &s : analysis.leaveOut)
            if (s.column == c.name())
                suggestion = &s;
        item->setCheckState(kUseColumn, suggestion ? Qt::Unchecked : Qt::Checked);
        if (suggestion) {
            ++leftOut;
            item->setText(1, QStringLiteral("Left out: ") + suggestion->reason);
            setItemTone(item, 1, kLeftOutTone);
            item->setToolTip(0, suggestion->message);
            item->setToolTip(1, suggestion->message);
        } else {
            item->setText(1, fmt::typeWords(c.type()));
            setItemTone(item, 1, kMutedTone);
        }
    }
    m_columns->resizeColumnToContents(0);
    m_columns->setColumnWidth(0, m_columns->columnWidth(0) + 24);
    m_columnsNote->setText(leftOut > 0 ? QStringLiteral("Easel suggests leaving out %1 column%2 (reason beside each; "
                                                        "hover for more). Tick any you want to use anyway.")
                                             .arg(leftOut)
                                             .arg(leftOut == 1 ? QString() : QStringLiteral("s"))
                                       : QStringLiteral("Every column looks usable. Untick any you want Easel to "
                                                        "ignore."));
    fillObjectives(analysis.target.problem);
    m_filling = false;
    updateButtons();
    schedulePreview();
}

void BuildPage::fillObjectives(ProblemType type)
{
    m_objective->clear();
    bool first = true;
    for (const words::Objective &o : words::objectivesFor(type)) {
        const QString text = first ? QStringLiteral("%1 (recommended) · %2").arg(o.name, metricLabel(o.metric))
                                   : QStringLiteral("%1 · %2").arg(o.name, metricLabel(o.metric));
        m_objective->addItem(text, int(o.metric));
        const int index = m_objective->count() - 1;
        m_objective->setItemData(index, o.line, Qt::UserRole + 1);
        m_objective->setItemData(index, words::metricTip(o.metric), Qt::ToolTipRole);
        first = false;
    }
    m_objective->setEnabled(m_objective->count() > 0);
    m_objective->setCurrentIndex(0);
    m_objectiveLine->setText(m_objective->itemData(0, Qt::UserRole + 1).toString());
}

void BuildPage::setColumnUsed(const QString &column, bool used)
{
    for (int i = 0; i < m_columns->topLevelItemCount(); ++i)
        if (m_columns->topLevelItem(i)->data(0, Qt::UserRole).toString() == column)
            m_columns->topLevelItem(i)->setCheckState(kUseColumn, used ? Qt::Checked : Qt::Unchecked);
}

QStringList BuildPage::leftOutColumns() const
{
    QStringList out;
    for (int i = 0; i < m_columns->topLevelItemCount(); ++i)
        if (m_columns->topLevelItem(i)->checkState(kUseColumn) != Qt::Checked)
            out << m_columns->topLevelItem(i)->data(0, Qt::UserRole).toString();
    return out;
}

bool BuildPage::canBuild() const
{
    return m_content && m_analysis && m_analysis->ok();
}

BuildSpec BuildPage::spec(BuildMode mode) const
{
    BuildSpec spec;
    spec.target = m_target;
    spec.dropped = leftOutColumns();
    spec.mode = mode;
    if (m_problem->currentIndex() > 0)
        spec.problem = ProblemType(m_problem->currentData().toInt());
    if (m_objective->count() > 0 && m_objective->currentIndex() >= 0)
        spec.metric = Metric(m_objective->currentData().toInt());  // the recommended one too: recorded as chosen
    spec.seed = uint64_t(m_seed->value());
    spec.timeLimitSeconds = mode == BuildMode::Preview ? 0 : double(m_timeLimit->value());
    spec.maxCandidates = mode == BuildMode::Preview ? 0 : m_maxCandidates->value();
    spec.useGpu = m_compute->currentIndex() == 1;
    return spec;
}

void BuildPage::schedulePreview()
{
    if (!canBuild())
        return;
    if (m_previewJob)
        m_previewJob->cancel();
    ++m_previewGeneration;
    m_previewReady = false;
    m_previewStatus->setText(QStringLiteral("Estimating how well Easel can predict %1…").arg(m_target));
    m_previewBar->setValue(0);
    m_previewBar->show();
    m_previewTimer.start();
}

void BuildPage::runPreview()
{
    if (!canBuild())
        return;
    const quint64 generation = ++m_previewGeneration;
    TablePtr table = m_content->table;
    const BuildSpec spec = this->spec(BuildMode::Preview);
    BackgroundJob *job = BackgroundJob::start<PreviewJobResult>(
        this, [table, spec](TaskContext *ctx) { return previewJob(table, spec, ctx); },
        [this, generation](const PreviewJobResult &result) {
            if (generation == m_previewGeneration)
                showPreview(result);
        });
    connect(job, &BackgroundJob::progressChanged, this, [this, generation](double fraction, const QString &) {
        if (generation == m_previewGeneration)
            m_previewBar->setValue(int(fraction * 1000));
    });
    m_previewJob = job;
}

void BuildPage::showPreview(const PreviewJobResult &result)
{
    m_previewBar->hide();
    if (!result.ok()) {
        if (result.error.code == ErrorCode::Canceled)
            return;
        setThemedText(m_previewStatus, QStringLiteral("<span style=\"color:#7a1f1f\">The preview didn't work: %1</span>")
                                           .arg(result.error.message.toHtmlEscaped()));
        m_impact->showMessage(QStringLiteral("No column impact without a preview."));
        emit previewFinished(false);
        return;
    }
    m_previewReady = true;
    m_previewScore = result.score;
    m_previewStatus->setText(QStringLiteral("A rough estimate from one fast model, in %1. A build does better.")
                                 .arg(words::duration(result.seconds)));
    m_previewHeadline->setText(metricHeadline(result.metric, result.score, result.target.column));
    m_previewHeadline->show();
    m_previewMetric->setText(QStringLiteral("%1 ≈ %2 on rows the model did not train on")
                                 .arg(metricLabel(result.metric), words::metricValue(result.metric, result.score)));
    m_previewMetric->setToolTip(words::metricTip(result.metric));
    m_previewMetric->show();
    std::vector<ChartWidget::Bar> bars;
    for (const ColumnImpact &c : result.impact) {
        if (bars.size() >= 12)
            break;
        bars.push_back({c.column, c.percent, QLocale::system().toString(c.percent, 'f', 1) + QStringLiteral(" %"), {}});
    }
    m_impact->showBars(bars, QStringLiteral("Share of the model's decisions (%)"), 0, QStringLiteral("impact"));
    emit previewFinished(true);
}

void BuildPage::setComputeInfo(const ComputeInfo &info)
{
    m_computeInfo = info;
    auto *model = static_cast<QStandardItemModel *>(m_compute->model());
    QStandardItem *gpu = model->item(1);
    gpu->setText(info.gpuAvailable ? QStringLiteral("This computer's GPU") : QStringLiteral("This computer's GPU (not available)"));
    gpu->setEnabled(info.gpuAvailable);
    gpu->setToolTip(info.gpuAvailable ? QStringLiteral("Gradient-boosted trees train on the GPU.") : info.gpuReason);
    QStringList families;
    for (const QString &f : info.families)
        families << words::family(f);
    m_computeNote->setText(
        QStringLiteral("%1. Networks: checked when first used.%2")
            .arg(info.gpuAvailable ? QStringLiteral("GPU: available for gradient-boosted trees")
                                   : QStringLiteral("GPU: ") + info.gpuReason.chopped(info.gpuReason.endsWith(QLatin1Char('.')) ? 1 : 0),
                 families.isEmpty() ? QString() : QStringLiteral(" Kinds of model installed: %1.").arg(families.join(QStringLiteral(", ")))));
}

void BuildPage::updateButtons()
{
    const bool ok = canBuild();
    m_quick->setEnabled(ok);
    m_standard->setEnabled(ok);
    const QString why = m_content ? QStringLiteral("Choose what to predict first.") : QStringLiteral("Open a data set first.");
    m_quick->setToolTip(ok ? QStringLiteral("Start a quick build: proven settings, then an ensemble (Ctrl+B)") : why);
    m_standard->setToolTip(ok ? QStringLiteral("Start a standard build: tunes each kind of model") : why);
}

void BuildPage::startQuickBuild()
{
    if (!canBuild())
        return;
    cancelJobs();
    emit buildRequested(spec(BuildMode::Quick));
}

void BuildPage::startStandardBuild()
{
    if (!canBuild())
        return;
    cancelJobs();
    emit buildRequested(spec(BuildMode::Standard));
}

} // namespace easel
