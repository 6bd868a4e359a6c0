// The data-set readers: IDX files raw and gzipped, one exact one-line message for
// every kind of bad input, the installed Fashion-MNIST, image folders, and the
// seeded stratified splits. Every test file is made at run time in a temporary folder.
#include "resnext/dataset.h"
#include "resnext/error.h"
#include "test_util.h"

#include <QtTest/QtTest>

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <tuple>

using namespace resnext;
using testutil::errorOf;
using testutil::writeFile;

namespace {

QByteArray bigEndian32(quint32 v)
{
    QByteArray out(4, '\0');
    for (int k = 0; k < 4; ++k)
        out[k] = char((v >> (8 * (3 - k))) & 0xFF);
    return out;
}

// An IDX image file's header followed by data (which need not match the header).
QByteArray idxImages(quint32 count, quint32 rows, quint32 cols, const QByteArray &data)
{
    return bigEndian32(0x803) + bigEndian32(count) + bigEndian32(rows) + bigEndian32(cols) + data;
}

QByteArray idxLabels(quint32 count, const QByteArray &data)
{
    return bigEndian32(0x801) + bigEndian32(count) + data;
}

// n bytes 0, 1, 2, ... (mod 256): pixels whose position can be told from their value.
QByteArray ramp(int n)
{
    QByteArray out(n, '\0');
    for (int i = 0; i < n; ++i)
        out[i] = char(i & 0xFF);
    return out;
}

// Writes each part as its own gzip member (one part: an ordinary .gz file).
QString writeGz(const QTemporaryDir &dir, const QString &name, const QList<QByteArray> &parts)
{
    const QString path = dir.filePath(name);
    QFile::remove(path);
    for (const QByteArray &part : parts) {
        gzFile gz = gzopen(QFile::encodeName(path).constData(), "ab");
        if (!gz || gzwrite(gz, part.constData(), unsigned(part.size())) != part.size() || gzclose(gz) != Z_OK)
            qFatal("cannot write gzip test file %s", qPrintable(path));
    }
    return path;
}

// The bytes of a gzip file holding data.
QByteArray gzipped(const QByteArray &data)
{
    QTemporaryDir dir;
    if (!dir.isValid())
        qFatal("no temporary folder");
    QFile f(writeGz(dir, "x.gz", {data}));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read back gzip test file");
    return f.readAll();
}

void touch(const QString &path)
{
    QFileInfo info(path);
    if (!QDir().mkpath(info.absolutePath()))
        qFatal("cannot make folder %s", qPrintable(info.absolutePath()));
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        qFatal("cannot make file %s", qPrintable(path));
}

// An in-memory set of 2x2x1 images in which every pixel of image i is i mod 256,
// with labels given class by class: sizes[c] images of class c, interleaved round-robin.
ImageSet syntheticSet(const std::vector<int> &sizes)
{
    ImageSet set;
    set.height = 2;
    set.width = 2;
    set.channels = 1;
    for (std::size_t c = 0; c < sizes.size(); ++c)
        set.classNames.push_back("class" + std::to_string(c));
    std::vector<int> left = sizes;
    for (bool any = true; any;) {
        any = false;
        for (std::size_t c = 0; c < left.size(); ++c) {
            if (left[c]-- > 0) {
                any = true;
                set.labels.push_back(std::int64_t(c));
            }
        }
    }
    for (std::size_t i = 0; i < set.labels.size(); ++i)
        set.pixels.insert(set.pixels.end(), 4, std::uint8_t(i & 0xFF));
    return set;
}

std::map<std::int64_t, int> histogram(const std::vector<std::int64_t> &labels)
{
    std::map<std::int64_t, int> h;
    for (auto l : labels)
        ++h[l];
    return h;
}

std::vector<std::string> paths(const std::vector<FileSample> &samples)
{
    std::vector<std::string> out;
    for (const auto &s : samples)
        out.push_back(s.path);
    return out;
}

} // namespace

class TestDataset : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void readRawAndGzip_data();
    void readRawAndGzip();
    void multiMemberGzip();
    void badIdx_data();
    void badIdx();
    void countMismatch();
    void missingFile();
    void directoryAsFile();
    void customClassNames();
    void fashionMnist();
    void fashionMnistMissing();
    void folderListing();
    void folderSplit();
    void folderErrors();
    void splitSizesAndStratification();
    void splitDeterminism();
    void splitErrors();
    void subsetAndFirstPerClass();
};

void TestDataset::readRawAndGzip_data()
{
    testutil::addColumns<bool, bool>("imagesGz", "labelsGz");
    QTest::newRow("raw") << false << false;
    QTest::newRow("gzip") << true << true;
    QTest::newRow("gzip images, raw labels") << true << false;
}

void TestDataset::readRawAndGzip()
{
    QFETCH(bool, imagesGz);
    QFETCH(bool, labelsGz);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QByteArray images = idxImages(3, 2, 5, ramp(30));
    const QByteArray labels = idxLabels(3, QByteArray("\x07\x00\x09", 3));
    // Names are deliberately not telling: gzip is recognised by content.
    const QString ip = imagesGz ? writeGz(dir, "images.bin", {images}) : writeFile(dir, "images.bin", images);
    const QString lp = labelsGz ? writeGz(dir, "labels.bin", {labels}) : writeFile(dir, "labels.bin", labels);

    const ImageSet set = readIdx(ip.toStdString(), lp.toStdString());
    QCOMPARE(set.count(), std::size_t(3));
    QCOMPARE(set.height, 2);
    QCOMPARE(set.width, 5);
    QCOMPARE(set.channels, 1);
    QCOMPARE(set.imageBytes(), std::size_t(10));
    QCOMPARE(set.labels, (std::vector<std::int64_t>{7, 0, 9}));
    QCOMPARE(set.classNames, (std::vector<std::string>{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}));
    QCOMPARE(set.pixels.size(), std::size_t(30));
    for (std::size_t i = 0; i < 30; ++i)
        QCOMPARE(std::size_t(set.pixels[i]), i);
    QCOMPARE(set.image(2), set.pixels.data() + 20);
    QCOMPARE(errorOf([&] { set.image(3); }), QStringLiteral("image set: image 3 is out of range (3 images)"));
}

void TestDataset::multiMemberGzip()
{
    // gzip allows concatenated members (e.g. `cat a.gz b.gz`); header and data may be split anywhere.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QByteArray images = idxImages(2, 3, 3, ramp(18));
    const QString ip = writeGz(dir, "i.gz", {images.left(10), images.mid(10, 9), images.mid(19)});
    const QString lp = writeGz(dir, "l.gz", {idxLabels(2, QByteArray("\x01\x02", 2))});
    const ImageSet set = readIdx(ip.toStdString(), lp.toStdString());
    QCOMPARE(set.count(), std::size_t(2));
    const QByteArray expected = ramp(18);
    QCOMPARE(set.pixels, (std::vector<std::uint8_t>(expected.begin(), expected.end())));
}

void TestDataset::badIdx_data()
{
    testutil::addColumns<QByteArray, QByteArray, bool, QString>("imagesFile", "labelsFile", "labelsAtFault", "problem");

    const QByteArray goodImages = idxImages(3, 2, 2, ramp(12));
    const QByteArray goodLabels = idxLabels(3, QByteArray("\x00\x01\x02", 3));
    const QByteArray gzImages = gzipped(idxImages(300, 16, 16, ramp(300 * 256)));
    QByteArray badCrc = gzipped(goodImages);
    badCrc[badCrc.size() - 8] = char(badCrc[badCrc.size() - 8] ^ 0x55);
    QByteArray badMethod = gzipped(goodImages);
    badMethod[2] = char(7); // compression method: only 8 (deflate) exists

    QTest::newRow("wrong image magic") << goodLabels << goodLabels << false
                                       << "wrong magic number 0x00000801 (expected 0x00000803 for IDX images)";
    QTest::newRow("wrong label magic") << goodImages << goodImages << true
                                       << "wrong magic number 0x00000803 (expected 0x00000801 for IDX labels)";
    QTest::newRow("truncated images") << idxImages(3, 2, 2, ramp(10)) << goodLabels << false
                                      << "truncated: header promises 3 images of 2x2 (12 bytes) but the file holds 10";
    QTest::newRow("truncated images, gzipped") << gzipped(idxImages(3, 2, 2, ramp(10))) << goodLabels << false
                                               << "truncated: header promises 3 images of 2x2 (12 bytes) but the file holds 10";
    QTest::newRow("truncated labels") << goodImages << idxLabels(3, QByteArray(1, '\0')) << true
                                      << "truncated: header promises 3 labels (3 bytes) but the file holds 1";
    QTest::newRow("extra image bytes") << idxImages(3, 2, 2, ramp(15)) << goodLabels << false
                                       << "extra data: header promises 3 images of 2x2 (12 bytes) but the file holds 3 more bytes after them";
    QTest::newRow("extra label byte") << goodImages << gzipped(idxLabels(3, QByteArray(4, '\0'))) << true
                                      << "extra data: header promises 3 labels (3 bytes) but the file holds 1 more byte after them";
    QTest::newRow("label out of range") << goodImages << idxLabels(3, QByteArray("\x00\x0a\x01", 3)) << true
                                        << "label 10 at index 1 is out of range (10 classes)";
    QTest::newRow("garbage named .gz") << QByteArray("this is not gzip, just text\n") << goodLabels << false
                                       << "wrong magic number 0x74686973 (expected 0x00000803 for IDX images)";
    QTest::newRow("gzip magic then garbage") << QByteArray("\x1f\x8bthis is not deflate data at all") << goodLabels
                                             << false << "not a valid gzip stream";
    QTest::newRow("unknown gzip method") << badMethod << goodLabels << false << "not a valid gzip stream";
    QTest::newRow("gzip CRC mismatch") << badCrc << goodLabels << false << "not a valid gzip stream";
    QTest::newRow("gzip cut in half") << gzImages.left(gzImages.size() / 2) << goodLabels << false
                                      << "truncated gzip stream";
    QTest::newRow("gzip without its trailer") << gzImages.left(gzImages.size() - 8) << goodLabels << false
                                              << "truncated gzip stream";
    QTest::newRow("gzip magic only") << QByteArray("\x1f\x8b") << goodLabels << false << "truncated gzip stream";
    QTest::newRow("empty images file") << QByteArray() << goodLabels << false
                                       << "truncated: an IDX image header needs 16 bytes but the file holds 0";
    QTest::newRow("short image header") << idxImages(3, 2, 2, {}).left(9) << goodLabels << false
                                        << "truncated: an IDX image header needs 16 bytes but the file holds 9";
    QTest::newRow("short label header") << goodImages << idxLabels(3, {}).left(6) << true
                                        << "truncated: an IDX label header needs 8 bytes but the file holds 6";
    QTest::newRow("zero rows") << idxImages(3, 0, 28, {}) << goodLabels << false
                               << "image size 0x28 is out of range (rows and columns must be 1..1024)";
    QTest::newRow("too many columns") << idxImages(3, 28, 1025, {}) << goodLabels << false
                                      << "image size 28x1025 is out of range (rows and columns must be 1..1024)";
    QTest::newRow("too many images") << idxImages(10000001, 1, 1, {}) << goodLabels << false
                                     << "header promises 10000001 images; at most 10000000 are supported";
    QTest::newRow("too many labels") << goodImages << idxLabels(0xFFFFFFFFu, {}) << true
                                     << "header promises 4294967295 labels; at most 10000000 are supported";
    // The largest header allowed, over 4 bytes of data: must fail without trying to allocate 10 TB.
    QTest::newRow("huge promise") << idxImages(10000000, 1024, 1024, ramp(4)) << goodLabels << false
                                  << "truncated: header promises 10000000 images of 1024x1024 (10485760000000 bytes) but the file holds 4";
    QTest::newRow("huge promise, gzipped") << gzipped(idxImages(10000000, 1024, 1024, ramp(4))) << goodLabels << false
                                           << "truncated: header promises 10000000 images of 1024x1024 (10485760000000 bytes) but the file holds 4";
}

void TestDataset::badIdx()
{
    QFETCH(QByteArray, imagesFile);
    QFETCH(QByteArray, labelsFile);
    QFETCH(bool, labelsAtFault);
    QFETCH(QString, problem);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    // .gz names whatever the content: the reader must go by the bytes.
    const QString ip = writeFile(dir, "train-images-idx3-ubyte.gz", imagesFile);
    const QString lp = writeFile(dir, "train-labels-idx1-ubyte.gz", labelsFile);
    QCOMPARE(errorOf([&] { readIdx(ip.toStdString(), lp.toStdString()); }),
             (labelsAtFault ? lp : ip) + QStringLiteral(": ") + problem);
}

void TestDataset::countMismatch()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString ip = writeGz(dir, "images.gz", {idxImages(3, 2, 2, ramp(12))});
    const QString lp = writeGz(dir, "labels.gz", {idxLabels(2, QByteArray(2, '\0'))});
    QCOMPARE(errorOf([&] { readIdx(ip.toStdString(), lp.toStdString()); }),
             ip + ": holds 3 images but " + lp + " holds 2 labels");
}

void TestDataset::missingFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString lp = writeFile(dir, "labels", idxLabels(1, QByteArray(1, '\0')));
    const QString ip = dir.filePath("no-such-images.gz");
    QCOMPARE(errorOf([&] { readIdx(ip.toStdString(), lp.toStdString()); }),
             ip + ": cannot open file (No such file or directory)");
    const QString missingLabels = dir.filePath("no-such-labels");
    QCOMPARE(errorOf([&] { readIdx(ip.toStdString(), missingLabels.toStdString()); }),
             missingLabels + ": cannot open file (No such file or directory)");
}

void TestDataset::directoryAsFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString lp = writeFile(dir, "labels", idxLabels(1, QByteArray(1, '\0')));
    QCOMPARE(errorOf([&] { readIdx(dir.path().toStdString(), lp.toStdString()); }),
             dir.path() + ": not a regular file (a folder)");
}

void TestDataset::customClassNames()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString ip = writeFile(dir, "i", idxImages(2, 1, 1, QByteArray("\x05\x06", 2)));
    const QString lp = writeFile(dir, "l", idxLabels(2, QByteArray("\x01\x02", 2)));
    const ImageSet set = readIdx(ip.toStdString(), lp.toStdString(), {"cat", "dog", "bird"});
    QCOMPARE(set.classNames, (std::vector<std::string>{"cat", "dog", "bird"}));
    QCOMPARE(set.labels, (std::vector<std::int64_t>{1, 2}));
    QCOMPARE(errorOf([&] { readIdx(ip.toStdString(), lp.toStdString(), {"cat", "dog"}); }),
             lp + ": label 2 at index 1 is out of range (2 classes)");
}

void TestDataset::fashionMnist()
{
    if (!QFileInfo(QString::fromUtf8(kFashionMnistDir)).isDir())
        QSKIP("Fashion-MNIST is not installed (Debian package dataset-fashion-mnist)");

    QElapsedTimer timer;
    timer.start();
    const ImageSet train = loadFashionMnist(true);
    const qint64 trainMs = timer.elapsed();
    timer.restart();
    const ImageSet test = loadFashionMnist(false);
    const qint64 testMs = timer.elapsed();
    qInfo("loadFashionMnist: train %lld ms, test %lld ms", trainMs, testMs);

    QCOMPARE(train.count(), std::size_t(60000));
    QCOMPARE(test.count(), std::size_t(10000));
    for (const ImageSet *s : {&train, &test}) {
        QCOMPARE(s->height, 28);
        QCOMPARE(s->width, 28);
        QCOMPARE(s->channels, 1);
        QCOMPARE(s->pixels.size(), s->count() * 28 * 28);
        QCOMPARE(s->classNames, fashionMnistClasses());
    }
    const auto trainHist = histogram(train.labels);
    const auto testHist = histogram(test.labels);
    QCOMPARE(int(trainHist.size()), 10);
    QCOMPARE(int(testHist.size()), 10);
    for (std::int64_t c = 0; c < 10; ++c) {
        QCOMPARE(trainHist.at(c), 6000);
        QCOMPARE(testHist.at(c), 1000);
    }
    QCOMPARE(test.labels[0], std::int64_t(9));
    QCOMPARE(test.classNames[std::size_t(test.labels[0])], std::string("Ankle boot"));
    // Not all black: the pixels were really read, not just allocated.
    QVERIFY(std::any_of(train.pixels.begin(), train.pixels.end(), [](std::uint8_t p) { return p > 200; }));
}

void TestDataset::fashionMnistMissing()
{
    QCOMPARE(fashionMnistClasses().size(), std::size_t(10));
    QCOMPARE(fashionMnistClasses().front(), std::string("T-shirt/top"));
    QCOMPARE(fashionMnistClasses().back(), std::string("Ankle boot"));

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString missing = dir.filePath("nowhere");
    const QString hint = QStringLiteral(": not found; install Debian's dataset-fashion-mnist package");
    QCOMPARE(errorOf([&] { loadFashionMnist(true, missing.toStdString()); }), missing + hint);
    writeGz(dir, "t10k-images-idx3-ubyte.gz", {idxImages(1, 28, 28, ramp(784))});
    QCOMPARE(errorOf([&] { loadFashionMnist(false, dir.path().toStdString()); }),
             dir.filePath("t10k-labels-idx1-ubyte.gz") + hint);
    writeGz(dir, "t10k-labels-idx1-ubyte.gz", {idxLabels(1, QByteArray(1, '\x09'))});
    const ImageSet set = loadFashionMnist(false, dir.path().toStdString());
    QCOMPARE(set.count(), std::size_t(1));
    QCOMPARE(set.classNames[std::size_t(set.labels[0])], std::string("Ankle boot"));
}

void TestDataset::folderListing()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString root = dir.path();
    for (const char *f : {"shirt/b.jpeg", "shirt/a.PNG", "shirt/c.txt", "shirt/.hidden.png", "shirt/d.TiFf",
                          "shirt/noext", "shirt/nested.png/inner.png", "bag/x.webp", "bag/y.BMP", "bag/z.jpg",
                          "bag/w.tif", ".cache/e.png", "readme.png"})
        touch(root + "/" + f);

    const FolderListing l = listImageFolder(root.toStdString(), 0.0, 1);
    QCOMPARE(l.classNames, (std::vector<std::string>{"bag", "shirt"}));
    QVERIFY(l.validation.empty());
    const std::string r = root.toStdString();
    QCOMPARE(paths(l.train), (std::vector<std::string>{r + "/bag/w.tif", r + "/bag/x.webp", r + "/bag/y.BMP",
                                                       r + "/bag/z.jpg", r + "/shirt/a.PNG", r + "/shirt/b.jpeg",
                                                       r + "/shirt/d.TiFf"}));
    std::vector<std::int64_t> labels;
    for (const auto &s : l.train)
        labels.push_back(s.label);
    QCOMPARE(labels, (std::vector<std::int64_t>{0, 0, 0, 0, 1, 1, 1}));
}

void TestDataset::folderSplit()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString root = dir.path();
    for (int i = 0; i < 20; ++i)
        touch(QStringLiteral("%1/cat/%2.png").arg(root).arg(i, 2, 10, QLatin1Char('0')));
    for (int i = 0; i < 3; ++i)
        touch(QStringLiteral("%1/dog/%2.jpg").arg(root).arg(i));
    touch(root + "/emu/only.png");
    const std::string r = root.toStdString();

    const FolderListing a = listImageFolder(r, 0.3, 7);
    QCOMPARE(a.classNames, (std::vector<std::string>{"cat", "dog", "emu"}));
    // cat: round(6) = 6; dog: round(0.9) = 1; emu: a single file stays in training.
    std::map<std::int64_t, int> valPerClass, trainPerClass;
    for (const auto &s : a.validation)
        ++valPerClass[s.label];
    for (const auto &s : a.train)
        ++trainPerClass[s.label];
    QCOMPARE(valPerClass, (std::map<std::int64_t, int>{{0, 6}, {1, 1}}));
    QCOMPARE(trainPerClass, (std::map<std::int64_t, int>{{0, 14}, {1, 2}, {2, 1}}));
    // A partition of all files, each half sorted by class then name.
    std::set<std::string> all;
    for (const auto &p : paths(a.train))
        QVERIFY(all.insert(p).second);
    for (const auto &p : paths(a.validation))
        QVERIFY(all.insert(p).second);
    QCOMPARE(all.size(), std::size_t(24));
    QVERIFY(std::is_sorted(a.train.begin(), a.train.end(), [](const FileSample &x, const FileSample &y) {
        return std::tie(x.label, x.path) < std::tie(y.label, y.path);
    }));
    QVERIFY(std::is_sorted(a.validation.begin(), a.validation.end(), [](const FileSample &x, const FileSample &y) {
        return std::tie(x.label, x.path) < std::tie(y.label, y.path);
    }));

    const FolderListing again = listImageFolder(r, 0.3, 7);
    QCOMPARE(paths(again.validation), paths(a.validation));
    QCOMPARE(paths(again.train), paths(a.train));
    const FolderListing other = listImageFolder(r, 0.3, 8);
    QVERIFY(paths(other.validation) != paths(a.validation));
    QCOMPARE(other.validation.size(), a.validation.size());

    // The smallest fraction still validates on one image of every class with two or more.
    const FolderListing tiny = listImageFolder(r, 0.01, 7);
    QCOMPARE(tiny.validation.size(), std::size_t(2));
    const FolderListing most = listImageFolder(r, 0.9, 7);
    QCOMPARE(most.validation.size(), std::size_t(18 + 2));
}

void TestDataset::folderErrors()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString root = dir.path();

    const QString missing = root + "/missing";
    QCOMPARE(errorOf([&] { listImageFolder(missing.toStdString(), 0.1, 1); }), missing + ": not found");
    touch(root + "/file.png");
    QCOMPARE(errorOf([&] { listImageFolder((root + "/file.png").toStdString(), 0.1, 1); }),
             root + "/file.png: not a folder");

    QCOMPARE(errorOf([&] { listImageFolder(root.toStdString(), 0.1, 1); }),
             root + ": found 0 class folders; an image folder needs at least 2 classes, one sub-folder per class");
    touch(root + "/shirt/a.png");
    touch(root + "/.git/b.png");
    QCOMPARE(errorOf([&] { listImageFolder(root.toStdString(), 0.1, 1); }),
             root + ": found 1 class folder ('shirt'); an image folder needs at least 2 classes, one sub-folder per class");

    touch(root + "/coat/notes.txt");
    touch(root + "/coat/.thumb.png");
    QCOMPARE(errorOf([&] { listImageFolder(root.toStdString(), 0.1, 1); }), root + "/coat: no image files");
    QVERIFY(QDir().mkpath(root + "/empty"));
    touch(root + "/coat/c.jpg");
    QCOMPARE(errorOf([&] { listImageFolder(root.toStdString(), 0.1, 1); }), root + "/empty: no image files");
    touch(root + "/empty/d.png");
    QCOMPARE(listImageFolder(root.toStdString(), 0.1, 1).classNames,
             (std::vector<std::string>{"coat", "empty", "shirt"}));

    QCOMPARE(errorOf([&] { listImageFolder(root.toStdString(), 0.95, 1); }),
             root + ": validation fraction 0.95 is outside [0, 0.9]");
    QCOMPARE(errorOf([&] { listImageFolder(root.toStdString(), -0.1, 1); }),
             root + ": validation fraction -0.1 is outside [0, 0.9]");
    QCOMPARE(errorOf([&] { listImageFolder(root.toStdString(), std::nan(""), 1); }),
             root + ": validation fraction nan is outside [0, 0.9]");
}

void TestDataset::splitSizesAndStratification()
{
    const ImageSet set = syntheticSet({10, 5, 1, 2, 40});
    const auto [train, val] = splitImageSet(set, 0.2, 42);
    // round(2) = 2, round(1) = 1, a lone image stays in training, round(0.4) = 0 -> 1, round(8) = 8.
    QCOMPARE(histogram(val.labels), (std::map<std::int64_t, int>{{0, 2}, {1, 1}, {3, 1}, {4, 8}}));
    QCOMPARE(histogram(train.labels), (std::map<std::int64_t, int>{{0, 8}, {1, 4}, {2, 1}, {3, 1}, {4, 32}}));
    for (const ImageSet *half : {&train, &val}) {
        QCOMPARE(half->height, 2);
        QCOMPARE(half->width, 2);
        QCOMPARE(half->channels, 1);
        QCOMPARE(half->classNames, set.classNames);
        QCOMPARE(half->pixels.size(), half->count() * 4);
    }
    // Each image keeps its own pixels and label; together the halves are the set, in its order.
    std::vector<int> seen;
    for (const ImageSet *half : {&train, &val}) {
        int previous = -1;
        for (std::size_t i = 0; i < half->count(); ++i) {
            const int original = half->image(i)[0];
            QVERIFY(original > previous);
            previous = original;
            QCOMPARE(half->labels[i], set.labels[std::size_t(original)]);
            seen.push_back(original);
        }
    }
    std::sort(seen.begin(), seen.end());
    QCOMPARE(int(seen.size()), 58);
    for (int i = 0; i < 58; ++i)
        QCOMPARE(seen[std::size_t(i)], i);

    const auto [all, none] = splitImageSet(set, 0.0, 42);
    QCOMPARE(all.count(), set.count());
    QCOMPARE(all.pixels, set.pixels);
    QCOMPARE(none.count(), std::size_t(0));
    QVERIFY(none.pixels.empty());
}

void TestDataset::splitDeterminism()
{
    const ImageSet set = syntheticSet({30, 30});
    const auto firstPixels = [](const ImageSet &s) {
        std::vector<int> out;
        for (std::size_t i = 0; i < s.count(); ++i)
            out.push_back(s.image(i)[0]);
        return out;
    };
    const auto a = splitImageSet(set, 0.2, 1234);
    const auto b = splitImageSet(set, 0.2, 1234);
    const auto c = splitImageSet(set, 0.2, 1235);
    QCOMPARE(firstPixels(a.second), firstPixels(b.second));
    QCOMPARE(a.first.pixels, b.first.pixels);
    QVERIFY(firstPixels(a.second) != firstPixels(c.second));
    QCOMPARE(c.second.count(), a.second.count());
    // Pinned: the shuffle uses std::mt19937_64's raw output only, so this split is the
    // same with every compiler and standard library; a change here changes every experiment.
    const auto pinned = splitImageSet(syntheticSet({10}), 0.3, 42);
    QCOMPARE(firstPixels(pinned.second), (std::vector<int>{1, 7, 9}));
}

void TestDataset::splitErrors()
{
    ImageSet set = syntheticSet({3, 3});
    QCOMPARE(errorOf([&] { splitImageSet(set, 0.91, 1); }),
             QStringLiteral("splitImageSet: validation fraction 0.91 is outside [0, 0.9]"));
    set.pixels.pop_back();
    QCOMPARE(errorOf([&] { splitImageSet(set, 0.5, 1); }),
             QStringLiteral("splitImageSet: image set holds 23 pixel bytes but 6 images of 2x2x1 need 24"));
    set = syntheticSet({3, 3});
    set.labels[4] = 2;
    QCOMPARE(errorOf([&] { splitImageSet(set, 0.5, 1); }),
             QStringLiteral("splitImageSet: label 2 of image 4 is out of range (2 class names)"));
}

void TestDataset::subsetAndFirstPerClass()
{
    const ImageSet set = syntheticSet({4, 2, 3}); // labels 0 1 2 0 1 2 0 2 0
    const ImageSet s = subset(set, {8, 0, 0});
    QCOMPARE(s.count(), std::size_t(3));
    QCOMPARE(s.labels, (std::vector<std::int64_t>{0, 0, 0}));
    QCOMPARE(s.pixels, (std::vector<std::uint8_t>{8, 8, 8, 8, 0, 0, 0, 0, 0, 0, 0, 0}));
    QCOMPARE(s.classNames, set.classNames);
    QCOMPARE(errorOf([&] { subset(set, {9}); }), QStringLiteral("subset: index 9 is out of range (9 images)"));

    const ImageSet few = firstPerClass(set, 2);
    QCOMPARE(few.labels, (std::vector<std::int64_t>{0, 1, 2, 0, 1, 2}));
    QCOMPARE(few.image(3)[0], std::uint8_t(3));
    QCOMPARE(firstPerClass(set, 0).count(), std::size_t(0));
    QCOMPARE(firstPerClass(set, 100).pixels, set.pixels);
}

QTEST_APPLESS_MAIN(TestDataset)
#include "test_dataset.moc"
