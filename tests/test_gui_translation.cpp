// The window in Vietnamese: every message of the translation file is
// translated with the same placeholders, and, under the Vietnamese
// translator, every visible text of every panel, menu, dock and dialog
// differs from its English source unless it is on the list of texts that are
// the same in both languages (names, units, the paper's terms the seed
// document keeps in English). The English and the Vietnamese window are
// built alike and walked in the same order, text by text.
#include "experimentpanel.h"
#include "language.h"
#include "layertable.h"
#include "lessonpanel.h"
#include "mainwindow.h"
#include "trainpanel.h"
#include "weightsdialog.h"

#include "figure.h"
#include "plot.h"

#include <QAbstractButton>
#include <QComboBox>
#include <QDir>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDockWidget>
#include <QFileDialog>
#include <QMessageBox>
#include <QFile>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QRegularExpression>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTextDocumentFragment>
#include <QTimer>
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
        // Names: the app, the languages in their own words, data sets, methods, colour maps, number formats.
        "ResNeXt Explorer", "English", "Tiếng Việt", "Fashion-MNIST", "Grad-CAM", "linear CKA", "Linear CKA",
        "viridis", "magma", "FP32", "BF16", "Fast BF16", "CPU", "C", "d",
        // The paper's terms, kept in English by the seed document (shared/seeds/000_…): its Vietnamese
        // text writes "cardinality", "bottleneck width", "block", "stage", "split-transform-merge".
        "Split-transform-merge", "Cardinality C", "cardinality C", "Bottleneck width d", "Block", "Block:",
        "Stage:", "Stem", "Bottleneck (1x1, 3x3, 1x1)", "Basic (3x3, 3x3)",
        "(a) aggregated residual transformations", "(c) grouped convolution",
        // Deep-learning words Vietnamese courses and the seed document use untranslated.
        "MACs", "FLOPs (2 x MACs)", "MACs/byte", "Params", "activations", "Batch", "Seed", "Epoch", "epoch",
        "Learning rate", "Specs", "C values", "Engine", "Top:", "Camera",
        // Qt's OK button: Vietnamese software keeps it (qtbase_extra_vi.ts translates it to itself).
        "OK",
    };
    if (same.contains(s) || s.startsWith('/')) // a path: the file dialog's folders
        return true;
    static const QRegularExpression namesAndNumbers(
        "^([-+0-9.,:%x×()\\s/=<>·…_]|px|MiB|M|G|k|resnext\\S*|seresnext\\S*|resnet\\S*|ResNeXt\\S*|ResNet\\S*|wide_\\S*|"
        "layer\\d+(\\.\\d+)?|basic|cifar stem|cpu|cuda|\\d+×\\d+d|- ResNeXt Explorer|\\(a\\)|\\(b\\)|\\(c\\)|\\.\\.\\.|CUDA.*|Ctrl\\S*|Fast \\(oneDNN\\))*$");
    return namesAndNumbers.match(s).hasMatch();
}

QStringList compare(const QList<Text> &en, const QList<Text> &vi)
{
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

// Texts are read with each window's own translator installed: some are
// translated when drawn (table headers), not when built.
QStringList untranslated(QWidget *english, QWidget *vietnamese)
{
    language::install("en");
    const QList<Text> en = texts(english);
    language::install("vi");
    const QList<Text> vi = texts(vietnamese);
    return compare(en, vi);
}

// Runs `open` (which shows modal dialogs one after the other) and hands each
// modal dialog, as it appears, to `seen` with its index; `seen` reads it and
// closes it (accept or reject), which lets `open` go on.
void walkModals(const std::function<void()> &open, const std::function<void(QWidget *, int)> &seen)
{
    QWidget *last = nullptr;
    int index = 0;
    QTimer poll;
    poll.setInterval(20);
    QObject::connect(&poll, &QTimer::timeout, [&] {
        QWidget *m = QApplication::activeModalWidget();
        if (!m || m == last || !m->isVisible())
            return;
        last = m;
        QCoreApplication::processEvents(); // lets the dialog fill itself (the file dialog's folder)
        seen(m, index++);
    });
    poll.start();
    open();
    poll.stop();
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
    void numbersInEveryPanel();
    void noNumberFormattedOutsideTheLocale();
    void coreMessagesFramed();
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
    QTemporaryDir dir;
    QFile(dir.filePath("model.pth")).open(QIODevice::WriteOnly); // a file and a folder for the file dialog to list
    QDir(dir.path()).mkdir("images");
    QStringList problems;
    {
        language::install("en");
        WeightsDialog en;
        language::install("vi");
        WeightsDialog vi;
        problems << untranslated(&en, &vi);
    }
    // The dialogs the window opens, read while they are up, in English and in
    // Vietnamese: About, the export size, the message box for a bad size, and
    // the file dialog (Qt's own widget dialog, as on a desktop without a native one).
    QMap<QString, QList<Text>> seen[2];
    for (int l = 0; l < 2; ++l) {
        language::install(l == 0 ? "en" : "vi");
        MainWindow w(dir.filePath("s.ini"));
        QAction *about = nullptr;
        for (QAction *a : w.findChildren<QAction *>())
            if (a->shortcut() == QKeySequence(QKeySequence::HelpContents))
                about = a;
        QVERIFY(about);
        walkModals([&] { about->trigger(); },
                   [&](QWidget *m, int) {
                       seen[l]["about"] = texts(m);
                       static_cast<QDialog *>(m)->accept();
                   });
        QCustomPlot *plot = w.findChild<QCustomPlot *>("costPlot");
        // A bad size: the size dialog, then the message box.
        walkModals([&] { exportFigureInteractively(plot); },
                   [&](QWidget *m, int i) {
                       seen[l][i == 0 ? "size" : "message"] = texts(m);
                       if (i == 0)
                           m->findChild<QComboBox *>()->setEditText("big");
                       static_cast<QDialog *>(m)->accept();
                   });
        // A good size: the size dialog, then the file dialog (cancelled).
        walkModals([&] { exportFigureInteractively(plot); },
                   [&](QWidget *m, int i) {
                       if (auto *f = qobject_cast<QFileDialog *>(m)) {
                           f->setDirectory(dir.path());
                           QCoreApplication::processEvents();
                           seen[l]["file"] = texts(m);
                           f->reject();
                       } else {
                           static_cast<QDialog *>(m)->accept();
                       }
                   });
    }
    // The open and the folder dialogs (Open image..., Image folder...) as Qt builds them.
    for (const auto mode : {QFileDialog::ExistingFiles, QFileDialog::Directory}) {
        QList<Text> t[2];
        for (int l = 0; l < 2; ++l) {
            language::install(l == 0 ? "en" : "vi");
            QFileDialog f(nullptr, "-", dir.path());
            f.setOption(QFileDialog::DontUseNativeDialog);
            f.setFileMode(mode);
            f.show();
            QCoreApplication::processEvents();
            t[l] = texts(&f);
        }
        seen[0][mode == QFileDialog::Directory ? "folder" : "open"] = t[0];
        seen[1][mode == QFileDialog::Directory ? "folder" : "open"] = t[1];
    }
    QCOMPARE(seen[0].keys(), (QStringList{"about", "file", "folder", "message", "open", "size"}));
    // The file dialog was read while up: Qt's own labels, from qtbase_extra_vi.ts.
    const auto has = [](const QList<Text> &list, const QString &text) {
        return std::any_of(list.begin(), list.end(), [&](const Text &t) { return plain(t.text) == text; });
    };
    QVERIFY(has(seen[0]["file"], "Look in:") && has(seen[1]["file"], "Tìm trong:"));
    QVERIFY(has(seen[0]["file"], "Date Modified") && has(seen[1]["file"], "Ngày sửa đổi"));
    for (const QString &k : seen[0].keys())
        for (const QString &p : compare(seen[0][k], seen[1][k]))
            problems << k + " dialog: " + p;
    language::install("en");
    problems.removeDuplicates();
    QVERIFY2(problems.isEmpty(), qPrintable(QString("\n%1 untranslated:\n").arg(problems.size()) + problems.join('\n')));
    // Qt's own buttons (Qt ships no Vietnamese, Debian neither): the small extra file.
    language::install("vi");
    QCOMPARE(QCoreApplication::translate("QPlatformTheme", "Cancel"), QString("Hủy"));
    // The context menu of every text field and of the lesson's text.
    {
        QLineEdit edit;
        std::unique_ptr<QMenu> menu(edit.createStandardContextMenu());
        QStringList items;
        for (QAction *action : menu->actions())
            if (!action->isSeparator())
                items << action->text().section('\t', 0, 0);
        QVERIFY2(items.contains("&Sao chép") && items.contains("Chọn tất cả"), qPrintable(items.join(", ")));
    }
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
    QCOMPARE(language::general(1.5e-6, 2), QString("1.5e-06"));
    language::install("vi");
    QCOMPARE(language::count(25028904), QString("25.028.904"));
    QCOMPARE(language::decimal(8.41, 2), QString("8,41"));
    QCOMPARE(language::general(1.5e-6, 2), QString("1,5e-06"));
    QCOMPARE(language::compact(25028904), QString("25,03 M"));
}

// Each panel with numbers, built under each language: ResNeXt-50 (32x4d)'s
// 25,028,904 parameters and a 4.23 % accuracy in the language's separators.
void TestGuiTranslation::numbersInEveryPanel()
{
    struct Expect {
        QString code, params, percent, blockParams;
        QChar point;
    };
    for (const Expect &x : {Expect{"en", "25,028,904", "4.23", "70,144", '.'},
                            Expect{"vi", "25.028.904", "4,23", "70.144", ','}}) {
        language::install(x.code);
        QTemporaryDir dir;
        MainWindow w(dir.filePath("s.ini"));
        QVERIFY(w.findChild<QLabel *>("params_current")->text().contains(x.params));
        QVERIFY(w.findChild<QLabel *>("layerTotals")->text().contains(x.params));
        // The clipboard gets plain numbers in both languages (conv1: 64·3·7·7 weights).
        QVERIFY(w.layerTable()->selectionAsText().contains("\t9408\t"));
        // The lesson's live formula: the layer1 block of 32x4d, 256·128 + 3·3·128·128/32 + 128·256.
        w.lessonPanel()->setStep(0);
        QVERIFY2(w.lessonPanel()->bodyText().contains(x.blockParams), qPrintable(w.lessonPanel()->bodyText()));
        // The experiments table from a result.
        auto r = std::make_shared<resnext::ExperimentResult>();
        resnext::ExperimentPoint p;
        p.label = "C=32";
        p.spec = w.spec();
        p.totals.params = 25028904;
        p.totals.macs = 4227137536;
        r->points = {p};
        resnext::PointStats a;
        a.n = 1;
        a.mean = a.min = a.max = 0.0423;
        r->accuracy = {a};
        auto *experiments = w.findChild<ExperimentPanel *>();
        QVERIFY(experiments);
        experiments->showResult(r);
        QCOMPARE(experiments->table()->item(0, 3)->text(), x.params);
        QCOMPARE(experiments->table()->item(0, 6)->text(), x.percent);
        // The train panel's model line (core's compact counts: "1.23M" / "1,23M").
        auto *train = w.findChild<TrainPanel *>();
        train->refreshModelLabel();
        QVERIFY2(train->findChild<QLabel *>("trainModelLabel")->text().contains(QRegularExpression(
                     QString("\\d\\%1\\d+ ?[kMG]").arg(x.point))),
                 qPrintable(train->findChild<QLabel *>("trainModelLabel")->text()));
        // Plots take the locale they are built in (their tick labels).
        for (const char *plot : {"costPlot", "costStagePlot"})
            QCOMPARE(w.findChild<QCustomPlot *>(plot)->locale().decimalPoint(), QString(x.point));
    }
}

// The panels that show numbers only after a run (classify timings, the video
// bar, the group analysis) are held to it at the source: no number of the
// window is formatted by QString::number/arg with a format, or core's
// withThousands/humanCount, outside language.cpp (integers that are names or
// shapes, such as 2048 x 7 x 7 or layer3, stay plain).
void TestGuiTranslation::noNumberFormattedOutsideTheLocale()
{
    static const QRegularExpression formatted(
        "QString::number\\([^;]*'[fgeE]'|\\.arg\\([^;()]*,\\s*0,\\s*'[fgeE]'|withThousands|humanCount|std::to_string");
    QStringList problems;
    int filesRead = 0;
    // The window's layers; the command line (ui/cli) stays English for scripts.
    for (const char *layer : {"/ui/gui", "/ui/charts"}) {
        const QDir dir(QString(RESNEXT_SOURCE_DIR) + layer);
        for (const QString &name : dir.entryList({"*.cpp"})) {
            if (name == "language.cpp")
                continue;
            QFile f(dir.filePath(name));
            QVERIFY(f.open(QIODevice::ReadOnly));
            ++filesRead;
            int line = 0;
            for (const QString &text : QString::fromUtf8(f.readAll()).split('\n')) {
                ++line;
                // Cache keys are not shown (costpanel's measureKey, modelservice's profile key); data
                // for files or the clipboard says so with a "// data, not shown" comment on its line.
                if (text.contains(formatted) && !text.contains("key") && !text.contains("\"|\"") &&
                    !text.contains("// data, not shown"))
                    problems << QString("%1:%2: %3").arg(name).arg(line).arg(text.trimmed());
            }
        }
    }
    QVERIFY2(filesRead >= 20, "the window's sources were not found: the check read too few files");
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n')));
}

// Core's messages stay English; the Vietnamese window says so around them.
void TestGuiTranslation::coreMessagesFramed()
{
    const QString core = "/x/model.pth: not found";
    language::install("en");
    QCOMPARE(language::coreMessage(core.toUtf8().constData()), core);
    language::install("vi");
    QCOMPARE(language::coreMessage(core), QString("Lỗi (thông báo gốc bằng tiếng Anh): ") + core);
    // The typed WeightsMismatch is worded by the window (ModelService::open).
    const char *mismatch = "%1 does not match the model it describes; \"Load anyway\" loads only the tensors that "
                           "match. Details: %2.";
    QVERIFY(QCoreApplication::translate("ModelService", mismatch) != QString(mismatch));
}

QTEST_MAIN(TestGuiTranslation)
#include "test_gui_translation.moc"
