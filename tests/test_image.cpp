// The image decoder: round trips of all five formats through OpenCV's encoders,
// the conversions to 8-bit RGB (grey, alpha over white, 16-bit, float), EXIF
// orientation applied exactly once, header probing (hand-built headers too), one
// exact one-line message for every kind of bad input, nothing printed to stderr
// on corrupt input, PNG writing, and the resize / crop helpers.
#include "resnext/error.h"
#include "resnext/image.h"

#include <QtTest/QtTest>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include <unistd.h>

using namespace resnext;

namespace {

using Bytes = std::string;

const char *const kNotAnImage = "not an image (unrecognised format; PNG, JPEG, BMP, WebP and TIFF are supported)";

// The message of the resnext::Error that f throws, or a marker that makes the comparison fail.
QString errorOf(const std::function<void()> &f)
{
    try {
        f();
    } catch (const Error &e) {
        return QString::fromStdString(e.what());
    } catch (const std::exception &e) {
        return QStringLiteral("<not a resnext::Error: %1>").arg(e.what());
    } catch (...) {
        return QStringLiteral("<unknown exception>");
    }
    return QStringLiteral("<no exception>");
}

// Asserts that expr throws a resnext::Error whose message is exactly `expected` and one line.
#define CHECK_ERROR(expr, expected)                                          \
    do {                                                                     \
        const QString msg_ = errorOf([&] { (void)(expr); });                 \
        QVERIFY2(!msg_.contains(QLatin1Char('\n')), qPrintable(msg_));      \
        QCOMPARE(msg_, QString(expected));                                   \
    } while (0)

void put16(Bytes &b, unsigned v, bool little)
{
    if (little) {
        b += char(v & 0xFF);
        b += char((v >> 8) & 0xFF);
    } else {
        b += char((v >> 8) & 0xFF);
        b += char(v & 0xFF);
    }
}

void put32(Bytes &b, quint32 v, bool little)
{
    if (little) {
        put16(b, v & 0xFFFF, true);
        put16(b, v >> 16, true);
    } else {
        put16(b, v >> 16, false);
        put16(b, v & 0xFFFF, false);
    }
}

quint32 crc32(const Bytes &data)
{
    quint32 crc = 0xFFFFFFFFu;
    for (unsigned char c : data) {
        crc ^= c;
        for (int k = 0; k < 8; ++k)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

// A PNG chunk with its length and CRC.
Bytes pngChunk(const char *type, const Bytes &data)
{
    Bytes typed = Bytes(type, 4) + data;
    Bytes out;
    put32(out, quint32(data.size()), false);
    out += typed;
    put32(out, crc32(typed), false);
    return out;
}

// A minimal EXIF block (little-endian TIFF structure) holding Orientation only.
Bytes exifTiff(int orientation)
{
    Bytes t = "II";
    put16(t, 42, true);
    put32(t, 8, true);
    put16(t, 1, true);      // one entry
    put16(t, 0x0112, true); // Orientation
    put16(t, 3, true);      // SHORT
    put32(t, 1, true);      // count
    put16(t, quint32(orientation), true);
    put16(t, 0, true);
    put32(t, 0, true); // no next IFD
    return t;
}

// Inserts an APP1 Exif segment right after SOI.
Bytes withJpegExif(const Bytes &jpeg, int orientation)
{
    const Bytes payload = Bytes("Exif\0\0", 6) + exifTiff(orientation);
    Bytes app1 = "\xFF\xE1";
    put16(app1, quint32(payload.size() + 2), false);
    return jpeg.substr(0, 2) + app1 + payload + jpeg.substr(2);
}

// Inserts an eXIf chunk right after IHDR (8-byte signature + 25-byte IHDR chunk).
Bytes withPngExif(const Bytes &png, int orientation)
{
    return png.substr(0, 33) + pngChunk("eXIf", exifTiff(orientation)) + png.substr(33);
}

// Rewraps a simple lossless WebP (RIFF, VP8L) as an extended one with an EXIF chunk.
Bytes withWebpExif(const Bytes &webp, int width, int height, int orientation)
{
    Bytes vp8x(10, '\0');
    vp8x[0] = char(0x08); // EXIF flag
    const quint32 w = quint32(width - 1), h = quint32(height - 1);
    for (int k = 0; k < 3; ++k) {
        vp8x[4 + k] = char((w >> (8 * k)) & 0xFF);
        vp8x[7 + k] = char((h >> (8 * k)) & 0xFF);
    }
    Bytes body = "WEBPVP8X";
    put32(body, 10, true);
    body += vp8x;
    body += webp.substr(12); // the VP8L chunk as it was
    const Bytes exif = exifTiff(orientation);
    body += "EXIF";
    put32(body, quint32(exif.size()), true);
    body += exif;
    if (exif.size() % 2)
        body += '\0';
    Bytes out = "RIFF";
    put32(out, quint32(body.size()), true);
    return out + body;
}

// An uncompressed 8-bit RGB TIFF built by hand: either byte order, the size as
// SHORT or LONG, and an Orientation tag. Pixel (x, y) is rgb(x, y).
Bytes handTiff(bool little, bool longSize, int width, int height, int orientation,
               const std::function<cv::Vec3b(int, int)> &rgb)
{
    const int entries = 10;
    const quint32 ifd = 8, bitsAt = ifd + 2 + entries * 12 + 4, dataAt = bitsAt + 6;
    Bytes t = little ? "II" : "MM";
    put16(t, 42, little);
    put32(t, ifd, little);
    put16(t, entries, little);
    auto entry = [&](unsigned tag, unsigned type, quint32 count, quint32 value) {
        put16(t, tag, little);
        put16(t, type, little);
        put32(t, count, little);
        if (type == 3 && count == 1) {
            put16(t, value, little);
            put16(t, 0, little);
        } else {
            put32(t, value, little);
        }
    };
    entry(256, longSize ? 4 : 3, 1, quint32(width));
    entry(257, longSize ? 4 : 3, 1, quint32(height));
    entry(258, 3, 3, bitsAt);                            // BitsPerSample 8,8,8
    entry(259, 3, 1, 1);                                 // no compression
    entry(262, 3, 1, 2);                                 // RGB
    entry(273, 4, 1, dataAt);                            // StripOffsets
    entry(274, 3, 1, quint32(orientation));              // Orientation
    entry(277, 3, 1, 3);                                 // SamplesPerPixel
    entry(278, 3, 1, quint32(height));                   // RowsPerStrip
    entry(279, 4, 1, quint32(width * height * 3));       // StripByteCounts
    put32(t, 0, little);
    for (int k = 0; k < 3; ++k)
        put16(t, 8, little);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
            const cv::Vec3b p = rgb(x, y);
            t += char(p[0]);
            t += char(p[1]);
            t += char(p[2]);
        }
    return t;
}

// A hand-made PNG header of the given size: signature and IHDR, nothing else.
Bytes pngHeaderOnly(quint32 width, quint32 height)
{
    Bytes ihdr;
    put32(ihdr, width, false);
    put32(ihdr, height, false);
    ihdr += Bytes("\x08\x02\x00\x00\x00", 5); // 8-bit RGB, deflate, no filter, no interlace
    return Bytes("\x89PNG\r\n\x1A\n", 8) + pngChunk("IHDR", ihdr);
}

Bytes encode(const char *ext, const cv::Mat &mat, const std::vector<int> &params = {})
{
    std::vector<uchar> buf;
    if (!cv::imencode(ext, mat, buf, params))
        qFatal("cv::imencode(%s) failed", ext);
    return Bytes(buf.begin(), buf.end());
}

// Quadrants in BGR: top-left red, top-right green, bottom-left blue, bottom-right white.
cv::Mat quadrants(int width, int height)
{
    cv::Mat m(height, width, CV_8UC3);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
            const bool right = x >= width / 2, bottom = y >= height / 2;
            cv::Vec3b bgr = !bottom ? (right ? cv::Vec3b(0, 255, 0) : cv::Vec3b(0, 0, 255))
                                    : (right ? cv::Vec3b(255, 255, 255) : cv::Vec3b(255, 0, 0));
            m.at<cv::Vec3b>(y, x) = bgr;
        }
    return m;
}

// Pseudo-random noise, so that encoded files are long enough to cut meaningfully.
cv::Mat noise(int width, int height)
{
    cv::Mat m(height, width, CV_8UC3);
    cv::RNG rng(12345);
    rng.fill(m, cv::RNG::UNIFORM, 0, 256);
    return m;
}

std::array<int, 3> pixel(const RgbImage &img, int x, int y)
{
    const std::size_t i = (std::size_t(y) * img.width + x) * 3;
    return {img.pixels[i], img.pixels[i + 1], img.pixels[i + 2]};
}

bool near(const std::array<int, 3> &p, int r, int g, int b, int tolerance)
{
    return std::abs(p[0] - r) <= tolerance && std::abs(p[1] - g) <= tolerance && std::abs(p[2] - b) <= tolerance;
}

QString describe(const std::array<int, 3> &p)
{
    return QStringLiteral("(%1, %2, %3)").arg(p[0]).arg(p[1]).arg(p[2]);
}

#define CHECK_PIXEL(img, x, y, r, g, b, tol)                                                     \
    do {                                                                                         \
        const auto p_ = pixel(img, x, y);                                                        \
        QVERIFY2(near(p_, r, g, b, tol),                                                         \
                 qPrintable(QStringLiteral("pixel (%1, %2) is %3, expected (%4, %5, %6)")         \
                                .arg(x).arg(y).arg(describe(p_)).arg(r).arg(g).arg(b)));         \
    } while (0)

// "webp 40x20": what a header says, to compare in one line.
QString headerText(const ImageHeader &h)
{
    return QString("%1 %2x%3").arg(QString::fromStdString(h.format)).arg(h.width).arg(h.height);
}

RgbImage solid(int width, int height, std::uint8_t r, std::uint8_t g, std::uint8_t b)
{
    RgbImage img;
    img.width = width;
    img.height = height;
    for (int k = 0; k < width * height; ++k) {
        img.pixels.push_back(r);
        img.pixels.push_back(g);
        img.pixels.push_back(b);
    }
    return img;
}

// Redirects file descriptor 2 into a temporary file while it lives; text() is what was written.
class StderrCapture {
public:
    StderrCapture()
    {
        std::fflush(stderr);
        m_file = std::tmpfile();
        m_saved = dup(2);
        dup2(fileno(m_file), 2);
    }
    ~StderrCapture() { restore(); }
    QByteArray text()
    {
        restore();
        QByteArray out;
        std::rewind(m_file);
        char buf[4096];
        std::size_t got;
        while ((got = std::fread(buf, 1, sizeof buf, m_file)) > 0)
            out.append(buf, int(got));
        return out;
    }

private:
    void restore()
    {
        if (m_saved >= 0) {
            std::fflush(stderr);
            dup2(m_saved, 2);
            close(m_saved);
            m_saved = -1;
        }
    }
    std::FILE *m_file = nullptr;
    int m_saved = -1;
};

} // namespace

class TestImage : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    std::string path(const char *name) const { return m_dir.filePath(QString::fromUtf8(name)).toStdString(); }

    std::string writeBytes(const char *name, const Bytes &bytes) const
    {
        const std::string p = path(name);
        std::FILE *f = std::fopen(p.c_str(), "wb");
        if (!f || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size() || std::fclose(f) != 0)
            qFatal("cannot write test file %s", p.c_str());
        return p;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void roundTrip_data()
    {
        QTest::addColumn<QString>("ext");
        QTest::addColumn<int>("tolerance");
        QTest::newRow("png") << "png" << 0;
        QTest::newRow("jpeg") << "jpg" << 12;
        QTest::newRow("bmp") << "bmp" << 0;
        QTest::newRow("webp") << "webp" << 12;
        QTest::newRow("tiff") << "tiff" << 0;
    }

    // Files written by cv::imwrite come back with the right size, orientation and RGB order.
    void roundTrip()
    {
        QFETCH(QString, ext);
        QFETCH(int, tolerance);
        const std::string red = path(qPrintable("red." + ext));
        QVERIFY(cv::imwrite(red, cv::Mat(24, 32, CV_8UC3, cv::Scalar(0, 0, 255))));
        const RgbImage r = decodeImage(red);
        QCOMPARE(r.width, 32);
        QCOMPARE(r.height, 24);
        QCOMPARE(r.pixels.size(), std::size_t(32 * 24 * 3));
        QVERIFY(!r.empty());
        CHECK_PIXEL(r, 0, 0, 255, 0, 0, tolerance);
        CHECK_PIXEL(r, 31, 23, 255, 0, 0, tolerance);

        const std::string quad = path(qPrintable("quad." + ext));
        QVERIFY(cv::imwrite(quad, quadrants(64, 48)));
        const RgbImage q = decodeImage(quad);
        QCOMPARE(q.width, 64);
        QCOMPARE(q.height, 48);
        CHECK_PIXEL(q, 8, 8, 255, 0, 0, tolerance);      // top-left red
        CHECK_PIXEL(q, 56, 8, 0, 255, 0, tolerance);     // top-right green
        CHECK_PIXEL(q, 8, 40, 0, 0, 255, tolerance);     // bottom-left blue
        CHECK_PIXEL(q, 56, 40, 255, 255, 255, tolerance); // bottom-right white

        std::string bytes;
        {
            std::FILE *f = std::fopen(quad.c_str(), "rb");
            QVERIFY(f);
            char buf[4096];
            std::size_t got;
            while ((got = std::fread(buf, 1, sizeof buf, f)) > 0)
                bytes.append(buf, got);
            std::fclose(f);
        }
        const RgbImage fromBytes = decodeImageBytes(bytes, "dropped");
        QCOMPARE(fromBytes.pixels, q.pixels);
    }

    void grayscalePngBecomesRgb()
    {
        cv::Mat grey(10, 12, CV_8UC1);
        for (int y = 0; y < grey.rows; ++y)
            for (int x = 0; x < grey.cols; ++x)
                grey.at<uchar>(y, x) = uchar(x * 20 + y);
        const RgbImage img = decodeImageBytes(encode(".png", grey), "grey.png");
        QCOMPARE(img.width, 12);
        QCOMPARE(img.height, 10);
        for (int y = 0; y < img.height; ++y)
            for (int x = 0; x < img.width; ++x) {
                const auto p = pixel(img, x, y);
                QCOMPARE(p[0], x * 20 + y);
                QCOMPARE(p[1], p[0]);
                QCOMPARE(p[2], p[0]);
            }
    }

    void alphaIsCompositedOverWhite()
    {
        cv::Mat bgra(4, 4, CV_8UC4, cv::Scalar(0, 0, 255, 255)); // opaque red
        bgra.at<cv::Vec4b>(0, 0) = cv::Vec4b(0, 0, 0, 0);         // transparent black
        bgra.at<cv::Vec4b>(1, 1) = cv::Vec4b(0, 0, 0, 128);       // half-transparent black
        bgra.at<cv::Vec4b>(2, 2) = cv::Vec4b(255, 0, 0, 0);       // transparent blue
        const RgbImage img = decodeImageBytes(encode(".png", bgra), "rgba.png");
        CHECK_PIXEL(img, 0, 0, 255, 255, 255, 0);
        CHECK_PIXEL(img, 1, 1, 127, 127, 127, 0); // 255 * (1 - 128/255)
        CHECK_PIXEL(img, 2, 2, 255, 255, 255, 0);
        CHECK_PIXEL(img, 3, 3, 255, 0, 0, 0);

        // The same through lossless WebP with alpha.
        const RgbImage webp = decodeImageBytes(encode(".webp", bgra, {cv::IMWRITE_WEBP_QUALITY, 101}), "rgba.webp");
        CHECK_PIXEL(webp, 0, 0, 255, 255, 255, 0);
        CHECK_PIXEL(webp, 3, 3, 255, 0, 0, 0);
    }

    void sixteenBitPngIsScaled()
    {
        cv::Mat m(2, 3, CV_16UC3, cv::Scalar(0, 0, 0));
        m.at<cv::Vec3w>(0, 0) = cv::Vec3w(65535, 65535, 65535);
        m.at<cv::Vec3w>(0, 1) = cv::Vec3w(32896, 32896, 32896);
        // B, G, R: 128/257 = 0.498 -> 0, 65407/257 = 254.502 -> 255; 129/257 = 0.502 -> 1, 25828/257 = 100.498 -> 100.
        m.at<cv::Vec3w>(0, 2) = cv::Vec3w(0, 128, 65407);
        m.at<cv::Vec3w>(1, 0) = cv::Vec3w(0, 129, 25828);
        const RgbImage img = decodeImageBytes(encode(".png", m), "deep.png");
        CHECK_PIXEL(img, 0, 0, 255, 255, 255, 0);
        CHECK_PIXEL(img, 1, 0, 128, 128, 128, 0);
        CHECK_PIXEL(img, 2, 0, 255, 0, 0, 0);
        CHECK_PIXEL(img, 0, 1, 100, 1, 0, 0);
        CHECK_PIXEL(img, 1, 1, 0, 0, 0, 0);

        cv::Mat grey16(1, 2, CV_16UC1);
        grey16.at<ushort>(0, 0) = 65535;
        grey16.at<ushort>(0, 1) = 32896;
        const RgbImage g = decodeImageBytes(encode(".png", grey16), "grey16.png");
        CHECK_PIXEL(g, 0, 0, 255, 255, 255, 0);
        CHECK_PIXEL(g, 1, 0, 128, 128, 128, 0);
    }

    void floatTiffIsClamped()
    {
        cv::Mat f(1, 4, CV_32FC3);
        f.at<cv::Vec3f>(0, 0) = cv::Vec3f(0.0f, 0.5f, 1.0f);    // B, G, R
        f.at<cv::Vec3f>(0, 1) = cv::Vec3f(-1.0f, 2.0f, 0.25f);
        f.at<cv::Vec3f>(0, 2) = cv::Vec3f(1.0f, 1.0f, 1.0f);
        f.at<cv::Vec3f>(0, 3) = cv::Vec3f(0.1f, 0.2f, 0.3f);
        // Uncompressed: OpenCV's default for float TIFF is the lossy SGILOG (LogLuv) encoding.
        const RgbImage img = decodeImageBytes(encode(".tiff", f, {cv::IMWRITE_TIFF_COMPRESSION, 1}), "float.tiff");
        QCOMPARE(img.width, 4);
        CHECK_PIXEL(img, 0, 0, 255, 128, 0, 0);
        CHECK_PIXEL(img, 1, 0, 64, 255, 0, 0);
        CHECK_PIXEL(img, 2, 0, 255, 255, 255, 0);
        CHECK_PIXEL(img, 3, 0, 77, 51, 26, 0);
    }

    // A 40x20 JPEG whose EXIF says "rotate 90 degrees clockwise to display".
    void jpegExifOrientationIsApplied()
    {
        cv::Mat m(20, 40, CV_8UC3, cv::Scalar(0, 0, 255));           // red
        m(cv::Rect(0, 0, 20, 10)).setTo(cv::Scalar(255, 0, 0));       // blue top-left quadrant
        const Bytes jpeg = withJpegExif(encode(".jpg", m, {cv::IMWRITE_JPEG_QUALITY, 95}), 6);
        const ImageHeader h = probeImage(jpeg, "rotated.jpg");
        QCOMPARE(h.width, 40); // the header tells the stored size
        QCOMPARE(h.height, 20);
        const RgbImage img = decodeImage(writeBytes("rotated.jpg", jpeg));
        QCOMPARE(img.width, 20);
        QCOMPARE(img.height, 40);
        // Stored top-left goes to the displayed top-right.
        CHECK_PIXEL(img, 15, 5, 0, 0, 255, 24);
        CHECK_PIXEL(img, 5, 5, 255, 0, 0, 24);
        CHECK_PIXEL(img, 15, 30, 255, 0, 0, 24);

        // Orientation 3 (180 degrees) keeps the size; the blue block moves to the bottom-right.
        const RgbImage upsideDown = decodeImageBytes(withJpegExif(encode(".jpg", m), 3), "3.jpg");
        QCOMPARE(upsideDown.width, 40);
        QCOMPARE(upsideDown.height, 20);
        CHECK_PIXEL(upsideDown, 35, 15, 0, 0, 255, 24);
        CHECK_PIXEL(upsideDown, 5, 5, 255, 0, 0, 24);

        // An out-of-range value is ignored rather than fatal.
        const RgbImage odd = decodeImageBytes(withJpegExif(encode(".jpg", m), 42), "42.jpg");
        QCOMPARE(odd.width, 40);
    }

    void pngAndWebpExifOrientationIsApplied()
    {
        const cv::Mat q = quadrants(40, 20);
        // Orientation 8: rotate 90 degrees counter-clockwise to display, so the
        // stored top-right (green) ends up top-left.
        const RgbImage png = decodeImageBytes(withPngExif(encode(".png", q), 8), "exif.png");
        QCOMPARE(png.width, 20);
        QCOMPARE(png.height, 40);
        CHECK_PIXEL(png, 5, 5, 0, 255, 0, 0);
        CHECK_PIXEL(png, 15, 5, 255, 255, 255, 0);
        CHECK_PIXEL(png, 5, 35, 255, 0, 0, 0);

        const Bytes webp = withWebpExif(encode(".webp", q, {cv::IMWRITE_WEBP_QUALITY, 101}), 40, 20, 6);
        QCOMPARE(headerText(probeImage(webp, "exif.webp")), QString("webp 40x20"));
        const RgbImage w = decodeImageBytes(webp, "exif.webp");
        QCOMPARE(w.width, 20);
        QCOMPARE(w.height, 40);
        CHECK_PIXEL(w, 15, 5, 255, 0, 0, 0); // stored top-left (red) displayed top-right
        CHECK_PIXEL(w, 5, 35, 255, 255, 255, 0);
    }

    // OpenCV's TIFF decoder applies Orientation itself; it must happen once, not twice.
    void tiffOrientationIsAppliedOnce()
    {
        auto value = [](int x, int y) { return cv::Vec3b(uchar(40 * (y * 3 + x + 1)), 0, 0); };
        const RgbImage img = decodeImageBytes(handTiff(true, false, 3, 2, 6, value), "o6.tiff");
        QCOMPARE(img.width, 2);
        QCOMPARE(img.height, 3);
        // Stored rows 1 2 3 / 4 5 6 turned clockwise: 4 1 / 5 2 / 6 3.
        const int expected[3][2] = {{4, 1}, {5, 2}, {6, 3}};
        for (int y = 0; y < 3; ++y)
            for (int x = 0; x < 2; ++x)
                QCOMPARE(pixel(img, x, y)[0], 40 * expected[y][x]);
    }

    void probeAllFormats_data()
    {
        QTest::addColumn<QString>("ext");
        QTest::addColumn<QString>("format");
        QTest::addColumn<int>("quality");
        QTest::newRow("png") << ".png" << "png" << -1;
        QTest::newRow("jpeg") << ".jpg" << "jpeg" << -1;
        QTest::newRow("jpeg progressive") << ".jpg" << "jpeg" << -2;
        QTest::newRow("bmp") << ".bmp" << "bmp" << -1;
        QTest::newRow("webp lossy (VP8)") << ".webp" << "webp" << 80;
        QTest::newRow("webp lossless (VP8L)") << ".webp" << "webp" << 101;
        QTest::newRow("tiff") << ".tiff" << "tiff" << -1;
    }

    void probeAllFormats()
    {
        QFETCH(QString, ext);
        QFETCH(QString, format);
        QFETCH(int, quality);
        std::vector<int> params;
        if (quality == -2)
            params = {cv::IMWRITE_JPEG_PROGRESSIVE, 1};
        else if (quality > 0)
            params = {cv::IMWRITE_WEBP_QUALITY, quality};
        const Bytes bytes = encode(qPrintable(ext), noise(301, 217), params);
        QCOMPARE(headerText(probeImage(bytes, "x")), format + " 301x217");
        const RgbImage img = decodeImageBytes(bytes, "x");
        QCOMPARE(img.width, 301);
        QCOMPARE(img.height, 217);
    }

    void probeHandBuiltHeaders()
    {
        auto grey = [](int x, int y) { return cv::Vec3b(uchar(x * 10), uchar(y * 10), 7); };
        for (bool little : {true, false})
            for (bool longSize : {false, true}) {
                const Bytes tiff = handTiff(little, longSize, 7, 5, 1, grey);
                QCOMPARE(headerText(probeImage(tiff, "hand.tiff")), QString("tiff 7x5"));
                const RgbImage img = decodeImageBytes(tiff, "hand.tiff");
                QCOMPARE(img.width, 7);
                CHECK_PIXEL(img, 6, 4, 60, 40, 7, 0);
            }

        // A bottom-up BMP made top-down by a negative height: same size, rows in file order.
        const cv::Mat q = quadrants(16, 8);
        Bytes bmp = encode(".bmp", q);
        const qint32 negative = -8;
        for (int k = 0; k < 4; ++k)
            bmp[22 + k] = char((quint32(negative) >> (8 * k)) & 0xFF);
        const ImageHeader h = probeImage(bmp, "topdown.bmp");
        QCOMPARE(h.width, 16);
        QCOMPARE(h.height, 8);
        const RgbImage img = decodeImageBytes(bmp, "topdown.bmp");
        QCOMPARE(img.height, 8);
        CHECK_PIXEL(img, 2, 2, 0, 0, 255, 0); // the stored first row (bottom, blue) is now on top

        // A PNG header declaring 100000x1000, made by hand; only IHDR is there.
        const Bytes huge = pngHeaderOnly(100000, 1000);
        const ImageHeader hh = probeImage(huge, "huge.png");
        QCOMPARE(hh.format, std::string("png"));
        QCOMPARE(hh.width, 100000);
        QCOMPARE(hh.height, 1000);
        const std::string hugePath = writeBytes("huge.png", huge);
        CHECK_ERROR(decodeImage(hugePath),
                    QString::fromStdString(hugePath) +
                        ": image is 100000x1000 = 100.0 megapixels; the limit is 50 megapixels");
        CHECK_ERROR(decodeImageBytes(pngHeaderOnly(12000, 8000), "big"),
                    "big: image is 12000x8000 = 96.0 megapixels; the limit is 50 megapixels");
        CHECK_ERROR(probeImage(pngHeaderOnly(0, 10), "zero.png"), "zero.png: invalid image size 0x10 in header");
    }

    void badInput()
    {
        const std::string text = writeBytes("notes.txt", "just some text\nnot an image\n");
        CHECK_ERROR(decodeImage(text), QString::fromStdString(text) + ": " + kNotAnImage);

        const std::string empty = writeBytes("empty.png", "");
        CHECK_ERROR(decodeImage(empty), QString::fromStdString(empty) + ": empty file");

        const std::string missing = path("missing.jpg");
        CHECK_ERROR(decodeImage(missing),
                    QString::fromStdString(missing) + ": cannot open file (No such file or directory)");

        // A sparse file past the size limit is refused without being read.
        const std::string large = writeBytes("large.png", encode(".png", noise(8, 8)));
        QVERIFY(QFile::resize(QString::fromStdString(large), kMaxImageFileBytes + 1));
        CHECK_ERROR(decodeImage(large), QString::fromStdString(large) +
                                            ": file is too large (1073741825 bytes; the limit is 1024 MiB)");
        QVERIFY(QFile::remove(QString::fromStdString(large)));

        const std::string dir = m_dir.path().toStdString();
        CHECK_ERROR(decodeImage(dir), QString::fromStdString(dir) + ": not a regular file (a folder)");

        const Bytes png = encode(".png", noise(64, 64));
        const std::string halfPng = writeBytes("half.png", png.substr(0, png.size() / 2));
        CHECK_ERROR(decodeImage(halfPng), QString::fromStdString(halfPng) + ": truncated PNG (no IEND chunk)");

        const Bytes jpeg = encode(".jpg", noise(64, 64));
        const std::string halfJpeg = writeBytes("half.jpg", jpeg.substr(0, jpeg.size() / 2));
        CHECK_ERROR(decodeImage(halfJpeg),
                    QString::fromStdString(halfJpeg) + ": truncated JPEG (no end-of-image marker)");
        const std::string cutJpeg = writeBytes("cut.jpg", jpeg.substr(0, jpeg.size() - 2));
        CHECK_ERROR(decodeImage(cutJpeg),
                    QString::fromStdString(cutJpeg) + ": truncated JPEG (no end-of-image marker)");

        const Bytes garbage = Bytes("\x89PNG\r\n\x1A\n", 8) + "this is not a chunk stream, only text after a signature";
        CHECK_ERROR(decodeImageBytes(garbage, "garbage.png"),
                    "garbage.png: corrupt PNG header (first chunk is not IHDR)");

        // Cut inside the header, or inside the signature.
        CHECK_ERROR(probeImage(png.substr(0, 20), "short.png"), "short.png: truncated header");
        CHECK_ERROR(probeImage(png.substr(0, 5), "shorter.png"), "shorter.png: truncated header");
        CHECK_ERROR(probeImage(jpeg.substr(0, 40), "short.jpg"), "short.jpg: truncated header");
        CHECK_ERROR(probeImage(Bytes("BM\0\0", 4), "short.bmp"), "short.bmp: truncated header");
        CHECK_ERROR(probeImage(Bytes("RIFF\0\0\0\0WEBPVP8 ", 16), "short.webp"), "short.webp: truncated header");
        CHECK_ERROR(probeImage(Bytes("MM\0*\0\0\0\x08\0\x05", 10), "short.tiff"), "short.tiff: truncated header");
        CHECK_ERROR(probeImage("x", "x"), QString("x: ") + kNotAnImage);
        CHECK_ERROR(probeImage("", "nothing"), "nothing: empty file");

        // Chunk structure complete (one IDAT chunk) but the pixel data is garbage.
        Bytes corrupt = encode(".png", noise(32, 32));
        for (std::size_t i = 60; i < corrupt.size() - 20; ++i)
            corrupt[i] = char(i * 7);
        CHECK_ERROR(decodeImageBytes(corrupt, "corrupt.png"),
                    "corrupt.png: cannot decode: file is corrupt or truncated");
        const Bytes bmp = encode(".bmp", noise(64, 64));
        CHECK_ERROR(decodeImageBytes(bmp.substr(0, bmp.size() / 2), "half.bmp"),
                    "half.bmp: cannot decode: file is corrupt or truncated");
        // libtiff writes the IFD after the pixels, so half a file has lost its header...
        const Bytes tiff = encode(".tiff", noise(64, 64), {cv::IMWRITE_TIFF_COMPRESSION, 1});
        CHECK_ERROR(decodeImageBytes(tiff.substr(0, tiff.size() / 2), "half.tiff"), "half.tiff: truncated header");
        // ...while one with the IFD first keeps it and loses pixels.
        const Bytes early =
            handTiff(true, false, 64, 64, 1, [](int x, int y) { return cv::Vec3b(uchar(x), uchar(y), 0); });
        CHECK_ERROR(decodeImageBytes(early.substr(0, early.size() / 2), "cut.tiff"),
                    "cut.tiff: cannot decode: file is corrupt or truncated");
        const Bytes webp = encode(".webp", noise(64, 64));
        CHECK_ERROR(decodeImageBytes(webp.substr(0, webp.size() / 2), "half.webp"),
                    "half.webp: cannot decode: file is corrupt or truncated");

        // A newline in a label cannot split the message.
        CHECK_ERROR(probeImage("", "two\nlines"), "two\\x0Alines: empty file");
    }

    // Trailing padding or trailer data after a JPEG's end-of-image marker is fine.
    void jpegTrailersAreAccepted()
    {
        const Bytes jpeg = encode(".jpg", quadrants(32, 32));
        QCOMPARE(decodeImageBytes(jpeg + Bytes(64, '\0'), "padded.jpg").width, 32);
        QCOMPARE(decodeImageBytes(jpeg + "\r\n  \n", "spaced.jpg").width, 32);
        QCOMPARE(decodeImageBytes(jpeg + "SEFHtrailer data that a camera appended SEFT", "trailer.jpg").width, 32);
    }

    // libpng, libjpeg and OpenCV's imdecode print to stderr on corrupt input; none of it may show.
    void corruptInputPrintsNothing()
    {
        const Bytes png = encode(".png", noise(32, 32)); // one IDAT chunk
        Bytes corruptPng = png;
        for (std::size_t i = 60; i < corruptPng.size() - 20; ++i)
            corruptPng[i] = char(i * 7);
        const Bytes bmp = encode(".bmp", noise(64, 64));
        Bytes jpeg = encode(".jpg", noise(64, 64));
        for (std::size_t i = jpeg.size() / 2; i < jpeg.size() / 2 + 40; ++i)
            jpeg[i] = char(0x55); // corrupt entropy data: libjpeg warns
        const Bytes webp = encode(".webp", noise(64, 64));
        StderrCapture capture;
        (void)errorOf([&] { decodeImageBytes(corruptPng, "a.png"); });
        (void)errorOf([&] { decodeImageBytes(bmp.substr(0, bmp.size() / 2), "b.bmp"); });
        (void)errorOf([&] { decodeImageBytes(jpeg, "c.jpg"); });
        (void)errorOf([&] { decodeImageBytes(webp.substr(0, webp.size() / 2), "d.webp"); });
        const QByteArray printed = capture.text();
        QVERIFY2(printed.isEmpty(), printed.constData());
    }

    void writePngRoundTrip()
    {
        RgbImage img = solid(5, 3, 10, 20, 30);
        img.pixels[0] = 250;
        const std::string p = path("written.png");
        writePng(p, img);
        const RgbImage back = decodeImage(p);
        QCOMPARE(back.width, 5);
        QCOMPARE(back.height, 3);
        QCOMPARE(back.pixels, img.pixels);

        const std::vector<std::uint8_t> grey = {0, 50, 100, 150, 200, 250};
        const std::string g = path("grey-written.png");
        writeGrayPng(g, 3, 2, grey.data());
        const RgbImage gb = decodeImage(g);
        QCOMPARE(gb.width, 3);
        QCOMPARE(gb.height, 2);
        CHECK_PIXEL(gb, 2, 1, 250, 250, 250, 0);
        CHECK_PIXEL(gb, 1, 0, 50, 50, 50, 0);

        const std::string bad = path("no/such/dir/out.png");
        CHECK_ERROR(writePng(bad, img),
                    QString::fromStdString(bad) + ": cannot open file for writing (No such file or directory)");
        CHECK_ERROR(writeGrayPng(bad, 3, 2, grey.data()),
                    QString::fromStdString(bad) + ": cannot open file for writing (No such file or directory)");
        RgbImage broken = img;
        broken.pixels.pop_back();
        CHECK_ERROR(writePng(p, broken), QString::fromStdString(p) + ": invalid image (5x3 with 44 bytes of pixels)");
    }

    void resizeAndCrop()
    {
        const RgbImage img = solid(500, 375, 1, 2, 3);
        const RgbImage r = resizeShorterSide(img, 256);
        QCOMPARE(r.width, 341); // int(256 * 500 / 375)
        QCOMPARE(r.height, 256);
        QCOMPARE(r.pixels.size(), std::size_t(341 * 256 * 3));
        CHECK_PIXEL(r, 170, 128, 1, 2, 3, 0);
        const RgbImage tall = resizeShorterSide(solid(300, 1000, 9, 9, 9), 224);
        QCOMPARE(tall.width, 224);
        QCOMPARE(tall.height, 746);
        const RgbImage c = centerCrop(r, 224, 224);
        QCOMPARE(c.width, 224);
        QCOMPARE(c.height, 224);
        QCOMPARE(c.pixels.size(), std::size_t(224 * 224 * 3));

        const RgbImage small = resizeImage(img, 50, 40); // area averaging when shrinking 10x
        QCOMPARE(small.width, 50);
        QCOMPARE(small.height, 40);
        CHECK_PIXEL(small, 25, 20, 1, 2, 3, 0);
        const RgbImage big = resizeImage(solid(4, 4, 7, 8, 9), 9, 13);
        QCOMPARE(big.width, 9);
        QCOMPARE(big.height, 13);
        CHECK_PIXEL(big, 8, 12, 7, 8, 9, 0);

        // Which pixels a crop keeps: 5x1 row with values 0..4 in red; odd excess 3 -> offset round(1.5) = 2.
        RgbImage row = solid(5, 1, 0, 0, 0);
        for (int x = 0; x < 5; ++x)
            row.pixels[x * 3] = std::uint8_t(x);
        const RgbImage two = centerCrop(row, 2, 1);
        QCOMPARE(pixel(two, 0, 0)[0], 2);
        QCOMPARE(pixel(two, 1, 0)[0], 3);
        const RgbImage three = centerCrop(row, 3, 1); // excess 2 -> offset 1
        QCOMPARE(pixel(three, 0, 0)[0], 1);
        const RgbImage four = centerCrop(row, 4, 1); // excess 1 -> round(0.5) = 0
        QCOMPARE(pixel(four, 0, 0)[0], 0);
        // Larger than the image: padded with black, floor(excess / 2) on the left.
        const RgbImage padded = centerCrop(solid(2, 2, 200, 200, 200), 5, 3);
        QCOMPARE(padded.width, 5);
        QCOMPARE(padded.height, 3);
        CHECK_PIXEL(padded, 0, 0, 0, 0, 0, 0);
        CHECK_PIXEL(padded, 1, 0, 200, 200, 200, 0);
        CHECK_PIXEL(padded, 2, 1, 200, 200, 200, 0);
        CHECK_PIXEL(padded, 3, 1, 0, 0, 0, 0);
        CHECK_PIXEL(padded, 1, 2, 0, 0, 0, 0);

        CHECK_ERROR(resizeImage(img, 0, 10), "resize: invalid target size 0x10");
        CHECK_ERROR(resizeShorterSide(RgbImage(), 224), "resize: invalid image (0x0 with 0 bytes of pixels)");
        CHECK_ERROR(centerCrop(img, -1, 5), "centre crop: invalid target size -1x5");
    }
};

QTEST_APPLESS_MAIN(TestImage)
#include "test_image.moc"
