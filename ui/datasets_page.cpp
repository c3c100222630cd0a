#include "datasets_page.h"

#include "dataset_list_model.h"
#include "page_parts.h"

#include <QFrame>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QMenu>
#include <QPainter>
#include <QPainterPath>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QStyle>
#include <QTableView>
#include <QVBoxLayout>

namespace easel {

namespace {
//! A page with a folded corner and "CSV" on it, drawn rather than shipped: painted
//! at every paint, so it is sharp at any device pixel ratio and takes the
//! palette's colours in light and dark.
class CsvIcon : public QWidget
{
public:
    explicit CsvIcon(QWidget *parent) : QWidget(parent)
    {
        setFixedSize(64, 78);
        setAttribute(Qt::WA_TransparentForMouseEvents);
    }

protected:
    void paintEvent(QPaintEvent *) override
    {
        QPainter p(this);
        p.setRenderHint(QPainter::Antialiasing);
        const qreal w = width(), h = height(), fold = 18;
        QPainterPath page;
        page.moveTo(4, 4);
        page.lineTo(w - 4 - fold, 4);
        page.lineTo(w - 4, 4 + fold);
        page.lineTo(w - 4, h - 4);
        page.lineTo(4, h - 4);
        page.closeSubpath();
        p.setPen(QPen(QColor(0x9a, 0xa3, 0xb2), 2));
        p.setBrush(palette().color(QPalette::Base));
        p.drawPath(page);
        QPainterPath corner;
        corner.moveTo(w - 4 - fold, 4);
        corner.lineTo(w - 4 - fold, 4 + fold);
        corner.lineTo(w - 4, 4 + fold);
        p.drawPath(corner);
        const QRectF badge(10, 40, 44, 20);
        p.setPen(Qt::NoPen);
        p.setBrush(QColor(0x2f, 0x6f, 0xde));
        p.drawRoundedRect(badge, 4, 4);
        QFont f = font();
        f.setBold(true);
        f.setPixelSize(12);
        p.setFont(f);
        p.setPen(Qt::white);
        p.drawText(badge, Qt::AlignCenter, QStringLiteral("CSV"));
    }
};
} // namespace

DatasetsPage::DatasetsPage(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("datasetsPage"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(32, 24, 32, 24);
    layout->setSpacing(14);

    auto *head = new QHBoxLayout;
    QLabel *title = parts::pageTitle(QStringLiteral("Data sets"), this);
    auto *import = new QPushButton(QStringLiteral("Import CSV…"), this);
    import->setObjectName(QStringLiteral("primaryButton"));
    import->setToolTip(QStringLiteral("Bring a CSV file into your library (Ctrl+O)"));
    import->setCursor(Qt::PointingHandCursor);
    connect(import, &QPushButton::clicked, this, &DatasetsPage::importRequested);
    head->addWidget(title, 1);
    head->addWidget(import);
    layout->addLayout(head);

    layout->addWidget(parts::presentationHint(QStringLiteral("Step 1 · Bring in a table: one row per example, one "
                                                             "column per fact. Easel reads it, works out what each "
                                                             "column holds, and flags problems."),
                                              this));

    m_libraryError = new QLabel(this);
    m_libraryError->setObjectName(QStringLiteral("errorBanner"));
    m_libraryError->setWordWrap(true);
    m_libraryError->hide();
    layout->addWidget(m_libraryError);

    // The drop zone: teaches what to do first.
    m_dropZone = new QFrame(this);
    m_dropZone->setObjectName(QStringLiteral("dropZone"));
    m_dropZone->setAccessibleName(QStringLiteral("Drop zone"));
    m_dropZone->setAccessibleDescription(QStringLiteral("Drop a CSV file here to import it, or open one of the samples below."));
    auto *dz = new QVBoxLayout(m_dropZone);
    dz->setContentsMargins(28, 22, 28, 22);
    dz->setSpacing(10);
    dz->addStretch(1);
    m_dropIcon = new CsvIcon(m_dropZone);
    dz->addWidget(m_dropIcon, 0, Qt::AlignHCenter);
    auto *dropTitle = new QLabel(QStringLiteral("Drop a CSV file here, or open a sample"), m_dropZone);
    dropTitle->setObjectName(QStringLiteral("dropTitle"));
    dropTitle->setAlignment(Qt::AlignHCenter);
    dz->addWidget(dropTitle);
    auto *samplesRow = new QHBoxLayout;
    samplesRow->setSpacing(12);
    const std::vector<Sample> samples = bundledSamples();
    for (const Sample &sample : samples) {
        auto *button = new QPushButton(m_dropZone);
        button->setObjectName(QStringLiteral("sampleButton"));
        button->setAccessibleName(QStringLiteral("Open the %1 sample").arg(sample.title));
        button->setAccessibleDescription(QStringLiteral("Imports the bundled %1 sample; the suggested column to predict is %2.")
                                             .arg(sample.title, sample.target));
        auto *bl = new QVBoxLayout(button);
        bl->setContentsMargins(14, 10, 14, 10);
        bl->setSpacing(2);
        auto *name = new QLabel(sample.title, button);
        name->setObjectName(QStringLiteral("sampleTitle"));
        auto *what = new QLabel(QStringLiteral("Predict %1").arg(sample.target), button);
        what->setObjectName(QStringLiteral("muted"));
        for (QLabel *l : {name, what}) {
            l->setAttribute(Qt::WA_TransparentForMouseEvents);
            bl->addWidget(l);
        }
        button->setMinimumHeight(name->sizeHint().height() + what->sizeHint().height() + 24);
        button->setToolTip(QStringLiteral("%1\n\nSuggested column to predict: %2.\n%3")
                               .arg(sample.note, sample.target, sample.license));
        button->setCursor(Qt::PointingHandCursor);
        button->setProperty("sampleFile", sample.file);
        button->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
        connect(button, &QPushButton::clicked, this, [this, sample] { emit sampleRequested(sample); });
        samplesRow->addWidget(button);
    }
    if (samples.empty()) {
        auto *none = new QLabel(QStringLiteral("(The bundled samples were not found next to this copy of Easel.)"),
                                m_dropZone);
        none->setObjectName(QStringLiteral("muted"));
        samplesRow->addWidget(none);
    }
    dz->addLayout(samplesRow);
    auto *good = new QLabel(QStringLiteral("A good CSV has the column names in its first line, one row per example "
                                           "(a customer, a sale, a flower) and one column per fact about it; "
                                           "include the column you want to predict."),
                            m_dropZone);
    good->setObjectName(QStringLiteral("muted"));
    good->setWordWrap(true);
    good->setAlignment(Qt::AlignHCenter);
    dz->addWidget(good);
    dz->addStretch(1);
    layout->addWidget(m_dropZone);

    // The library's data sets.
    auto *listHead = new QHBoxLayout;
    m_listTitle = new QLabel(QStringLiteral("Your data sets"), this);
    m_listTitle->setObjectName(QStringLiteral("sectionTitle"));
    m_open = new QPushButton(QStringLiteral("Open"), this);
    m_delete = new QPushButton(QStringLiteral("Delete…"), this);
    m_delete->setToolTip(QStringLiteral("Remove the data set from the library (the CSV file is kept)"));
    listHead->addWidget(m_listTitle, 1);
    listHead->addWidget(m_open);
    listHead->addWidget(m_delete);
    layout->addLayout(listHead);

    m_model = new DatasetListModel(this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(Qt::UserRole);
    m_view = new QTableView(this);
    m_view->setObjectName(QStringLiteral("datasetTable"));
    m_view->setAccessibleName(QStringLiteral("Your data sets"));
    m_view->setAccessibleDescription(QStringLiteral("The data sets in your library; double-click one to open it."));
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(DatasetListModel::Imported, Qt::DescendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setShowGrid(false);
    m_view->setAlternatingRowColors(true);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 14);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setSectionResizeMode(DatasetListModel::Name, QHeaderView::Stretch);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->installEventFilter(this);
    connect(m_view, &QTableView::doubleClicked, this, [this](const QModelIndex &index) {
        emit openRequested(m_proxy->data(index, DatasetListModel::kIdRole).toLongLong());
    });
    connect(m_view, &QTableView::customContextMenuRequested, this, [this](const QPoint &pos) {
        const QModelIndex index = m_view->indexAt(pos);
        if (!index.isValid())
            return;
        const qint64 id = m_proxy->data(index, DatasetListModel::kIdRole).toLongLong();
        QMenu menu(this);
        menu.addAction(QStringLiteral("Open"), this, [this, id] { emit openRequested(id); });
        menu.addAction(QStringLiteral("Delete…"), this, [this, id] { emit deleteRequested(id); });
        menu.exec(m_view->viewport()->mapToGlobal(pos));
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &DatasetsPage::updateState);
    connect(m_open, &QPushButton::clicked, this, [this] {
        if (currentId() >= 0)
            emit openRequested(currentId());
    });
    connect(m_delete, &QPushButton::clicked, this, [this] {
        if (currentId() >= 0)
            emit deleteRequested(currentId());
    });
    layout->addWidget(m_view, 1);

    m_emptyList = new QLabel(QStringLiteral("Nothing imported yet. The data sets you import are kept in your "
                                            "library and listed here."),
                             this);
    m_emptyList->setObjectName(QStringLiteral("muted"));
    m_emptyList->setAlignment(Qt::AlignHCenter | Qt::AlignTop);
    layout->addWidget(m_emptyList);
    m_layout = layout;
    updateState();
}

qint64 DatasetsPage::currentId() const
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    return rows.isEmpty() ? -1 : m_proxy->data(rows.first(), DatasetListModel::kIdRole).toLongLong();
}

bool DatasetsPage::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_view && event->type() == QEvent::KeyPress) {
        const int key = static_cast<QKeyEvent *>(event)->key();
        if ((key == Qt::Key_Delete || key == Qt::Key_Backspace) && currentId() >= 0) {
            emit deleteRequested(currentId());
            return true;
        }
        if ((key == Qt::Key_Return || key == Qt::Key_Enter) && currentId() >= 0) {
            emit openRequested(currentId());
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void DatasetsPage::setRecords(std::vector<DatasetRecord> records)
{
    m_model->setRecords(std::move(records));
    updateState();
}

void DatasetsPage::setLibraryError(const QString &message)
{
    m_libraryError->setText(message);
    m_libraryError->setVisible(!message.isEmpty());
}

void DatasetsPage::setDropActive(bool active)
{
    m_dropZone->setProperty("active", active);
    m_dropZone->style()->unpolish(m_dropZone);
    m_dropZone->style()->polish(m_dropZone);
}

void DatasetsPage::updateState()
{
    const bool any = m_model->rowCount() > 0;
    // With nothing imported yet the drop zone takes the room; afterwards the list does.
    m_layout->setStretchFactor(m_dropZone, any ? 0 : 1);
    m_layout->setStretchFactor(m_view, any ? 1 : 0);
    m_dropIcon->setVisible(!any);
    m_view->setVisible(any);
    m_emptyList->setVisible(!any);
    m_open->setVisible(any);
    m_delete->setVisible(any);
    const bool selected = currentId() >= 0;
    m_open->setEnabled(selected);
    m_delete->setEnabled(selected);
    m_listTitle->setText(any ? QStringLiteral("Your data sets (%1)").arg(m_model->rowCount())
                             : QStringLiteral("Your data sets"));
}

} // namespace easel
