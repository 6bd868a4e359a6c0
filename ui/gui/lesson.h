#pragma once
// The guided lesson's content and arithmetic, without widgets. The text, the
// formula templates, the "Show me" states and the exercises live in
// resources/lesson/lesson_<language>.json (embedded under :/lesson); this file
// reads them, evaluates formulas with the current spec's values (from core's
// plan and accounting, never recomputed here) and checks typed answers.

#include "resnext/accounting.h"
#include "resnext/spec.h"

#include <QString>
#include <QStringList>

#include <map>
#include <optional>
#include <vector>

namespace lesson {

// What a step's "Show me" sets; unset fields are left as they are.
struct State {
    std::optional<QString> preset; // a core preset name, e.g. "resnet50"
    std::optional<int> cardinality, width; // C and d applied after the preset
    std::optional<QString> form;           // "a", "b" or "c"
    std::optional<bool> hold;              // Model > Hold complexity at ResNet's
    std::optional<QString> panel;          // a MainWindow panel name ("block", "charts", ...)
    std::optional<int> stage;              // 1-based stage of the block diagram
    std::optional<QString> block;          // the classify panel's block, e.g. "layer2.0"
    std::optional<int> sample;             // Fashion-MNIST test image index to classify
    std::optional<QString> model;          // "classifier": the sliders show the classifying model
};

// One formula: `expr` is arithmetic (+ - * / parentheses, numbers, variable
// names); `equals` names the variable (a number the app shows) it must equal.
struct Formula {
    QString label;
    QString expr;
    QString equals;
    bool bottleneckOnly = true;
};

struct Exercise {
    QString id;
    QString question;
    QString kind; // "number": typed number against `quantity` of `preset`; "solver": the d for
                  // `cardinality` that matchWidth gives for `preset`; "choice": one of `choices`
    QString preset;
    QString quantity;
    int cardinality = 0;
    QStringList choices; // "key|text"
    QString answer;      // the right choice's key
    double tolerance = 0; // relative, for "number"
    QString hint;
    QString worked; // the worked answer; {answer} is replaced by the right value
};

struct Step {
    QString id;
    QString title;
    QStringList paragraphs; // HTML
    std::vector<Formula> formulas;
    State show;
    QString action; // "compareForms": the step offers the forms' numerical comparison
    std::vector<Exercise> exercises;
};

struct Lesson {
    QString language;
    QString title;
    QString intro;
    std::vector<Step> steps;
    // "Why?" topics (a number the window shows) -> step id and a short explanation with a formula.
    struct Why {
        QString step;
        QString text;
        Formula formula;
    };
    std::map<QString, Why> why;
};

// Reads :/lesson/lesson_<code>.json (English when there is none); throws
// std::runtime_error naming the file and the field when it is malformed.
Lesson load(const QString &code);
Lesson loadFile(const QString &path);

// The numbers formulas may use, for `spec` under `options` (C, d, g1..gN,
// w1..wN, in1.., out1.., h1.., blockParams1.., blockMacs1.., params, macs,
// flops, activations, bytes, intensity, baseParams, baseMacs, convMacs).
std::map<QString, double> variables(const resnext::ArchSpec &spec, const resnext::CountOptions &options = {});
// Evaluates `expr`; throws std::runtime_error on a syntax error or an unknown name.
double evaluate(const QString &expr, const std::map<QString, double> &vars);
// `expr` for reading ("C·(in1·g1 + 3·3·g1·g1)") and with the values put in.
QString symbolic(const QString &expr);
QString substituted(const QString &expr, const std::map<QString, double> &vars);
// Replaces {name} in `text` by the value of variable `name` (locale-formatted).
QString fill(const QString &text, const std::map<QString, double> &vars);

// The right answer of a number or solver exercise (a string of digits for a choice).
double rightAnswer(const Exercise &exercise);
// Whether `typed` answers `exercise` (numbers may be grouped with , . or spaces).
bool check(const Exercise &exercise, const QString &typed);

// Applies to the preset names the lesson may use: throws naming an unknown one.
void validateState(const State &state);

} // namespace lesson
