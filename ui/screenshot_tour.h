#pragma once

#include <QObject>
#include <QString>

#include <functional>

namespace easel {

class MainWindow;

//! Walks the studio through its pages and saves a PNG of each into a folder,
//! then quits: the empty data sets page, the penguins (or given) data set with
//! a number column and a category column selected, the correlations, the
//! presentation mode and the filled data sets page; then the Build page with
//! its preview, a build in progress, the model page (penguins species, then an
//! abalone Rings regression), both Predict tabs, and the model, predict and data
//! set pages in the dark appearance. Used by scripts/screenshots.sh
//! through the hidden option `easel --screenshot-dir DIR [FILE]`. The window is
//! EASEL_SCREENSHOT_SIZE (WxH, default 1400x900) and, with
//! EASEL_SCREENSHOT_PRESENTATION=1, in presentation mode throughout.
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
    //! The Build, Models and Predict pages (after the data pages).
    void studioTour();
    //! Calls then() once ready() holds (polled), or fails after timeoutMs.
    void waitFor(std::function<bool()> ready, int timeoutMs, const QString &what, std::function<void()> then);
    //! A quick build, the model page and both Predict tabs.
    void buildTour();
    //! The model, predict and data set pages again in the dark appearance.
    void darkTour();
    void regressionTour();
    void finish();

    MainWindow *m_window;
    QString m_directory;
    QString m_csvPath;
    int m_failures = 0;
    bool m_presentation = false;  //!< EASEL_SCREENSHOT_PRESENTATION: the whole tour in presentation mode
};

} // namespace easel
