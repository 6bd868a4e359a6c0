#include "weightsdialog.h"
#include "language.h"

#include "resnext/spec.h"
#include "resnext/weights_cache.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QUrl>
#include <QVBoxLayout>

WeightsDialog::WeightsDialog(QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("Open weights"));
    resize(860, 380);
    auto *layout = new QVBoxLayout(this);
    const resnext::CacheLocations where = resnext::cacheLocations();
    auto *intro = new QLabel(tr("If you have used torchvision or timm, your weights are already here (nothing is "
                                "downloaded): %1 and %2.")
                                 .arg(QString::fromStdString(where.torchHub).toHtmlEscaped(),
                                      QString::fromStdString(where.huggingFace).toHtmlEscaped()));
    intro->setWordWrap(true);
    layout->addWidget(intro);
    m_list = new QTreeWidget;
    m_list->setObjectName("cachedWeights");
    m_list->setHeaderLabels({tr("Name"), tr("Architecture"), tr("Size"), tr("Source")});
    m_list->setRootIsDecorated(false);
    for (const auto &w : resnext::findCachedWeights(where)) {
        if (!w.spec)
            continue; // not a ResNet/ResNeXt this program builds
        auto *item = new QTreeWidgetItem(m_list, {QString::fromStdString(w.name),
                                                  QString::fromStdString(resnext::describe(*w.spec)),
                                                  tr("%1 MB").arg(language::decimal(static_cast<double>(w.bytes) / 1e6, 1)),
                                                  QString::fromStdString(w.source)});
        item->setData(0, Qt::UserRole, QString::fromStdString(w.path));
        item->setToolTip(0, QString::fromStdString(w.path));
    }
    m_list->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    layout->addWidget(m_list, 1);
    if (m_list->topLevelItemCount() == 0)
        layout->addWidget(new QLabel(tr("No ResNet/ResNeXt weights in these caches yet: open a .pth or .safetensors "
                                        "file instead.")));
    else
        m_list->setCurrentItem(m_list->topLevelItem(0));

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Open | QDialogButtonBox::Cancel);
    auto *other = buttons->addButton(tr("Other file..."), QDialogButtonBox::ActionRole);
    buttons->button(QDialogButtonBox::Open)->setEnabled(m_list->topLevelItemCount() > 0);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        if (auto *item = m_list->currentItem()) {
            m_path = item->data(0, Qt::UserRole).toString();
            accept();
        }
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(other, &QPushButton::clicked, this, &WeightsDialog::browse);
    connect(m_list, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem *item) {
        m_path = item->data(0, Qt::UserRole).toString();
        accept();
    });
}

void WeightsDialog::browse()
{
    QFileDialog dialog(this, tr("Open weights"));
    dialog.setFileMode(QFileDialog::ExistingFile);
    dialog.setNameFilters({tr("Weights (*.safetensors *.pth *.pt *.bin)"), tr("All files (*)")});
    const resnext::CacheLocations where = resnext::cacheLocations();
    QList<QUrl> sidebar = dialog.sidebarUrls();
    for (const std::string &dir : {where.torchHub, where.huggingFace})
        if (QDir(QString::fromStdString(dir)).exists())
            sidebar << QUrl::fromLocalFile(QString::fromStdString(dir));
    dialog.setSidebarUrls(sidebar);
    if (dialog.exec() == QDialog::Accepted && !dialog.selectedFiles().isEmpty()) {
        m_path = dialog.selectedFiles().front();
        accept();
    }
}

QString WeightsDialog::choose(QWidget *parent)
{
    WeightsDialog d(parent);
    return d.exec() == QDialog::Accepted ? d.selectedPath() : QString();
}
