#pragma once
// The controls that edit an ArchSpec: preset, depth, stem, block kind and form,
// input size, classes, squeeze-and-excitation, and the cardinality C / width d
// sliders. It holds no model state of its own: MainWindow owns the spec and
// pushes it back here.

#include "resnext/accounting.h"
#include "resnext/spec.h"

#include <QSpinBox>
#include <QWidget>

#include <functional>

class QButtonGroup;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QSlider;

// A spin box whose arrows skip values that `valid` refuses (typed values are
// still taken as they are, for core to accept or explain).
class ValidStepSpinBox : public QSpinBox {
    Q_OBJECT
public:
    explicit ValidStepSpinBox(std::function<bool(int)> valid, QWidget *parent = nullptr);
    void stepBy(int steps) override;

private:
    std::function<bool(int)> m_valid;
};

class ArchitecturePanel : public QWidget {
    Q_OBJECT
public:
    explicit ArchitecturePanel(QWidget *parent = nullptr);

    // Shows `spec` in the controls without emitting specEdited.
    void setSpec(const resnext::ArchSpec &spec);
    // Shows the reason why the last edit was refused (empty hides it).
    void showError(const QString &message);
    QString errorText() const;

    // Says which model the classifier runs when it is not the one shown here
    // (empty `running` or `differs` false hides the note).
    void setRunningModel(const QString &running, bool differs);
    QLabel *runningNote() const { return m_running; }

    bool holdComplexity() const;
    void setHoldComplexity(bool on);
    resnext::MatchBy matchBy() const;
    void setMatchBy(resnext::MatchBy by);
    bool countAll() const;
    void setCountAll(bool on);

    QSlider *cardinalitySlider() const { return m_cSlider; }
    QSlider *widthSlider() const { return m_dSlider; }
    QSpinBox *cardinalitySpin() const { return m_cSpin; }
    QSpinBox *widthSpin() const { return m_dSpin; }
    QCheckBox *holdCheck() const { return m_hold; }
    QLineEdit *layersEdit() const { return m_layers; }
    QComboBox *presetCombo() const { return m_preset; }
    QComboBox *blockCombo() const { return m_block; }
    QCheckBox *seCheck() const { return m_se; }
    QSpinBox *seRatioSpin() const { return m_seRatio; }

Q_SIGNALS:
    // The user changed a control; the candidate spec may be invalid.
    void specEdited(const resnext::ArchSpec &spec);
    // The user picked a preset: shown as it is (the window turns hold off).
    void presetChosen(const resnext::ArchSpec &spec);
    // The user asked to show the classifier's model in the explorer.
    void showRunningModel();
    // The hold toggle, its measure, or the counting convention changed.
    void optionsChanged();

private:
    void edit(const std::function<void(resnext::ArchSpec &)> &change);
    // Whether the shown spec with width d passes core's validation.
    bool widthValid(int d) const;
    // The first valid width from d on in `direction` (+1 or -1), else the other way.
    int nearestValidWidth(int d, int direction) const;
    void syncEnabled();

    resnext::ArchSpec m_shown;
    bool m_updating = false;
    QComboBox *m_preset = nullptr;
    QComboBox *m_depth = nullptr;
    QLineEdit *m_layers = nullptr;
    QComboBox *m_stem = nullptr;
    QComboBox *m_block = nullptr;
    QButtonGroup *m_form = nullptr;
    QCheckBox *m_se = nullptr;
    QSpinBox *m_seRatio = nullptr;
    QSpinBox *m_input = nullptr;
    QSpinBox *m_classes = nullptr;
    QSlider *m_cSlider = nullptr;
    QSpinBox *m_cSpin = nullptr;
    QSlider *m_dSlider = nullptr;
    QSpinBox *m_dSpin = nullptr;
    QCheckBox *m_hold = nullptr;
    QComboBox *m_by = nullptr;
    QCheckBox *m_countAll = nullptr;
    QLabel *m_error = nullptr;
    QLabel *m_groupInfo = nullptr;
    QLabel *m_running = nullptr;
};
