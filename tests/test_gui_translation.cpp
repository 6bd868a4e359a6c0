// The window in Vietnamese: every message of the translation file is
// translated with the same placeholders, and, under the Vietnamese
// translator, every visible text of every panel, menu, dock and dialog
// differs from its English source unless it is on the list of texts that are
// the same in both languages (names, units, the paper's terms the seed
// document keeps in English). The English and the Vietnamese window are
// built alike and walked in the same order, text by text.
#include "language.h"
#include "lessonpanel.h"
#include "mainwindow.h"
#include "weightsdialog.h"

#include "plot.h"

#include <QAbstractButton>
#include <QComboBox>
#include <QDockWidget>
#include <QFile>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QRegularExpression>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTextDocumentFragment>
#include <QXmlStreamReader>
#include <QtTest/QtTest>

namespace {

struct Text {
    QString where;
    QString text;
};

QString plain(QString s)
{
    if (s.contains('<') || s.contains('&'))
        s = QTextDocumentFragment::fromHtml(s).toPlainText();
    s.remove(QRegularExpression("&(?=[^&])"));
    return s.simplified();
}

void addMenu(QMenu *menu, const QString &where, QList<Text> &out)
{
    out.append({where, menu->title()});
    for (QAction *a : menu->actions()) {
        if (a->menu())
            addMenu(a->menu(), where + ">" + a->menu()->title(), out);
        else if (!a->isSeparator())
            out.append({where + ">action", a->text()}), out.append({where + ">tip", a->toolTip()});
    }
}

// Every text a user can read in `root` (widgets, items, headers, tooltips, plot labels).
QList<Text> texts(QWidget *root)
{
    QList<Text> out;
    QList<QWidget *> all = root->findChildren<QWidget *>();
    all.prepend(root);
    for (QWidget *w : all) {
        const QString where = QString("%1 '%2'").arg(w->metaObject()->className(), w->objectName());
        out.append({where + " tooltip", w->toolTip()});
        if (w->isWindow())
            out.append({where + " title", w->windowTitle()});
        if (auto *l = qobject_cast<QLabel *>(w))
            out.append({where, l->text()});
        else if (auto *b = qobject_cast<QAbstractButton *>(w))
            out.append({where, b->text()});
        else if (auto *g = qobject_cast<QGroupBox *>(w))
            out.append({where, g->title()});
        else if (auto *e = qobject_cast<QLineEdit *>(w))
            out.append({where + " placeholder", e->placeholderText()});
        else if (auto *d = qobject_cast<QDockWidget *>(w))
            out.append({where, d->windowTitle()});
        if (auto *c = qobject_cast<QComboBox *>(w))
            for (int i = 0; i < c->count(); ++i)
                out.append({where + " item", c->itemText(i)});
        if (auto *t = qobject_cast<QTabWidget *>(w))
            for (int i = 0; i < t->count(); ++i)
                out.append({where + " tab", t->tabText(i)});
        if (auto *h = qobject_cast<QHeaderView *>(w); h && h->model())
            for (int i = 0; i < h->count(); ++i)
                out.append({where + " header", h->model()->headerData(i, h->orientation()).toString()});
        if (auto *p = qobject_cast<QCustomPlot *>(w)) {
            for (QCPAxisRect *r : p->axisRects())
                for (QCPAxis *a : r->axes())
                    out.append({where + " axis", a->label()});
            for (int i = 0; i < p->plottableCount(); ++i)
                out.append({where + " series", p->plottable(i)->name()});
            for (int i = 0; i < p->plotLayout()->elementCount(); ++i)
                if (auto *t = qobject_cast<QCPTextElement *>(p->plotLayout()->elementAt(i)))
                    out.append({where + " plot title", t->text()});
        }
        if (auto *bar = qobject_cast<QMenuBar *>(w))
            for (QAction *a : bar->actions())
                if (a->menu())
                    addMenu(a->menu(), "menu " + a->menu()->title(), out);
    }
    return out;
}

// The same in English and Vietnamese on purpose: names, units, numbers, the
// paper's terms the seed document keeps in English, file patterns.
bool intentionallySame(const QString &s)
{
    static const QStringList same = {
        "ResNeXt Explorer", "MACs", "FLOPs (2 x MACs)", "C", "d", "Block:", "Block", "Stage:", "Batch", "CPU",
        "Split-transform-merge", "viridis", "magma", "Top:", "Cardinality C", "Bottleneck width d",
        "Bottleneck (1x1, 3x3, 1x1)", "Basic (3x3, 3x3)", "Camera", "English", "Tiếng Việt", "Params",
        "MACs/byte", "Seed", "Epoch", "Learning rate", "linear CKA", "Linear CKA", "epoch", "cardinality C",
        "Stem", "Fashion-MNIST", "Grad-CAM", "FP32", "BF16", "Fast BF16", "Specs", "C values", "Engine",
        "(a) aggregated residual transformations", "(c) grouped convolution", "activations",
    };
    if (same.contains(s))
        return true;
    static const QRegularExpression namesAndNumbers(
        "^([-+0-9.,:%x×()\\s/=<>·…_]|px|MiB|M|G|k|resnext\\S*|seresnext\\S*|resnet\\S*|ResNeXt\\S*|ResNet\\S*|wide_\\S*|"
        "layer\\d+(\\.\\d+)?|basic|cifar stem|cpu|cuda|\\d+×\\d+d|- ResNeXt Explorer|\\(a\\)|\\(b\\)|\\(c\\)|\\.\\.\\.|CUDA.*|Ctrl\\S*|Fast \\(oneDNN\\))*$");
    return namesAndNumbers.match(s).hasMatch();
}

// Texts are read with each window's own translator installed: some are
// translated when drawn (table headers), not when built.
QStringList untranslated(QWidget *english, QWidget *vietnamese)
{
    language::install("en");
    const QList<Text> en = texts(english);
    language::install("vi");
    const QList<Text> vi = texts(vietnamese);
    if (en.size() != vi.size())
        return {QString("the two windows differ in structure: %1 texts in English, %2 in Vietnamese")
                    .arg(en.size())
                    .arg(vi.size())};
    QStringList problems;
    for (int i = 0; i < en.size(); ++i) {
        const QString e = plain(en[i].text), v = plain(vi[i].text);
        // "Graph N": QCustomPlot's default name of a series kept out of the legend, shown nowhere.
        if (e.isEmpty() || e != v || intentionallySame(e) || e.contains(QRegularExpression("^Graph \\d+$")))
            continue;
        problems << QString("%1: \"%2\"").arg(en[i].where, e.left(100));
    }
    problems.removeDuplicates();
    return problems;
}

} // namespace

class TestGuiTranslation : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void everyMessageTranslated();
    void noUntranslatedTextInTheWindow();
    void dialogsTranslated();
    void languageChoiceSavedForNextStart();
    void numbersFollowTheLocale();
    void cleanup() { language::install("en"); }
};

void TestGuiTranslation::everyMessageTranslated()
{
    QFile f(RESNEXT_SOURCE_DIR "/resources/translations/resnext-explorer_vi.ts");
    QVERIFY(f.open(QIODevice::ReadOnly));
    QXmlStreamReader xml(&f);
    QString source;
    int messages = 0;
    QStringList problems;
    static const QRegularExpression placeholder("%\\d");
    const auto placeholders = [](const QString &s) {
        QStringList p;
        for (auto it = placeholder.globalMatch(s); it.hasNext();)
            p << it.next().captured();
        p.sort();
        return p;
    };
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        if (xml.name() == QLatin1String("source")) {
            source = xml.readElementText();
        } else if (xml.name() == QLatin1String("translation")) {
            ++messages;
            const bool unfinished = xml.attributes().value("type") == QLatin1String("unfinished");
            // Plural messages hold their text in <numerusform> children.
            const QString t = xml.readElementText(QXmlStreamReader::IncludeChildElements);
            if (unfinished || t.isEmpty())
                problems << "unfinished: " + source;
            else if (placeholders(t) != placeholders(source))
                problems << "placeholders differ: " + source;
        }
    }
    QVERIFY(!xml.hasError());
    QVERIFY(messages > 500);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n')));
}

void TestGuiTranslation::noUntranslatedTextInTheWindow()
{
    QTemporaryDir dir;
    language::install("en");
    MainWindow en(dir.filePath("en.ini"));
    QCOMPARE(language::install("vi"), QString("vi"));
    MainWindow vi(dir.filePath("vi.ini"));
    QCOMPARE(vi.windowTitle().contains("ResNeXt Explorer"), true);
    QCOMPARE(vi.menuBar()->actions().first()->text(), QString("&Tệp"));
    // Every panel, including the lesson dock, shown in turn so that lazily filled texts are there too.
    QStringList problems;
    for (const QString &name : MainWindow::panelNames()) {
        en.showPanel(name);
        vi.showPanel(name);
    }
    problems << untranslated(&en, &vi);
    QVERIFY(texts(&vi).size() > 1000);
    {
        // The walk does catch an English text left in the Vietnamese window.
        QLabel a("Hello world", &en), b("Hello world", &vi);
        const QStringList caught = untranslated(&en, &vi);
        QVERIFY(caught.size() == problems.size() + 1 && caught.last().contains("Hello world"));
    }
    // Each lesson step and its exercises.
    QVERIFY(vi.lessonPanel()->content().language == "vi");
    for (int i = 0; i < en.lessonPanel()->stepCount(); ++i) {
        language::install("en");
        en.lessonPanel()->setStep(i); // the exercises are built with the translator of the moment
        language::install("vi");
        vi.lessonPanel()->setStep(i);
        problems << untranslated(en.lessonPanel(), vi.lessonPanel());
    }
    problems.removeDuplicates();
    QVERIFY2(problems.isEmpty(), qPrintable(QString("\n%1 untranslated:\n").arg(problems.size()) + problems.join('\n')));
}

void TestGuiTranslation::dialogsTranslated()
{
    language::install("en");
    WeightsDialog en;
    language::install("vi");
    WeightsDialog vi;
    const QStringList problems = untranslated(&en, &vi);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n')));
    // The About box is built when asked for: its text, through the same translator.
    const QString about = QCoreApplication::translate("MainWindow", "About ResNeXt Explorer");
    QCOMPARE(about, QString("Giới thiệu ResNeXt Explorer"));
    // Qt's own buttons (Qt ships no Vietnamese): the small extra file.
    QCOMPARE(QCoreApplication::translate("QPlatformTheme", "Cancel"), QString("Hủy"));
}

void TestGuiTranslation::languageChoiceSavedForNextStart()
{
    QTemporaryDir dir;
    const QString ini = dir.filePath("s.ini");
    {
        MainWindow w(ini);
        QVERIFY(w.findChild<QMenu *>("languageMenu"));
        w.setLanguageChoice("vi");
        QCOMPARE(language::savedChoice(ini), QString("vi"));
        w.close();
    }
    QCOMPARE(language::savedChoice(ini), QString("vi")); // kept through saveSettings' rewrite
    {
        MainWindow w(ini);
        QCOMPARE(w.languageChoice(), QString("vi"));
        w.setLanguageChoice({});
    }
    QCOMPARE(language::savedChoice(ini), QString());
    QCOMPARE(language::resolve("vi"), QString("vi"));
    QCOMPARE(language::resolve("xx").isEmpty(), false);
}

void TestGuiTranslation::numbersFollowTheLocale()
{
    language::install("en");
    QCOMPARE(language::count(25028904), QString("25,028,904"));
    QCOMPARE(language::decimal(8.41, 2), QString("8.41"));
    language::install("vi");
    QCOMPARE(language::count(25028904), QString("25.028.904"));
    QCOMPARE(language::decimal(8.41, 2), QString("8,41"));
    QCOMPARE(language::compact(25028904), QString("25,03 M"));
    QTemporaryDir dir;
    MainWindow w(dir.filePath("s.ini"));
    QVERIFY(w.findChild<QLabel *>("params_current")->text().contains("25.028.904"));
}

QTEST_MAIN(TestGuiTranslation)
#include "test_gui_translation.moc"
