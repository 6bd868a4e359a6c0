// The manual's links: every relative link and image in README.md and docs/*.md
// names a file that exists, and every #anchor a heading of that file (GitHub's
// rule: lower case, punctuation dropped, spaces to hyphens). Links inside code
// blocks and inline code are not links.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSet>
#include <QtTest/QtTest>

namespace {

const QString kRoot = QStringLiteral(RESNEXT_SOURCE_DIR);

// The text outside ``` fences, one entry per line.
QStringList proseLines(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QStringList out;
    bool fenced = false;
    for (const QString &line : QString::fromUtf8(f.readAll()).split('\n')) {
        if (line.trimmed().startsWith("```")) {
            fenced = !fenced;
            continue;
        }
        if (!fenced)
            out << line;
    }
    return out;
}

QString slug(QString heading)
{
    heading = heading.trimmed().toLower();
    QString out;
    for (const QChar c : heading) {
        if (c.isLetterOrNumber() || c == '-' || c == '_')
            out += c;
        else if (c == ' ')
            out += '-';
    }
    return out;
}

QSet<QString> anchorsOf(const QString &path)
{
    QSet<QString> anchors;
    QHash<QString, int> seen;
    static const QRegularExpression heading("^#{1,6}\\s+(.*?)\\s*#*\\s*$");
    for (const QString &line : proseLines(path)) {
        const auto m = heading.match(line);
        if (!m.hasMatch())
            continue;
        const QString base = slug(m.captured(1));
        const int n = seen.value(base, 0);
        seen[base] = n + 1;
        anchors.insert(n == 0 ? base : base + "-" + QString::number(n));
    }
    return anchors;
}

} // namespace

class TestDocs : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void slugsAreGitHubs();
    void relativeLinksResolve();
    void readmeIsAFrontPage();
};

void TestDocs::slugsAreGitHubs()
{
    QCOMPARE(slug("Cost beyond FLOPs: activations, bytes, memory and measured time"),
             QString("cost-beyond-flops-activations-bytes-memory-and-measured-time"));
    QCOMPARE(slug("Fast CPU inference: oneDNN, measured against PyTorch's best CPU path"),
             QString("fast-cpu-inference-onednn-measured-against-pytorchs-best-cpu-path"));
    QCOMPARE(slug("Groups: do the paths specialise?"), QString("groups-do-the-paths-specialise"));
}

void TestDocs::relativeLinksResolve()
{
    QStringList files = {kRoot + "/README.md"};
    for (const QString &name : QDir(kRoot + "/docs").entryList({"*.md"}, QDir::Files))
        files << kRoot + "/docs/" + name;
    QVERIFY(files.size() > 1);
    // [text](target) and ![alt](target), outside inline code.
    static const QRegularExpression code("`[^`]*`");
    static const QRegularExpression link("!?\\[[^\\]]*\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
    QStringList broken;
    int checked = 0;
    for (const QString &file : files) {
        const QStringList lines = proseLines(file);
        for (int i = 0; i < lines.size(); ++i) {
            QString line = lines[i];
            line.remove(code);
            for (auto it = link.globalMatch(line); it.hasNext();) {
                const QString target = it.next().captured(1);
                if (target.contains("://") || target.startsWith("mailto:"))
                    continue;
                ++checked;
                const int hash = target.indexOf('#');
                const QString pathPart = hash < 0 ? target : target.left(hash);
                const QString anchor = hash < 0 ? QString() : target.mid(hash + 1);
                const QString resolved =
                    pathPart.isEmpty() ? file : QFileInfo(QFileInfo(file).dir(), pathPart).absoluteFilePath();
                const QString where = QDir(kRoot).relativeFilePath(file) + ": " + target;
                if (!QFileInfo::exists(resolved))
                    broken << where + " (no such file)";
                else if (!anchor.isEmpty() && !anchorsOf(resolved).contains(anchor))
                    broken << where + " (no such heading)";
            }
        }
    }
    QVERIFY(checked > 20);
    QVERIFY2(broken.isEmpty(), qPrintable(broken.join('\n')));
}

void TestDocs::readmeIsAFrontPage()
{
    QFile f(kRoot + "/README.md");
    QVERIFY(f.open(QIODevice::ReadOnly));
    const int lines = QString::fromUtf8(f.readAll()).count('\n');
    QVERIFY2(lines <= 250, qPrintable(QString("README.md has %1 lines; the manual belongs in docs/").arg(lines)));
}

QTEST_APPLESS_MAIN(TestDocs)
#include "test_docs.moc"
