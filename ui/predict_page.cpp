#include "predict_page.h"

#include "theme.h"
#include "background_job.h"
#include "chart_widget.h"
#include "format.h"
#include "page_parts.h"
#include "studio_words.h"

#include <QComboBox>
#include <QDateEdit>
#include <QDateTimeEdit>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace easel {

namespace {
constexpr int kRowDelayMs = 250;
constexpr int kPreviewRows = 200;

//! Numbers as a person would type them: whole numbers without decimals.
QString plainNumber(double v, bool integer)
{
    if (integer)
        return QString::number(qRound64(v));
    const double magnitude = std::fabs(v);
    return QString::number(v, 'f', magnitude >= 100 ? 1 : magnitude >= 1 ? 2 : 3);
}
} // namespace

PredictPage::PredictPage(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("predictPage"));
    m_rowTimer.setSingleShot(true);
    m_rowTimer.setInterval(kRowDelayMs);
    connect(&m_rowTimer, &QTimer::timeout, this, &PredictPage::predictNow);

    auto *layout = parts::pageLayout(this);
    auto *head = new QHBoxLayout;
    head->addWidget(parts::pageTitle(QStringLiteral("Predict"), this));
    head->addStretch(1);
    head->addWidget(new QLabel(QStringLiteral("Model:"), this));
    m_modelBox = new QComboBox(this);
    m_modelBox->setObjectName(QStringLiteral("predictModelBox"));
    m_modelBox->setAccessibleName(QStringLiteral("Model"));
    m_modelBox->setAccessibleDescription(QStringLiteral("The model that makes the predictions."));
    m_modelBox->setMinimumWidth(360);
    connect(m_modelBox, &QComboBox::activated, this, [this](int index) {
        selectModel(m_modelBox->itemData(index).toLongLong());
    });
    head->addWidget(m_modelBox);
    layout->addLayout(head);
    m_modelInfo = parts::mutedLabel(QString(), this);
    layout->addWidget(m_modelInfo);
    layout->addWidget(parts::presentationHint(QStringLiteral("Step 5 · Use the model: type one row and watch the "
                                                             "answer and its why change, or score a whole file at "
                                                             "once."),
                                              this));

    m_stack = new QStackedWidget(this);
    layout->addWidget(m_stack, 1);
    QPushButton *build = nullptr;
    QWidget *empty = parts::emptyState(QStringLiteral("No model to predict with yet. Build one first: open a data set, "
                                                      "choose what to predict and press Quick build."),
                                       QStringLiteral("Build a model"), m_stack, &build);
    empty->setObjectName(QStringLiteral("predictEmpty"));
    connect(build, &QPushButton::clicked, this, &PredictPage::buildRequested);
    m_stack->addWidget(empty);

    m_tabs = new QTabWidget(m_stack);
    m_tabs->setObjectName(QStringLiteral("predictTabs"));
    m_tabs->setAccessibleName(QStringLiteral("One row or a file"));
    m_tabs->setAccessibleDescription(QStringLiteral("Predict one row from a form, or every row of a CSV file."));
    m_stack->addWidget(m_tabs);

    // One row: the form on the left, the answer and its why on the right.
    auto *one = new QWidget(m_tabs);
    auto *oneRow = new QHBoxLayout(one);
    oneRow->setContentsMargins(0, 10, 0, 0);
    oneRow->setSpacing(14);
    QVBoxLayout *fv = nullptr;
    QFrame *formCard = parts::card(one, &fv);
    fv->addWidget(parts::sectionTitle(QStringLiteral("The row"), formCard));
    fv->addWidget(parts::mutedLabel(QStringLiteral("Start from typical values and change any of them; the answer updates as you "
                                       "type. Leave a field empty if you don't know it."),
                        formCard));
    QScrollArea *scroll = parts::scrollArea(formCard, QStringLiteral("Row to predict"),
                                            QStringLiteral("A value for each column the model uses; scroll for more."));
    m_formHost = new QWidget(scroll);
    m_form = new QFormLayout(m_formHost);
    m_form->setLabelAlignment(Qt::AlignLeft);
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_form->setVerticalSpacing(8);
    scroll->setWidget(m_formHost);
    fv->addWidget(scroll, 1);
    auto *reset = new QPushButton(QStringLiteral("Reset to typical values"), formCard);
    reset->setObjectName(QStringLiteral("linkButton"));
    reset->setCursor(Qt::PointingHandCursor);
    connect(reset, &QPushButton::clicked, this, [this] { buildForm(); });
    fv->addWidget(reset, 0, Qt::AlignLeft);
    oneRow->addWidget(formCard, 4);

    // The answer and its why scroll together where the window is short (a
    // projector in presentation mode) rather than making the window taller.
    QScrollArea *answerScroll = parts::scrollArea(one, QStringLiteral("The answer and why"),
                                                  QStringLiteral("The prediction for this row and what moved it; scroll for more."));
    answerScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto *answerPane = new QWidget(answerScroll);
    auto *av = new QVBoxLayout(answerPane);
    av->setContentsMargins(0, 0, 0, 0);
    av->setSpacing(12);
    QVBoxLayout *cv = nullptr;
    QFrame *answerCard = parts::card(answerPane, &cv);
    cv->addWidget(parts::sectionTitle(QStringLiteral("The answer"), answerCard));
    m_answer = new QLabel(QStringLiteral("…"), answerCard);
    m_answer->setObjectName(QStringLiteral("answer"));
    m_answer->setWordWrap(true);
    m_answerDetail = parts::mutedLabel(QString(), answerCard);
    m_rowError = new QLabel(answerCard);
    m_rowError->setObjectName(QStringLiteral("errorBanner"));
    m_rowError->setAccessibleName(QStringLiteral("Problem with this row"));
    m_rowError->setAccessibleDescription(QStringLiteral("Why this row could not be predicted."));
    m_rowError->setWordWrap(true);
    m_rowError->hide();
    m_rowWarnings = new QLabel(answerCard);
    m_rowWarnings->setObjectName(QStringLiteral("cardWarnings"));
    m_rowWarnings->setAccessibleName(QStringLiteral("Warnings about this row"));
    m_rowWarnings->setAccessibleDescription(QStringLiteral("Values unlike anything in the training data."));
    m_rowWarnings->setWordWrap(true);
    m_rowWarnings->hide();
    cv->addWidget(m_answer);
    cv->addWidget(m_answerDetail);
    cv->addWidget(m_rowError);
    cv->addWidget(m_rowWarnings);
    m_probabilities = new ChartWidget(answerCard);
    m_probabilities->setAccessibleName(QStringLiteral("Probabilities chart"));
    m_probabilities->setAccessibleDescription(QStringLiteral("How likely each answer is for this row. Right-click to save it as PNG, SVG or PDF."));
    m_probabilities->setObjectName(QStringLiteral("probabilityChart"));
    m_probabilities->setMinimumHeight(150);
    m_probabilities->setSuggestedName(QStringLiteral("prediction probabilities"));
    m_probabilityCard = m_probabilities;
    cv->addWidget(m_probabilities);
    av->addWidget(answerCard, 2);
    QVBoxLayout *ev = nullptr;
    QFrame *whyCard = parts::card(answerPane, &ev);
    ev->addWidget(parts::sectionTitle(QStringLiteral("Why"), whyCard));
    m_explanationCaption = parts::mutedLabel(QString(), whyCard);
    ev->addWidget(m_explanationCaption);
    m_explanation = new ChartWidget(whyCard);
    m_explanation->setAccessibleName(QStringLiteral("Why chart"));
    m_explanation->setAccessibleDescription(QStringLiteral("How much each column pushed this prediction up or down. Right-click to save it as PNG, SVG or PDF."));
    m_explanation->setObjectName(QStringLiteral("explanationChart"));
    m_explanation->setSuggestedName(QStringLiteral("prediction explanation"));
    ev->addWidget(m_explanation, 1);
    av->addWidget(whyCard, 3);
    answerScroll->setWidget(answerPane);
    oneRow->addWidget(answerScroll, 5);
    m_tabs->addTab(one, QStringLiteral("One row"));

    // Many rows.
    auto *many = new QWidget(m_tabs);
    auto *mv = new QVBoxLayout(many);
    mv->setContentsMargins(0, 10, 0, 0);
    mv->setSpacing(10);
    QVBoxLayout *bv = nullptr;
    QFrame *fileCard = parts::card(many, &bv);
    auto *fileRow = new QHBoxLayout;
    auto *choose = new QPushButton(QStringLiteral("Choose a CSV…"), fileCard);
    choose->setObjectName(QStringLiteral("primaryButton"));
    choose->setCursor(Qt::PointingHandCursor);
    connect(choose, &QPushButton::clicked, this, &PredictPage::chooseFile);
    m_fileLabel = new QLabel(QStringLiteral("No file chosen yet."), fileCard);
    m_fileLabel->setWordWrap(true);
    fileRow->addWidget(choose);
    fileRow->addWidget(m_fileLabel, 1);
    bv->addLayout(fileRow);
    m_needs = parts::mutedLabel(QString(), fileCard);
    bv->addWidget(m_needs);
    auto *progressRow = new QHBoxLayout;
    m_batchBar = new QProgressBar(fileCard);
    m_batchBar->setRange(0, 1000);
    m_batchBar->setTextVisible(false);
    m_batchBar->setMaximumHeight(8);
    m_cancel = new QPushButton(QStringLiteral("Cancel"), fileCard);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (m_batchJob)
            m_batchJob->cancel();
    });
    progressRow->addWidget(m_batchBar, 1);
    progressRow->addWidget(m_cancel);
    bv->addLayout(progressRow);
    m_batchBar->hide();
    m_cancel->hide();
    m_batchStatus = new QLabel(fileCard);
    m_batchStatus->setWordWrap(true);
    m_batchStatus->setObjectName(QStringLiteral("batchStatus"));
    bv->addWidget(m_batchStatus);
    m_batchWarnings = new QLabel(fileCard);
    m_batchWarnings->setObjectName(QStringLiteral("cardWarnings"));
    m_batchWarnings->setAccessibleName(QStringLiteral("Warnings about the file"));
    m_batchWarnings->setAccessibleDescription(QStringLiteral("Problems Easel noticed in the file's columns."));
    m_batchWarnings->setWordWrap(true);
    m_batchWarnings->hide();
    bv->addWidget(m_batchWarnings);
    mv->addWidget(fileCard);
    auto *resultsHead = new QHBoxLayout;
    resultsHead->addWidget(parts::sectionTitle(QStringLiteral("Results (first %1 rows)").arg(kPreviewRows), many));
    resultsHead->addStretch(1);
    m_save = new QPushButton(QStringLiteral("Save as CSV…"), many);
    m_save->setObjectName(QStringLiteral("primaryButton"));
    m_save->setEnabled(false);
    m_save->setToolTip(QStringLiteral("Score a file first."));
    connect(m_save, &QPushButton::clicked, this, [this] {
        QSettings settings;
        const QString dir = settings.value(QStringLiteral("predict/lastDir"),
                                           QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation))
                                .toString();
        const QString path = QFileDialog::getSaveFileName(this, QStringLiteral("Save the predictions"),
                                                          dir + QStringLiteral("/predictions.csv"),
                                                          QStringLiteral("CSV files (*.csv)"));
        if (path.isEmpty())
            return;
        settings.setValue(QStringLiteral("predict/lastDir"), QFileInfo(path).absolutePath());
        saveResults(path);
    });
    resultsHead->addWidget(m_save);
    mv->addLayout(resultsHead);
    m_results = new QTableWidget(many);
    m_results->setObjectName(QStringLiteral("batchResults"));
    m_results->setAccessibleName(QStringLiteral("Predictions"));
    m_results->setAccessibleDescription(QStringLiteral("Each row of the file with its prediction."));
    m_results->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_results->setAlternatingRowColors(true);
    m_results->verticalHeader()->setDefaultSectionSize(m_results->fontMetrics().height() + 8);
    mv->addWidget(m_results, 1);
    m_tabs->addTab(many, QStringLiteral("Many rows"));
    m_tabs->tabBar()->setAccessibleName(QStringLiteral("One row or many rows"));
    updateModelInfo();
}

PredictPage::~PredictPage()
{
    for (const QPointer<BackgroundJob> &job : {m_loadJob, m_rowJob, m_batchJob})
        if (job) {
            job->cancel();
            job->waitForFinished();
        }
}

void PredictPage::showOneRow() { m_tabs->setCurrentIndex(0); }
void PredictPage::showManyRows() { m_tabs->setCurrentIndex(1); }

void PredictPage::setModels(const std::vector<ModelEntry> &entries)
{
    m_entries = entries;
    const QSignalBlocker block(m_modelBox);
    m_modelBox->clear();
    for (const ModelEntry &e : entries) {
        const QJsonObject &m = e.record.manifest;
        m_modelBox->addItem(QStringLiteral("%1 · %2 · %3")
                                .arg(m.value(QStringLiteral("target")).toString(),
                                     e.datasetName.isEmpty() ? QStringLiteral("data set") : e.datasetName,
                                     fmt::when(e.record.createdAt)),
                            e.record.id);
    }
    if (m_model) {
        const int i = m_modelBox->findData(m_model->record.id);
        if (i >= 0)
            m_modelBox->setCurrentIndex(i);
    }
    m_modelBox->setEnabled(!entries.empty());
    updateModelInfo();
}

void PredictPage::selectModel(qint64 modelId)
{
    if (m_model && m_model->record.id == modelId)
        return;
    for (const ModelEntry &e : m_entries) {
        if (e.record.id != modelId)
            continue;
        if (m_loadJob)
            m_loadJob->cancel();
        const quint64 generation = ++m_loadGeneration;
        m_modelInfo->setText(QStringLiteral("Opening the model…"));
        const ModelRecord record = e.record;
        m_loadJob = BackgroundJob::start<ModelJobResult>(
            this, [record](TaskContext *ctx) { return loadModelJob(record, ctx); },
            [this, generation](const ModelJobResult &result) {
                if (generation != m_loadGeneration)
                    return;
                if (!result.ok()) {
                    m_modelInfo->setText(QStringLiteral("Easel couldn't open this model: %1")
                                             .arg(result.error.toString()));
                    return;
                }
                setModel(result.model);
            });
        return;
    }
}

void PredictPage::setModel(const LoadedModelPtr &model)
{
    if (model == m_model)
        return;
    ++m_loadGeneration;  // a model opened elsewhere wins over one still loading here
    m_model = model;
    if (m_model) {
        const int i = m_modelBox->findData(m_model->record.id);
        if (i >= 0)
            m_modelBox->setCurrentIndex(i);
    }
    m_resultFile.clear();
    m_results->clear();
    m_results->setRowCount(0);
    m_results->setColumnCount(0);
    m_save->setEnabled(false);
    m_batchStatus->clear();
    m_batchWarnings->hide();
    m_fileLabel->setText(QStringLiteral("No file chosen yet."));
    updateModelInfo();
    buildForm();
}

void PredictPage::updateModelInfo()
{
    m_stack->setCurrentIndex(m_model ? 1 : 0);
    if (!m_model) {
        if (!m_entries.empty())
            m_modelInfo->setText(QStringLiteral("Choose a model above."));
        else
            m_modelInfo->clear();
        return;
    }
    const LoadedModel &m = *m_model;
    const double score = m.manifest.value(QStringLiteral("validation_score")).toDouble(NAN);
    m_modelInfo->setText(QStringLiteral("Predicts <b>%1</b> (%2). %3")
                             .arg(m.target.toHtmlEscaped(), words::problemKind(m.problem),
                                  metricHeadline(m.metric, score, m.target).toHtmlEscaped()));
    QStringList inputs = m.predictor->inputColumns();
    m_needs->setText(QStringLiteral("The file needs these columns: %1. Other columns are passed through; a %2 "
                                    "column, if present, is used to check the predictions.")
                         .arg(inputs.join(QStringLiteral(", ")), m.target));
}

void PredictPage::buildForm()
{
    while (m_form->rowCount() > 0)
        m_form->removeRow(0);
    m_fields.clear();
    m_hasPrediction = false;
    if (!m_model)
        return;
    const QJsonObject drift = m_model->manifest.value(QStringLiteral("drift_reference")).toObject()
                                  .value(QStringLiteral("columns")).toObject();
    for (const QJsonValue &v : m_model->manifest.value(QStringLiteral("input_schema")).toArray()) {
        const QJsonObject s = v.toObject();
        const QString name = s.value(QStringLiteral("name")).toString();
        const QString type = s.value(QStringLiteral("type")).toString();
        QWidget *field = nullptr;
        QString hint;
        if (s.value(QStringLiteral("free_text")).toBool()) {
            auto *edit = new QLineEdit(s.value(QStringLiteral("example")).toString(), m_formHost);
            edit->setCursorPosition(0);
            hint = QStringLiteral("Free text: Easel reads the words in it, so any text will do.");
            edit->setPlaceholderText(QStringLiteral("Type the text"));
            connect(edit, &QLineEdit::textChanged, this, &PredictPage::schedulePrediction);
            field = edit;
        } else if (s.contains(QStringLiteral("levels"))) {
            auto *box = new QComboBox(m_formHost);
            box->setEditable(true);
            box->setInsertPolicy(QComboBox::NoInsert);
            const QJsonArray levels = s.value(QStringLiteral("levels")).toArray();
            for (int i = 0; i < levels.size() && i < 500; ++i)
                box->addItem(levels[i].toString());
            box->setCurrentIndex(0);
            connect(box, &QComboBox::currentTextChanged, this, &PredictPage::schedulePrediction);
            hint = QStringLiteral("%1 known values, most common first; you may type another.").arg(levels.size());
            field = box;
        } else if (type == QLatin1String("date") || type == QLatin1String("datetime")) {
            const bool withTime = type == QLatin1String("datetime");
            auto *edit = withTime ? new QDateTimeEdit(m_formHost) : new QDateEdit(m_formHost);
            edit->setCalendarPopup(true);
            edit->setDisplayFormat(withTime ? QStringLiteral("yyyy-MM-dd HH:mm") : QStringLiteral("yyyy-MM-dd"));
            edit->setTimeSpec(Qt::UTC);
            const double lo = s.value(QStringLiteral("min")).toDouble(NAN), hi = s.value(QStringLiteral("max")).toDouble(NAN);
            if (std::isfinite(lo) && std::isfinite(hi)) {
                edit->setDateTime(QDateTime::fromMSecsSinceEpoch(qint64((lo + hi) / 2), Qt::UTC));
                hint = QStringLiteral("Training data: %1 to %2.").arg(fmt::timestamp(lo, !withTime), fmt::timestamp(hi, !withTime));
            } else {
                edit->setDateTime(QDateTime::currentDateTimeUtc());
            }
            connect(edit, &QDateTimeEdit::dateTimeChanged, this, &PredictPage::schedulePrediction);
            field = edit;
        } else if (type == QLatin1String("boolean")) {
            auto *box = new QComboBox(m_formHost);
            box->addItems({QStringLiteral("yes"), QStringLiteral("no"), QString()});
            box->setItemData(2, QStringLiteral("Unknown"), Qt::ToolTipRole);
            connect(box, &QComboBox::currentTextChanged, this, &PredictPage::schedulePrediction);
            field = box;
        } else {
            auto *edit = new QLineEdit(m_formHost);
            const bool integer = type == QLatin1String("integer");
            const double lo = s.value(QStringLiteral("min")).toDouble(NAN), hi = s.value(QStringLiteral("max")).toDouble(NAN);
            double typical = NAN;
            const QJsonArray q = drift.value(name).toObject().value(QStringLiteral("quantiles")).toArray();
            if (q.size() == 11 && q[5].isDouble())
                typical = q[5].toDouble();
            else if (std::isfinite(lo) && std::isfinite(hi))
                typical = (lo + hi) / 2;
            if (std::isfinite(lo) && std::isfinite(hi)) {
                edit->setPlaceholderText(QStringLiteral("%1 – %2").arg(fmt::number(lo), fmt::number(hi)));
                hint = QStringLiteral("In the training data: %1 to %2.").arg(fmt::number(lo), fmt::number(hi));
            }
            if (std::isfinite(typical))
                edit->setText(plainNumber(typical, integer));
            edit->setAlignment(Qt::AlignRight);
            edit->setProperty(kNumberField, true);
            connect(edit, &QLineEdit::textChanged, this, &PredictPage::schedulePrediction);
            field = edit;
        }
        field->setObjectName(QStringLiteral("field_") + name);
        field->setToolTip(hint);
        field->setAccessibleName(name);
        field->setAccessibleDescription(hint.isEmpty() ? QStringLiteral("The value of %1 for the row to predict.").arg(name)
                                                       : hint);
        auto *label = new QLabel(name, m_formHost);
        label->setToolTip(hint);
        m_form->addRow(label, field);
        m_fields[name] = field;
    }
    const bool classification = m_model->problem != ProblemType::Regression;
    m_probabilities->setVisible(classification);
    m_answer->setText(QStringLiteral("…"));
    m_answerDetail->clear();
    m_explanation->showMessage(QStringLiteral("Working it out…"));
    schedulePrediction();
}

QWidget *PredictPage::field(const QString &column) const
{
    auto it = m_fields.find(column);
    return it == m_fields.end() ? nullptr : it->second;
}

bool PredictPage::setValue(const QString &column, const QString &text)
{
    QWidget *w = field(column);
    if (auto *box = qobject_cast<QComboBox *>(w)) {
        if (box->isEditable())
            box->setCurrentText(text);
        else
            box->setCurrentIndex(std::max(0, box->findText(text)));
        return true;
    }
    if (auto *edit = qobject_cast<QLineEdit *>(w)) {
        edit->setText(text);
        return true;
    }
    if (auto *date = qobject_cast<QDateTimeEdit *>(w)) {
        date->setDateTime(QDateTime::fromString(text, Qt::ISODate));
        return true;
    }
    return false;
}

QString formFieldText(const QLineEdit *field)
{
    const QString text = field->text().trimmed();
    return field->property(kNumberField).toBool() ? QString(text).remove(QLocale::system().groupSeparator()) : text;
}

QMap<QString, QString> PredictPage::formValues() const
{
    QMap<QString, QString> values;
    for (const auto &[name, w] : m_fields) {
        if (auto *box = qobject_cast<QComboBox *>(w))
            values.insert(name, box->currentText().trimmed());
        else if (auto *edit = qobject_cast<QLineEdit *>(w))
            values.insert(name, formFieldText(edit));
        else if (auto *date = qobject_cast<QDateTimeEdit *>(w))
            values.insert(name, qobject_cast<QDateEdit *>(w) ? date->date().toString(Qt::ISODate)
                                                              : date->dateTime().toString(Qt::ISODate));
    }
    return values;
}

void PredictPage::schedulePrediction()
{
    if (!m_model)
        return;
    m_rowPending = true;
    m_rowTimer.start();
}

void PredictPage::predictNow()
{
    if (!m_model)
        return;
    if (m_rowJob) {  // one at a time; the newest values follow when it ends
        m_rowTimer.start();
        return;
    }
    m_rowPending = false;
    const quint64 generation = ++m_rowGeneration;
    LoadedModelPtr model = m_model;
    const QMap<QString, QString> values = formValues();
    m_rowJob = BackgroundJob::start<RowJobResult>(
        this, [model, values](TaskContext *) { return predictRowJob(model, values); },
        [this, generation, model](const RowJobResult &result) {
            m_rowJob = nullptr;
            if (generation == m_rowGeneration && model == m_model && !m_rowPending)
                showPrediction(result);
        });
}

void PredictPage::showPrediction(const RowJobResult &result)
{
    if (!result.ok()) {
        m_hasPrediction = false;
        m_rowError->setText(result.error.message + QStringLiteral(" Fix the value and the answer updates."));
        m_rowError->show();
        m_answer->setText(QStringLiteral("—"));
        m_answerDetail->clear();
        emit rowPredicted(false);
        return;
    }
    m_rowError->hide();
    const RowPrediction &p = result.prediction;
    m_lastPrediction = p;
    m_hasPrediction = true;
    const LoadedModel &m = *m_model;
    if (m.problem == ProblemType::Regression) {
        m_answer->setText(QStringLiteral("%1 ≈ %2").arg(m.target.toHtmlEscaped(), fmt::number(p.value)));
        const double typical = m.metricValue(Metric::Mae);
        m_answerDetail->setText(std::isfinite(typical)
                                    ? QStringLiteral("On rows it never saw, the model was off by about ±%1 on average.")
                                          .arg(fmt::number(typical))
                                    : QString());
    } else {
        double best = 0;
        for (double v : p.probabilities)
            best = std::max(best, v);
        m_answer->setText(QStringLiteral("%1").arg(p.label.toHtmlEscaped()));
        m_answerDetail->setText(QStringLiteral("%1 likely, according to the model.").arg(fmt::percent(best)));
        std::vector<ChartWidget::Bar> bars;
        for (int i = 0; i < p.classLabels.size() && size_t(i) < p.probabilities.size(); ++i)
            bars.push_back({p.classLabels[i], p.probabilities[size_t(i)] * 100, fmt::percent(p.probabilities[size_t(i)]),
                            p.classLabels[i] == p.label ? QColor(0x2f, 0x6f, 0xde) : QColor(0xa9, 0xb4, 0xc6)});
        m_probabilities->showBars(bars, QStringLiteral("Probability (%)"), 100, QStringLiteral("probabilities"));
    }
    QStringList warnings = p.warnings;
    m_rowWarnings->setText(warnings.join(QLatin1Char('\n')));
    m_rowWarnings->setVisible(!warnings.isEmpty());
    if (p.explanation) {
        const RowExplanation &e = *p.explanation;
        std::vector<size_t> order(e.columns.size());
        std::iota(order.begin(), order.end(), size_t(0));
        std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
            return std::fabs(e.contributions[a]) > std::fabs(e.contributions[b]);
        });
        if (order.size() > 10)
            order.resize(10);
        const QMap<QString, QString> values = formValues();
        QStringList labels, texts;
        std::vector<double> contributions;
        const bool classification = e.explainedClass >= 0;
        for (size_t i : order) {
            const QString value = values.value(e.columns[int(i)]);
            labels << QStringLiteral("%1 = %2").arg(e.columns[int(i)], value.isEmpty() ? QStringLiteral("?") : value);
            const double c = e.contributions[i];
            contributions.push_back(classification ? c * 100 : c);
            texts << (classification ? QStringLiteral("%1%2 pts").arg(c >= 0 ? QStringLiteral("+") : QString(),
                                                                     QLocale::system().toString(c * 100, 'f', 1))
                                     : QStringLiteral("%1%2").arg(c >= 0 ? QStringLiteral("+") : QString(), fmt::number(c)));
        }
        if (classification) {
            m_explanationCaption->setText(
                QStringLiteral("A typical row has a %1 chance of %2. Each bar shows how much this row's value moved "
                               "that chance up (orange) or down (blue), in percentage points.")
                    .arg(fmt::percent(e.baseline), e.explainedLabel));
            m_explanation->showContributions(labels, contributions, texts,
                                             QStringLiteral("Change in the chance of %1 (points)").arg(e.explainedLabel));
        } else {
            m_explanationCaption->setText(QStringLiteral("A typical row gets %1. Each bar shows how much this row's "
                                                         "value moved the prediction up (orange) or down (blue).")
                                              .arg(fmt::number(e.baseline)));
            m_explanation->showContributions(labels, contributions, texts,
                                             QStringLiteral("Change in the predicted %1").arg(m.target));
        }
        if (!e.exact)
            m_explanationCaption->setText(m_explanationCaption->text() +
                                          QStringLiteral(" (The network's share is estimated.)"));
    } else {
        m_explanationCaption->clear();
        m_explanation->showMessage(QStringLiteral("No explanation for this prediction."));
    }
    emit rowPredicted(true);
}

void PredictPage::chooseFile()
{
    QSettings settings;
    const QString dir = settings.value(QStringLiteral("import/lastDir"),
                                       QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation))
                            .toString();
    const QString path = QFileDialog::getOpenFileName(this, QStringLiteral("Choose rows to predict"), dir,
                                                      QStringLiteral("CSV and text tables (*.csv *.tsv *.txt);;All files (*)"));
    if (!path.isEmpty())
        scoreFile(path);
}

void PredictPage::scoreFile(const QString &csvPath)
{
    if (!m_model || m_batchJob)
        return;
    showManyRows();
    m_fileLabel->setText(QStringLiteral("<b>%1</b>").arg(QFileInfo(csvPath).fileName().toHtmlEscaped()));
    m_fileLabel->setToolTip(QDir::toNativeSeparators(csvPath));
    m_resultFile.clear();
    m_save->setEnabled(false);
    m_batchWarnings->hide();
    m_results->setRowCount(0);
    m_batchStatus->setText(QStringLiteral("Checking the columns and comparing the rows with the training data…"));
    m_batchBar->setValue(0);
    m_batchBar->show();
    m_cancel->show();
    const QString output = m_tmp.filePath(QStringLiteral("predictions-%1.csv").arg(++m_runs));
    LoadedModelPtr model = m_model;
    auto *clock = new QElapsedTimer;
    clock->start();
    BackgroundJob *job = BackgroundJob::start<BatchJobResult>(
        this, [model, csvPath, output](TaskContext *ctx) { return batchJob(model, csvPath, output, kPreviewRows, ctx); },
        [this, clock](const BatchJobResult &result) {
            const double seconds = clock->elapsed() / 1000.0;
            delete clock;
            m_batchJob = nullptr;
            m_batchBar->hide();
            m_cancel->hide();
            onBatchDone(result);
            if (result.ok())
                m_batchStatus->setText(m_batchStatus->text() + QStringLiteral(" (%1)").arg(words::duration(seconds)));
        });
    connect(job, &BackgroundJob::progressChanged, this, [this](double fraction, const QString &) {
        m_batchBar->setValue(int(fraction * 1000));
        m_batchStatus->setText(QStringLiteral("Predicting… %1").arg(fmt::percent(fraction)));
    });
    m_batchJob = job;
}

void PredictPage::onBatchDone(const BatchJobResult &result)
{
    if (!result.ok()) {
        const bool canceled = result.error.code == ErrorCode::Canceled;
        setThemedText(m_batchStatus, canceled ? QStringLiteral("Canceled; no file was written.")
                                              : QStringLiteral("<span style=\"color:#7a1f1f\">%1</span> Fix the file, "
                                                               "or choose another one.")
                                                    .arg(result.error.toString().toHtmlEscaped()));
        emit batchFinished(false, result.error.toString());
        return;
    }
    m_resultFile = result.output;
    const BatchReport &r = result.report;
    QString status = QStringLiteral("Predicted %1 rows.").arg(fmt::count(r.rows));
    if (r.hasActual && m_model) {
        const QJsonValue v = r.metricsAgainstActual.value(metricName(m_model->metric));
        if (v.isDouble())
            status += QStringLiteral(" The file has the actual %1: %2")
                          .arg(m_model->target, metricHeadline(m_model->metric, v.toDouble(), m_model->target));
    }
    m_batchStatus->setText(status);
    QStringList warnings = r.warnings;
    warnings.removeDuplicates();
    if (!warnings.isEmpty()) {
        m_batchWarnings->setText(QStringLiteral("Worth a look before you trust these predictions:\n• ") +
                                 warnings.join(QStringLiteral("\n• ")));
        m_batchWarnings->show();
    } else {
        m_batchWarnings->setText(QStringLiteral("These rows look like the ones the model was trained on."));
        m_batchWarnings->show();
    }
    const CsvPreview &p = result.preview;
    m_results->clear();
    m_results->setColumnCount(int(p.header.size()));
    m_results->setHorizontalHeaderLabels(p.header);
    m_results->setRowCount(int(p.rows.size()));
    const int predictionColumn = int(p.header.indexOf(QStringLiteral("prediction")));
    QFont bold = m_results->font();
    bold.setBold(true);
    for (int r2 = 0; r2 < int(p.rows.size()); ++r2) {
        const QStringList &row = p.rows[size_t(r2)];
        for (int c = 0; c < row.size() && c < p.header.size(); ++c) {
            auto *item = new QTableWidgetItem(row[c]);
            bool number = false;
            row[c].toDouble(&number);
            item->setTextAlignment((number ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter);
            if (c >= predictionColumn && predictionColumn >= 0) {
                item->setBackground(QColor(0x2f, 0x6f, 0xde, 38));  // a blue tint, readable light or dark
                if (c == predictionColumn)
                    item->setFont(bold);
            }
            m_results->setItem(r2, c, item);
        }
    }
    m_results->resizeColumnsToContents();
    m_save->setEnabled(true);
    m_save->setToolTip(QStringLiteral("Save every scored row, not only the ones shown."));
    emit batchFinished(true, status);
}

QString PredictPage::batchMessage() const
{
    return m_batchStatus->text();
}

bool PredictPage::saveResults(const QString &path)
{
    if (m_resultFile.isEmpty())
        return false;
    if (QFileInfo(path).absoluteFilePath() != QFileInfo(m_resultFile).absoluteFilePath())
        QFile::remove(path);
    if (!QFile::copy(m_resultFile, path)) {
        QMessageBox::warning(this, QStringLiteral("Couldn't save the predictions"),
                             QStringLiteral("Easel couldn't write %1. Choose a folder you can write to and try again.")
                                 .arg(QDir::toNativeSeparators(path)));
        return false;
    }
    m_batchStatus->setText(m_batchStatus->text() +
                           QStringLiteral(" Saved to %1.").arg(QDir::toNativeSeparators(path).toHtmlEscaped()));
    return true;
}

} // namespace easel
