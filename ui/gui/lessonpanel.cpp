#include "controls.h"
#include "lessonpanel.h"

#include "language.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSplitter>
#include <QToolButton>
#include <QSignalBlocker>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <cmath>

LessonPanel::LessonPanel(const QString &languageCode, QWidget *parent) : QWidget(parent)
{
    setObjectName("lessonPanel");
    m_lesson = lesson::load(languageCode);
    auto *layout = new QVBoxLayout(this);
    auto *nav = new QHBoxLayout;
    m_prev = new QToolButton;
    m_prev->setArrowType(Qt::LeftArrow);
    m_prev->setToolTip(tr("Previous step"));
    m_prev->setObjectName("lessonPrev");
    m_next = new QToolButton;
    m_next->setArrowType(Qt::RightArrow);
    m_next->setToolTip(tr("Next step"));
    m_next->setObjectName("lessonNext");
    m_steps = new QComboBox;
    m_steps->setObjectName("lessonSteps");
    m_steps->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_steps->setMinimumContentsLength(8);
    for (size_t i = 0; i < m_lesson.steps.size(); ++i)
        //: a lesson step in the list: its number and title
        m_steps->addItem(tr("%1. %2").arg(i + 1).arg(m_lesson.steps[i].title));
    nav->addWidget(m_prev);
    nav->addWidget(m_steps, 1);
    nav->addWidget(m_next);
    layout->addLayout(nav);

    m_body = new QTextBrowser;
    m_body->setObjectName("lessonBody");
    m_body->setOpenExternalLinks(true);
    // The text above, the exercises below: the reader moves the divider.
    auto *split = new QSplitter(Qt::Vertical);
    split->setChildrenCollapsible(false);
    auto *top = new QWidget;
    auto *topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(m_body, 1);

    auto *actions = new QHBoxLayout;
    m_showMe = makeButton(tr("Show me"), "lessonShowMe",
                          tr("Set the window (model, block form, tab, stage, image) to what this step talks "
                             "about."));
    m_compare = makeButton(tr("Compute the difference"), "lessonCompareForms",
                           tr("Run the loaded model in forms (a), (b) and (c) on the current image and report the "
                              "largest difference of their outputs (on the worker thread)."));
    actions->addWidget(m_showMe);
    actions->addWidget(m_compare);
    actions->addStretch();
    topLayout->addLayout(actions);
    m_formsResult = new QLabel;
    m_formsResult->setObjectName("lessonFormsResult");
    m_formsResult->setWordWrap(true);
    topLayout->addWidget(m_formsResult);
    split->addWidget(top);

    auto *scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    m_exercises = new QWidget;
    m_exerciseLayout = new QVBoxLayout(m_exercises);
    m_exerciseLayout->setContentsMargins(0, 0, 0, 0);
    scroll->setWidget(m_exercises);
    split->addWidget(scroll);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setSizes({380, 170}); // room for a question, its answer row and its help row
    layout->addWidget(split, 1);

    connect(m_prev, &QPushButton::clicked, this, [this] { setStep(m_step - 1); });
    connect(m_next, &QPushButton::clicked, this, [this] { setStep(m_step + 1); });
    connect(m_steps, &QComboBox::currentIndexChanged, this, [this](int i) {
        if (i >= 0 && i != m_step)
            setStep(i);
    });
    connect(m_showMe, &QPushButton::clicked, this,
            [this] { Q_EMIT showRequested(m_lesson.steps[static_cast<size_t>(m_step)].show); });
    connect(m_compare, &QPushButton::clicked, this, [this] {
        m_formsResult->setText(tr("Computing forms (a), (b) and (c) on the current image..."));
        Q_EMIT compareFormsRequested();
    });
    setStep(0);
}

void LessonPanel::setStep(int index)
{
    if (index < 0 || index >= stepCount())
        return;
    if (index != m_step)
        m_topic.clear();
    m_step = index;
    {
        const QSignalBlocker b(m_steps);
        m_steps->setCurrentIndex(index);
    }
    m_prev->setEnabled(index > 0);
    m_next->setEnabled(index + 1 < stepCount());
    const bool compare = m_lesson.steps[static_cast<size_t>(index)].action == "compareForms";
    m_compare->setVisible(compare);
    m_formsResult->setVisible(compare && !m_formsResult->text().isEmpty());
    render();
    buildExercises();
}

void LessonPanel::setSpec(const resnext::ArchSpec &spec, const resnext::CountOptions &options)
{
    m_vars = lesson::variables(spec, options);
    m_bottleneck = spec.block == resnext::BlockKind::Bottleneck;
    render();
}

bool LessonPanel::showTopic(const QString &topic)
{
    const auto it = m_lesson.why.find(topic);
    if (it == m_lesson.why.end())
        return false;
    int index = m_step;
    for (int i = 0; i < stepCount(); ++i)
        if (m_lesson.steps[static_cast<size_t>(i)].id == it->second.step)
            index = i;
    setStep(index);
    m_topic = topic;
    render();
    m_body->verticalScrollBar()->setValue(0);
    return true;
}

QString LessonPanel::bodyText() const { return m_body->toPlainText(); }

void LessonPanel::setFormsResult(const QString &text)
{
    m_formsResult->setText(text);
    m_formsResult->setVisible(!text.isEmpty());
}

QString LessonPanel::formsResult() const { return m_formsResult->text(); }

void LessonPanel::render()
{
    if (m_lesson.steps.empty())
        return;
    const lesson::Step &s = m_lesson.steps[static_cast<size_t>(m_step)];
    const auto formulaHtml = [this](const lesson::Formula &f) -> QString {
        QString html = "<table cellpadding='6' width='100%' style='background:#f3f6fa; margin:4px 0'><tr><td>";
        if (!f.label.isEmpty())
            html += "<b>" + f.label.toHtmlEscaped() + "</b><br>";
        html += "<code>" + lesson::symbolic(f.expr).toHtmlEscaped() + "</code>";
        if (m_vars.empty()) {
        } else if (f.bottleneckOnly && !m_bottleneck) {
            html += "<br><i>" + tr("This formula is about bottleneck blocks; the current model has basic blocks.")
                                    .toHtmlEscaped() +
                    "</i>";
        } else {
            try {
                const double v = lesson::evaluate(f.expr, m_vars);
                html += "<br><code>= " + lesson::substituted(f.expr, m_vars).toHtmlEscaped() + "</code>";
                html += "<br><code>= <b>" + lesson::fill("{v}", {{"v", std::round(v * 1000) / 1000}}) + "</b></code>";
                if (!f.equals.isEmpty() && m_vars.count(f.equals)) {
                    const double shown = m_vars.at(f.equals);
                    const bool same = std::abs(v - shown) <= 1e-9 * std::max(1.0, std::abs(shown));
                    html += same ? " &nbsp;<span style='color:#1b7f3b'>&#10003; " +
                                       tr("the number the window shows").toHtmlEscaped() + "</span>"
                                 : " &nbsp;<span style='color:#b00020'>" +
                                       tr("but the window shows %1").arg(lesson::fill("{v}", {{"v", shown}})).toHtmlEscaped() +
                                       "</span>";
                }
            } catch (const std::exception &e) {
                html += "<br><i>" + QString::fromUtf8(e.what()).toHtmlEscaped() + "</i>";
            }
        }
        return html + "</td></tr></table>";
    };
    QString html;
    if (!m_topic.isEmpty()) {
        const auto &w = m_lesson.why.at(m_topic);
        html += "<table cellpadding='6' width='100%' style='background:#fff8e1'><tr><td><b>" +
                tr("Why?").toHtmlEscaped() + "</b> " + lesson::fill(w.text, m_vars) + "</td></tr></table>";
        if (!w.formula.expr.isEmpty())
            html += formulaHtml(w.formula);
    }
    html += "<h3>" + s.title.toHtmlEscaped() + "</h3>";
    for (const QString &p : s.paragraphs)
        html += "<p>" + lesson::fill(p, m_vars) + "</p>";
    for (const lesson::Formula &f : s.formulas)
        html += formulaHtml(f);
    const int scroll = m_body->verticalScrollBar()->value();
    m_body->setHtml(html);
    m_body->verticalScrollBar()->setValue(scroll);
}

void LessonPanel::buildExercises()
{
    while (QLayoutItem *item = m_exerciseLayout->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    m_exerciseWidgets.clear();
    const lesson::Step &s = m_lesson.steps[static_cast<size_t>(m_step)];
    for (size_t i = 0; i < s.exercises.size(); ++i) {
        const lesson::Exercise &e = s.exercises[i];
        auto *box = new QWidget;
        auto *v = new QVBoxLayout(box);
        v->setContentsMargins(0, 4, 0, 4);
        auto *q = new QLabel(tr("<b>Exercise %1.</b> %2").arg(i + 1).arg(e.question));
        q->setWordWrap(true);
        v->addWidget(q);
        auto *row = new QHBoxLayout;
        ExerciseWidgets w;
        if (e.kind == "choice") {
            w.choice = new QComboBox;
            w.choice->setObjectName(QString("exerciseChoice%1").arg(i));
            for (const QString &c : e.choices)
                w.choice->addItem(c.section('|', 1), c.section('|', 0, 0));
            row->addWidget(w.choice, 1);
        } else {
            w.edit = new QLineEdit;
            w.edit->setObjectName(QString("exerciseAnswer%1").arg(i));
            w.edit->setPlaceholderText(tr("Your answer (a whole number)"));
            row->addWidget(w.edit, 1);
        }
        w.check = new QPushButton(tr("Check"));
        auto *hint = new QPushButton(tr("Hint"));
        auto *worked = new QPushButton(tr("Show the answer"));
        row->addWidget(w.check);
        v->addLayout(row);
        auto *help = new QHBoxLayout;
        help->addWidget(hint);
        help->addWidget(worked);
        help->addStretch();
        v->addLayout(help);
        w.verdict = new QLabel;
        w.verdict->setObjectName(QString("exerciseVerdict%1").arg(i));
        w.verdict->setWordWrap(true);
        v->addWidget(w.verdict);
        m_exerciseLayout->addWidget(box);
        m_exerciseWidgets.push_back(w);
        const auto rightText = [e] {
            if (e.kind == "choice")
                return e.answer;
            return lesson::fill("{v}", {{"v", lesson::rightAnswer(e)}});
        };
        connect(w.check, &QPushButton::clicked, this, [this, i, e, w] {
            const QString typed = w.choice ? w.choice->currentData().toString() : w.edit->text();
            const bool ok = lesson::check(e, typed);
            w.verdict->setText(ok ? "<span style='color:#1b7f3b'>" + tr("Right.").toHtmlEscaped() + "</span>"
                                  : "<span style='color:#b00020'>" +
                                        tr("Not yet: try again, or ask for a hint.").toHtmlEscaped() + "</span>");
        });
        connect(hint, &QPushButton::clicked, this, [w, e] { w.verdict->setText(e.hint); });
        connect(worked, &QPushButton::clicked, this, [this, w, e, rightText] {
            QString text = e.worked;
            text.replace("{answer}", rightText());
            w.verdict->setText(lesson::fill(text, m_vars));
        });
    }
    m_exerciseLayout->addStretch();
}

QString LessonPanel::answer(int index, const QString &text)
{
    if (index < 0 || index >= static_cast<int>(m_exerciseWidgets.size()))
        return {};
    const ExerciseWidgets &w = m_exerciseWidgets[static_cast<size_t>(index)];
    if (w.choice)
        w.choice->setCurrentIndex(std::max(0, w.choice->findData(text)));
    else
        w.edit->setText(text);
    w.check->click();
    return w.verdict->text();
}
