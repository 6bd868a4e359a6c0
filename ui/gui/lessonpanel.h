#pragma once
// The Lesson dock: a guided walk through the paper, one step at a time, beside
// any tab. Each step has a few paragraphs, formulas with the current model's
// values substituted live, a "Show me" that sets the window's state (the
// window applies it, see MainWindow::applyLessonState) and exercises checked
// against core (the plan, the solver). "Why?" links elsewhere in the window
// open a topic here. The content is resources/lesson/lesson_<language>.json.

#include "lesson.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTextBrowser;
class QToolButton;
class QVBoxLayout;

class LessonPanel : public QWidget {
    Q_OBJECT
public:
    // Loads the lesson of `languageCode` (English when there is none).
    explicit LessonPanel(const QString &languageCode, QWidget *parent = nullptr);

    const lesson::Lesson &content() const { return m_lesson; }
    int stepCount() const { return static_cast<int>(m_lesson.steps.size()); }
    int step() const { return m_step; }
    void setStep(int index);
    // The formulas follow this model (call on every change of the sliders).
    void setSpec(const resnext::ArchSpec &spec, const resnext::CountOptions &options);
    // Shows the "Why?" explanation of `topic` (a key of the lesson's "why") and its
    // step; false for an unknown topic.
    bool showTopic(const QString &topic);
    QString topic() const { return m_topic; }
    // The text of the step as shown (tests, snapshots).
    QString bodyText() const;
    // The result line of step 3's numerical comparison of the forms.
    void setFormsResult(const QString &text);
    QString formsResult() const;
    // Exercise `index` of the current step: type `answer` and press Check; returns the verdict shown.
    QString answer(int index, const QString &answer);
    QPushButton *showMeButton() const { return m_showMe; }
    // As wide as the architecture dock it is tabbed with, whatever the step's text.
    QSize sizeHint() const override { return {380, 600}; }

Q_SIGNALS:
    void showRequested(const lesson::State &state);
    void compareFormsRequested();

private:
    void render();
    void buildExercises();

    lesson::Lesson m_lesson;
    int m_step = 0;
    QString m_topic;
    std::map<QString, double> m_vars;
    bool m_bottleneck = true;
    QComboBox *m_steps = nullptr;
    QToolButton *m_prev = nullptr;
    QToolButton *m_next = nullptr;
    QTextBrowser *m_body = nullptr;
    QPushButton *m_showMe = nullptr;
    QPushButton *m_compare = nullptr;
    QLabel *m_formsResult = nullptr;
    QWidget *m_exercises = nullptr;
    QVBoxLayout *m_exerciseLayout = nullptr;
    struct ExerciseWidgets {
        QLineEdit *edit = nullptr;
        QComboBox *choice = nullptr;
        QLabel *verdict = nullptr;
        QPushButton *check = nullptr;
    };
    std::vector<ExerciseWidgets> m_exerciseWidgets;
};
