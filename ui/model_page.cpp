#include "model_page.h"

#include "theme.h"
#include "background_job.h"
#include "chart_widget.h"
#include "format.h"
#include "page_parts.h"
#include "studio_words.h"

#include "export/bundle_export.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>

namespace easel {

namespace {

//! The leaderboard's columns.
enum BoardColumn { BoardId, BoardFamily, BoardSettings, BoardScore, BoardSeconds, BoardStatus, BoardColumns };

//! Sorts by the value in Qt::UserRole (numbers as numbers, not text).
class SortItem : public QTableWidgetItem
{
public:
    bool operator<(const QTableWidgetItem &other) const override
    {
        const QVariant a = data(Qt::UserRole), b = other.data(Qt::UserRole);
        if (a.typeId() == QMetaType::Double || a.typeId() == QMetaType::Int)
            return a.toDouble() < b.toDouble();
        return a.toString() < b.toString();
    }
};
} // namespace

ModelsPage::ModelsPage(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("modelsPage"));
    auto *layout = parts::pageLayout(this);
    layout->addWidget(parts::pageTitle(QStringLiteral("Models"), this));
    layout->addWidget(parts::presentationHint(QStringLiteral("Step 4 · The answer first: how good the model is in "
                                                             "plain words, then the evidence, measured on rows it "
                                                             "never trained on."),
                                              this));

    m_stack = new QStackedWidget(this);
    layout->addWidget(m_stack, 1);
    QPushButton *go = nullptr;
    m_stack->addWidget(parts::emptyState(QStringLiteral("No models yet. Open a data set, choose what to predict and "
                                                        "press Quick build: the model appears here."),
                                         QStringLiteral("Build a model"), m_stack, &go));
    connect(go, &QPushButton::clicked, this, &ModelsPage::buildRequested);

    auto *content = new QWidget(m_stack);
    auto *row = new QHBoxLayout(content);
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(14);
    m_list = new QListWidget(content);
    m_list->setObjectName(QStringLiteral("modelList"));
    m_list->setAccessibleName(QStringLiteral("Models"));
    m_list->setAccessibleDescription(QStringLiteral("The models in your library, newest first; choose one to see its evidence."));
    m_list->setFixedWidth(250);
    m_list->setSpacing(2);
    m_list->setWordWrap(true);
    connect(m_list, &QListWidget::currentRowChanged, this, [this](int r) {
        if (r >= 0 && r < int(m_entries.size()) && m_entries[size_t(r)].record.id != currentId())
            showModel(m_entries[size_t(r)].record.id);
    });
    row->addWidget(m_list);

    m_detailStack = new QStackedWidget(content);
    row->addWidget(m_detailStack, 1);
    m_loading = new QLabel(QStringLiteral("Opening the model…"), m_detailStack);
    m_loading->setAlignment(Qt::AlignCenter);
    m_loading->setWordWrap(true);
    m_detailStack->addWidget(m_loading);

    QScrollArea *scroll = parts::scrollArea(m_detailStack, QStringLiteral("Model details"),
                                            QStringLiteral("The chosen model's answer and evidence; scroll for more."));
    auto *detail = new QWidget(scroll);
    auto *dv = new QVBoxLayout(detail);
    dv->setContentsMargins(0, 0, 8, 0);
    dv->setSpacing(12);
    scroll->setWidget(detail);
    m_detailStack->addWidget(scroll);

    // Header: what it predicts, Predict and Export.
    auto *head = new QHBoxLayout;
    auto *titles = new QVBoxLayout;
    titles->setSpacing(0);
    m_title = new QLabel(detail);
    m_title->setObjectName(QStringLiteral("cardTitle"));
    m_subtitle = parts::mutedLabel(QString(), detail);
    titles->addWidget(m_title);
    titles->addWidget(m_subtitle);
    head->addLayout(titles, 1);
    m_predict = new QPushButton(QStringLiteral("Predict with this model"), detail);
    m_predict->setObjectName(QStringLiteral("primaryButton"));
    m_predict->setCursor(Qt::PointingHandCursor);
    m_predict->setToolTip(QStringLiteral("Ctrl+P"));
    connect(m_predict, &QPushButton::clicked, this, [this] {
        if (m_model)
            emit predictRequested(m_model->record.id);
    });
    m_export = new QToolButton(detail);
    m_export->setObjectName(QStringLiteral("exportButton"));
    m_export->setText(QStringLiteral("Export"));
    m_export->setPopupMode(QToolButton::InstantPopup);
    m_export->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_export->setCursor(Qt::PointingHandCursor);
    m_export->setMenu(new QMenu(m_export));
    head->addWidget(m_export, 0, Qt::AlignVCenter);
    head->addWidget(m_predict, 0, Qt::AlignVCenter);
    dv->addLayout(head);

    m_note = new QLabel(detail);
    m_note->setObjectName(QStringLiteral("sampleNote"));
    m_note->setWordWrap(true);
    m_note->hide();
    dv->addWidget(m_note);

    // The answer, then every metric.
    QVBoxLayout *av = nullptr;
    QFrame *answer = parts::card(detail, &av, QMargins(18, 14, 18, 14));
    m_headline = new QLabel(answer);
    m_headline->setObjectName(QStringLiteral("headline"));
    m_headline->setWordWrap(true);
    m_exact = parts::mutedLabel(QString(), answer);
    m_plain = parts::sectionTitle(QString(), answer);
    av->addWidget(m_headline);
    av->addWidget(m_plain);
    av->addWidget(m_exact);
    m_metricBox = new QWidget(answer);
    m_metricGrid = new QGridLayout(m_metricBox);
    m_metricGrid->setContentsMargins(0, 6, 0, 0);
    m_metricGrid->setHorizontalSpacing(10);
    m_metricGrid->setVerticalSpacing(8);
    av->addWidget(m_metricBox);
    dv->addWidget(answer);

    // Charts: impact and three problem-specific ones.
    auto *grid = new QGridLayout;
    m_chartGrid = grid;
    grid->setHorizontalSpacing(12);
    grid->setVerticalSpacing(12);
    const auto makeChart = [&](const QString &name, ChartWidget **chart, QLabel **title, QLabel **caption) {
        QVBoxLayout *v = nullptr;
        QFrame *frame = parts::card(detail, &v, QMargins(14, 10, 14, 10));
        v->setSpacing(4);
        *title = parts::sectionTitle(QString(), frame);
        *caption = parts::mutedLabel(QString(), frame);
        *chart = new ChartWidget(frame);
        (*chart)->setObjectName(name);
        (*chart)->setMinimumHeight(280);
        v->addWidget(*title);
        v->addWidget(*caption);
        v->addWidget(*chart, 1);
        return frame;
    };
    QLabel *impactTitle = nullptr, *impactCaption = nullptr;
    QWidget *impactCard = makeChart(QStringLiteral("impactChart"), &m_impact, &impactTitle, &impactCaption);
    impactTitle->setText(QStringLiteral("Column impact"));
    impactCaption->setText(QStringLiteral("Each column's share of the model's decisions, measured on rows it never "
                                          "saw. Columns not listed were left out or had no effect."));
    m_cardA = makeChart(QStringLiteral("chartA"), &m_chartA, &m_titleA, &m_captionA);
    m_cardB = makeChart(QStringLiteral("chartB"), &m_chartB, &m_titleB, &m_captionB);
    m_cardC = makeChart(QStringLiteral("chartC"), &m_chartC, &m_titleC, &m_captionC);
    grid->addWidget(impactCard, 0, 0);
    grid->addWidget(m_cardA, 0, 1);
    grid->addWidget(m_cardB, 1, 0);
    grid->addWidget(m_cardC, 1, 1);
    grid->setColumnStretch(0, 1);
    grid->setColumnStretch(1, 1);
    dv->addLayout(grid);

    // The candidates and the settings.
    QVBoxLayout *bv = nullptr;
    QFrame *boardCard = parts::card(detail, &bv, QMargins(14, 10, 14, 10));
    bv->addWidget(parts::sectionTitle(QStringLiteral("Candidates (best first)"), boardCard));
    bv->addWidget(parts::mutedLabel(QStringLiteral("Every model Easel tried. The final model combines the best of them."),
                             boardCard));
    m_board = new QTableWidget(0, BoardColumns, boardCard);
    m_board->setObjectName(QStringLiteral("modelLeaderboard"));
    m_board->setAccessibleName(QStringLiteral("Leaderboard"));
    m_board->setAccessibleDescription(QStringLiteral("The candidates the build tried, best first."));
    m_board->setHorizontalHeaderLabels({QStringLiteral("#"), QStringLiteral("Kind of model"), QStringLiteral("Settings"),
                                        QStringLiteral("Score"), QStringLiteral("Seconds"), QStringLiteral("Status")});
    m_board->horizontalHeaderItem(BoardSettings)->setToolTip(
        QStringLiteral("What sets this candidate apart; point at it for every setting it was trained with."));
    m_board->verticalHeader()->hide();
    m_board->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_board->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_board->setAlternatingRowColors(true);
    m_board->setShowGrid(false);
    m_board->horizontalHeader()->setSectionResizeMode(BoardSettings, QHeaderView::Stretch);
    m_board->setColumnWidth(BoardId, 44);
    m_board->setColumnWidth(BoardFamily, 190);
    m_board->setColumnWidth(BoardScore, 100);
    m_board->setColumnWidth(BoardSeconds, 80);
    // Wide enough for the longest status a saved leaderboard holds (only done and cut-short
    // candidates are ranked) on one line: the rows do not grow.
    m_board->setColumnWidth(BoardStatus,
                            m_board->fontMetrics().horizontalAdvance(words::trialStatus(trial_status::CutShort)) + 24);
    m_board->setMinimumHeight(220);
    bv->addWidget(m_board);
    dv->addWidget(boardCard);

    QVBoxLayout *sv = nullptr;
    QFrame *settingsCard = parts::card(detail, &sv, QMargins(14, 10, 14, 12));
    sv->addWidget(parts::sectionTitle(QStringLiteral("Build settings"), settingsCard));
    m_settings = new QLabel(settingsCard);
    m_settings->setWordWrap(true);
    m_settings->setAccessibleName(QStringLiteral("Build settings"));
    m_settings->setAccessibleDescription(QStringLiteral("The settings the model was built with."));
    m_settings->setTextFormat(Qt::RichText);
    m_settings->setTextInteractionFlags(Qt::TextSelectableByMouse);
    sv->addWidget(m_settings);
    dv->addWidget(settingsCard);
    dv->addStretch(1);
    m_stack->addWidget(content);
}

ModelsPage::~ModelsPage()
{
    for (const QPointer<BackgroundJob> &job : {m_loadJob, m_exportJob})
        if (job) {
            job->cancel();
            job->waitForFinished();
        }
}

int ModelsPage::modelCount() const
{
    return int(m_entries.size());
}

void ModelsPage::setModels(const std::vector<ModelEntry> &entries)
{
    m_entries = entries;
    const qint64 keep = currentId();
    const QSignalBlocker block(m_list);
    m_list->clear();
    int keepRow = -1;
    for (const ModelEntry &e : m_entries) {
        const QJsonObject &m = e.record.manifest;
        Metric metric;
        const bool known = metricFromName(m.value(QStringLiteral("metric")).toString(), &metric);
        const double score = m.value(QStringLiteral("validation_score")).toDouble(NAN);
        const QString mode = words::modeTitle(m.value(QStringLiteral("build")).toObject().value(QStringLiteral("mode")).toString());
        QString text = QStringLiteral("%1\n%2 · %3").arg(m.value(QStringLiteral("target")).toString(),
                                                          e.datasetName.isEmpty() ? QStringLiteral("data set") : e.datasetName,
                                                          fmt::when(e.record.createdAt));
        text += QStringLiteral("\n%1%2").arg(mode, known ? QStringLiteral(" · %1 %2").arg(metricLabel(metric), words::metricValue(metric, score)) : QString());
        if (e.buildStatus == QLatin1String("canceled"))
            text += QStringLiteral(" · stopped early");
        auto *item = new QListWidgetItem(text, m_list);
        item->setData(Qt::UserRole, e.record.id);
        item->setToolTip(QDir::toNativeSeparators(e.record.path));
        if (e.record.id == keep)
            keepRow = m_list->count() - 1;
    }
    m_stack->setCurrentIndex(m_entries.empty() ? 0 : 1);
    if (keepRow >= 0)
        m_list->setCurrentRow(keepRow);
}

void ModelsPage::showModel(qint64 modelId)
{
    const ModelEntry *entry = nullptr;
    for (size_t i = 0; i < m_entries.size(); ++i)
        if (m_entries[i].record.id == modelId) {
            entry = &m_entries[i];
            const QSignalBlocker block(m_list);
            m_list->setCurrentRow(int(i));
        }
    if (!entry)
        return;
    if (m_model && m_model->record.id == modelId) {
        m_detailStack->setCurrentIndex(1);
        return;
    }
    if (m_loadJob)
        m_loadJob->cancel();
    m_model.reset();
    m_loading->setText(QStringLiteral("Opening the model…"));
    m_detailStack->setCurrentIndex(0);
    const quint64 generation = ++m_generation;
    const ModelRecord record = entry->record;
    m_loadJob = BackgroundJob::start<ModelJobResult>(
        this, [record](TaskContext *ctx) { return loadModelJob(record, ctx); },
        [this, generation](const ModelJobResult &result) {
            if (generation != m_generation)
                return;
            if (!result.ok()) {
                setThemedText(m_loading, (QStringLiteral("<span style=\"color:#7a1f1f\">Easel couldn't open this model: "
                                                  "%1</span><br>If the file was moved or deleted, build the model "
                                                  "again from its data set.")
                                       .arg(result.error.toString().toHtmlEscaped())));
                return;
            }
            present(result.model);
        });
}

void ModelsPage::present(const LoadedModelPtr &model)
{
    m_model = model;
    const LoadedModel &m = *model;
    QString datasetName;
    QString status;
    for (const ModelEntry &e : m_entries)
        if (e.record.id == m.record.id) {
            datasetName = e.datasetName;
            status = e.buildStatus;
        }
    m_title->setText(QStringLiteral("Predicts %1").arg(m.target));
    m_subtitle->setText(QStringLiteral("%1 · %2 · built %3")
                            .arg(words::problemTitle(m.problem), datasetName.isEmpty() ? QStringLiteral("data set") : datasetName,
                                 fmt::when(m.record.createdAt)));
    const QJsonObject build = m.manifest.value(QStringLiteral("build")).toObject();
    if (build.value(QStringLiteral("canceled")).toBool() || status == QLatin1String("canceled")) {
        m_note->setText(QStringLiteral("This build was stopped early, so this is the best model found until then. "
                                       "A full build may do better."));
        m_note->show();
    } else if (build.value(QStringLiteral("time_limited")).toBool()) {
        m_note->setText(build.value(QStringLiteral("mode")).toString() == QLatin1String("quick")
                            ? QStringLiteral("The time limit ended the search before it stopped finding better models. "
                                             "A Standard build, with more time, may do better.")
                            : QStringLiteral("The time limit ended the search before it stopped finding better models. "
                                             "A longer time limit may do better."));
        m_note->show();
    } else {
        m_note->hide();
    }
    const double score = m.manifest.value(QStringLiteral("validation_score")).toDouble(NAN);
    m_headline->setText(metricHeadline(m.metric, score, m.target));
    m_exact->setText(QStringLiteral("%1 = %2 on rows the model never trained on (%3).")
                         .arg(metricLabel(m.metric), words::metricValue(m.metric, score),
                              build.value(QStringLiteral("validation")).toString(QStringLiteral("cross-validation"))));
    m_exact->setToolTip(words::metricTip(m.metric));
    // A second sentence in the plainest terms when the optimised metric is a technical one.
    const Metric plain = m.problem == ProblemType::Regression ? Metric::Mae : Metric::Accuracy;
    const double plainValue = m.metricValue(plain);
    m_plain->setVisible(plain != m.metric && std::isfinite(plainValue));
    m_plain->setText(metricHeadline(plain, plainValue, m.target));
    m_plain->setToolTip(words::metricTip(plain));
    fillMetrics(m);

    // Column impact.
    std::vector<ChartWidget::Bar> bars;
    for (const QJsonValue &v : m.manifest.value(QStringLiteral("column_impact")).toArray()) {
        const QJsonObject o = v.toObject();
        const double p = o.value(QStringLiteral("percent")).toDouble();
        bars.push_back({o.value(QStringLiteral("column")).toString(), p,
                        QLocale::system().toString(p, 'f', 1) + QStringLiteral(" %"), {}});
        if (bars.size() >= 15)
            break;
    }
    m_impact->setSuggestedName(m.target + QStringLiteral(" column impact"));
    m_impact->showBars(bars, QStringLiteral("Share of the model's decisions (%)"), 0, QStringLiteral("impact"));

    // The problem's own charts, from the out-of-fold predictions in the bundle.
    m_cardC->setVisible(true);
    if (m.problem == ProblemType::Regression) {
        m_titleA->setText(QStringLiteral("Predicted against actual"));
        m_captionA->setText(QStringLiteral("Each dot is a row the model never trained on; the closer to the dashed "
                                           "line, the better."));
        m_chartA->showPredictedVsActual(m.truth, m.predictions, m.target);
        m_titleB->setText(QStringLiteral("How far off it is"));
        m_captionB->setText(QStringLiteral("Actual minus predicted value: a narrow peak around 0 means small misses."));
        m_chartB->showResiduals(m.truth, m.predictions, m.target);
        m_cardC->setVisible(false);
    } else {
        m_titleA->setText(QStringLiteral("Right and wrong answers"));
        m_captionA->setText(QStringLiteral("Rows by actual %1 (down) and predicted %1 (across); the diagonal holds "
                                           "the right answers.")
                                .arg(m.target));
        m_chartA->showConfusion(m.classLabels, m.confusion);
        if (m.problem == ProblemType::Binary) {
            const QString positive = m.classLabels.value(1);
            m_titleB->setText(QStringLiteral("ROC curve"));
            m_captionB->setText(QStringLiteral("How many real %1 cases it finds against false alarms, for every "
                                               "cut-off. The dashed line is guessing.")
                                    .arg(positive));
            m_chartB->showCurve(m.rocFpr, m.rocTpr, QStringLiteral("False alarm rate"),
                                QStringLiteral("Share of %1 found").arg(positive), QStringLiteral("roc"),
                                QStringLiteral("AUC = %1").arg(QLocale::system().toString(m.rocAuc, 'f', 3)), -1);
            m_titleC->setText(QStringLiteral("Precision and recall"));
            m_captionC->setText(QStringLiteral("When it says %1, how often it is right, against how many real %1 "
                                               "cases it finds. Dashed: the share of %1 in the data.")
                                    .arg(positive));
            m_chartC->showCurve(m.prRecall, m.prPrecision, QStringLiteral("Recall (share of %1 found)").arg(positive),
                                QStringLiteral("Precision"), QStringLiteral("precision-recall"), QString(),
                                m.positiveShare);
        } else {
            m_titleB->setText(QStringLiteral("Found per category"));
            m_captionB->setText(QStringLiteral("For each actual %1, the share of its rows the model got right.")
                                    .arg(m.target));
            std::vector<ChartWidget::Bar> recall;
            for (int i = 0; i < int(m.perClassRecall.size()) && i < m.classLabels.size(); ++i)
                recall.push_back({m.classLabels[i], m.perClassRecall[size_t(i)] * 100,
                                  fmt::percent(m.perClassRecall[size_t(i)]), {}});
            m_chartB->showBars(recall, QStringLiteral("Rows predicted correctly (%)"), 100, QStringLiteral("recall"));
            m_cardC->setVisible(false);
        }
    }
    // A lone chart on the second row takes the whole width.
    m_chartGrid->removeWidget(m_cardB);
    m_chartGrid->addWidget(m_cardB, 1, 0, 1, m_cardC->isHidden() ? 2 : 1);
    for (ChartWidget *c : {m_chartA, m_chartB, m_chartC})
        c->setSuggestedName(m.target + QLatin1Char(' ') + c->kind());
    fillLeaderboard(m);
    fillSettings(m);

    // Export menu: every format, disabled with the reason where it can't apply.
    QMenu *menu = m_export->menu();
    menu->clear();
    menu->setToolTipsVisible(true);
    const QStringList families = memberFamilies(m.manifest);
    const bool trees = families.contains(QStringLiteral("xgboost")) || families.contains(QStringLiteral("random_forest"));
    const bool nets = families.contains(QStringLiteral("mlp"));
    const auto add = [&](const QString &text, const QString &format, bool enabled, const QString &tip) {
        QAction *a = menu->addAction(text, this, [this, format] { chooseExport(format); });
        a->setEnabled(enabled);
        a->setToolTip(tip);
        a->setStatusTip(tip);
    };
    add(QStringLiteral("Model bundle (.easel)…"), QStringLiteral("bundle"), true,
        QStringLiteral("The whole model in one file: open it in Easel or score with easel-cli predict."));
    menu->addSeparator();
    add(QStringLiteral("XGBoost JSON…"), QStringLiteral("xgboost"), trees,
        trees ? QStringLiteral("The tree models as XGBoost JSON, with a README on how they combine.")
              : QStringLiteral("This model has no tree-based member, so there is no XGBoost model to export."));
    add(QStringLiteral("TorchScript…"), QStringLiteral("torchscript"), nets,
        nets ? QStringLiteral("The neural networks as TorchScript modules.")
             : QStringLiteral("This model has no neural network member, so there is nothing to export as "
                              "TorchScript."));
    add(QStringLiteral("Python script…"), QStringLiteral("python"), true,
        QStringLiteral("One standalone script (pandas, numpy) that reproduces the predictions."));
    add(QStringLiteral("Report (HTML)…"), QStringLiteral("report"), true,
        QStringLiteral("A model card: the data, the metrics, column impact and the settings, as one web page."));
    m_detailStack->setCurrentIndex(1);
    emit modelLoaded(model);
}

void ModelsPage::fillMetrics(const LoadedModel &m)
{
    while (QLayoutItem *item = m_metricGrid->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    int i = 0;
    for (Metric metric : metricsFor(m.problem)) {
        const double value = m.metricValue(metric);
        if (!std::isfinite(value))
            continue;
        auto *chip = new QLabel(m_metricBox);
        chip->setObjectName(QStringLiteral("metricChip"));
        setThemedText(chip, QStringLiteral("<span style=\"color:#6b7280\">%1</span><br><b>%2</b>")
                                .arg(metricLabel(metric).toHtmlEscaped(), words::metricValue(metric, value).toHtmlEscaped()));
        chip->setProperty("plain", QStringLiteral("%1 %2").arg(metricLabel(metric), words::metricValue(metric, value)));
        chip->setToolTip(words::metricTip(metric) + QStringLiteral(" ") +
                         metricHeadline(metric, value, m.target));
        chip->setProperty("current", metric == m.metric);
        m_metricGrid->addWidget(chip, i / 5, i % 5);
        ++i;
    }
}

QStringList ModelsPage::metricTexts() const
{
    QStringList out;
    for (QLabel *chip : m_metricBox->findChildren<QLabel *>(QStringLiteral("metricChip")))
        out << chip->property("plain").toString();
    return out;
}

void ModelsPage::fillLeaderboard(const LoadedModel &m)
{
    m_board->setSortingEnabled(false);
    const QJsonArray board = m.manifest.value(QStringLiteral("leaderboard")).toArray();
    m_board->setRowCount(int(board.size()));
    m_board->horizontalHeaderItem(BoardScore)->setText(metricLabel(m.metric));
    m_board->horizontalHeaderItem(BoardScore)->setToolTip(words::metricTip(m.metric));
    for (int r = 0; r < board.size(); ++r) {
        const QJsonObject t = board[r].toObject();
        const auto set = [&](int c, const QVariant &sortValue, const QString &text, bool right) {
            auto *item = new SortItem;
            item->setData(Qt::DisplayRole, text);
            item->setData(Qt::UserRole, sortValue);
            item->setTextAlignment((right ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter);
            m_board->setItem(r, c, item);
            return item;
        };
        const double score = t.value(QStringLiteral("score")).toDouble(NAN);
        set(BoardId, t.value(QStringLiteral("id")).toInt(), QString::number(t.value(QStringLiteral("id")).toInt()), true);
        set(BoardFamily, words::family(t.value(QStringLiteral("family")).toString()),
            words::family(t.value(QStringLiteral("family")).toString()), false);
        const QJsonObject params = t.value(QStringLiteral("params")).toObject();
        const QString settings = words::trialSettings(t.value(QStringLiteral("family")).toString(), params,
                                                      t.value(QStringLiteral("iterations")).toInt());
        set(BoardSettings, settings, settings, false)->setToolTip(words::trialSettingsTip(params));
        set(BoardScore, score, words::metricValue(m.metric, score), true);
        set(BoardSeconds, t.value(QStringLiteral("seconds")).toDouble(),
            QLocale::system().toString(t.value(QStringLiteral("seconds")).toDouble(), 'f', 1), true);
        const QString status = words::trialStatus(t.value(QStringLiteral("status")).toString());
        set(BoardStatus, status, status, false);
    }
    m_board->setSortingEnabled(true);
    m_board->sortByColumn(BoardScore, higherIsBetter(m.metric) ? Qt::DescendingOrder : Qt::AscendingOrder);  // best first
}

void ModelsPage::fillSettings(const LoadedModel &m)
{
    const QJsonObject build = m.manifest.value(QStringLiteral("build")).toObject();
    const auto row = [](const QString &name, const QString &value) {
        return QStringLiteral("<tr><td style=\"color:#6b7280; padding:2px 18px 2px 0\">%1</td><td>%2</td></tr>")
            .arg(name.toHtmlEscaped(), value);
    };
    QString html = QStringLiteral("<table>");
    html += row(QStringLiteral("Predicts"), m.target.toHtmlEscaped());
    html += row(QStringLiteral("Kind of answer"),
                words::problemTitle(m.problem).toHtmlEscaped() + QStringLiteral(" — ") +
                    m.manifest.value(QStringLiteral("problem_reason")).toString().toHtmlEscaped());
    html += row(QStringLiteral("Optimised for"), QStringLiteral("%1 (%2)").arg(metricLabel(m.metric).toHtmlEscaped(),
                                                                             words::metricTip(m.metric).toHtmlEscaped()));
    html += row(QStringLiteral("Build"), words::modeTitle(build.value(QStringLiteral("mode")).toString()).toHtmlEscaped());
    const int maxCandidates = build.value(QStringLiteral("max_candidates")).toInt(0);
    html += row(QStringLiteral("Seed"),
                m.manifest.value(QStringLiteral("seed")).toString(build.value(QStringLiteral("seed")).toString()).toHtmlEscaped()
                    + QStringLiteral(" <span style=\"color:#6b7280\">(%1)</span>")
                          .arg(words::seedNote(maxCandidates, build.value(QStringLiteral("time_limited")).toBool())
                                   .toHtmlEscaped()));
    html += row(QStringLiteral("Time limit"), words::duration(build.value(QStringLiteral("time_limit")).toDouble()));
    html += row(QStringLiteral("Candidates"), maxCandidates > 0 ? QStringLiteral("at most %1").arg(maxCandidates)
                                                                : QStringLiteral("no limit"));
    html += row(QStringLiteral("Took"), words::duration(build.value(QStringLiteral("seconds")).toDouble()));
    html += row(QStringLiteral("Checked by"), build.value(QStringLiteral("validation")).toString().toHtmlEscaped());
    html += row(QStringLiteral("Threads"), QString::number(build.value(QStringLiteral("threads")).toInt()));
    html += row(QStringLiteral("Compute"), words::compute(build).toHtmlEscaped());
    QStringList members;
    for (const QString &f : memberFamilies(m.manifest))
        members << words::family(f);
    html += row(QStringLiteral("Combines"), members.join(QStringLiteral(", ")).toHtmlEscaped());
    if (const QString p = words::probabilities(m.manifest); !p.isEmpty())
        html += row(QStringLiteral("Probabilities"), p.toHtmlEscaped());
    QStringList dropped;
    for (const QJsonValue &v : m.manifest.value(QStringLiteral("dropped_columns")).toArray())
        dropped << QStringLiteral("<b>%1</b>: %2").arg(v.toObject().value(QStringLiteral("column")).toString().toHtmlEscaped(),
                                                      v.toObject().value(QStringLiteral("reason")).toString().toHtmlEscaped());
    for (const QJsonValue &v : build.value(QStringLiteral("dropped")).toArray())
        dropped << QStringLiteral("<b>%1</b>: left out by you").arg(v.toString().toHtmlEscaped());
    html += row(QStringLiteral("Left out"), dropped.isEmpty() ? QStringLiteral("nothing") : dropped.join(QStringLiteral("<br>")));
    html += row(QStringLiteral("File"), QDir::toNativeSeparators(m.path).toHtmlEscaped());
    html += QStringLiteral("</table>");
    setThemedText(m_settings, html);
}

void ModelsPage::chooseExport(const QString &format)
{
    if (!m_model)
        return;
    QSettings settings;
    const QString dir = settings.value(QStringLiteral("export/lastDir"),
                                       QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation))
                            .toString();
    const QString base = QStringLiteral("%1/%2-model").arg(dir, m_model->target);
    QString suggested, filter;
    if (format == QLatin1String("bundle")) {
        suggested = base + QStringLiteral(".easel");
        filter = QStringLiteral("Easel model (*.easel)");
    } else if (format == QLatin1String("python")) {
        suggested = base + QStringLiteral(".py");
        filter = QStringLiteral("Python script (*.py)");
    } else if (format == QLatin1String("report")) {
        suggested = base + QStringLiteral("-report.html");
        filter = QStringLiteral("Web page (*.html)");
    } else if (format == QLatin1String("xgboost")) {
        suggested = base + QStringLiteral("-xgboost");
        filter = QStringLiteral("XGBoost JSON (a file, or a folder for several models) (*)");
    } else {
        suggested = base + QStringLiteral("-torchscript");
        filter = QStringLiteral("TorchScript (a file, or a folder for several models) (*)");
    }
    const QString path = QFileDialog::getSaveFileName(this, QStringLiteral("Export the model"), suggested, filter);
    if (path.isEmpty())
        return;
    settings.setValue(QStringLiteral("export/lastDir"), QFileInfo(path).absolutePath());
    exportTo(format, path);
}

void ModelsPage::exportTo(const QString &format, const QString &path)
{
    if (!m_model || m_exportJob)
        return;
    m_export->setEnabled(false);
    m_export->setText(QStringLiteral("Exporting…"));
    LoadedModelPtr model = m_model;
    m_exportJob = BackgroundJob::start<ExportJobResult>(
        this, [model, format, path](TaskContext *ctx) { return exportJob(model, format, path, ctx); },
        [this, path](const ExportJobResult &result) {
            m_export->setEnabled(true);
            m_export->setText(QStringLiteral("Export"));
            if (!result.ok()) {
                auto *box = new QMessageBox(QMessageBox::Warning, QStringLiteral("Couldn't export the model"),
                                            result.error.toString(), QMessageBox::Ok, this);
                box->setInformativeText(QStringLiteral("Choose another place or format and try again."));
                box->setAttribute(Qt::WA_DeleteOnClose);
                box->open();
                emit exportFinished(false, result.error.toString());
                return;
            }
            QString message = result.files.size() == 1
                                  ? QStringLiteral("Saved %1.").arg(QDir::toNativeSeparators(result.files.front()))
                                  : QStringLiteral("Saved %1 files in %2.")
                                        .arg(result.files.size())
                                        .arg(QDir::toNativeSeparators(path));
            if (!result.notes.isEmpty())
                message += QLatin1Char(' ') + result.notes.join(QLatin1Char(' '));
            emit exportFinished(true, message);
        });
}

} // namespace easel
