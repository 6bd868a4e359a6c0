#pragma once
// The inline message every panel uses for refused input: red, wrapped, hidden when empty.

#include <QLabel>

inline QLabel *makeInlineError(const char *objectName)
{
    auto *label = new QLabel;
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setStyleSheet("QLabel { color: #b00020; background: #fdecee; border: 1px solid #f5c2c7; "
                         "border-radius: 4px; padding: 4px; }");
    label->hide();
    return label;
}
