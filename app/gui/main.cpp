// easel — the desktop studio. Thin: parses the command line and shows the window.
#include "main_window.h"
#include "samples.h"
#include "screenshot_tour.h"
#include "theme.h"

#include "base/process_setup.h"

#include <easel/version.h>

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QIcon>
#include <QSettings>
#include <QTemporaryDir>

int main(int argc, char *argv[])
{
    easel::applyRunTimeSettings(argv);
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("easel"));
    QCoreApplication::setApplicationName(QStringLiteral("easel"));
    QCoreApplication::setApplicationVersion(QStringLiteral(EASEL_VERSION_STRING));
    QGuiApplication::setApplicationDisplayName(QStringLiteral("Easel"));
    QGuiApplication::setDesktopFileName(QStringLiteral("org.easel.Easel"));  // Wayland finds the icon by it
    // The theme's icon where one is installed, else the bundled SVG (scaled by Qt, never a 1× bitmap).
    QApplication::setWindowIcon(
        QIcon::fromTheme(QStringLiteral("org.easel.Easel"), QIcon(QStringLiteral(":/icons/org.easel.Easel.svg"))));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Easel: a no-code machine-learning studio for tabular data."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("A CSV file to import and open."),
                                 QStringLiteral("[FILE]"));
    const QCommandLineOption libraryOption(
        QStringLiteral("library"), QStringLiteral("Use the library at PATH (default: $EASEL_LIBRARY or the app-data folder)."),
        QStringLiteral("PATH"));
    QCommandLineOption screenshotOption(QStringLiteral("screenshot-dir"),
                                        QStringLiteral("Walk through the pages, save a PNG of each into DIR, quit."),
                                        QStringLiteral("DIR"));
    screenshotOption.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(libraryOption);
    parser.addOption(screenshotOption);
    parser.process(app);

    const QString screenshotDir = parser.value(screenshotOption);
    QTemporaryDir settingsDir;
    if (!screenshotDir.isEmpty())  // a tour neither reads nor changes the user's remembered layout
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settingsDir.path());

    easel::applyTheme(app);
    easel::MainWindow window(parser.value(libraryOption));
    const QStringList files = parser.positionalArguments();
    if (!screenshotDir.isEmpty()) {
        QString csv = files.value(0);
        if (csv.isEmpty())
            csv = easel::samplesDirectory() + QStringLiteral("/penguins.csv");
        window.show();  // the tour sizes it (EASEL_SCREENSHOT_SIZE)
        auto *tour = new easel::ScreenshotTour(&window, QDir(screenshotDir).absolutePath(), csv);
        tour->start();
        return app.exec();
    }
    window.show();
    for (const QString &file : files)
        window.importCsv(file);
    return app.exec();
}
