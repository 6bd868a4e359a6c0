#pragma once
// File -> Open weights: the ResNet/ResNeXt weights already in the torchvision
// and Hugging Face caches (core's findCachedWeights, headers only), or any
// other file through a file dialog that has those folders in its sidebar.

#include <QDialog>

class QTreeWidget;

class WeightsDialog : public QDialog {
    Q_OBJECT
public:
    explicit WeightsDialog(QWidget *parent = nullptr);
    // The chosen file, or an empty string when cancelled.
    static QString choose(QWidget *parent);
    QString selectedPath() const { return m_path; }

private:
    void browse();

    QTreeWidget *m_list = nullptr;
    QString m_path;
};
