#include "language.h"

#include "resnext/report.h"

#include <QCoreApplication>
#include <QFile>
#include <QLocale>
#include <QSettings>
#include <QTranslator>

#include <memory>

#include <sys/stat.h>

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
    struct stat st {};
    if (::stat(QFile::encodeName(settingsPath).constData(), &st) == 0 && !S_ISREG(st.st_mode))
        return {};
    const QSettings s(settingsPath, QSettings::IniFormat);
    const QString v = s.value("view/language").toString();
    return available().contains(v) ? v : QString();
}

QString count(qint64 value)
{
    QLocale loc;
    if (loc.language() == QLocale::C)
        loc = QLocale(QLocale::English, QLocale::UnitedStates); // group separators even without a locale
    loc.setNumberOptions({});
    return loc.toString(value);
}

QString decimal(double value, int decimals)
{
    QLocale loc;
    if (loc.language() == QLocale::C)
        loc = QLocale(QLocale::English, QLocale::UnitedStates);
    loc.setNumberOptions({});
    return loc.toString(value, 'f', decimals);
}

QString compact(double value)
{
    QString s = QString::fromStdString(resnext::humanCount(value));
    const QString point = QLocale().decimalPoint();
    if (QLocale().language() != QLocale::C && point != ".")
        s.replace('.', point);
    return s;
}

} // namespace language
