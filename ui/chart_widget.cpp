#include "chart_widget.h"

#include "format.h"
#include "theme.h"

#include <QApplication>
#include <QContextMenuEvent>
#include <QFileDialog>
#include <QMenu>
#include <QMessageBox>
#include <QStandardPaths>
#include <QSvgGenerator>

#include <algorithm>
#include <cmath>

namespace easel {

namespace {
// The theme's chart colours, read at draw time so light and dark both work.
QColor kText() { return chartColors().text; }
QColor kMuted() { return chartColors().muted; }
QColor kGrid() { return chartColors().grid; }
// Text on heat-map cells sits on the gradient's light middle in both appearances.
const QColor kCellText(0x33, 0x37, 0x3d);

QString elided(const QString &s, int max)
{
    return s.size() <= max ? s : s.left(max - 1) + QStringLiteral("…");
}
} // namespace

ChartWidget::ChartWidget(QWidget *parent) : QCustomPlot(parent)
{
    setMinimumHeight(220);
    setBackground(chartColors().background);
    setAntialiasedElements(QCP::aeAll);
    setNoAntialiasingOnDrag(true);
    setToolTip(QStringLiteral("Right-click to save this chart as PNG, SVG or PDF."));
    setAccessibleName(QStringLiteral("Chart"));
    setAccessibleDescription(QStringLiteral("A chart. Right-click to save it as PNG, SVG or PDF."));
    // Zoom and pan where it helps: the view a chart is first drawn with is its
    // home, restored by a double-click or the menu.
    connect(this, &QCustomPlot::afterReplot, this, [this] {
        if (!m_homeSaved) {
            m_homeX = xAxis->range();
            m_homeY = yAxis->range();
            m_homeSaved = true;
        }
    });
}

bool ChartWidget::isZoomable() const
{
    static const QStringList zoomable = {QStringLiteral("histogram"), QStringLiteral("scatter"),
                                         QStringLiteral("residuals"), QStringLiteral("curve"),
                                         QStringLiteral("timeline"), QStringLiteral("roc"),
                                         QStringLiteral("precision-recall"), QStringLiteral("predicted vs actual")};
    for (const QString &k : zoomable)
        if (m_kind.contains(k, Qt::CaseInsensitive))
            return true;
    return false;
}

void ChartWidget::resetView()
{
    if (!m_homeSaved)
        return;
    xAxis->setRange(m_homeX);
    yAxis->setRange(m_homeY);
    replot();
}

void ChartWidget::wheelEvent(QWheelEvent *event)
{
    if (isZoomable() && (event->modifiers() & Qt::ControlModifier)) {
        QCustomPlot::wheelEvent(event);
        return;
    }
    event->ignore();  // let the page scroll
}

void ChartWidget::mouseDoubleClickEvent(QMouseEvent *event)
{
    if (isZoomable())
        resetView();
    QCustomPlot::mouseDoubleClickEvent(event);
}

QFont ChartWidget::baseFont(double scale) const
{
    QFont f = QApplication::font();
    if (f.pointSizeF() > 0)
        f.setPointSizeF(f.pointSizeF() * scale);
    return f;
}

void ChartWidget::changeEvent(QEvent *event)
{
    QCustomPlot::changeEvent(event);
    const bool themeChange = event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange;
    if (themeChange && backgroundColour() != chartColors().background) {
        // Light ↔ dark: new background, then the axes and texts in the new colours.
        setBackground(chartColors().background);
        if (m_redraw) {
            const auto redraw = m_redraw;
            redraw();
        } else {
            replot();
        }
        return;
    }
    if (event->type() == QEvent::FontChange && m_redraw) {
        const auto redraw = m_redraw;  // show…() replaces m_redraw while it runs
        redraw();
    }
}

bool ChartWidget::event(QEvent *event)
{
    if (event->type() == QEvent::ScreenChangeInternal || event->type() == QEvent::Show)
        followPixelRatio();
    return QCustomPlot::event(event);
}

void ChartWidget::paintEvent(QPaintEvent *event)
{
    // QCustomPlot takes the ratio once, when it is made: a change it was not told
    // of (a screen's scale changed) is caught here and the chart redrawn sharp.
    if (!qFuzzyCompare(bufferDevicePixelRatio(), devicePixelRatioF()))
        QMetaObject::invokeMethod(this, [this] { followPixelRatio(); }, Qt::QueuedConnection);
    QCustomPlot::paintEvent(event);
}

bool ChartWidget::followPixelRatio()
{
    const double ratio = devicePixelRatioF();
    if (qFuzzyCompare(bufferDevicePixelRatio(), ratio))
        return false;
    setBufferDevicePixelRatio(ratio);
    replot(QCustomPlot::rpQueuedReplot);
    return true;
}

QColor ChartWidget::backgroundColour() const
{
    return mBackgroundBrush.color();
}

void ChartWidget::reset(const QString &kind)
{
    m_kind = kind;
    m_homeSaved = false;
    setInteractions(isZoomable() ? QCP::Interactions(QCP::iRangeDrag | QCP::iRangeZoom) : QCP::Interactions());
    setToolTip(isZoomable() ? QStringLiteral("Drag to move, Ctrl+scroll to zoom, double-click to reset. Right-click to "
                                             "save as PNG, SVG or PDF.")
                            : QStringLiteral("Right-click to save this chart as PNG, SVG or PDF."));
    setBackground(chartColors().background);
    legend->setVisible(false);
    clearPlottables();
    clearItems();
    // Remove a colour scale or anything else beyond the main axis rect.
    for (int i = plotLayout()->elementCount() - 1; i >= 0; --i) {
        QCPLayoutElement *e = plotLayout()->elementAt(i);
        if (e && e != axisRect())
            plotLayout()->remove(e);
    }
    plotLayout()->simplify();
    axisRect()->setMarginGroup(QCP::msAll, nullptr);
    axisRect()->setAutoMargins(QCP::msAll);
    axisRect()->setMinimumMargins(QMargins(8, 8, 16, 12));
    for (QCPAxis *axis : axisRect()->axes()) {
        axis->setVisible(false);
        axis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
        axis->setRangeReversed(false);
        axis->setTickLabelRotation(0);
        axis->setLabel(QString());
    }
    xAxis->setVisible(true);
    yAxis->setVisible(true);
}

void ChartWidget::styleAxis(QCPAxis *axis, const QString &label)
{
    axis->setVisible(true);
    axis->setLabel(label);
    axis->setLabelFont(baseFont(1.0));
    axis->setLabelColor(kText());
    axis->setTickLabelFont(baseFont(0.9));
    axis->setTickLabelColor(kText());
    axis->setBasePen(QPen(kMuted()));
    axis->setTickPen(QPen(kMuted()));
    axis->setSubTickPen(Qt::NoPen);
    axis->grid()->setPen(QPen(kGrid(), 1));
    axis->grid()->setZeroLinePen(Qt::NoPen);
}

void ChartWidget::showMessage(const QString &message)
{
    m_redraw = [this, message] { showMessage(message); };
    reset(QStringLiteral("message"));
    xAxis->setVisible(false);
    yAxis->setVisible(false);
    auto *text = new QCPItemText(this);
    text->position->setType(QCPItemPosition::ptAxisRectRatio);
    text->position->setCoords(0.5, 0.5);
    text->setText(message);
    text->setFont(baseFont(1.0));
    text->setColor(kMuted());
    replot();
}

void ChartWidget::showHistogram(const ColumnStats &stats)
{
    m_redraw = [this, stats] { showHistogram(stats); };
    const Histogram &h = stats.histogram;
    if (h.counts.empty() || h.edges.size() != h.counts.size() + 1) {
        showMessage(QStringLiteral("No values to draw."));
        m_redraw = [this, stats] { showHistogram(stats); };
        return;
    }
    reset(QStringLiteral("histogram"));
    const bool temporal = isTemporal(stats.type);
    // Dates are stored in ms; QCustomPlot's date ticker counts seconds.
    const double unit = temporal ? 1000.0 : 1.0;
    QVector<double> keys, values;
    double width = std::numeric_limits<double>::max();
    double top = 0;
    for (size_t i = 0; i < h.counts.size(); ++i) {
        const double lo = h.edges[i] / unit, hi = h.edges[i + 1] / unit;
        keys << (lo + hi) / 2;
        values << double(h.counts[i]);
        if (hi > lo)
            width = std::min(width, hi - lo);
        top = std::max(top, double(h.counts[i]));
    }
    if (width == std::numeric_limits<double>::max())
        width = 1;

    auto *bars = new QCPBars(xAxis, yAxis);
    bars->setData(keys, values, true);
    bars->setWidth(width * 0.92);
    const QColor color = fmt::badgeColor(stats.type);
    bars->setPen(Qt::NoPen);
    bars->setBrush(QColor(color.red(), color.green(), color.blue(), 200));

    styleAxis(xAxis, temporal ? stats.name + QStringLiteral(" (date)") : stats.name);
    styleAxis(yAxis, QStringLiteral("Rows"));
    xAxis->grid()->setVisible(false);
    if (temporal) {
        auto ticker = QSharedPointer<QCPAxisTickerDateTime>(new QCPAxisTickerDateTime);
        ticker->setDateTimeSpec(Qt::UTC);
        const double span = (h.edges.back() - h.edges.front()) / unit;
        ticker->setDateTimeFormat(span > 3 * 365 * 86400.0 ? QStringLiteral("yyyy")
                                  : span > 60 * 86400.0   ? QStringLiteral("MMM yyyy")
                                  : span > 2 * 86400.0    ? QStringLiteral("d MMM")
                                                          : QStringLiteral("d MMM HH:mm"));
        ticker->setTickCount(5);
        xAxis->setTicker(ticker);
    } else if (stats.type == ColumnType::Integer) {
        auto ticker = QSharedPointer<QCPAxisTicker>(new QCPAxisTicker);
        ticker->setTickStepStrategy(QCPAxisTicker::tssReadability);
        xAxis->setTicker(ticker);
    }
    const double lo = h.edges.front() / unit, hi = h.edges.back() / unit;
    const double pad = (hi - lo) * 0.02 + (hi == lo ? 1 : 0);
    xAxis->setRange(lo - pad, hi + pad);
    yAxis->setRange(0, top * 1.15 + 1);
    if (top < 10) {
        auto ticker = QSharedPointer<QCPAxisTickerFixed>(new QCPAxisTickerFixed);
        ticker->setTickStep(1);
        ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
        yAxis->setTicker(ticker);
    }

    const double median = stats.quantiles[3] / unit;
    if (!temporal && !std::isnan(median)) {
        auto *line = new QCPItemStraightLine(this);
        line->point1->setCoords(median, 0);
        line->point2->setCoords(median, 1);
        line->setPen(QPen(kText(), 1.2, Qt::DashLine));
        auto *label = new QCPItemText(this);
        label->position->setType(QCPItemPosition::ptPlotCoords);
        label->position->setCoords(median, top * 1.12 + 0.8);
        label->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
        label->setPadding(QMargins(4, 0, 0, 0));
        label->setText(QStringLiteral("median %1").arg(fmt::number(stats.quantiles[3])));
        label->setFont(baseFont(0.9));
        label->setColor(kText());
    }
    replot();
}

void ChartWidget::showTopValues(const ColumnStats &stats, int maxBars)
{
    m_redraw = [this, stats, maxBars] { showTopValues(stats, maxBars); };
    if (stats.topValues.empty() && stats.missing == 0) {
        showMessage(QStringLiteral("No values to draw."));
        m_redraw = [this, stats, maxBars] { showTopValues(stats, maxBars); };
        return;
    }
    reset(QStringLiteral("top values"));
    struct Bar { QString label; double count; bool missing; };
    std::vector<Bar> list;
    for (const ValueCount &vc : stats.topValues) {
        if (int(list.size()) >= maxBars)
            break;
        list.push_back({vc.value.isEmpty() ? QStringLiteral("(empty)") : vc.value, double(vc.count), false});
    }
    if (stats.missing > 0)
        list.push_back({QStringLiteral("(missing)"), double(stats.missing), true});

    const double total = double(stats.count + stats.missing);
    auto ticker = QSharedPointer<QCPAxisTickerText>(new QCPAxisTickerText);
    QVector<double> keys, values, missingKeys, missingValues;
    double top = 0;
    const int n = int(list.size());
    for (int i = 0; i < n; ++i) {
        const double key = n - i;  // the most frequent value on top
        ticker->addTick(key, elided(list[size_t(i)].label, 22));
        (list[size_t(i)].missing ? missingKeys : keys) << key;
        (list[size_t(i)].missing ? missingValues : values) << list[size_t(i)].count;
        top = std::max(top, list[size_t(i)].count);
    }
    const QColor color = fmt::badgeColor(stats.type);
    auto *bars = new QCPBars(yAxis, xAxis);
    bars->setData(keys, values, true);
    bars->setWidth(0.7);
    bars->setPen(Qt::NoPen);
    bars->setBrush(QColor(color.red(), color.green(), color.blue(), 200));
    if (!missingKeys.isEmpty()) {
        auto *missing = new QCPBars(yAxis, xAxis);
        missing->setData(missingKeys, missingValues, true);
        missing->setWidth(0.7);
        missing->setPen(Qt::NoPen);
        missing->setBrush(QColor(0xc4, 0xc8, 0xce));
    }
    for (int i = 0; i < n; ++i) {
        auto *label = new QCPItemText(this);
        label->position->setCoords(list[size_t(i)].count, n - i);
        label->setPositionAlignment(Qt::AlignLeft | Qt::AlignVCenter);
        label->setPadding(QMargins(6, 0, 0, 0));
        QString text = fmt::count(qint64(list[size_t(i)].count));
        if (total > 0)
            text += QStringLiteral("  (%1)").arg(fmt::percent(list[size_t(i)].count / total));
        label->setText(text);
        label->setFont(baseFont(0.85));
        label->setColor(kText());
        label->setClipToAxisRect(false);
    }
    styleAxis(yAxis, QString());
    styleAxis(xAxis, QStringLiteral("Rows"));
    yAxis->setTicker(ticker);
    yAxis->grid()->setVisible(false);
    yAxis->setTickPen(Qt::NoPen);
    yAxis->setRange(0.4, n + 0.6);
    // Leave room on the right for the count labels.
    xAxis->setRange(0, top * 1.45 + 1);
    replot();
}

void ChartWidget::showCorrelation(const CorrelationMatrix &matrix, const QString &legend)
{
    m_redraw = [this, matrix, legend] { showCorrelation(matrix, legend); };
    const int n = int(matrix.columns.size());
    if (n < 2) {
        showMessage(QStringLiteral("Correlations need at least two number columns."));
        m_redraw = [this, matrix, legend] { showCorrelation(matrix, legend); };
        return;
    }
    reset(QStringLiteral("correlation"));
    auto *map = new QCPColorMap(xAxis, yAxis);
    map->data()->setSize(n, n);
    map->data()->setRange(QCPRange(0, n - 1), QCPRange(0, n - 1));
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
            map->data()->setCell(i, j, matrix.at(i, j));
    QCPColorGradient gradient;
    gradient.setColorStopAt(0.0, QColor(0x2f, 0x6f, 0xde));
    gradient.setColorStopAt(0.5, QColor(0xf7, 0xf7, 0xf7));
    gradient.setColorStopAt(1.0, QColor(0xd6, 0x45, 0x3d));
    gradient.setNanHandling(QCPColorGradient::nhNanColor);
    gradient.setNanColor(QColor(0xe6, 0xe8, 0xeb));
    map->setGradient(gradient);
    map->setDataRange(QCPRange(-1, 1));
    map->setInterpolate(false);

    auto *scale = new QCPColorScale(this);
    plotLayout()->addElement(0, 1, scale);
    scale->setType(QCPAxis::atRight);
    scale->setDataRange(QCPRange(-1, 1));
    scale->setGradient(gradient);
    scale->setBarWidth(14);
    scale->axis()->setLabel(legend);
    scale->axis()->setLabelFont(baseFont(1.0));
    scale->axis()->setTickLabelFont(baseFont(0.9));
    scale->axis()->setLabelColor(kText());
    scale->axis()->setTickLabelColor(kText());
    scale->axis()->setBasePen(QPen(kMuted()));
    scale->axis()->setTickPen(QPen(kMuted()));
    scale->axis()->setSubTickPen(QPen(kMuted()));
    map->setColorScale(scale);
    auto *group = new QCPMarginGroup(this);
    axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, group);
    scale->setMarginGroup(QCP::msBottom | QCP::msTop, group);

    auto xTicker = QSharedPointer<QCPAxisTickerText>(new QCPAxisTickerText);
    auto yTicker = QSharedPointer<QCPAxisTickerText>(new QCPAxisTickerText);
    for (int i = 0; i < n; ++i) {
        xTicker->addTick(i, elided(matrix.columns[i], 18));
        yTicker->addTick(i, elided(matrix.columns[i], 18));
    }
    styleAxis(xAxis, QString());
    styleAxis(yAxis, QString());
    xAxis->setTicker(xTicker);
    yAxis->setTicker(yTicker);
    xAxis->setTickLabelRotation(n > 2 ? 35 : 0);
    xAxis->grid()->setVisible(false);
    yAxis->grid()->setVisible(false);
    xAxis->setTickPen(Qt::NoPen);
    yAxis->setTickPen(Qt::NoPen);
    xAxis->setBasePen(Qt::NoPen);
    yAxis->setBasePen(Qt::NoPen);
    xAxis->setRange(-0.5, n - 0.5);
    yAxis->setRange(-0.5, n - 0.5);
    yAxis->setRangeReversed(true);  // first column at the top, like a table

    if (n <= 14) {
        for (int i = 0; i < n; ++i) {
            for (int j = 0; j < n; ++j) {
                const double r = matrix.at(i, j);
                auto *text = new QCPItemText(this);
                text->position->setCoords(i, j);
                text->setText(std::isnan(r) ? QStringLiteral("—") : QLocale::system().toString(r, 'f', 2));
                text->setFont(baseFont(n > 9 ? 0.75 : 0.9));
                text->setColor(std::fabs(r) > 0.6 ? Qt::white : kCellText);
            }
        }
    }
    replot();
}

void ChartWidget::contextMenuEvent(QContextMenuEvent *event)
{
    if (m_kind.isEmpty() || m_kind == QLatin1String("message"))
        return;
    QMenu menu(this);
    if (isZoomable()) {
        menu.addAction(QStringLiteral("Reset zoom"), this, [this] { resetView(); });
        menu.addSeparator();
    }
    menu.addAction(QStringLiteral("Save as PNG…"), this, [this] { saveAs(QStringLiteral("png")); });
    menu.addAction(QStringLiteral("Save as SVG…"), this, [this] { saveAs(QStringLiteral("svg")); });
    menu.addAction(QStringLiteral("Save as PDF…"), this, [this] { saveAs(QStringLiteral("pdf")); });
    menu.exec(event->globalPos());
}

bool ChartWidget::saveTo(const QString &path)
{
    if (path.endsWith(QLatin1String(".pdf"), Qt::CaseInsensitive))
        return savePdf(path);
    if (path.endsWith(QLatin1String(".svg"), Qt::CaseInsensitive))
        return saveSvg(path);
    return savePng(path, 0, 0, 2.0);
}

bool ChartWidget::saveSvg(const QString &path)
{
    const int w = std::max(1, width()), h = std::max(1, height());
    QSvgGenerator generator;
    generator.setFileName(path);
    generator.setSize(QSize(w, h));
    generator.setViewBox(QRect(0, 0, w, h));
    generator.setTitle(m_suggestedName.isEmpty() ? QStringLiteral("Easel chart") : m_suggestedName);
    generator.setDescription(QStringLiteral("A chart saved from Easel"));
    QCPPainter painter;
    if (!painter.begin(&generator))
        return false;
    toPainter(&painter, w, h);
    painter.end();
    return QFileInfo(path).size() > 0;
}

void ChartWidget::saveAs(const QString &format)
{
    QString name = m_suggestedName.isEmpty() ? QStringLiteral("chart") : m_suggestedName;
    name.replace(QRegularExpression(QStringLiteral("[^\\w\\- ]")), QStringLiteral("_"));
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::PicturesLocation);
    const QString filter = format == QLatin1String("pdf")   ? QStringLiteral("PDF document (*.pdf)")
                           : format == QLatin1String("svg") ? QStringLiteral("SVG drawing (*.svg)")
                                                            : QStringLiteral("PNG image (*.png)");
    QString path = QFileDialog::getSaveFileName(this, QStringLiteral("Save chart"),
                                                dir + QLatin1Char('/') + name + QLatin1Char('.') + format, filter);
    if (path.isEmpty())
        return;
    if (!path.endsWith(QLatin1Char('.') + format, Qt::CaseInsensitive))
        path += QLatin1Char('.') + format;
    if (!saveTo(path))
        QMessageBox::warning(this, QStringLiteral("Couldn't save the chart"),
                             QStringLiteral("Easel could not write %1. Choose a folder you can write to and try again.")
                                 .arg(QDir::toNativeSeparators(path)));
}

} // namespace easel
