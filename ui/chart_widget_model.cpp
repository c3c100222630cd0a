// The Build, Models and Predict pages' charts: bars, contributions, the
// confusion matrix, ROC / precision–recall curves, predicted vs actual,
// residuals and the build's score timeline.
#include "chart_widget.h"
#include "theme.h"

#include "format.h"

#include <QLocale>

#include <algorithm>
#include <cmath>

namespace easel {

namespace {
QColor kText() { return chartColors().text; }
QColor kMuted() { return chartColors().muted; }
QColor kPlate() { QColor c = chartColors().background; c.setAlpha(220); return c; }
const QColor kCellText(0x33, 0x37, 0x3d);  // on the heat map's light cells, in both appearances
const QColor kBlue(0x2f, 0x6f, 0xde);
const QColor kOrange(0xe0, 0x7b, 0x22);

QString elided(const QString &s, int max)
{
    return s.size() <= max ? s : s.left(max - 1) + QStringLiteral("…");
}

QCPRange paddedRange(double lo, double hi)
{
    if (!std::isfinite(lo) || !std::isfinite(hi))
        return QCPRange(0, 1);
    const double pad = hi > lo ? (hi - lo) * 0.05 : std::max(1.0, std::fabs(lo) * 0.1);
    return QCPRange(lo - pad, hi + pad);
}
} // namespace

void ChartWidget::showBars(const std::vector<Bar> &list, const QString &axisLabel, double maxValue,
                           const QString &kind)
{
    m_redraw = [this, list, axisLabel, maxValue, kind] { showBars(list, axisLabel, maxValue, kind); };
    if (list.empty()) {
        showMessage(QStringLiteral("Nothing to show yet."));
        m_redraw = [this, list, axisLabel, maxValue, kind] { showBars(list, axisLabel, maxValue, kind); };
        return;
    }
    reset(kind);
    auto ticker = QSharedPointer<QCPAxisTickerText>(new QCPAxisTickerText);
    const int n = int(list.size());
    double top = maxValue;
    for (int i = 0; i < n; ++i) {
        const Bar &b = list[size_t(i)];
        const double key = n - i;
        ticker->addTick(key, elided(b.label, 24));
        auto *bars = new QCPBars(yAxis, xAxis);
        bars->setData(QVector<double>{key}, QVector<double>{std::max(0.0, b.value)}, true);
        bars->setWidth(0.68);
        bars->setPen(Qt::NoPen);
        const QColor c = b.color.isValid() ? b.color : kBlue;
        bars->setBrush(QColor(c.red(), c.green(), c.blue(), 210));
        top = std::max(top, b.value);
        auto *label = new QCPItemText(this);
        label->position->setCoords(std::max(0.0, b.value), key);
        label->setPositionAlignment(Qt::AlignLeft | Qt::AlignVCenter);
        label->setPadding(QMargins(6, 0, 0, 0));
        label->setText(b.text);
        label->setFont(baseFont(0.85));
        label->setColor(kText());
        label->setClipToAxisRect(false);
    }
    styleAxis(yAxis, QString());
    styleAxis(xAxis, axisLabel);
    yAxis->setTicker(ticker);
    yAxis->grid()->setVisible(false);
    yAxis->setTickPen(Qt::NoPen);
    yAxis->setRange(0.4, n + 0.6);
    xAxis->setRange(0, (top > 0 ? top : 1) * 1.28);  // room for the value labels
    if (maxValue > 0 && top <= maxValue) {
        // A bounded scale (percentages): no ticks past its end in that room.
        auto xTicker = QSharedPointer<QCPAxisTickerText>(new QCPAxisTickerText);
        for (int i = 0; i <= 4; ++i)
            xTicker->addTick(maxValue * i / 4, QLocale().toString(maxValue * i / 4, 'g', 4));
        xAxis->setTicker(xTicker);
    }
    replot();
}

void ChartWidget::showContributions(const QStringList &labels, const std::vector<double> &values,
                                    const QStringList &texts, const QString &axisLabel)
{
    m_redraw = [this, labels, values, texts, axisLabel] { showContributions(labels, values, texts, axisLabel); };
    if (labels.isEmpty() || values.size() != size_t(labels.size())) {
        showMessage(QStringLiteral("No explanation for this prediction."));
        m_redraw = [this, labels, values, texts, axisLabel] { showContributions(labels, values, texts, axisLabel); };
        return;
    }
    reset(QStringLiteral("contributions"));
    const int n = int(labels.size());
    auto ticker = QSharedPointer<QCPAxisTickerText>(new QCPAxisTickerText);
    QVector<double> upKeys, upValues, downKeys, downValues;
    double extent = 0;
    for (int i = 0; i < n; ++i) {
        const double key = n - i;
        ticker->addTick(key, elided(labels[i], 26));
        (values[size_t(i)] >= 0 ? upKeys : downKeys) << key;
        (values[size_t(i)] >= 0 ? upValues : downValues) << values[size_t(i)];
        extent = std::max(extent, std::fabs(values[size_t(i)]));
    }
    if (extent <= 0)
        extent = 1;
    const auto addBars = [&](const QVector<double> &keys, const QVector<double> &vals, const QColor &c) {
        if (keys.isEmpty())
            return;
        auto *bars = new QCPBars(yAxis, xAxis);
        bars->setData(keys, vals, true);
        bars->setWidth(0.66);
        bars->setPen(Qt::NoPen);
        bars->setBrush(QColor(c.red(), c.green(), c.blue(), 215));
    };
    addBars(upKeys, upValues, kOrange);
    addBars(downKeys, downValues, kBlue);
    for (int i = 0; i < n; ++i) {
        const double v = values[size_t(i)];
        auto *label = new QCPItemText(this);
        label->position->setCoords(v, n - i);
        label->setPositionAlignment((v >= 0 ? Qt::AlignLeft : Qt::AlignRight) | Qt::AlignVCenter);
        label->setPadding(v >= 0 ? QMargins(5, 0, 0, 0) : QMargins(0, 0, 5, 0));
        label->setText(texts.value(i));
        label->setFont(baseFont(0.82));
        label->setColor(kText());
        label->setClipToAxisRect(false);
    }
    auto *zero = new QCPItemStraightLine(this);
    zero->point1->setCoords(0, 0);
    zero->point2->setCoords(0, 1);
    zero->setPen(QPen(kMuted(), 1));
    styleAxis(yAxis, QString());
    styleAxis(xAxis, axisLabel);
    yAxis->setTicker(ticker);
    yAxis->grid()->setVisible(false);
    yAxis->setTickPen(Qt::NoPen);
    yAxis->setRange(0.4, n + 0.6);
    xAxis->setRange(-extent * 1.5, extent * 1.5);
    replot();
}

void ChartWidget::showConfusion(const QStringList &labels, const std::vector<std::vector<qint64>> &matrix)
{
    m_redraw = [this, labels, matrix] { showConfusion(labels, matrix); };
    const int k = int(matrix.size());
    if (k < 2 || labels.size() < k) {
        showMessage(QStringLiteral("No validation predictions in this model."));
        m_redraw = [this, labels, matrix] { showConfusion(labels, matrix); };
        return;
    }
    reset(QStringLiteral("confusion"));
    auto *map = new QCPColorMap(xAxis, yAxis);
    map->data()->setSize(k, k);
    map->data()->setRange(QCPRange(0, k - 1), QCPRange(0, k - 1));
    // Colour by the share of the actual class (row), so rare classes read as clearly as common ones.
    for (int a = 0; a < k; ++a) {
        qint64 total = 0;
        for (qint64 c : matrix[size_t(a)])
            total += c;
        for (int p = 0; p < k; ++p)
            map->data()->setCell(p, a, total > 0 ? double(matrix[size_t(a)][size_t(p)]) / double(total) : 0.0);
    }
    // From the card's own background (so empty cells do not glare in the dark) to blue.
    const bool dark = isDark();
    QCPColorGradient gradient;
    gradient.setColorStopAt(0.0, dark ? QColor(0x2b, 0x31, 0x3c) : QColor(0xf7, 0xf9, 0xfc));
    gradient.setColorStopAt(1.0, dark ? QColor(0x2f, 0x6f, 0xde) : QColor(0x1d, 0x4f, 0xa8));
    map->setGradient(gradient);
    map->setDataRange(QCPRange(0, 1));
    map->setInterpolate(false);
    auto xTicker = QSharedPointer<QCPAxisTickerText>(new QCPAxisTickerText);
    auto yTicker = QSharedPointer<QCPAxisTickerText>(new QCPAxisTickerText);
    for (int i = 0; i < k; ++i) {
        xTicker->addTick(i, elided(labels[i], 16));
        yTicker->addTick(i, elided(labels[i], 16));
    }
    styleAxis(xAxis, QStringLiteral("Predicted"));
    styleAxis(yAxis, QStringLiteral("Actual"));
    xAxis->setTicker(xTicker);
    yAxis->setTicker(yTicker);
    for (QCPAxis *axis : {xAxis, yAxis}) {
        axis->grid()->setVisible(false);
        axis->setTickPen(Qt::NoPen);
        axis->setBasePen(Qt::NoPen);
    }
    xAxis->setTickLabelRotation(k > 4 ? 30 : 0);
    xAxis->setRange(-0.5, k - 0.5);
    yAxis->setRange(-0.5, k - 0.5);
    yAxis->setRangeReversed(true);
    if (k <= 16) {
        for (int a = 0; a < k; ++a) {
            qint64 total = 0;
            for (qint64 c : matrix[size_t(a)])
                total += c;
            for (int p = 0; p < k; ++p) {
                const qint64 count = matrix[size_t(a)][size_t(p)];
                const double share = total > 0 ? double(count) / double(total) : 0;
                auto *text = new QCPItemText(this);
                text->position->setCoords(p, a);
                text->setText(fmt::count(count));
                text->setFont(baseFont(k > 8 ? 0.75 : 1.0));
                text->setColor(share > 0.55 || dark ? QColor(Qt::white) : kCellText);
            }
        }
    }
    replot();
}

void ChartWidget::showCurve(const std::vector<double> &x, const std::vector<double> &y, const QString &xLabel,
                            const QString &yLabel, const QString &kind, const QString &note, double reference)
{
    m_redraw = [this, x, y, xLabel, yLabel, kind, note, reference] {
        showCurve(x, y, xLabel, yLabel, kind, note, reference);
    };
    if (x.size() < 2 || x.size() != y.size()) {
        showMessage(QStringLiteral("Not enough validation predictions to draw this curve."));
        m_redraw = [this, x, y, xLabel, yLabel, kind, note, reference] {
            showCurve(x, y, xLabel, yLabel, kind, note, reference);
        };
        return;
    }
    reset(kind);
    auto *curve = new QCPCurve(xAxis, yAxis);
    QVector<double> xs(x.begin(), x.end()), ys(y.begin(), y.end());
    curve->setData(xs, ys);
    curve->setPen(QPen(kBlue, 2.2));
    curve->setBrush(QColor(0x2f, 0x6f, 0xde, 28));
    auto *ref = new QCPItemLine(this);
    if (reference < 0) {
        ref->start->setCoords(0, 0);
        ref->end->setCoords(1, 1);
    } else {
        ref->start->setCoords(0, reference);
        ref->end->setCoords(1, reference);
    }
    ref->setPen(QPen(kMuted(), 1.2, Qt::DashLine));
    styleAxis(xAxis, xLabel);
    styleAxis(yAxis, yLabel);
    xAxis->setRange(-0.01, 1.01);
    yAxis->setRange(-0.01, 1.04);
    if (!note.isEmpty()) {
        auto *text = new QCPItemText(this);
        text->position->setType(QCPItemPosition::ptAxisRectRatio);
        text->position->setCoords(0.97, 0.94);
        text->setPositionAlignment(Qt::AlignRight | Qt::AlignBottom);
        text->setText(note);
        text->setFont(baseFont(0.9));
        text->setColor(kText());
        text->setBrush(kPlate());
        text->setPadding(QMargins(6, 3, 6, 3));
    }
    replot();
}

void ChartWidget::showPredictedVsActual(const std::vector<float> &actual, const std::vector<float> &predicted,
                                        const QString &target)
{
    m_redraw = [this, actual, predicted, target] { showPredictedVsActual(actual, predicted, target); };
    const size_t n = std::min(actual.size(), predicted.size());
    if (n == 0) {
        showMessage(QStringLiteral("No validation predictions in this model."));
        m_redraw = [this, actual, predicted, target] { showPredictedVsActual(actual, predicted, target); };
        return;
    }
    reset(QStringLiteral("predicted vs actual"));
    QVector<double> xs, ys;
    double lo = INFINITY, hi = -INFINITY;
    const size_t step = std::max<size_t>(1, n / 5000);  // at most ~5 000 dots
    for (size_t i = 0; i < n; i += step) {
        if (!std::isfinite(actual[i]) || !std::isfinite(predicted[i]))
            continue;
        xs << actual[i];
        ys << predicted[i];
        lo = std::min({lo, double(actual[i]), double(predicted[i])});
        hi = std::max({hi, double(actual[i]), double(predicted[i])});
    }
    auto *graph = addGraph();
    graph->setData(xs, ys);
    graph->setLineStyle(QCPGraph::lsNone);
    graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(0x2f, 0x6f, 0xde, 110), 5));
    graph->setAdaptiveSampling(false);
    auto *diagonal = new QCPItemStraightLine(this);
    diagonal->point1->setCoords(lo, lo);
    diagonal->point2->setCoords(hi, hi);
    diagonal->setPen(QPen(kOrange, 1.4, Qt::DashLine));
    auto *note = new QCPItemText(this);
    note->position->setType(QCPItemPosition::ptAxisRectRatio);
    note->position->setCoords(0.03, 0.04);
    note->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
    note->setText(QStringLiteral("dashed line: a perfect prediction"));
    note->setFont(baseFont(0.85));
    note->setColor(kMuted());
    styleAxis(xAxis, QStringLiteral("Actual %1").arg(target));
    styleAxis(yAxis, QStringLiteral("Predicted %1").arg(target));
    const QCPRange range = paddedRange(lo, hi);
    xAxis->setRange(range);
    yAxis->setRange(range);
    replot();
}

void ChartWidget::showResiduals(const std::vector<float> &actual, const std::vector<float> &predicted,
                                const QString &target)
{
    m_redraw = [this, actual, predicted, target] { showResiduals(actual, predicted, target); };
    std::vector<double> residuals;
    for (size_t i = 0; i < std::min(actual.size(), predicted.size()); ++i)
        if (std::isfinite(actual[i]) && std::isfinite(predicted[i]))
            residuals.push_back(double(actual[i]) - double(predicted[i]));
    if (residuals.size() < 2) {
        showMessage(QStringLiteral("No validation predictions in this model."));
        m_redraw = [this, actual, predicted, target] { showResiduals(actual, predicted, target); };
        return;
    }
    reset(QStringLiteral("residuals"));
    std::vector<double> sorted = residuals;
    std::sort(sorted.begin(), sorted.end());
    // Trim the extreme 0.5 % each side so one wild miss doesn't squash the rest.
    const double lo = sorted[size_t(double(sorted.size() - 1) * 0.005)];
    const double hi = sorted[size_t(double(sorted.size() - 1) * 0.995)];
    const int bins = std::clamp(int(std::sqrt(double(residuals.size()))), 10, 40);
    const double width = hi > lo ? (hi - lo) / bins : 1.0;
    QVector<double> keys(bins), counts(bins, 0);
    for (int b = 0; b < bins; ++b)
        keys[b] = lo + width * (b + 0.5);
    for (double r : residuals) {
        const int b = std::clamp(int((r - lo) / width), 0, bins - 1);
        counts[b] += 1;
    }
    auto *bars = new QCPBars(xAxis, yAxis);
    bars->setData(keys, counts, true);
    bars->setWidth(width * 0.92);
    bars->setPen(Qt::NoPen);
    bars->setBrush(QColor(0x2f, 0x6f, 0xde, 200));
    auto *zero = new QCPItemStraightLine(this);
    zero->point1->setCoords(0, 0);
    zero->point2->setCoords(0, 1);
    zero->setPen(QPen(kOrange, 1.4, Qt::DashLine));
    styleAxis(xAxis, QStringLiteral("Actual − predicted %1").arg(target));
    styleAxis(yAxis, QStringLiteral("Rows"));
    xAxis->grid()->setVisible(false);
    xAxis->setRange(std::min(lo, -width) - width, std::max(hi, width) + width);
    yAxis->setRange(0, *std::max_element(counts.begin(), counts.end()) * 1.15 + 1);
    replot();
}

void ChartWidget::showScoreTimeline(const std::vector<QPointF> &trials, const std::vector<QPointF> &best,
                                    const QString &metricLabel, double seconds)
{
    m_redraw = [this, trials, best, metricLabel, seconds] { showScoreTimeline(trials, best, metricLabel, seconds); };
    if (trials.empty() && best.empty()) {
        showMessage(QStringLiteral("The best score so far appears here when the first candidate finishes."));
        m_redraw = [this, trials, best, metricLabel, seconds] {
            showScoreTimeline(trials, best, metricLabel, seconds);
        };
        return;
    }
    reset(QStringLiteral("score timeline"));
    double lo = INFINITY, hi = -INFINITY, end = seconds;
    QVector<double> tx, ty;
    for (const QPointF &p : trials) {
        if (!std::isfinite(p.y()))
            continue;
        tx << p.x();
        ty << p.y();
        lo = std::min(lo, p.y());
        hi = std::max(hi, p.y());
        end = std::max(end, p.x());
    }
    QVector<double> bx, by;
    for (const QPointF &p : best) {
        if (!std::isfinite(p.y()))
            continue;
        bx << p.x();
        by << p.y();
        lo = std::min(lo, p.y());
        hi = std::max(hi, p.y());
        end = std::max(end, p.x());
    }
    if (!by.isEmpty()) {  // carry the best score on to now
        bx << end;
        by << by.back();
    }
    auto *dots = addGraph();
    dots->setData(tx, ty);
    dots->setLineStyle(QCPGraph::lsNone);
    dots->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(0x8a, 0x90, 0x99, 170), 7));
    dots->setName(QStringLiteral("each candidate"));
    auto *line = addGraph();
    line->setData(bx, by);
    line->setLineStyle(QCPGraph::lsStepLeft);
    line->setPen(QPen(kBlue, 2.4));
    line->setName(QStringLiteral("best so far"));
    styleAxis(xAxis, QStringLiteral("Seconds since the build started"));
    styleAxis(yAxis, metricLabel);
    xAxis->setRange(0, std::max(1.0, end) * 1.04);
    yAxis->setRange(paddedRange(lo, hi));
    legend->setVisible(true);
    legend->setFont(baseFont(0.85));
    legend->setBorderPen(Qt::NoPen);
    legend->setBrush(kPlate());
    legend->setTextColor(kText());
    // The legend goes where the best-so-far line isn't.
    const bool lineHigh = !by.isEmpty() && by.back() > (yAxis->range().lower + yAxis->range().upper) / 2;
    axisRect()->insetLayout()->setInsetAlignment(0, (lineHigh ? Qt::AlignBottom : Qt::AlignTop) | Qt::AlignRight);
    replot();
}

void ChartWidget::showTrainingCurve(const std::vector<double> &loss, const QString &candidate)
{
    m_redraw = [this, loss, candidate] { showTrainingCurve(loss, candidate); };
    QVector<double> x, y;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < loss.size(); ++i) {
        if (!std::isfinite(loss[i]))
            continue;
        x << double(i + 1);
        y << loss[i];
        lo = std::min(lo, loss[i]);
        hi = std::max(hi, loss[i]);
    }
    if (x.size() < 2) {
        showMessage(QStringLiteral("A candidate's training curve appears here when one that trains in rounds finishes."));
        m_redraw = [this, loss, candidate] { showTrainingCurve(loss, candidate); };
        return;
    }
    reset(QStringLiteral("training curve"));
    auto *line = addGraph();
    line->setData(x, y);
    line->setPen(QPen(kBlue, 2.0));
    styleAxis(xAxis, QStringLiteral("Training step of %1 (round, epoch or iteration)").arg(candidate));
    styleAxis(yAxis, QStringLiteral("Held-out loss"));
    xAxis->setRange(1, std::max(2.0, x.back()));
    yAxis->setRange(paddedRange(lo, hi));
    replot();
}

} // namespace easel
