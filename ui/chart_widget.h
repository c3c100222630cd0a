#pragma once

#include "stats/column_stats.h"
#include "stats/correlation.h"

#include <qcustomplot.h>

namespace easel {

//! A QCustomPlot that draws one of the data page's charts, with labelled axes,
//! fonts that follow the application font (presentation mode makes them
//! bigger), and a right-click menu to save it as PNG, SVG or PDF.
class ChartWidget : public QCustomPlot
{
    Q_OBJECT
public:
    explicit ChartWidget(QWidget *parent = nullptr);

    //! Bars over ColumnStats::histogram (numeric and date columns), with the median marked.
    void showHistogram(const ColumnStats &stats);
    //! Horizontal bars of the most frequent values (categorical, yes/no, text), missing in grey.
    void showTopValues(const ColumnStats &stats, int maxBars = 12);
    //! A heat map of a correlation matrix, blue (−1) to white (0) to red (+1), names on both axes.
    void showCorrelation(const CorrelationMatrix &matrix, const QString &legend);
    // The model pages' charts (chart_widget_model.cpp).
    struct Bar
    {
        QString label;
        double value = 0;
        QString text;      //!< shown right of the bar ("41 %")
        QColor color;      //!< invalid: the default blue
    };
    //! Horizontal bars, the first on top, each with its text on the right.
    void showBars(const std::vector<Bar> &bars, const QString &axisLabel, double maxValue = 0,
                  const QString &kind = QStringLiteral("bars"));
    //! Diverging horizontal bars around 0 (a prediction taken apart by column):
    //! orange pushes up, blue pushes down; texts beside the bars.
    void showContributions(const QStringList &labels, const std::vector<double> &values, const QStringList &texts,
                           const QString &axisLabel);
    //! A confusion matrix heat map: actual down the side, predicted along the bottom, counts in the cells.
    void showConfusion(const QStringList &labels, const std::vector<std::vector<qint64>> &matrix);
    //! A curve in the unit square (ROC, precision–recall) with a dashed reference:
    //! the diagonal when reference < 0, a horizontal line at reference otherwise.
    void showCurve(const std::vector<double> &x, const std::vector<double> &y, const QString &xLabel,
                   const QString &yLabel, const QString &kind, const QString &note, double reference);
    //! Predicted against actual values with the "perfect" diagonal.
    void showPredictedVsActual(const std::vector<float> &actual, const std::vector<float> &predicted,
                               const QString &target);
    //! Histogram of actual − predicted.
    void showResiduals(const std::vector<float> &actual, const std::vector<float> &predicted, const QString &target);
    //! Build progress: each finished candidate's score as a dot and the best so far as a step line.
    void showScoreTimeline(const std::vector<QPointF> &trials, const std::vector<QPointF> &best,
                           const QString &metricLabel, double seconds);

    //! A candidate's training curve: its validation loss per boosting round or epoch.
    void showTrainingCurve(const std::vector<double> &loss, const QString &candidate);

    //! Nothing to draw: a centred sentence instead.
    void showMessage(const QString &message);

    //! What the chart currently shows, for tests and the save dialog ("histogram", "top values", …).
    QString kind() const { return m_kind; }
    //! A file name suggestion for saving ("body_mass_g histogram").
    void setSuggestedName(const QString &name) { m_suggestedName = name; }

    //! Saves by the file's extension: PNG at twice the screen resolution, SVG
    //! (through QSvgGenerator) or PDF; false on failure.
    bool saveTo(const QString &path);

    //! Whether the chart zooms and pans (scatter, curves, histograms, timelines).
    bool isZoomable() const;
    //! Back to the view the chart was drawn with.
    void resetView();

protected:
    void contextMenuEvent(QContextMenuEvent *event) override;
    void changeEvent(QEvent *event) override;
    //! Follows the screen's device pixel ratio (a window moved from a laptop's
    //! HiDPI screen to a projector, or back): the chart is redrawn at the new one.
    bool event(QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;
    //! Ctrl+wheel zooms a zoomable chart; a plain wheel scrolls the page around it.
    void wheelEvent(QWheelEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;

private:
    void reset(const QString &kind);
    void styleAxis(QCPAxis *axis, const QString &label);
    QFont baseFont(double scale = 1.0) const;
    void saveAs(const QString &format);
    bool saveSvg(const QString &path);
    QColor backgroundColour() const;
    //! Draws into buffers at the widget's current device pixel ratio; true if it changed.
    bool followPixelRatio();

    QString m_kind;
    QString m_suggestedName;
    bool m_homeSaved = false;
    QCPRange m_homeX, m_homeY;
    std::function<void()> m_redraw;  //!< re-runs the last show…() when fonts change
};

} // namespace easel
