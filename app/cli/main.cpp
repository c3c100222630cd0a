// easel-cli: everything the studio does, headless.
#include "cli_commands.h"

#include "base/process_setup.h"

#include <easel/version.h>

#include <QCoreApplication>
#include <QTextStream>

#include <cstdio>

namespace {

void printUsage(FILE *out)
{
    std::fputs("Usage: easel-cli COMMAND [OPTIONS]\n"
               "\n"
               "Commands:\n"
               "  inspect FILE [--json]          Read a CSV and summarise every column\n"
               "  import FILE [--name NAME]      Add a CSV to the library\n"
               "  datasets [--json]              List the data sets in the library\n"
               "  build FILE --target COLUMN --out MODEL.easel\n"
               "                                 Train and compare models; save the best as a bundle\n"
               "  predict MODEL.easel FILE --out OUTPUT.csv\n"
               "                                 Predict every row of a CSV file\n"
               "  predict MODEL.easel --row JSON  Predict one row and explain it\n"
               "  explain MODEL.easel [--json]   Which columns drive the model\n"
               "  export MODEL.easel --format FORMAT --out PATH\n"
               "                                 xgboost, torchscript, python or report\n"
               "  serve MODEL.easel [--port N]   A local prediction endpoint over HTTP\n"
               "\n"
               "Options for every command:\n"
               "  --library PATH                 Use this library file (default: $EASEL_LIBRARY,\n"
               "                                 else the app-data folder)\n"
               "  --help, --version\n"
               "\n"
               "Run 'easel-cli COMMAND --help' for a command's own options.\n",
               out);
}

} // namespace

int main(int argc, char **argv)
{
    easel::applyRunTimeSettings(argv);
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("easel"));
    QCoreApplication::setApplicationName(QStringLiteral("easel"));
    QCoreApplication::setApplicationVersion(QStringLiteral(EASEL_VERSION_STRING));

    QStringList args = app.arguments().mid(1);
    if (args.isEmpty()) {
        printUsage(stderr);
        return easel::cli::ExitUsage;
    }
    const QString command = args.takeFirst();
    if (command == QLatin1String("--help") || command == QLatin1String("-h") || command == QLatin1String("help")) {
        printUsage(stdout);
        return easel::cli::ExitOk;
    }
    if (command == QLatin1String("--version")) {
        std::printf("easel-cli %s\n", EASEL_VERSION_STRING);
        return easel::cli::ExitOk;
    }
    if (command == QLatin1String("inspect") || command == QLatin1String("import"))
        easel::shareOneMallocArena();
    if (command == QLatin1String("inspect"))
        return easel::cli::runInspect(args);
    if (command == QLatin1String("import"))
        return easel::cli::runImport(args);
    if (command == QLatin1String("datasets"))
        return easel::cli::runDatasets(args);
    if (command == QLatin1String("build"))
        return easel::cli::runBuild(args);
    if (command == QLatin1String("predict"))
        return easel::cli::runPredict(args);
    if (command == QLatin1String("explain"))
        return easel::cli::runExplain(args);
    if (command == QLatin1String("export"))
        return easel::cli::runExport(args);
    if (command == QLatin1String("serve"))
        return easel::cli::runServe(args);

    std::fprintf(stderr, "easel-cli: unknown command '%s'.\n\n", qPrintable(command));
    printUsage(stderr);
    return easel::cli::ExitUsage;
}
