#include "lesson.h"

#include "language.h"

#include "resnext/plan.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QRegularExpression>

#include <cmath>
#include <stdexcept>
#include <utility>

namespace lesson {

namespace {

[[noreturn]] void fail(const QString &message) { throw std::runtime_error(message.toStdString()); }

Formula formulaOf(const QJsonObject &o, const QString &where)
{
    Formula f;
    f.label = o.value("label").toString();
    f.expr = o.value("expr").toString();
    f.equals = o.value("equals").toString();
    f.bottleneckOnly = o.value("bottleneckOnly").toBool(true);
    if (f.expr.isEmpty())
        fail(QString("%1: a formula without \"expr\"").arg(where));
    return f;
}

State stateOf(const QJsonObject &o)
{
    // The lesson file's key of each field, by type; an absent key leaves its field unset.
    static const std::pair<const char *, std::optional<QString> State::*> texts[] = {
        {"preset", &State::preset}, {"form", &State::form},   {"panel", &State::panel},
        {"block", &State::block},   {"model", &State::model}};
    static const std::pair<const char *, std::optional<int> State::*> numbers[] = {
        {"C", &State::cardinality}, {"d", &State::width}, {"stage", &State::stage}, {"sample", &State::sample}};
    static const std::pair<const char *, std::optional<bool> State::*> flags[] = {{"hold", &State::hold}};
    State s;
    const auto read = [&](const auto &fields, const auto &convert) {
        for (const auto &[key, field] : fields)
            if (o.contains(key))
                s.*field = convert(o.value(key));
    };
    read(texts, [](const QJsonValue &v) { return v.toString(); });
    read(numbers, [](const QJsonValue &v) { return v.toInt(); });
    read(flags, [](const QJsonValue &v) { return v.toBool(); });
    return s;
}

// A small recursive-descent evaluator: expr := term (('+'|'-') term)*, term :=
// factor (('*'|'/') factor)*, factor := number | name | '(' expr ')' | '-' factor.
class Parser {
public:
    Parser(const QString &text, const std::map<QString, double> &vars) : m_s(text), m_vars(vars) {}
    double parse()
    {
        const double v = expr();
        skip();
        if (m_i != m_s.size())
            fail(QString("formula '%1': unexpected '%2'").arg(m_s, m_s.mid(m_i, 1)));
        return v;
    }

private:
    void skip()
    {
        while (m_i < m_s.size() && m_s[m_i].isSpace())
            ++m_i;
    }
    // operand ((first | second) operand)*, left to right: expr and term. `apply`
    // computes one step: (operator is `first`, left, right) -> value.
    template <class Apply>
    double leftToRight(double (Parser::*operand)(), QChar first, QChar second, const Apply &apply)
    {
        double v = (this->*operand)();
        for (;;) {
            skip();
            if (m_i >= m_s.size() || (m_s[m_i] != first && m_s[m_i] != second))
                return v;
            const bool isFirst = m_s[m_i++] == first;
            v = apply(isFirst, v, (this->*operand)());
        }
    }
    double expr()
    {
        return leftToRight(&Parser::term, '+', '-', [](bool plus, double l, double r) { return plus ? l + r : l - r; });
    }
    double term()
    {
        return leftToRight(&Parser::factor, '*', '/', [](bool times, double l, double r) { return times ? l * r : l / r; });
    }
    double factor()
    {
        skip();
        if (m_i >= m_s.size())
            fail(QString("formula '%1': ends too early").arg(m_s));
        const QChar c = m_s[m_i];
        if (c == '(') {
            ++m_i;
            const double v = expr();
            skip();
            if (m_i >= m_s.size() || m_s[m_i] != ')')
                fail(QString("formula '%1': missing ')'").arg(m_s));
            ++m_i;
            return v;
        }
        if (c == '-') {
            ++m_i;
            return -factor();
        }
        const int start = m_i;
        if (c.isDigit() || c == '.') {
            while (m_i < m_s.size() && (m_s[m_i].isDigit() || m_s[m_i] == '.'))
                ++m_i;
            return m_s.mid(start, m_i - start).toDouble();
        }
        if (c.isLetter() || c == '_') {
            while (m_i < m_s.size() && (m_s[m_i].isLetterOrNumber() || m_s[m_i] == '_'))
                ++m_i;
            const QString name = m_s.mid(start, m_i - start);
            const auto it = m_vars.find(name);
            if (it == m_vars.end())
                fail(QString("formula '%1': unknown name '%2'").arg(m_s, name));
            return it->second;
        }
        fail(QString("formula '%1': unexpected '%2'").arg(m_s, QString(c)));
    }

    QString m_s;
    const std::map<QString, double> &m_vars;
    int m_i = 0;
};

QString number(double v)
{
    if (std::abs(v - std::round(v)) < 1e-9 && std::abs(v) < 9e15)
        return language::count(static_cast<qint64>(std::llround(v)));
    return language::decimal(v, std::abs(v) < 10 ? 3 : 2);
}

} // namespace

Lesson loadFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        fail(QString("%1: cannot read").arg(path));
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &error);
    if (doc.isNull())
        fail(QString("%1: %2 at byte %3").arg(path, error.errorString()).arg(error.offset));
    const QJsonObject root = doc.object();
    Lesson l;
    l.language = root.value("language").toString();
    l.title = root.value("title").toString();
    l.intro = root.value("intro").toString();
    for (const QJsonValue &sv : root.value("steps").toArray()) {
        const QJsonObject so = sv.toObject();
        Step s;
        s.id = so.value("id").toString();
        s.title = so.value("title").toString();
        if (s.id.isEmpty() || s.title.isEmpty())
            fail(QString("%1: a step without \"id\" or \"title\"").arg(path));
        for (const QJsonValue &p : so.value("paragraphs").toArray())
            s.paragraphs << p.toString();
        for (const QJsonValue &f : so.value("formulas").toArray())
            s.formulas.push_back(formulaOf(f.toObject(), path + ": step " + s.id));
        s.show = stateOf(so.value("show").toObject());
        s.action = so.value("action").toString();
        for (const QJsonValue &ev : so.value("exercises").toArray()) {
            const QJsonObject eo = ev.toObject();
            Exercise e;
            e.id = eo.value("id").toString();
            e.question = eo.value("question").toString();
            e.kind = eo.value("kind").toString();
            e.preset = eo.value("preset").toString();
            e.quantity = eo.value("quantity").toString();
            e.cardinality = eo.value("C").toInt();
            for (const QJsonValue &c : eo.value("choices").toArray())
                e.choices << c.toString();
            e.answer = eo.value("answer").toString();
            e.tolerance = eo.value("tolerance").toDouble(0);
            e.hint = eo.value("hint").toString();
            e.worked = eo.value("worked").toString();
            if (e.kind != "number" && e.kind != "solver" && e.kind != "choice")
                fail(QString("%1: exercise '%2': kind must be number, solver or choice").arg(path, e.id));
            s.exercises.push_back(e);
        }
        l.steps.push_back(s);
    }
    const QJsonObject why = root.value("why").toObject();
    for (auto it = why.begin(); it != why.end(); ++it) {
        const QJsonObject o = it.value().toObject();
        Lesson::Why w;
        w.step = o.value("step").toString();
        w.text = o.value("text").toString();
        if (o.contains("formula"))
            w.formula = formulaOf(o.value("formula").toObject(), path + ": why " + it.key());
        l.why[it.key()] = w;
    }
    if (l.steps.empty())
        fail(QString("%1: no steps").arg(path));
    return l;
}

Lesson load(const QString &code)
{
    const QString path = QString(":/lesson/lesson_%1.json").arg(code);
    return loadFile(QFile::exists(path) ? path : QString(":/lesson/lesson_en.json"));
}

std::map<QString, double> variables(const resnext::ArchSpec &spec, const resnext::CountOptions &options)
{
    using namespace resnext;
    std::map<QString, double> v;
    const Summary sum = summarize(spec, options);
    const Summary base = summarize(baselineOf(spec), options);
    v["C"] = spec.cardinality;
    v["d"] = spec.width;
    v["params"] = static_cast<double>(sum.params);
    v["macs"] = static_cast<double>(sum.macs);
    v["flops"] = static_cast<double>(sum.flops());
    v["activations"] = static_cast<double>(sum.activations);
    v["bytes"] = static_cast<double>(sum.bytes);
    v["intensity"] = sum.intensity();
    v["baseParams"] = static_cast<double>(base.params);
    v["baseMacs"] = static_cast<double>(base.macs);
    v["input"] = spec.inputSize;
    const auto layers = planLayers(spec);
    double convMacs = 0;
    for (const LayerInfo &l : layers)
        if (l.kind == LayerKind::Conv || l.kind == LayerKind::Linear)
            convMacs += static_cast<double>(l.macs);
    v["convMacs"] = convMacs;
    for (int s = 1; s <= spec.numStages(); ++s) {
        const QString n = QString::number(s);
        // The stage's repeated block (block 1; block 0 when the stage has one):
        // its input and output widths are the stage's, with no stride or projection.
        const int b = spec.layers[static_cast<size_t>(s - 1)] > 1 ? 1 : 0;
        double params = 0, macs = 0;
        for (const LayerInfo &l : layers) {
            // The block's main path (the formula's terms): no projection shortcut, no SE module.
            if (l.stage != s || l.block != b || l.kind != LayerKind::Conv || l.role == LayerRole::Shortcut ||
                l.role == LayerRole::Excite)
                continue;
            params += static_cast<double>(l.params);
            macs += static_cast<double>(l.macs);
            // conv1 takes the block's input, conv2 sets the map size, the last conv gives the output
            // (a basic block's conv1 is its Grouped 3x3, its conv2 the Expand).
            const bool bottleneck = spec.block == BlockKind::Bottleneck;
            if (l.role == (bottleneck ? LayerRole::Reduce : LayerRole::Grouped))
                v["in" + n] = l.inChannels;
            if (l.role == (bottleneck ? LayerRole::Grouped : LayerRole::Expand))
                v["h" + n] = l.height;
            if (l.role == LayerRole::Expand)
                v["out" + n] = l.channels;
        }
        v["blockParams" + n] = params;
        v["blockMacs" + n] = macs;
        if (spec.block == BlockKind::Bottleneck) {
            v["g" + n] = spec.groupWidth(s - 1);
            v["w" + n] = spec.stageGroupedWidth(s - 1);
        }
    }
    return v;
}

double evaluate(const QString &expr, const std::map<QString, double> &vars) { return Parser(expr, vars).parse(); }

QString symbolic(const QString &expr)
{
    QString s = expr;
    s.replace('*', QStringLiteral("·"));
    s.replace('-', QStringLiteral("−"));
    return s;
}

// `text` with each match of `pattern` whose capture `group` names one of `vars`
// replaced by that variable's value; other matches stay as they are.
static QString withValues(const QString &text, const QRegularExpression &pattern, int group,
                          const std::map<QString, double> &vars)
{
    QString out;
    int last = 0;
    auto it = pattern.globalMatch(text);
    while (it.hasNext()) {
        const auto m = it.next();
        out += text.mid(last, m.capturedStart() - last);
        const auto v = vars.find(m.captured(group));
        out += v == vars.end() ? m.captured() : number(v->second);
        last = m.capturedEnd();
    }
    return out + text.mid(last);
}

QString substituted(const QString &expr, const std::map<QString, double> &vars)
{
    static const QRegularExpression name(QStringLiteral("[A-Za-z_][A-Za-z0-9_]*"));
    return symbolic(withValues(expr, name, 0, vars));
}

QString fill(const QString &text, const std::map<QString, double> &vars)
{
    static const QRegularExpression field(QStringLiteral("\\{([A-Za-z_][A-Za-z0-9_]*)\\}"));
    return withValues(text, field, 1, vars);
}

double rightAnswer(const Exercise &e)
{
    if (e.kind == "choice")
        return 0;
    const resnext::ArchSpec spec = resnext::preset(e.preset.toStdString()).spec;
    if (e.kind == "solver")
        return resnext::matchWidth(spec, e.cardinality, resnext::MatchBy::Params).width;
    return evaluate(e.quantity, variables(spec));
}

bool check(const Exercise &e, const QString &typed)
{
    const QString t = typed.trimmed();
    if (e.kind == "choice") {
        const QString key = t.section('|', 0, 0).remove('(').remove(')').toLower();
        return !key.isEmpty() && key == e.answer.toLower();
    }
    // Digits only: "70,144", "70.144" and "70 144" are all 70144 (answers are whole numbers).
    QString digits;
    for (QChar c : t)
        if (c.isDigit() || (c == '-' && digits.isEmpty()))
            digits += c;
    bool ok = false;
    const double v = digits.toDouble(&ok);
    if (!ok || digits.isEmpty() || digits == "-")
        return false;
    const double want = rightAnswer(e);
    return std::abs(v - want) <= std::max(0.5, e.tolerance * std::abs(want));
}

void validateState(const State &state)
{
    if (state.preset)
        resnext::preset(state.preset->toStdString()); // throws naming the known ones
    if (state.form && *state.form != "a" && *state.form != "b" && *state.form != "c")
        fail(QString("show: form '%1' is not a, b or c").arg(*state.form));
    if (state.model && *state.model != "classifier")
        fail(QString("show: model '%1' is not classifier").arg(*state.model));
}

} // namespace lesson
