// The studio on a HiDPI screen (QT_SCALE_FACTOR=2, offscreen): charts are drawn
// at the screen's device pixel ratio, not at 1× and scaled up, and follow it
// when it changes (a window moved between a laptop and a projector).
#include "chart_widget.h"
#include "theme.h"

#include <QApplication>
#include <QTest>

#include <memory>

using namespace easel;

class TestHiDpi : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void chartsDrawAtTheScreensPixelRatio();
    void chartsFollowAChangedPixelRatio();
};

void TestHiDpi::initTestCase()
{
    QCOMPARE(qApp->devicePixelRatio(), 2.0);
    applyTheme(*qApp);
}

void TestHiDpi::chartsDrawAtTheScreensPixelRatio()
{
    ChartWidget chart;
    chart.resize(400, 300);
    chart.showBars({{QStringLiteral("a"), 3, QStringLiteral("3"), {}}, {QStringLiteral("b"), 5, QStringLiteral("5"), {}}},
                   QStringLiteral("count"));
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    QCOMPARE(chart.devicePixelRatioF(), 2.0);
    QCOMPARE(chart.bufferDevicePixelRatio(), 2.0);
    const QImage image = chart.grab().toImage();
    QCOMPARE(image.devicePixelRatio(), 2.0);
    QCOMPARE(image.size(), QSize(800, 600));
}

void TestHiDpi::chartsFollowAChangedPixelRatio()
{
    ChartWidget chart;
    chart.resize(300, 200);
    chart.showMessage(QStringLiteral("Nothing yet."));
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    // As if the chart had been made on a 1× screen and its window then moved to this one.
    chart.setBufferDevicePixelRatio(1.0);
    QEvent screenChange(QEvent::ScreenChangeInternal);
    QApplication::sendEvent(&chart, &screenChange);
    QCOMPARE(chart.bufferDevicePixelRatio(), 2.0);
    // A change nobody announced is caught when it next paints.
    chart.setBufferDevicePixelRatio(1.0);
    chart.repaint();
    QTRY_COMPARE(chart.bufferDevicePixelRatio(), 2.0);
}

int main(int argc, char *argv[])
{
    qputenv("QT_SCALE_FACTOR", "2");
    QApplication app(argc, argv);
    TestHiDpi test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_hidpi.moc"
