#pragma once
// The window's language: Qt translators for English (the source) and
// Vietnamese, chosen by the system locale or by View > Language (saved in the
// settings as view/language, applied at the next start). The command line
// never installs a translator: it stays English for scripts.

#include <QString>
#include <QStringList>

namespace language {

// Codes the window is translated into, "en" first.
QStringList available();
// The language's own name ("English", "Tiếng Việt"): shown untranslated in the menu.
QString nativeName(const QString &code);
// The code `choice` resolves to: "" = the system locale's language when it is
// available, else "en".
QString resolve(const QString &choice);
// Installs the translators for `choice` ("" = the system's) into the running
// application, replacing earlier ones, and makes its QLocale the default so
// numbers in the window follow it. Returns the code applied.
QString install(const QString &choice);
// The code last installed ("en" before any install).
QString current();
// The saved choice in the settings file at `settingsPath` ("" when none).
QString savedChoice(const QString &settingsPath);

// Numbers in the window in the chosen language's digits and separators
// (25,028,904 and 4.23 in English, 25.028.904 and 4,23 in Vietnamese); "en"
// until install() is called, so the command line stays English. Files (CSV,
// JSON), the clipboard's data and the command line keep core's format.
QString count(qint64 value);
// `decimals` digits after the point ('f' format).
QString decimal(double value, int decimals);
// `precision` significant digits ('g' format: 1.2e-06 / 1,2e-06).
QString general(double value, int precision);
// core's humanCount ("25.0M") with the locale's decimal separator.
QString compact(double value);

// A message of core (always English: scripts and bug reports read it) framed
// for the window: unchanged in English, "Lỗi (thông báo gốc bằng tiếng Anh): ..." in
// Vietnamese, so a Vietnamese window never shows a bare English sentence.
QString coreMessage(const QString &message);
QString coreMessage(const char *what);

} // namespace language
