#pragma once

#include <QObject>
#include <QString>

namespace easel {

class MainWindow;

//! Walks the studio through its pages and saves a PNG of each into a folder,
//! then quits: the empty data sets page, the penguins (or given) data set with
//! a number column and a category column selected, the correlations, the
//! presentation mode and the filled data sets page. Used by scripts/screenshots.sh
//! through the hidden option `easel --screenshot-dir DIR [FILE]`.
class ScreenshotTour : public QObject
{
    Q_OBJECT
public:
    ScreenshotTour(MainWindow *window, const QString &directory, const QString &csvPath);
    //! Starts the tour; the application quits when it ends (exit code 1 on failure).
    void start();

private:
    void shoot(const QString &name);
    void fail(const QString &message);
    void afterOpened();
    QString firstColumn(bool numeric) const;

    MainWindow *m_window;
    QString m_directory;
    QString m_csvPath;
    int m_failures = 0;
};

} // namespace easel
