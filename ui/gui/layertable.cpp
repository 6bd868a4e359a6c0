#include "layertable.h"

#include "language.h"

#include "resnext/fileio.h"
#include "resnext/report.h"

#include <QApplication>
#include <QClipboard>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

using namespace resnext;

namespace {

// The clipboard's text of a cell: plain numbers whatever the window's language
// (a spreadsheet reads 9408, not 9.408 or 9,408).
constexpr int kCopyRole = Qt::UserRole + 1;

} // namespace

void LayerModel::setSummary(const Summary &summary)
{
    beginResetModel();
    m_summary = summary;
    endResetModel();
}

int LayerModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_summary.layers.size());
}

int LayerModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant LayerModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    const LayerInfo &l = m_summary.layers[static_cast<size_t>(index.row())];
    const double share = m_summary.macs ? 100.0 * static_cast<double>(l.macs) / static_cast<double>(m_summary.macs) : 0;
    if (role == Qt::UserRole) { // sort key
        switch (index.column()) {
        case Name: return index.row(); // network order
        case Type: return QString::fromLatin1(kindName(l.kind));
        case Output: return qlonglong(l.channels) * l.height * l.width;
        case Groups: return l.groups;
        case Params: return qlonglong(l.params);
        case Macs:
        case Share: return qlonglong(l.macs);
        case Activations: return qlonglong(l.activations);
        case Bytes: return qlonglong(memoryAccess(l, m_summary.cost).total());
        case Intensity: return arithmeticIntensity(l, m_summary.cost);
        }
    }
    if (role == kCopyRole) {
        switch (index.column()) {
        case Params: return QString::number(l.params);
        case Macs: return QString::number(l.macs);
        case Activations: return l.activations ? QString::number(l.activations) : QString();
        case Bytes: return QString::number(memoryAccess(l, m_summary.cost).total());
        case Intensity: return l.macs ? QString::number(arithmeticIntensity(l, m_summary.cost), 'f', 2) : QString(); // data, not shown
        case Share: return QString::number(share, 'f', 2) + "%"; // data, not shown
        default: return data(index, Qt::DisplayRole).toString();
        }
    }
    if (role == Qt::TextAlignmentRole)
        return index.column() >= Groups ? int(Qt::AlignRight | Qt::AlignVCenter) : int(Qt::AlignLeft | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && l.kind == LayerKind::Conv)
        return QObject::tr("%1: %2 -> %3 channels, %4x%4 kernel, stride %5, %6 group(s)")
            .arg(QString::fromStdString(l.name))
            .arg(l.inChannels)
            .arg(l.channels)
            .arg(l.kernel)
            .arg(l.stride)
            .arg(l.groups);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Name: return QString::fromStdString(l.name);
    case Type: return QString::fromLatin1(kindName(l.kind));
    case Output:
        return l.kind == LayerKind::Linear || l.kind == LayerKind::AvgPool
                   ? QString::number(l.channels)
                   : QString("%1 x %2 x %3").arg(l.channels).arg(l.height).arg(l.width);
    case Groups: return l.groups;
    // In the window's locale; the exports write core's format.
    case Params: return language::count(l.params);
    case Macs: return language::count(l.macs);
    case Activations: return l.activations ? language::count(l.activations) : QString();
    case Bytes: return language::count(memoryAccess(l, m_summary.cost).total());
    case Intensity: return l.macs ? language::decimal(arithmeticIntensity(l, m_summary.cost), 2) : QString();
    case Share: return QString("%1%").arg(language::decimal(share, 2));
    }
    return {};
}

QVariant LayerModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    const char *names[] = {QT_TR_NOOP("Layer"),       QT_TR_NOOP("Type"),        QT_TR_NOOP("Output (C x H x W)"),
                           QT_TR_NOOP("Groups"),      QT_TR_NOOP("Params"),      QT_TR_NOOP("MACs"),
                           QT_TR_NOOP("Activations"), QT_TR_NOOP("Bytes moved"), QT_TR_NOOP("MACs/byte"),
                           QT_TR_NOOP("Share of MACs")};
    return tr(names[section]);
}

LayerTable::LayerTable(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    m_model = new LayerModel(this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(Qt::UserRole);
    m_view = new QTableView;
    m_view->setObjectName("layerTable");
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(LayerModel::Name, Qt::AscendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setAlternatingRowColors(true);
    m_view->verticalHeader()->setVisible(false);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_view->setColumnWidth(LayerModel::Name, 190);
    m_view->setColumnWidth(LayerModel::Type, 140);
    m_view->setColumnWidth(LayerModel::Output, 150);
    m_view->setColumnWidth(LayerModel::Groups, 70);
    m_view->setColumnWidth(LayerModel::Params, 120);
    m_view->setColumnWidth(LayerModel::Macs, 140);
    m_view->setColumnWidth(LayerModel::Activations, 110);
    m_view->setColumnWidth(LayerModel::Bytes, 120);
    m_view->setColumnWidth(LayerModel::Intensity, 80);
    layout->addWidget(m_view, 1);

    auto *bottom = new QHBoxLayout;
    m_totals = new QLabel;
    m_totals->setObjectName("layerTotals");
    m_totals->setWordWrap(true);
    m_totals->setTextInteractionFlags(Qt::TextSelectableByMouse);
    bottom->addWidget(m_totals, 1);
    auto *why = new QLabel(tr("<a href=\"layers\">Why these numbers?</a>"));
    why->setObjectName("why_layers");
    why->setToolTip(tr("The formula of each column, with the current model's values, in the lesson."));
    connect(why, &QLabel::linkActivated, this, &LayerTable::whyRequested);
    bottom->addWidget(why);
    auto *copy = new QPushButton(tr("&Copy"));
    copy->setToolTip(tr("Copy the selected rows (or all) as tab-separated text (Ctrl+C in the table)."));
    auto *exportButton = new QPushButton(tr("&Export CSV/Markdown..."));
    bottom->addWidget(copy);
    bottom->addWidget(exportButton);
    layout->addLayout(bottom);
    connect(copy, &QPushButton::clicked, this, &LayerTable::copySelection);
    connect(exportButton, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export layer table"), "layers.csv",
                                                          tr("CSV (*.csv);;Markdown (*.md)"));
        QString error;
        if (!path.isEmpty() && !exportTo(path, &error))
            m_totals->setText("<span style='color:#b00020'>" + error.toHtmlEscaped() + "</span>");
    });
    auto *copyShortcut = new QAction(this);
    copyShortcut->setShortcut(QKeySequence::Copy);
    copyShortcut->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(copyShortcut, &QAction::triggered, this, &LayerTable::copySelection);
    m_view->addAction(copyShortcut);
}

void LayerTable::setSummary(const Summary &summary)
{
    m_summary = summary;
    m_model->setSummary(summary);
    m_totals->setText(tr("<b>Total</b>: %1 layers listed, <b>%2</b> parameters, <b>%3</b> MACs (%4 FLOPs), "
                         "<b>%5</b> activations, <b>%6</b> bytes moved (every layer, ReLU and add included; "
                         "batch %7, %8 bytes per element)")
                          .arg(summary.layers.size())
                          .arg(language::count(summary.params), language::count(summary.macs),
                               language::compact(static_cast<double>(summary.flops())),
                               language::count(summary.activations), language::count(summary.bytes))
                          .arg(summary.cost.batch)
                          .arg(summary.cost.bytesPerElement));
}

QString LayerTable::selectionAsText() const
{
    QList<int> rows;
    for (const QModelIndex &i : m_view->selectionModel()->selectedRows())
        rows << i.row();
    if (rows.isEmpty())
        for (int r = 0; r < m_proxy->rowCount(); ++r)
            rows << r;
    std::sort(rows.begin(), rows.end());
    QStringList lines;
    QStringList header;
    for (int c = 0; c < LayerModel::ColumnCount; ++c)
        header << m_proxy->headerData(c, Qt::Horizontal, Qt::DisplayRole).toString();
    lines << header.join('\t');
    for (int r : rows) {
        QStringList cells;
        for (int c = 0; c < LayerModel::ColumnCount; ++c)
            cells << m_proxy->index(r, c).data(kCopyRole).toString();
        lines << cells.join('\t');
    }
    return lines.join('\n') + '\n';
}

void LayerTable::copySelection() const { QApplication::clipboard()->setText(selectionAsText()); }

bool LayerTable::exportTo(const QString &path, QString *error) const
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    Format format;
    if (suffix == "csv")
        format = Format::Csv;
    else if (suffix == "md" || suffix == "markdown")
        format = Format::Markdown;
    else {
        if (error)
            *error = tr("%1: unknown table format '.%2'; use .csv or .md").arg(path, suffix);
        return false;
    }
    // Atomically: a full disk leaves the old file or none, and a symlink at the path is not written through.
    try {
        resnext::writeFileAtomically(path.toStdString(), formatSummary(m_summary, format));
    } catch (const resnext::Error &e) {
        if (error)
            *error = language::coreMessage(e.what());
        return false;
    }
    return true;
}
