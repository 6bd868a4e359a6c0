// resnext-explorer: the GUI when started without a subcommand, else the
// headless command line (no display needed).
#include "cli.h"
#include "language.h"
#include "mainwindow.h"
#include "snapshot.h"

#include <QApplication>
#include <QLocale>
#include <QSettings>

// The command line's figures (plot tick labels) stay English whatever LANG says;
// snapshot, which renders the window, installs the window's language itself.
static int runCommandLine(int argc, char **argv)
{
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    return cli::run(argc, argv, renderSnapshot);
}

int main(int argc, char **argv)
{
    if (argc > 1 && cli::isCommand(argv[1]))
        return runCommandLine(argc, argv);
    if (argc > 1 && std::string(argv[1]).rfind("--", 0) != 0 && !std::string(argv[1]).empty()) {
        // Not a subcommand and not a Qt option: most likely a typo of one.
        bool looksLikeFile = std::string(argv[1]).find('.') != std::string::npos ||
                             std::string(argv[1]).find('/') != std::string::npos;
        if (!looksLikeFile)
            return runCommandLine(argc, argv);
    }
    QApplication app(argc, argv);
    QApplication::setOrganizationName("ResNeXtExplorer");
    QApplication::setApplicationName("ResNeXt Explorer");
    QApplication::setApplicationVersion(RESNEXT_VERSION);
    // The window's language: View > Language's choice, else the system locale's.
    language::install(language::savedChoice(
        QSettings(QSettings::IniFormat, QSettings::UserScope, "ResNeXtExplorer", "resnext-explorer").fileName()));
    MainWindow window;
    window.show();
    window.startInference();
    QStringList args;
    for (int i = 1; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);
    window.openArguments(args);
    return app.exec();
}
