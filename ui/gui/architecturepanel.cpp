#include "controls.h"
#include "inlineerror.h"
#include "language.h"
#include "architecturepanel.h"

#include <QAbstractSlider>
#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QRadioButton>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>

using namespace resnext;

namespace {

QString layersText(const std::vector<int> &layers)
{
    QStringList parts;
    for (int n : layers)
        parts << QString::number(n);
    return parts.join(',');
}

// What the C and d boxes accept while typing; core's validate() judges the value.
constexpr int kTypedMax = 999999;
// The SE reduction ratio the box offers first: timm's SEModule default (rd_ratio = 1/16).
constexpr int kTimmSeReduction = 16;

// Presets are compared without the block form: the forms compute the same
// function with the same counts and weights, so a form change keeps the name.
bool samePresetModel(ArchSpec preset, const ArchSpec &spec)
{
    preset.form = spec.form;
    return preset == spec;
}

QSlider *makeSlider(int lo, int hi, const QString &tip)
{
    auto *s = new QSlider(Qt::Horizontal);
    s->setRange(lo, hi);
    s->setToolTip(tip);
    s->setPageStep(4);
    return s;
}

// A form row of a slider and the box that types the same value, the caption the
// box's buddy. The box accepts any number up to kTypedMax and lets core judge it:
// a value core refuses is explained inline instead of being cut to the box's
// range while typing.
void addSliderRow(QFormLayout *form, const QString &caption, QSlider *slider, QSpinBox *spin, const char *spinName)
{
    spin->setObjectName(spinName);
    spin->setRange(1, kTypedMax);
    spin->setKeyboardTracking(false);
    spin->setToolTip(slider->toolTip());
    auto *row = new QHBoxLayout;
    row->addWidget(slider, 1);
    row->addWidget(spin);
    auto *label = new QLabel(caption);
    label->setBuddy(spin);
    form->addRow(label, row);
}

} // namespace

ArchitecturePanel::ArchitecturePanel(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);

    m_running = new QLabel;
    m_running->setObjectName("runningNote");
    m_running->setWordWrap(true);
    m_running->setStyleSheet("QLabel { background: #fff8e1; border: 1px solid #ffe08a; border-radius: 4px; "
                             "padding: 4px; }");
    m_running->hide();
    connect(m_running, &QLabel::linkActivated, this, [this] { Q_EMIT showRunningModel(); });
    layout->addWidget(m_running);

    auto *modelBox = new QGroupBox(tr("Model"));
    auto *form = new QFormLayout(modelBox);
    m_preset = new QComboBox;
    m_preset->setObjectName("presetCombo");
    m_preset->addItem(tr("(custom)"), QString());
    for (const auto &p : presets())
        m_preset->addItem(QString::fromStdString(p.name), QString::fromStdString(p.name));
    m_preset->setToolTip(tr("Every architecture the core knows: torchvision's ResNets, ResNeXts and Wide ResNets, "
                            "and the paper's CIFAR models."));
    form->addRow(tr("&Preset"), m_preset);

    m_depth = new QComboBox;
    m_depth->setObjectName("depthCombo");
    for (const StandardDepth &d : standardDepths())
        m_depth->addItem(d.block == BlockKind::Basic
                             //: %1 = depth (18), %2 = blocks per stage (2,2,2,2)
                             ? tr("ResNet-%1 (basic %2)").arg(d.depth).arg(layersText(d.layers))
                             : tr("ResNet-%1 (%2)").arg(d.depth).arg(layersText(d.layers)));
    m_depth->addItem(tr("Custom blocks per stage"));
    m_depth->setToolTip(tr("Depth = blocks per stage. ResNeXt keeps ResNet's depth and stage layout and only "
                           "changes the inside of each bottleneck block."));
    form->addRow(tr("&Depth"), m_depth);

    m_layers = new QLineEdit;
    m_layers->setObjectName("layersEdit");
    m_layers->setToolTip(tr("Blocks per stage, comma-separated, 1 to 6 stages (e.g. 3,4,6,3). Press Enter to apply."));
    form->addRow(tr("&Blocks"), m_layers);

    m_block = makeComboBox("blockCombo", {{tr("Bottleneck (1x1, 3x3, 1x1)"), {}}, {tr("Basic (3x3, 3x3)"), {}}},
                           tr("ResNeXt's grouped convolution lives in the bottleneck block; basic blocks have no "
                              "cardinality (grouping a two-layer block only makes it wider)."));
    form->addRow(tr("B&lock"), m_block);

    m_stem = makeComboBox(nullptr,
                          {{tr("ImageNet: 7x7/2 conv + 3x3/2 max-pool"), {}}, {tr("CIFAR: 3x3/1 conv, no pooling"), {}}},
                          tr("The first layers before stage 1. The CIFAR stem keeps the full resolution of 32x32 "
                             "images (paper section 5.2)."));
    form->addRow(tr("&Stem"), m_stem);

    m_input = new QSpinBox;
    m_input->setObjectName("inputSpin");
    m_input->setRange(1, 1024);
    m_input->setSuffix(tr(" px"));
    m_input->setToolTip(tr("Input height = width. MACs grow with its square; parameters do not change."));
    form->addRow(tr("&Input"), m_input);

    m_classes = new QSpinBox;
    m_classes->setRange(1, 100000);
    m_classes->setToolTip(tr("Classes of the final linear layer (1000 for ImageNet, 10 for CIFAR-10)."));
    form->addRow(tr("C&lasses"), m_classes);

    auto *formRow = new QWidget;
    auto *formLayout = new QHBoxLayout(formRow);
    formLayout->setContentsMargins(0, 0, 0, 0);
    m_form = new QButtonGroup(this);
    const char *formTips[] = {
        QT_TR_NOOP("(a) Aggregated residual transformations: C separate paths 1x1 -> 3x3 -> 1x1, summed."),
        QT_TR_NOOP("(b) Early concatenation: C paths 1x1 -> 3x3, concatenated, then one 1x1."),
        QT_TR_NOOP("(c) Grouped convolution: one 3x3 conv with C groups. Same function, fastest to compute.")};
    for (int i = 0; i < 3; ++i) {
        auto *b = new QRadioButton(QString("(%1)").arg(QChar('a' + i)));
        b->setToolTip(tr(formTips[i]));
        m_form->addButton(b, i);
        formLayout->addWidget(b);
    }
    formLayout->addStretch();
    form->addRow(tr("Block &form"), formRow);

    // Squeeze-and-excitation: off, or on with the reduction ratio r (timm's
    // SE-ResNeXt uses 16, the value the box starts at).
    auto *seRow = new QWidget;
    auto *seLayout = new QHBoxLayout(seRow);
    seLayout->setContentsMargins(0, 0, 0, 0);
    m_se = new QCheckBox(tr("On"));
    m_se->setObjectName("seCheck");
    m_seRatio = new QSpinBox;
    m_seRatio->setObjectName("seRatioSpin");
    m_seRatio->setRange(1, 1024);
    m_seRatio->setValue(kTimmSeReduction);
    m_seRatio->setKeyboardTracking(false);
    //: r is the reduction ratio of the squeeze-and-excitation module
    m_seRatio->setPrefix(tr("r = "));
    const QString seTip =
        tr("Squeeze-and-excitation (Hu et al., 2018) after each block's last BN, before the addition: global "
           "average pool, 1x1 conv down to channels/r, ReLU, 1x1 conv back, sigmoid, and the block's output "
           "scaled per channel. timm's SE-ResNeXt uses r = 16.");
    m_se->setToolTip(seTip);
    m_seRatio->setToolTip(seTip);
    seLayout->addWidget(m_se);
    seLayout->addWidget(m_seRatio);
    seLayout->addStretch();
    auto *seLabel = new QLabel(tr("Squeeze-e&xcitation"));
    seLabel->setBuddy(m_se);
    form->addRow(seLabel, seRow);
    layout->addWidget(modelBox);

    auto *cdBox = new QGroupBox(tr("Split-transform-merge"));
    auto *cd = new QFormLayout(cdBox);
    m_cSlider = makeSlider(1, 64, tr("Cardinality C: the number of parallel transformations (groups of the 3x3 "
                                     "convolution). The paper finds that raising C at equal complexity beats "
                                     "making the network deeper or wider. The slider covers 1 to 64; type larger "
                                     "values (up to the core's limit) in the box."));
    m_cSlider->setObjectName("cardinalitySlider");
    m_cSpin = new QSpinBox;
    addSliderRow(cd, tr("Cardinality &C"), m_cSlider, m_cSpin, "cardinalitySpin");

    m_dSlider = makeSlider(1, 128, tr("Bottleneck width d (the paper's notation): channels per group at base planes "
                                      "64, i.e. in stage 1 of an ImageNet ResNet. A stage with P planes has "
                                      "w = d\u00b7P/64 channels per group. ResNet-50 is C=1, d=64; ResNeXt-50 is C=32, "
                                      "d=4. Only values that give whole channel counts in every stage are offered."));
    m_dSlider->setObjectName("widthSlider");
    m_dSpin = new ValidStepSpinBox([this](int d) { return widthValid(d); });
    addSliderRow(cd, tr("Bottleneck &width d"), m_dSlider, m_dSpin, "widthSpin");

    m_hold = new QCheckBox(tr("&Hold complexity at ResNet's"));
    m_hold->setObjectName("holdCheck");
    m_hold->setToolTip(tr("When on, moving C sets d to the width whose complexity is closest to the plain ResNet "
                          "of this depth (C=1, d=64): walk the paper's Table 2 with one slider."));
    m_by = new QComboBox;
    m_by->addItem(tr("by parameters"));
    m_by->addItem(tr("by MACs"));
    m_by->setToolTip(tr("What 'equal complexity' compares: parameter count (paper Table 2) or multiply-accumulates."));
    auto *holdRow = new QHBoxLayout;
    holdRow->addWidget(m_hold);
    holdRow->addWidget(m_by);
    cd->addRow(holdRow);

    m_groupInfo = new QLabel;
    m_groupInfo->setObjectName("groupInfo");
    m_groupInfo->setWordWrap(true);
    m_groupInfo->setTextFormat(Qt::RichText);
    cd->addRow(m_groupInfo);
    layout->addWidget(cdBox);

    m_countAll = new QCheckBox(tr("Count BN, ReLU, pooling and add"));
    m_countAll->setToolTip(tr("Off: torchvision's/fvcore's convention, only conv and linear layers cost MACs. On: "
                              "elementwise layers count too (BN and ReLU 1 per element)."));
    layout->addWidget(m_countAll);

    m_error = makeInlineError("specError");
    layout->addWidget(m_error);
    layout->addStretch();

    // Wiring: every control edits one field of a copy of the shown spec.
    connect(m_preset, &QComboBox::activated, this, [this](int index) {
        const QString name = m_preset->itemData(index).toString();
        if (name.isEmpty())
            return;
        if (const auto p = findPreset(name.toStdString()))
            Q_EMIT presetChosen(p->spec);
    });
    connect(m_depth, &QComboBox::activated, this, [this](int index) {
        if (index >= static_cast<int>(standardDepths().size())) {
            m_layers->setFocus();
            return;
        }
        const StandardDepth &d = standardDepths()[static_cast<size_t>(index)];
        edit([&](ArchSpec &s) {
            s.layers = d.layers;
            s.block = d.block;
            s.planes.clear();
            if (d.block == BlockKind::Basic) {
                s.cardinality = 1;
                s.width = 64;
            }
        });
    });
    connect(m_layers, &QLineEdit::editingFinished, this, [this] {
        if (m_layers->text() == layersText(m_shown.layers))
            return;
        try {
            const auto layers = parseIntList("layers", m_layers->text().toStdString());
            edit([&](ArchSpec &s) {
                s.layers = layers;
                s.planes.clear();
            });
        } catch (const std::exception &e) {
            showError(language::coreMessage(e.what()));
        }
    });
    connect(m_block, &QComboBox::activated, this, [this](int index) {
        edit([&](ArchSpec &s) {
            s.block = index == 1 ? BlockKind::Basic : BlockKind::Bottleneck;
            if (s.block == BlockKind::Basic) {
                s.cardinality = 1;
                s.width = 64;
            }
        });
    });
    connect(m_stem, &QComboBox::activated, this,
            [this](int index) { edit([&](ArchSpec &s) { s.stem = index == 1 ? Stem::Cifar : Stem::ImageNet; }); });
    connect(m_input, &QSpinBox::valueChanged, this, [this](int v) { edit([&](ArchSpec &s) { s.inputSize = v; }); });
    connect(m_classes, &QSpinBox::valueChanged, this, [this](int v) { edit([&](ArchSpec &s) { s.numClasses = v; }); });
    connect(m_se, &QCheckBox::toggled, this,
            [this](bool on) { edit([&](ArchSpec &s) { s.seReduction = on ? m_seRatio->value() : 0; }); });
    connect(m_seRatio, &QSpinBox::valueChanged, this, [this](int v) {
        if (m_se->isChecked())
            edit([&](ArchSpec &s) { s.seReduction = v; });
    });
    connect(m_form, &QButtonGroup::idClicked, this,
            [this](int id) { edit([&](ArchSpec &s) { s.form = static_cast<BlockForm>(id); }); });
    // Slider and box each edit the spec; setSpec() then shows the accepted value in both.
    connect(m_cSlider, &QSlider::valueChanged, this, [this](int v) { edit([&](ArchSpec &s) { s.cardinality = v; }); });
    connect(m_cSpin, &QSpinBox::valueChanged, this, [this](int v) { edit([&](ArchSpec &s) { s.cardinality = v; }); });
    connect(m_dSlider, &QSlider::valueChanged, this, [this](int v) {
        // The slider lands only on widths that give whole channel counts.
        const int d = nearestValidWidth(v, v >= m_shown.width ? 1 : -1);
        edit([&](ArchSpec &s) { s.width = d; });
        if (m_dSlider->value() != m_shown.width) {
            const QSignalBlocker b(m_dSlider);
            m_dSlider->setValue(m_shown.width);
        }
    });
    connect(m_dSpin, &QSpinBox::valueChanged, this, [this](int v) { edit([&](ArchSpec &s) { s.width = v; }); });
    connect(m_hold, &QCheckBox::toggled, this, [this] {
        syncEnabled();
        if (!m_updating)
            Q_EMIT optionsChanged();
    });
    connect(m_by, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_updating)
            Q_EMIT optionsChanged();
    });
    connect(m_countAll, &QCheckBox::toggled, this, [this] {
        if (!m_updating)
            Q_EMIT optionsChanged();
    });
}

ValidStepSpinBox::ValidStepSpinBox(std::function<bool(int)> valid, QWidget *parent)
    : QSpinBox(parent), m_valid(std::move(valid))
{
}

void ValidStepSpinBox::stepBy(int steps)
{
    int v = value();
    const int dir = steps > 0 ? 1 : -1;
    for (int n = std::abs(steps); n > 0; --n) {
        int next = v + dir;
        while (next >= minimum() && next <= maximum() && !m_valid(next))
            next += dir;
        if (next < minimum() || next > maximum())
            break;
        v = next;
    }
    setValue(v);
}

bool ArchitecturePanel::widthValid(int d) const
{
    ArchSpec s = m_shown;
    s.width = d;
    return validationError(s).empty();
}

int ArchitecturePanel::nearestValidWidth(int d, int direction) const
{
    // The next valid width in the direction the slider moved, so that every
    // step moves; the other way only at the end of the range.
    for (int dir : {direction, -direction})
        for (int v = d; v >= 1 && v <= 1024; v += dir)
            if (widthValid(v))
                return v;
    return d; // nothing valid: let core explain
}

void ArchitecturePanel::edit(const std::function<void(ArchSpec &)> &change)
{
    if (m_updating)
        return;
    ArchSpec s = m_shown;
    change(s);
    if (s == m_shown)
        return;
    Q_EMIT specEdited(s);
}

void ArchitecturePanel::setSpec(const ArchSpec &spec)
{
    m_updating = true;
    m_shown = spec;
    int presetIndex = 0;
    for (int i = 1; i < m_preset->count(); ++i)
        if (const auto p = findPreset(m_preset->itemData(i).toString().toStdString()); p && samePresetModel(p->spec, spec))
            presetIndex = i;
    m_preset->setCurrentIndex(presetIndex);
    int depthIndex = static_cast<int>(standardDepths().size());
    for (size_t i = 0; i < standardDepths().size(); ++i)
        if (standardDepths()[i].layers == spec.layers && standardDepths()[i].block == spec.block)
            depthIndex = static_cast<int>(i);
    m_depth->setCurrentIndex(depthIndex);
    if (!m_layers->hasFocus() || m_error->isHidden())
        m_layers->setText(layersText(spec.layers));
    m_block->setCurrentIndex(spec.block == BlockKind::Basic ? 1 : 0);
    m_stem->setCurrentIndex(spec.stem == Stem::Cifar ? 1 : 0);
    m_input->setValue(spec.inputSize);
    m_classes->setValue(spec.numClasses);
    m_form->button(static_cast<int>(spec.form))->setChecked(true);
    m_se->setChecked(spec.seReduction > 0);
    if (spec.seReduction > 0)
        m_seRatio->setValue(spec.seReduction); // off keeps the last ratio for the next time it is switched on
    for (QAbstractSlider *w : {static_cast<QAbstractSlider *>(m_cSlider), static_cast<QAbstractSlider *>(m_dSlider)}) {
        const QSignalBlocker b(w);
        w->setValue(w == m_cSlider ? spec.cardinality : spec.width);
    }
    for (QSpinBox *w : {m_cSpin, m_dSpin}) {
        const QSignalBlocker b(w);
        w->setValue(w == m_cSpin ? spec.cardinality : spec.width);
    }
    if (spec.block == BlockKind::Bottleneck) {
        // d is the paper's width at 64 planes; a stage's own channels per group are w.
        QStringList ws;
        for (int i = 0; i < spec.numStages(); ++i)
            ws << QString::number(spec.groupWidth(i));
        m_groupInfo->setText(tr("Every 3x3 conv splits into <b>C = %1</b> groups. Channels per group "
                                "<b>w = d&middot;planes/64</b>: w = %2 in layer1&hellip;layer%3 (layer1: grouped "
                                "width %4 &rarr; output %5).")
                                 .arg(spec.cardinality)
                                 .arg(ws.join(", "))
                                 .arg(spec.numStages())
                                 .arg(spec.stageGroupedWidth(0))
                                 .arg(spec.stageOutChannels(0)));
    } else {
        m_groupInfo->setText(tr("Basic blocks have no grouped convolution: C and d apply to bottleneck blocks."));
    }
    syncEnabled();
    m_updating = false;
}

void ArchitecturePanel::syncEnabled()
{
    const bool bottleneck = m_shown.block == BlockKind::Bottleneck;
    m_cSlider->setEnabled(bottleneck);
    m_cSpin->setEnabled(bottleneck);
    const bool dFree = bottleneck && !m_hold->isChecked();
    m_dSlider->setEnabled(dFree);
    m_dSpin->setEnabled(dFree);
    m_hold->setEnabled(bottleneck);
    m_by->setEnabled(bottleneck);
    m_form->button(0)->setEnabled(bottleneck);
    m_form->button(1)->setEnabled(bottleneck);
    m_seRatio->setEnabled(m_se->isChecked());
}

void ArchitecturePanel::showError(const QString &message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

void ArchitecturePanel::setRunningModel(const QString &running, bool differs)
{
    m_running->setText(tr("These sliders show a different model from the one that classifies images "
                          "(<b>%1</b>). <a href=\"show\">Show the classifier's model here</a>")
                           .arg(running.toHtmlEscaped()));
    m_running->setVisible(differs && !running.isEmpty());
}

QString ArchitecturePanel::errorText() const { return m_error->isHidden() ? QString() : m_error->text(); }

bool ArchitecturePanel::holdComplexity() const { return m_hold->isChecked(); }

void ArchitecturePanel::setHoldComplexity(bool on)
{
    const QSignalBlocker b(m_hold);
    m_hold->setChecked(on);
    syncEnabled();
}

MatchBy ArchitecturePanel::matchBy() const { return m_by->currentIndex() == 1 ? MatchBy::Macs : MatchBy::Params; }

void ArchitecturePanel::setMatchBy(MatchBy by)
{
    const QSignalBlocker b(m_by);
    m_by->setCurrentIndex(by == MatchBy::Macs ? 1 : 0);
}

bool ArchitecturePanel::countAll() const { return m_countAll->isChecked(); }

void ArchitecturePanel::setCountAll(bool on)
{
    const QSignalBlocker b(m_countAll);
    m_countAll->setChecked(on);
}
