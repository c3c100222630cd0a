#include "dataset_view.h"

#include "theme.h"
#include "background_job.h"
#include "chart_widget.h"
#include "column_card.h"
#include "column_list.h"
#include "format.h"
#include "page_parts.h"
#include "quality_strip.h"
#include "table_model.h"

#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include <QScopedValueRollback>

#include <algorithm>
#include <cmath>

namespace easel {

namespace {

std::vector<QualityNote> notesFor(const DatasetContent &c)
{
    std::vector<QualityNote> notes;
    QSet<QString> covered;
    for (const DataWarning &w : c.warnings) {
        notes.push_back({QualityNote::Severity::Warning, w.column, w.message, {}});
        if (w.kind == WarningKind::MostlyMissing)
            covered.insert(w.column);
    }
    std::vector<const ColumnStats *> gaps;
    for (const ColumnStats &s : c.stats)
        if (s.missing > 0 && !covered.contains(s.name))
            gaps.push_back(&s);
    std::stable_sort(gaps.begin(), gaps.end(),
                     [](const ColumnStats *a, const ColumnStats *b) { return a->missing > b->missing; });
    const auto link = [](const QString &name) {
        // In the light theme's colours: the quality strip shows it themed (setThemedText).
        return QStringLiteral("<a href=\"col:%1\" style=\"color:#2f6fde; text-decoration:none\"><b>%2</b></a>")
            .arg(name.toHtmlEscaped(), name.toHtmlEscaped());
    };
    const auto share = [](const ColumnStats *s) {
        return fmt::percent(double(s->missing) / double(std::max<int64_t>(s->count + s->missing, 1)));
    };
    if (gaps.size() == 1) {
        const ColumnStats *s = gaps.front();
        const QString rest = QStringLiteral(" is empty in %1 of %2 rows (%3). Easel fills such gaps in when it builds "
                                            "a model; nothing to do unless empty means something here.")
                                 .arg(fmt::count(s->missing), fmt::count(s->count + s->missing), share(s));
        notes.push_back({QualityNote::Severity::Info, s->name, s->name + rest, link(s->name) + rest});
    } else if (gaps.size() > 1) {
        // One sentence for all the columns with gaps, each name a link to its column.
        QStringList plain, html;
        for (size_t i = 0; i < gaps.size(); ++i) {
            const ColumnStats *s = gaps[i];
            const bool sameAsNext = i + 1 < gaps.size() && gaps[i + 1]->missing == s->missing;
            const bool sameAsPrevious = i > 0 && gaps[i - 1]->missing == s->missing;
            QString count;
            if (!sameAsNext)
                count = sameAsPrevious ? QStringLiteral(" (%1 each)").arg(fmt::count(s->missing))
                                       : QStringLiteral(" (%1, %2)").arg(fmt::count(s->missing), share(s));
            plain << s->name + count;
            html << link(s->name) + count.toHtmlEscaped();
        }
        const auto join = [](const QStringList &parts) {
            return parts.size() < 2 ? parts.join(QString())
                                    : parts.mid(0, parts.size() - 1).join(QStringLiteral(", "))
                                          + QStringLiteral(" and ") + parts.back();
        };
        const QString head = QStringLiteral("%1 columns have empty values: ").arg(gaps.size());
        const QString tail = QStringLiteral(". Easel fills such gaps in when it builds a model; nothing to do unless "
                                            "empty means something here.");
        notes.push_back({QualityNote::Severity::Info, gaps.front()->name, head + join(plain) + tail,
                         head.toHtmlEscaped() + join(html) + tail.toHtmlEscaped()});
    }
    if (c.skippedRows > 0)
        notes.push_back({QualityNote::Severity::Info, QString(),
                         QStringLiteral("%1 malformed rows were left out on import.").arg(fmt::count(c.skippedRows)),
                         {}});
    if (notes.empty())
        notes.push_back({QualityNote::Severity::Good, QString(),
                         QStringLiteral("No problems found: every column is filled in and looks usable."), {}});
    return notes;
}

QString strongestPair(const CorrelationMatrix &m)
{
    const int n = int(m.columns.size());
    int bi = -1, bj = -1;
    double best = -1;
    for (int i = 0; i < n; ++i)
        for (int j = i + 1; j < n; ++j)
            if (!std::isnan(m.at(i, j)) && std::fabs(m.at(i, j)) > best) {
                best = std::fabs(m.at(i, j));
                bi = i;
                bj = j;
            }
    if (bi < 0)
        return {};
    const double r = m.at(bi, bj);
    return QStringLiteral(" The strongest pair is <b>%1</b> and <b>%2</b> (r = %3): %4.")
        .arg(m.columns[bi].toHtmlEscaped(), m.columns[bj].toHtmlEscaped(), QLocale::system().toString(r, 'f', 2),
             r > 0 ? QStringLiteral("when one is high, the other tends to be high too")
                   : QStringLiteral("when one is high, the other tends to be low"));
}

} // namespace

DatasetView::DatasetView(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("datasetView"));
    auto *layout = parts::pageLayout(this);

    auto *head = new QHBoxLayout;
    auto *back = new QPushButton(QStringLiteral("‹ Data sets"), this);
    back->setObjectName(QStringLiteral("backButton"));
    back->setCursor(Qt::PointingHandCursor);
    back->setFlat(true);
    back->setToolTip(QStringLiteral("Back to all data sets"));
    connect(back, &QPushButton::clicked, this, &DatasetView::backRequested);
    head->addWidget(back, 0, Qt::AlignVCenter);
    auto *titles = new QVBoxLayout;
    titles->setSpacing(0);
    m_title = parts::pageTitle(QString(), this);
    m_subtitle = parts::mutedLabel(QString(), this);
    titles->addWidget(m_title);
    titles->addWidget(m_subtitle);
    head->addLayout(titles, 1);
    auto *build = new QPushButton(QStringLiteral("Build a model  ›"), this);
    build->setObjectName(QStringLiteral("primaryButton"));
    build->setCursor(Qt::PointingHandCursor);
    build->setToolTip(QStringLiteral("Choose a column to predict and let Easel build a model (Ctrl+B)"));
    connect(build, &QPushButton::clicked, this, &DatasetView::buildRequested);
    head->addWidget(build, 0, Qt::AlignVCenter);
    layout->addLayout(head);

    layout->addWidget(parts::presentationHint(QStringLiteral("Step 1 · Read what each column holds before asking "
                                                             "Easel to predict anything: the types, the gaps, and how "
                                                             "the values spread."),
                                              this));

    m_sampleNote = new QLabel(this);
    m_sampleNote->setObjectName(QStringLiteral("sampleNote"));
    m_sampleNote->setWordWrap(true);
    m_sampleNote->setTextFormat(Qt::RichText);
    m_sampleNote->hide();
    layout->addWidget(m_sampleNote);

    m_stack = new QStackedWidget(this);
    layout->addWidget(m_stack, 1);

    // Page 0: loading.
    auto *loading = new QWidget(m_stack);
    auto *lv = new QVBoxLayout(loading);
    lv->addStretch(2);
    m_loadingText = new QLabel(QStringLiteral("Opening the data set…"), loading);
    m_loadingText->setAlignment(Qt::AlignCenter);
    m_loadingBar = new QProgressBar(loading);
    m_loadingBar->setRange(0, 1000);
    m_loadingBar->setTextVisible(false);
    m_loadingBar->setMaximumWidth(360);
    m_errorText = new QLabel(loading);
    m_errorText->setObjectName(QStringLiteral("errorText"));
    m_errorText->setWordWrap(true);
    m_errorText->setAlignment(Qt::AlignCenter);
    m_errorText->hide();
    lv->addWidget(m_loadingText);
    lv->addWidget(m_loadingBar, 0, Qt::AlignHCenter);
    lv->addWidget(m_errorText);
    lv->addStretch(3);
    m_stack->addWidget(loading);

    // Page 1: the data set.
    auto *content = new QWidget(m_stack);
    auto *cv = new QVBoxLayout(content);
    cv->setContentsMargins(0, 0, 0, 0);
    cv->setSpacing(10);
    m_quality = new QualityStrip(content);
    connect(m_quality, &QualityStrip::columnClicked, this, [this](const QString &column) {
        showRows();
        selectColumn(column);
    });
    cv->addWidget(m_quality);

    m_splitter = new QSplitter(Qt::Horizontal, content);
    m_splitter->setChildrenCollapsible(false);
    m_splitter->setHandleWidth(8);

    auto *left = new QWidget(m_splitter);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->setSpacing(6);
    auto *columnsTitle = new QLabel(QStringLiteral("Columns"), left);
    columnsTitle->setObjectName(QStringLiteral("sectionTitle"));
    m_filter = new QLineEdit(left);
    m_filter->setAccessibleName(QStringLiteral("Filter columns"));
    m_filter->setAccessibleDescription(QStringLiteral("Type part of a column name to show only the matching columns."));
    m_filter->setPlaceholderText(QStringLiteral("Filter columns"));
    m_filter->setClearButtonEnabled(true);
    m_columns = new ColumnList(left);
    m_columns->setAccessibleName(QStringLiteral("Columns"));
    m_columns->setAccessibleDescription(QStringLiteral("The data set's columns with their types; choose one to see its card."));
    connect(m_filter, &QLineEdit::textChanged, m_columns, &ColumnList::setFilter);
    connect(m_columns, &ColumnList::columnSelected, this, &DatasetView::selectColumn);
    leftLayout->addWidget(columnsTitle);
    leftLayout->addWidget(m_filter);
    leftLayout->addWidget(m_columns, 1);
    left->setMinimumWidth(200);
    m_columnPane = left;

    m_tabs = new QTabWidget(m_splitter);
    m_tabs->setAccessibleName(QStringLiteral("Rows and correlations"));
    m_tabs->setAccessibleDescription(QStringLiteral("The data set's rows, or how its number columns move together."));
    m_tabs->setDocumentMode(true);
    m_model = new TableModel(this);
    m_table = new QTableView(m_tabs);
    m_table->setAccessibleName(QStringLiteral("Rows"));
    m_table->setAccessibleDescription(QStringLiteral("Every row of the data set; missing values show as a dash. Click a header to sort."));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectItems);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setCornerButtonEnabled(false);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_table->horizontalHeader()->setHighlightSections(true);
    m_table->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentColumnChanged, this,
            [this](const QModelIndex &current) {
                if (current.isValid() && m_content && !m_syncing)
                    selectColumn(m_content->table->column(size_t(current.column())).name());
            });
    connect(m_table->horizontalHeader(), &QHeaderView::sectionClicked, this, [this](int section) {
        if (m_content && section >= 0)
            selectColumn(m_content->table->column(size_t(section)).name());
    });
    m_tabs->addTab(m_table, QStringLiteral("Rows"));

    auto *corr = new QWidget(m_tabs);
    auto *corrLayout = new QVBoxLayout(corr);
    corrLayout->setContentsMargins(12, 12, 12, 12);
    m_correlationText = new QLabel(corr);
    m_correlationText->setWordWrap(true);
    m_correlationText->setTextFormat(Qt::RichText);
    m_correlation = new ChartWidget(corr);
    m_correlation->setAccessibleName(QStringLiteral("Correlation heat map"));
    m_correlation->setAccessibleDescription(QStringLiteral("How strongly each pair of number columns moves together, from -1 (blue) to +1 (red). Right-click to save it as PNG, SVG or PDF."));
    m_correlation->setSuggestedName(QStringLiteral("correlations"));
    m_correlation->setMinimumHeight(160);  // room for the quality notes on a 720 px screen
    corrLayout->addWidget(m_correlationText);
    corrLayout->addWidget(m_correlation, 1);
    m_tabs->addTab(corr, QStringLiteral("Correlations"));
    m_tabs->tabBar()->setAccessibleName(QStringLiteral("Rows or correlations"));

    QScrollArea *scroll = parts::scrollArea(m_splitter, QStringLiteral("Column card"),
                                            QStringLiteral("The selected column's card; scroll for more."));
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_card = new ColumnCard(scroll);
    scroll->setWidget(m_card);
    scroll->setMinimumWidth(380);

    m_splitter->addWidget(left);
    m_splitter->addWidget(m_tabs);
    m_splitter->addWidget(scroll);
    m_splitter->setStretchFactor(0, 0);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setStretchFactor(2, 0);
    m_splitter->setSizes({230, 640, 430});
    cv->addWidget(m_splitter, 1);
    m_stack->addWidget(content);
}

void DatasetView::open(const QString &libraryPath, qint64 id, std::optional<Sample> sample)
{
    if (m_job)
        m_job->cancel();
    m_id = id;
    m_sample = std::move(sample);
    m_content.reset();
    m_loaded = false;
    m_model->setTable(nullptr);
    m_title->setText(QStringLiteral("Opening…"));
    m_subtitle->clear();
    m_sampleNote->hide();
    m_loadingText->setText(QStringLiteral("Opening the data set…"));
    m_loadingText->show();
    m_loadingBar->setValue(0);
    m_loadingBar->show();
    m_errorText->hide();
    m_stack->setCurrentIndex(0);

    const QString target = m_sample ? m_sample->target : QString();
    auto *job = BackgroundJob::start<LoadJobResult>(
        this, [libraryPath, id, target](TaskContext *ctx) { return loadDatasetJob(libraryPath, id, target, ctx); },
        [this, id](const LoadJobResult &result) {
            if (id != m_id)
                return;  // a newer open() superseded this one
            m_job = nullptr;
            if (!result.ok()) {
                if (result.error.code != ErrorCode::Canceled)
                    showError(result.error);
                return;
            }
            setContent(result.content);
        });
    connect(job, &BackgroundJob::progressChanged, this, [this](double fraction, const QString &message) {
        m_loadingBar->setValue(int(fraction * 1000));
        if (!message.isEmpty())
            m_loadingText->setText(message + QStringLiteral("…"));
    });
    m_job = job;
}

void DatasetView::showError(const Error &error)
{
    const QString message = error.toString();
    m_title->setText(QStringLiteral("Couldn't open this data set"));
    m_loadingText->hide();
    m_loadingBar->hide();
    m_errorText->setText(message + QStringLiteral("\n\n") + adviceFor(error));
    m_errorText->show();
    emit loadFailed(message);
}

void DatasetView::setContent(DatasetContentPtr content)
{
    m_content = std::move(content);
    m_loaded = false;
    const DatasetContent &c = *m_content;
    m_id = c.record.id;
    const QString target = m_sample ? m_sample->target : QString();

    m_title->setText(c.record.name);
    QStringList facts;
    facts << QStringLiteral("%1 rows").arg(fmt::count(qint64(c.table->rowCount())))
          << QStringLiteral("%1 columns").arg(fmt::count(qint64(c.table->columnCount())));
    if (c.record.sizeBytes > 0)
        facts << fmt::bytes(c.record.sizeBytes);
    if (!c.record.dialect.isEmpty())
        facts << Dialect::fromJson(c.record.dialect).describe();
    if (c.record.importedAt.isValid())
        facts << QStringLiteral("imported %1").arg(fmt::when(c.record.importedAt));
    m_subtitle->setText(facts.join(QStringLiteral("  ·  ")));
    m_subtitle->setToolTip(c.record.sourcePath);

    if (m_sample) {
        m_sampleNote->setText(QStringLiteral("<b>%1.</b> %2 Suggested column to predict: <b>%3</b>.")
                                  .arg(m_sample->title.toHtmlEscaped(), m_sample->note.toHtmlEscaped(),
                                       m_sample->target.toHtmlEscaped()));
        m_sampleNote->setToolTip(m_sample->license);
        m_sampleNote->show();
    }

    m_quality->setNotes(notesFor(c));
    m_model->setTable(c.table);
    fitColumnWidths();
    m_columns->setColumns(c.stats, target);

    m_correlationText->setText(
        QStringLiteral("How strongly each pair of number columns moves together (Pearson r): +1 means they rise "
                       "together, −1 that one falls as the other rises, 0 no straight-line link.")
        + strongestPair(c.pearson));
    m_correlation->showCorrelation(c.pearson, QStringLiteral("Pearson r"));

    m_stack->setCurrentIndex(1);
    m_card->clear();
    // The first column's card (a chart) on a later turn of the event loop: laying out
    // the page and drawing the card at once kept the window busy for ~50 ms on
    // penguins. A 1 ms timer rather than a zero one, so that the redraws and input
    // already waiting run first.
    QTimer::singleShot(1, this, [this, shown = m_content.get(), target] {
        if (m_content.get() != shown)
            return;  // another data set was opened meanwhile
        // Start on the suggested target, else the first column.
        const DatasetContent &c = *m_content;
        if (!c.stats.empty() && (target.isEmpty() || !selectColumn(target)))
            selectColumn(c.stats.front().name);
        m_loaded = true;
        emit loaded();
    });
}

void DatasetView::fitColumnWidths()
{
    if (!m_content)
        return;
    const Table &t = *m_content->table;
    const QFontMetrics fm = m_table->fontMetrics();
    QFont bold = m_table->horizontalHeader()->font();
    bold.setBold(true);
    const QFontMetrics hm(bold);
    const size_t sample = std::min<size_t>(t.rowCount(), 50);
    for (size_t c = 0; c < t.columnCount(); ++c) {
        int w = hm.horizontalAdvance(t.column(c).name()) + 28;
        for (size_t r = 0; r < sample; ++r)
            w = std::max(w, fm.horizontalAdvance(m_model->data(m_model->index(int(r), int(c))).toString()) + 20);
        m_table->setColumnWidth(int(c), std::min(w, 320));
    }
}

std::vector<DataWarning> DatasetView::warningsFor(const QString &column) const
{
    std::vector<DataWarning> out;
    if (m_content)
        for (const DataWarning &w : m_content->warnings)
            if (w.column == column || w.otherColumn == column)
                out.push_back(w);
    return out;
}

bool DatasetView::selectColumn(const QString &name)
{
    if (!m_content)
        return false;
    const ColumnStats *stats = m_content->statsFor(name);
    if (!stats)
        return false;
    if (m_card->hasColumn() && m_card->stats().name == name)
        return true;
    m_columns->selectColumn(name);
    const int index = m_content->table->indexOf(name);
    if (index >= 0) {
        const QModelIndex current = m_table->currentIndex();
        if (current.column() != index) {
            const QScopedValueRollback<bool> guard(m_syncing, true);
            const int row = current.isValid() ? current.row() : 0;
            m_table->setCurrentIndex(m_model->index(row, index));
            m_table->selectColumn(index);
        }
        m_table->scrollTo(m_model->index(std::max(0, m_table->currentIndex().row()), index),
                          QAbstractItemView::EnsureVisible);
    }
    m_card->setColumn(*stats, warningsFor(name), m_sample && m_sample->target == name);
    return true;
}

QString DatasetView::selectedColumn() const
{
    return m_card->hasColumn() ? m_card->stats().name : QString();
}

void DatasetView::showCorrelations()
{
    m_tabs->setCurrentIndex(1);
}

void DatasetView::showRows()
{
    m_tabs->setCurrentIndex(0);
}

void DatasetView::setPresentation(bool on)
{
    m_columnPane->setVisible(!on);
}

void DatasetView::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange) {
        m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
        fitColumnWidths();
    }
}

QByteArray DatasetView::saveLayout() const
{
    return m_splitter->saveState();
}

void DatasetView::restoreLayout(const QByteArray &state)
{
    if (!state.isEmpty())
        m_splitter->restoreState(state);
}

} // namespace easel
