#pragma once
// Constructors for the controls the panels build, each setting what every panel
// sets the same way, so that a panel's constructor reads as its list of controls.
// Texts are translated by the caller (tr() stays in the panel's class).

#include <QString>
#include <QVariant>

#include <initializer_list>
#include <utility>

class QBoxLayout;
class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QWidget;

// A spin box from min to max showing value. Optional arguments: empty / null sets nothing.
QSpinBox *makeSpinBox(int min, int max, int value, const QString &toolTip = {}, const char *objectName = nullptr);

// A spin box of a count from 0 to max where 0 means all, shown as allText.
QSpinBox *makeCountSpin(int max, int value, const QString &allText, const QString &toolTip = {},
                        const char *objectName = nullptr);

// A push button; enabled = false for one that waits for a job (Cancel) or a result (Export).
QPushButton *makeButton(const QString &text, const char *objectName = nullptr, const QString &toolTip = {},
                        bool enabled = true);

QCheckBox *makeCheckBox(const QString &text, const char *objectName, bool checked, const QString &toolTip);

// A combo box of (shown text, data) items.
QComboBox *makeComboBox(const char *objectName, std::initializer_list<std::pair<QString, QVariant>> items,
                        const QString &toolTip = {});

// A wrapped label, top-left aligned, that keeps room for `lines` lines of text so
// that the rows below it do not move as messages come and go.
QLabel *makeMessageLabel(const char *objectName, int lines);

// Adds a caption ("Block:") and then `field` to a row of controls.
void addCaptioned(QBoxLayout *row, const QString &caption, QWidget *field);
