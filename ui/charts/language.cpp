#include "language.h"
#include "settingsfile.h"

#include "resnext/report.h"

#include <QCoreApplication>
#include <QFile>
#include <QLocale>
#include <QSettings>
#include <QTranslator>

#include <memory>


namespace language {

namespace {

// The translators now installed (the window's and Qt's own button texts).
std::unique_ptr<QTranslator> &appTranslator()
{
    static std::unique_ptr<QTranslator> t;
    return t;
}

std::unique_ptr<QTranslator> &qtTranslator()
{
    static std::unique_ptr<QTranslator> t;
    return t;
}

QString &installed()
{
    static QString code = QStringLiteral("en");
    return code;
}

QLocale localeOf(const QString &code)
{
    if (code == "vi")
        return QLocale(QLocale::Vietnamese, QLocale::Vietnam);
    return QLocale(QLocale::English, QLocale::UnitedStates);
}

} // namespace

QStringList available() { return {"en", "vi"}; }

QString nativeName(const QString &code)
{
    if (code == "vi")
        return QStringLiteral("Tiếng Việt");
    return QStringLiteral("English");
}

QString resolve(const QString &choice)
{
    if (available().contains(choice))
        return choice;
    const QString system = QLocale::system().name().section('_', 0, 0);
    return available().contains(system) ? system : QStringLiteral("en");
}

QString install(const QString &choice)
{
    const QString code = resolve(choice);
    for (auto *slot : {&appTranslator(), &qtTranslator()}) {
        if (*slot) {
            QCoreApplication::removeTranslator(slot->get());
            slot->reset();
        }
    }
    QLocale::setDefault(localeOf(code));
    if (code != "en") {
        auto app = std::make_unique<QTranslator>();
        if (app->load(QStringLiteral(":/i18n/resnext-explorer_%1.qm").arg(code)) &&
            QCoreApplication::installTranslator(app.get()))
            appTranslator() = std::move(app);
        auto qt = std::make_unique<QTranslator>();
        if (qt->load(QStringLiteral(":/i18n/qtbase_extra_%1.qm").arg(code)) &&
            QCoreApplication::installTranslator(qt.get()))
            qtTranslator() = std::move(qt);
    }
    installed() = code;
    return code;
}

QString current() { return installed(); }

QString savedChoice(const QString &settingsPath)
{
    // Read before any window exists: a FIFO or a device there would block
    // QSettings' open() forever. Only a regular file (or none) is read.
    if (!settingsFileUsable(settingsPath))
        return {};
    const QSettings s(settingsPath, QSettings::IniFormat);
    const QString v = s.value("view/language").toString();
    return available().contains(v) ? v : QString();
}

// The chosen language's locale, not QLocale(): the command line and the
// headless figure writers install no language and stay English whatever LANG says.
namespace {
QLocale chosen()
{
    QLocale loc = localeOf(installed());
    loc.setNumberOptions({}); // group separators: 25,028,904 / 25.028.904
    return loc;
}
} // namespace

QString count(qint64 value) { return chosen().toString(value); }

QString decimal(double value, int decimals) { return chosen().toString(value, 'f', decimals); }

QString general(double value, int precision)
{
    // QLocale writes 1.5E-06; keep the lower-case e the window always showed.
    return chosen().toString(value, 'g', precision).replace('E', 'e');
}

QString compact(double value)
{
    QString s = QString::fromStdString(resnext::humanCount(value));
    const QString point = chosen().decimalPoint();
    if (point != ".")
        s.replace('.', point);
    return s;
}

QString coreMessage(const QString &message)
{
    //: Frames an error message of the core library, which stays English. In
    //: English the frame is the message alone; translations add a few words saying so.
    return QCoreApplication::translate("CoreError", "%1").arg(message);
}

QString coreMessage(const char *what) { return coreMessage(QString::fromUtf8(what)); }

} // namespace language
