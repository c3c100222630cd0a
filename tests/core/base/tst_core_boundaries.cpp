// The core library must stay usable from the CLI, the worker and tests without
// a display: it links QtCore (and Sql, Concurrent) only. This test is built with
// QTEST_GUILESS_MAIN and checks at run time that no GUI module got linked in.
#include "base/result.h"
#include "base/task_context.h"

#include <QCoreApplication>
#include <QFile>
#include <QTest>

using namespace easel;

class TestCoreBoundaries : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void noGuiLibrariesLoaded()
    {
        QFile maps(QStringLiteral("/proc/self/maps"));
        QVERIFY(maps.open(QIODevice::ReadOnly));
        const QByteArray text = maps.readAll();
        QVERIFY(text.contains("libQt6Core"));
        QVERIFY2(!text.contains("libQt6Gui"), "core pulled in QtGui");
        QVERIFY2(!text.contains("libQt6Widgets"), "core pulled in QtWidgets");
        QVERIFY(qobject_cast<QCoreApplication *>(QCoreApplication::instance()));
    }

    void taskContextReportsAndCancels()
    {
        QList<double> seen;
        TaskContext ctx([&](double f, const QString &) { seen << f; });
        ctx.progress(0.25, QStringLiteral("a"));
        ctx.progress(2.0, QStringLiteral("b"));
        QCOMPARE(ctx.fraction(), 1.0);
        QCOMPARE(seen.size(), 2);
        QCOMPARE(seen.last(), 1.0);
        QVERIFY(!ctx.isCanceled());
        ctx.cancel();
        QVERIFY(ctx.isCanceled());
        QVERIFY(isCanceled(&ctx));
        QVERIFY(!isCanceled(nullptr));
    }

    void errorNamesFileLineColumn()
    {
        const Result<int> r = Result<int>::failure(ErrorCode::BadRow, QStringLiteral("has 3 fields"),
                                                   QStringLiteral("a.csv"), 12, 4);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().toString(), QStringLiteral("a.csv, line 12, column 4: has 3 fields"));
        const Result<int> good(7);
        QVERIFY(good.ok());
        QCOMPARE(*good, 7);
    }
};

QTEST_GUILESS_MAIN(TestCoreBoundaries)
#include "tst_core_boundaries.moc"
