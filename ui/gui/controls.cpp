#include "controls.h"

#include <QBoxLayout>
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>

namespace {

// `widget` with its object name (when given) and tool tip set.
template <class Widget>
Widget *named(Widget *widget, const char *objectName, const QString &toolTip)
{
    if (objectName)
        widget->setObjectName(objectName);
    widget->setToolTip(toolTip);
    return widget;
}

} // namespace

QSpinBox *makeSpinBox(int min, int max, int value, const QString &toolTip, const char *objectName)
{
    auto *spin = named(new QSpinBox, objectName, toolTip);
    spin->setRange(min, max);
    spin->setValue(value);
    return spin;
}

QSpinBox *makeCountSpin(int max, int value, const QString &allText, const QString &toolTip, const char *objectName)
{
    auto *spin = makeSpinBox(0, max, value, toolTip, objectName);
    spin->setSpecialValueText(allText);
    return spin;
}

QPushButton *makeButton(const QString &text, const char *objectName, const QString &toolTip, bool enabled)
{
    auto *button = named(new QPushButton(text), objectName, toolTip);
    button->setEnabled(enabled);
    return button;
}

QCheckBox *makeCheckBox(const QString &text, const char *objectName, bool checked, const QString &toolTip)
{
    auto *check = named(new QCheckBox(text), objectName, toolTip);
    check->setChecked(checked);
    return check;
}

QComboBox *makeComboBox(const char *objectName, std::initializer_list<std::pair<QString, QVariant>> items,
                        const QString &toolTip)
{
    auto *combo = named(new QComboBox, objectName, toolTip);
    for (const auto &[text, data] : items)
        combo->addItem(text, data);
    return combo;
}

QLabel *makeMessageLabel(const char *objectName, int lines)
{
    auto *label = new QLabel;
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setMinimumHeight(label->fontMetrics().lineSpacing() * lines);
    label->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    return label;
}

void addCaptioned(QBoxLayout *row, const QString &caption, QWidget *field)
{
    row->addWidget(new QLabel(caption));
    row->addWidget(field);
}
