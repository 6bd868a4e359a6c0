// The safetensors reader/writer: round trips, a file in the exact bytes the
// Python package writes, float16/bfloat16 rounding, and one exact one-line
// message for every kind of bad input.
#include "resnext/error.h"
#include "resnext/safetensors.h"
#include "test_util.h"

#include <QtTest/QtTest>

#include <cmath>
#include <cstring>
#include <functional>
#include <limits>

using namespace resnext;
using testutil::errorOf;
using testutil::writeFile;

namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

// The 8-byte little-endian header length field.
QByteArray lengthField(quint64 n)
{
    QByteArray out(8, '\0');
    for (int k = 0; k < 8; ++k)
        out[k] = char((n >> (8 * k)) & 0xFF);
    return out;
}

// A file image: header length field, header, data.
QByteArray fileImage(const QByteArray &json, const QByteArray &data = {})
{
    return lengthField(quint64(json.size())) + json + data;
}

QByteArray bytesOf(const SafetensorsFile &f, const TensorRecord &t)
{
    return QByteArray(reinterpret_cast<const char *>(f.data(t)), int(t.end - t.begin));
}

template <typename T>
QByteArray rawBytes(const std::vector<T> &v)
{
    return QByteArray(reinterpret_cast<const char *>(v.data()), int(v.size() * sizeof(T)));
}

quint32 bits(float f)
{
    quint32 u;
    std::memcpy(&u, &f, sizeof u);
    return u;
}

float fromBits(quint32 u)
{
    float f;
    std::memcpy(&f, &u, sizeof f);
    return f;
}

// One tensor entry of a header.
QByteArray entry(const char *name, const char *dtype, const char *shape, const char *offsets)
{
    return QByteArray("\"") + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape +
           ",\"data_offsets\":" + offsets + "}";
}

} // namespace

class TestSafetensors : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void roundTrip();
    void writerLayout();
    void pythonWrittenFile();
    void unicodeAndEscapedNames();
    void scalarEmptyAndOrder();
    void halfConversions();
    void halfRoundingExhaustive();
    void bfloat16Conversions();
    void missingFile();
    void emptyFile();
    void shortFile();
    void directory();
    void badInputs_data();
    void badInputs();
    void writeErrors();
    void dataChecksRecord();
};

void TestSafetensors::roundTrip()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::vector<float> f32 = {1.0f, -2.5f, 3.25f, 0.0f, -0.0f, 1e-30f};
    const std::vector<float> halfValues = {1.5f, -2.0f, 65504.0f, 0.1f};
    std::vector<std::uint16_t> f16, bf16;
    for (float v : halfValues) {
        f16.push_back(floatToHalf(v));
        bf16.push_back(floatToBfloat16(v));
    }
    const std::vector<std::int64_t> i64 = {std::numeric_limits<std::int64_t>::min(), -1, 0,
                                           std::numeric_limits<std::int64_t>::max()};
    const std::map<std::string, std::string> metadata = {
        {"format", "pt"}, {"note", "quote \" backslash \\ newline \n tab \t bell \x07 caf\xC3\xA9"}};
    const std::string path = dir.filePath("model.safetensors").toStdString();
    writeSafetensors(path,
                     {{"layer.weight", DType::F32, {2, 3}, f32.data()},
                      {"half", DType::F16, {4}, f16.data()},
                      {"brain", DType::BF16, {2, 2}, bf16.data()},
                      {"num_batches_tracked", DType::I64, {4}, i64.data()}},
                     metadata);
    QVERIFY(!QFile::exists(QString::fromStdString(path + ".part")));

    const SafetensorsFile file = SafetensorsFile::read(path);
    QCOMPARE(file.label(), path);
    QVERIFY(file.metadata() == metadata);
    QCOMPARE(int(file.tensors().size()), 4);
    // Laid out in the given order, so sorted-by-offset gives the same order back.
    QCOMPARE(file.tensors()[0].name, std::string("layer.weight"));
    QCOMPARE(file.tensors()[1].name, std::string("half"));
    QCOMPARE(file.tensors()[2].name, std::string("brain"));
    QCOMPARE(file.tensors()[3].name, std::string("num_batches_tracked"));

    const TensorRecord *w = file.find("layer.weight");
    QVERIFY(w);
    QCOMPARE(toString(w->dtype), std::string("F32"));
    QVERIFY(w->shape == std::vector<std::int64_t>({2, 3}));
    QCOMPARE(w->numel(), std::int64_t(6));
    QCOMPARE(w->begin, std::uint64_t(0));
    QCOMPARE(w->end, std::uint64_t(24));
    QCOMPARE(bytesOf(file, *w), rawBytes(f32));

    const TensorRecord *h = file.find("half");
    QVERIFY(h);
    QCOMPARE(toString(h->dtype), std::string("F16"));
    std::vector<std::uint16_t> readHalf(4);
    std::memcpy(readHalf.data(), file.data(*h), 8);
    QCOMPARE(bits(halfToFloat(readHalf[0])), bits(1.5f));
    QCOMPARE(bits(halfToFloat(readHalf[1])), bits(-2.0f));
    QCOMPARE(bits(halfToFloat(readHalf[2])), bits(65504.0f));
    QCOMPARE(bits(halfToFloat(readHalf[3])), bits(0.0999755859375f)); // 0.1 rounded to the nearest half

    const TensorRecord *b = file.find("brain");
    QVERIFY(b);
    QCOMPARE(toString(b->dtype), std::string("BF16"));
    QVERIFY(b->shape == std::vector<std::int64_t>({2, 2}));
    std::vector<std::uint16_t> readBf(4);
    std::memcpy(readBf.data(), file.data(*b), 8);
    QCOMPARE(bits(bfloat16ToFloat(readBf[0])), bits(1.5f));
    QCOMPARE(bits(bfloat16ToFloat(readBf[1])), bits(-2.0f));
    QCOMPARE(bits(bfloat16ToFloat(readBf[2])), bits(65536.0f)); // 65504 needs 11 bits; bfloat16 has 8
    QCOMPARE(bits(bfloat16ToFloat(readBf[3])), bits(0.10009765625f));

    const TensorRecord *n = file.find("num_batches_tracked");
    QVERIFY(n);
    QCOMPARE(toString(n->dtype), std::string("I64"));
    QCOMPARE(bytesOf(file, *n), rawBytes(i64));
    QCOMPARE(file.find("missing"), static_cast<const TensorRecord *>(nullptr));

    // In-memory parse of the same bytes gives the same result.
    QFile raw(QString::fromStdString(path));
    QVERIFY(raw.open(QIODevice::ReadOnly));
    const QByteArray all = raw.readAll();
    const SafetensorsFile again = SafetensorsFile::parse(all.toStdString(), "mem");
    QCOMPARE(again.label(), std::string("mem"));
    QCOMPARE(int(again.tensors().size()), 4);
    QCOMPARE(again.dataSize(), std::uint64_t(24 + 8 + 8 + 32));
}

void TestSafetensors::writerLayout()
{
    // Header length is a multiple of 8 (space padded) and the data follows it directly.
    const std::vector<std::uint8_t> bytes = {1, 2, 3};
    const std::string image = encodeSafetensors({{"a", DType::U8, {3}, bytes.data()}}, {}, "mem");
    quint64 n = 0;
    for (int k = 7; k >= 0; --k)
        n = (n << 8) | static_cast<unsigned char>(image[k]);
    const std::string json = R"({"a":{"dtype":"U8","shape":[3],"data_offsets":[0,3]}})";
    QCOMPARE(n % 8, quint64(0));
    QCOMPARE(image.substr(8, n), json + std::string(n - json.size(), ' '));
    QCOMPARE(image.size(), std::size_t(8 + n + 3));
    QCOMPARE(image.substr(8 + n), std::string("\x01\x02\x03"));
}

void TestSafetensors::pythonWrittenFile()
{
    // What safetensors.torch.save_file({"weight": [[1,2],[3,4]], "bias": [0.5,-1]},
    // metadata={"format": "pt"}) writes: metadata first, tensors by (alignment, name),
    // compact JSON padded with spaces to a multiple of 8 (149 -> 152 = 0x98 bytes).
    const QByteArray image =
        QByteArray::fromHex("9800000000000000") +
        QByteArray(R"({"__metadata__":{"format":"pt"},"bias":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                   R"("weight":{"dtype":"F32","shape":[2,2],"data_offsets":[8,24]}}   )") +
        QByteArray::fromHex("0000003f000080bf" "0000803f000000400000404000008040");
    QCOMPARE(image.size(), 8 + 152 + 24);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = writeFile(dir, "python.safetensors", image).toStdString();

    const SafetensorsFile file = SafetensorsFile::read(path);
    QCOMPARE(file.metadata().at("format"), std::string("pt"));
    QCOMPARE(int(file.tensors().size()), 2);
    const TensorRecord *bias = file.find("bias");
    const TensorRecord *weight = file.find("weight");
    QVERIFY(bias && weight);
    float b[2], w[4];
    std::memcpy(b, file.data(*bias), sizeof b);
    std::memcpy(w, file.data(*weight), sizeof w);
    QCOMPARE(bits(b[0]), bits(0.5f));
    QCOMPARE(bits(b[1]), bits(-1.0f));
    QCOMPARE(bits(w[0]), bits(1.0f));
    QCOMPARE(bits(w[3]), bits(4.0f));
    QVERIFY(weight->shape == std::vector<std::int64_t>({2, 2}));

    // Our writer produces the identical bytes for the same order and metadata.
    const float bv[] = {0.5f, -1.0f}, wv[] = {1, 2, 3, 4};
    const std::string ours = encodeSafetensors(
        {{"bias", DType::F32, {2}, bv}, {"weight", DType::F32, {2, 2}, wv}}, {{"format", "pt"}}, "mem");
    QCOMPARE(QByteArray::fromStdString(ours), image);
}

void TestSafetensors::unicodeAndEscapedNames()
{
    const QByteArray json = "{" + entry(R"(caf\u00e9.\ud83d\ude00)", "U8", "[1]", "[0,1]") + "," +
                            entry("raw\xC3\xA9", "U8", "[1]", "[1,2]") + "," +
                            entry(R"(q\"b\\s\/\t)", "U8", "[1]", "[2,3]") + "}";
    const SafetensorsFile file = SafetensorsFile::parse(fileImage(json, "xyz").toStdString(), "mem");
    const TensorRecord *a = file.find("caf\xC3\xA9.\xF0\x9F\x98\x80");
    QVERIFY(a);
    QCOMPARE(*file.data(*a), static_cast<unsigned char>('x'));
    QVERIFY(file.find("raw\xC3\xA9"));
    QVERIFY(file.find("q\"b\\s/\t"));
    // Names with quotes, backslashes and control characters survive a write/read.
    const std::uint8_t one = 7;
    const std::string odd = "a\"b\\c\n\x01" "\xE2\x82\xAC";
    const SafetensorsFile back =
        SafetensorsFile::parse(encodeSafetensors({{odd, DType::U8, {1}, &one}}, {}, "mem"), "mem");
    QVERIFY(back.find(odd));
}

void TestSafetensors::scalarEmptyAndOrder()
{
    // JSON order differs from byte order; tensors() is by offset. Gaps are allowed,
    // an empty tensor may sit anywhere in range, a scalar has shape [].
    const QByteArray json = "{" + entry("late", "I16", "[2]", "[12,16]") + "," +
                            entry("scalar", "F64", "[]", "[0,8]") + "," + entry("empty", "I32", "[0,3]", "[4,4]") +
                            "," + entry("flag", "BOOL", "[1]", "[9,10]") + ",\"__metadata__\":{}}";
    const SafetensorsFile file = SafetensorsFile::parse(fileImage(json, QByteArray(16, '\0')).toStdString(), "mem");
    QCOMPARE(int(file.tensors().size()), 4);
    QCOMPARE(file.tensors()[0].name, std::string("scalar"));
    QCOMPARE(file.tensors()[1].name, std::string("empty"));
    QCOMPARE(file.tensors()[2].name, std::string("flag"));
    QCOMPARE(file.tensors()[3].name, std::string("late"));
    QCOMPARE(file.find("scalar")->numel(), std::int64_t(1));
    QCOMPARE(file.find("empty")->numel(), std::int64_t(0));
    QVERIFY(file.metadata().empty());
    QCOMPARE(toString(DType::BF16), std::string("BF16"));
    QCOMPARE(toString(DType::BOOL), std::string("BOOL"));
    QCOMPARE(dtypeSize(DType::F64), std::size_t(8));
    QCOMPARE(dtypeSize(DType::BOOL), std::size_t(1));

    // An empty file (no tensors) round-trips too.
    const SafetensorsFile none = SafetensorsFile::parse(encodeSafetensors({}, {}, "mem"), "mem");
    QVERIFY(none.tensors().empty());
}

void TestSafetensors::halfConversions()
{
    QCOMPARE(floatToHalf(1.5f), std::uint16_t(0x3E00));
    QCOMPARE(floatToHalf(-2.0f), std::uint16_t(0xC000));
    QCOMPARE(floatToHalf(65504.0f), std::uint16_t(0x7BFF));
    QCOMPARE(floatToHalf(0.0f), std::uint16_t(0x0000));
    QCOMPARE(floatToHalf(-0.0f), std::uint16_t(0x8000));
    QCOMPARE(bits(halfToFloat(0x3E00)), bits(1.5f));
    QCOMPARE(bits(halfToFloat(0xC000)), bits(-2.0f));
    QCOMPARE(bits(halfToFloat(0x7BFF)), bits(65504.0f));
    QVERIFY(std::signbit(halfToFloat(0x8000)));

    // Rounding to nearest, ties to even.
    QCOMPARE(floatToHalf(0.1f), std::uint16_t(0x2E66));
    QCOMPARE(floatToHalf(1.0f + 1.0f / 2048), std::uint16_t(0x3C00)); // tie, 0x3C00 is even
    QCOMPARE(floatToHalf(1.0f + 3.0f / 2048), std::uint16_t(0x3C02)); // tie, 0x3C02 is even
    QCOMPARE(floatToHalf(65519.0f), std::uint16_t(0x7BFF));
    QCOMPARE(floatToHalf(65520.0f), std::uint16_t(0x7C00)); // tie past the largest half: infinity
    QCOMPARE(floatToHalf(1e10f), std::uint16_t(0x7C00));
    QCOMPARE(floatToHalf(-1e10f), std::uint16_t(0xFC00));

    // Subnormals: the smallest is 2^-24; 2^-25 ties to zero, just above it rounds up.
    QCOMPARE(floatToHalf(std::ldexp(1.0f, -24)), std::uint16_t(0x0001));
    QCOMPARE(floatToHalf(std::ldexp(1.0f, -25)), std::uint16_t(0x0000));
    QCOMPARE(floatToHalf(std::ldexp(1.5f, -25)), std::uint16_t(0x0001));
    QCOMPARE(floatToHalf(std::ldexp(1.5f, -24)), std::uint16_t(0x0002));
    QCOMPARE(floatToHalf(std::ldexp(1.0f, -14)), std::uint16_t(0x0400));
    QCOMPARE(floatToHalf(std::ldexp(1023.5f, -24)), std::uint16_t(0x0400)); // carries into the exponent
    QCOMPARE(floatToHalf(std::numeric_limits<float>::denorm_min()), std::uint16_t(0x0000));
    QCOMPARE(bits(halfToFloat(0x0001)), bits(std::ldexp(1.0f, -24)));
    QCOMPARE(bits(halfToFloat(0x03FF)), bits(std::ldexp(1023.0f, -24)));

    QCOMPARE(floatToHalf(std::numeric_limits<float>::infinity()), std::uint16_t(0x7C00));
    QCOMPARE(bits(halfToFloat(0xFC00)), bits(-std::numeric_limits<float>::infinity()));
    QVERIFY(std::isnan(halfToFloat(floatToHalf(std::numeric_limits<float>::quiet_NaN()))));
    QVERIFY(std::isnan(halfToFloat(floatToHalf(fromBits(0x7F800001))))); // signalling NaN with a low payload
    QVERIFY(std::isnan(halfToFloat(0x7E00)));
}

void TestSafetensors::halfRoundingExhaustive()
{
    // Every half converts to float and back unchanged; every midpoint between
    // neighbours rounds to the even one, and the floats next to it to the nearer.
    for (quint32 h = 0; h <= 0xFFFF; ++h) {
        if ((h & 0x7C00) == 0x7C00 && (h & 0x3FF))
            continue; // NaN
        if (floatToHalf(halfToFloat(std::uint16_t(h))) != h)
            QFAIL(qPrintable(QString("half 0x%1 does not round-trip").arg(h, 4, 16, QChar('0'))));
    }
    for (quint32 h = 0; h < 0x7BFF; ++h) {
        const float lo = halfToFloat(std::uint16_t(h)), hi = halfToFloat(std::uint16_t(h + 1));
        const float mid = lo + (hi - lo) / 2; // exact: a half has 11 significant bits
        const std::uint16_t even = std::uint16_t((h & 1) ? h + 1 : h);
        if (floatToHalf(mid) != even || floatToHalf(std::nextafter(mid, 0.0f)) != h ||
            floatToHalf(std::nextafter(mid, kInf)) != h + 1 || floatToHalf(-mid) != (even | 0x8000))
            QFAIL(qPrintable(QString("wrong rounding between halves 0x%1 and its successor").arg(h, 4, 16)));
    }
}

void TestSafetensors::bfloat16Conversions()
{
    QCOMPARE(floatToBfloat16(1.5f), std::uint16_t(0x3FC0));
    QCOMPARE(floatToBfloat16(-2.0f), std::uint16_t(0xC000));
    QCOMPARE(bits(bfloat16ToFloat(0x3FC0)), bits(1.5f));
    QCOMPARE(floatToBfloat16(1.0f + 1.0f / 256), std::uint16_t(0x3F80)); // tie to even
    QCOMPARE(floatToBfloat16(1.0f + 3.0f / 256), std::uint16_t(0x3F82)); // tie to even
    QCOMPARE(floatToBfloat16(std::numeric_limits<float>::max()), std::uint16_t(0x7F80)); // rounds to infinity
    QVERIFY(std::isnan(bfloat16ToFloat(floatToBfloat16(fromBits(0x7F800001)))));
    for (quint32 b = 0; b < 0x7F7F; ++b) {
        const float lo = bfloat16ToFloat(std::uint16_t(b)), hi = bfloat16ToFloat(std::uint16_t(b + 1));
        const float mid = lo + (hi - lo) / 2; // exact, and no overflow near the top
        const std::uint16_t even = std::uint16_t((b & 1) ? b + 1 : b);
        if (floatToBfloat16(lo) != b || floatToBfloat16(mid) != even ||
            floatToBfloat16(std::nextafter(mid, 0.0f)) != b || floatToBfloat16(std::nextafter(mid, kInf)) != b + 1)
            QFAIL(qPrintable(QString("wrong bfloat16 rounding at 0x%1").arg(b, 4, 16)));
    }
}

void TestSafetensors::missingFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath("missing.safetensors").toStdString();
    QCOMPARE(errorOf([&] { SafetensorsFile::read(path); }),
             QString::fromStdString(path + ": cannot open file (No such file or directory)"));
}

void TestSafetensors::emptyFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = writeFile(dir, "empty.safetensors", {}).toStdString();
    QCOMPARE(errorOf([&] { SafetensorsFile::read(path); }),
             QString::fromStdString(path + ": not a safetensors file (too short for the 8-byte header length)"));
}

void TestSafetensors::shortFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = writeFile(dir, "short.safetensors", QByteArray("\x02\0\0\0\0", 5)).toStdString();
    QCOMPARE(QFileInfo(QString::fromStdString(path)).size(), 5);
    QCOMPARE(errorOf([&] { SafetensorsFile::read(path); }),
             QString::fromStdString(path + ": not a safetensors file (too short for the 8-byte header length)"));
}

void TestSafetensors::directory()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.path().toStdString();
    QCOMPARE(errorOf([&] { SafetensorsFile::read(path); }),
             QString::fromStdString(path + ": not a regular file (a folder)"));
}

void TestSafetensors::badInputs_data()
{
    QTest::addColumn<QByteArray>("image");
    QTest::addColumn<QString>("problem");
    const QByteArray f32x2 = entry("x", "F32", "[2]", "[0,8]");
    const QByteArray eight(8, '\0');
    // One F32 tensor 'x' over 8 bytes of data, its shape and offsets as given.
    const auto x32 = [&](const char *shape, const char *offsets) {
        return fileImage("{" + entry("x", "F32", shape, offsets) + "}", eight);
    };

    QTest::newRow("header past end") << lengthField(100) + "{}"
                                     << "header length 100 runs past the end of the file (size 10)";
    QTest::newRow("header length 2^64-1") << lengthField(~quint64(0)) + "{}"
                                          << "header length 18446744073709551615 runs past the end of the file "
                                             "(size 10)";
    QTest::newRow("header length 0") << lengthField(0) + "{}"
                                     << "header length is 0; a safetensors header holds at least '{}'";
    // Syntax errors: nlohmann's message (what it expected, the text it read) and the byte where it stopped.
    const QString syntax = "header is not valid JSON (syntax error while parsing ";
    QTest::newRow("invalid JSON") << fileImage(R"({"a":})")
                                  << syntax + "value - unexpected '}'; expected '[', '{', or a literal at byte 5)";
    QTest::newRow("trailing comma") << fileImage(R"({"a":{},})")
                                    << syntax + "object key - unexpected '}'; expected string literal at byte 8)";
    QTest::newRow("missing colon") << fileImage(R"({"a" 1})")
                                   << syntax + "object separator - unexpected number literal; expected ':' at byte 5)";
    QTest::newRow("truncated JSON") << fileImage(R"({"a":[1,2)")
                                    << syntax + "array - unexpected end of input; expected ']' at byte 9)";
    QTest::newRow("text after JSON")
        << fileImage("{} x") << syntax + "value - invalid literal; last read: '{} x'; expected end of input at byte 3)";
    // nlohmann's lexer would take a NUL for the end of the text and ignore what follows.
    QTest::newRow("NUL padding") << fileImage(QByteArray("{}\0\0", 4))
                                 << "header is not valid JSON (unexpected byte 0x00 at byte 2)";
    QTest::newRow("bad literal") << fileImage(R"({"a":tru})")
                                 << syntax + "value - invalid literal; last read: '\"a\":tru}' at byte 8)";
    QTest::newRow("leading zero") << fileImage(R"({"a":01})")
                                  << syntax + "object - unexpected number literal; expected '}' at byte 6)";
    QTest::newRow("bad escape") << fileImage(R"({"a\x":1})")
                                << syntax + "object key - invalid string: forbidden character after backslash; "
                                            "last read: '\"a\\x'; expected string literal at byte 4)";
    QTest::newRow("bad \\u escape") << fileImage(R"({"\u12G4":1})")
                                    << syntax + "object key - invalid string: '\\u' must be followed by 4 hex digits; "
                                                "last read: '\"\\u12G'; expected string literal at byte 6)";
    QTest::newRow("lone high surrogate")
        << fileImage(R"({"\ud800x":1})")
        << syntax + "object key - invalid string: surrogate U+D800..U+DBFF must be followed by U+DC00..U+DFFF; "
                    "last read: '\"\\ud800x'; expected string literal at byte 8)";
    QTest::newRow("lone low surrogate") << fileImage(R"({"a\udc00":1})")
                                        << syntax + "object key - invalid string: surrogate U+DC00..U+DFFF must follow "
                                                    "U+D800..U+DBFF; last read: '\"a\\udc00'; expected string literal "
                                                    "at byte 8)";
    // The bytes nlohmann quotes are escaped: the message stays one line of valid UTF-8.
    QTest::newRow("invalid UTF-8") << fileImage("{\"\xFF\":1}")
                                   << syntax + "object key - invalid string: ill-formed UTF-8 byte; last read: "
                                               "'\"\\xFF'; expected string literal at byte 2)";
    QTest::newRow("overlong UTF-8") << fileImage("{\"\xC0\xAF\":1}")
                                    << syntax + "object key - invalid string: ill-formed UTF-8 byte; last read: "
                                                "'\"\\xC0'; expected string literal at byte 2)";
    QTest::newRow("control in string")
        << fileImage("{\"a\nb\":1}")
        << syntax + "object key - invalid string: control character U+000A (LF) must be escaped to \\u000A or \\n; "
                    "last read: '\"a<U+000A>'; expected string literal at byte 3)";
    QTest::newRow("unterminated string") << fileImage(R"({"abc)")
                                         << syntax + "object key - invalid string: missing closing quote; last read: "
                                                     "'\"abc'; expected string literal at byte 5)";
    QTest::newRow("number out of range") << fileImage(R"({"a":1e999})")
                                         << "header is not valid JSON (number overflow parsing '1e999' at byte 9)";
    // A header nests three levels (tensors, their fields, shape and offsets); the limit is refused
    // in the first pass, before a tree is built.
    QTest::newRow("too deep") << fileImage(R"({"a":{"shape":[[1]]}})")
                              << "header is not valid JSON (arrays/objects nested deeper than 3 levels)";
    QTest::newRow("10,000 levels") << fileImage("{\"a\":" + QByteArray(10000, '[') + QByteArray(10000, ']') + "}")
                                   << "header is not valid JSON (arrays/objects nested deeper than 3 levels)";
    QTest::newRow("not an object") << fileImage("[]") << "header is not a JSON object (got an array)";
    QTest::newRow("entry not an object") << fileImage(R"({"x":5})")
                                         << "tensor 'x': entry is not a JSON object (got an integer)";
    QTest::newRow("unknown dtype") << fileImage("{" + entry("fc.weight", "F8", "[1]", "[0,1]") + "}", QByteArray(1, 0))
                                   << "tensor 'fc.weight': unknown dtype 'F8'";
    QTest::newRow("missing dtype") << fileImage(R"({"x":{"shape":[1],"data_offsets":[0,1]}})")
                                   << "tensor 'x': missing \"dtype\"";
    QTest::newRow("dtype not a string") << fileImage(R"({"x":{"dtype":4,"shape":[1],"data_offsets":[0,4]}})")
                                        << "tensor 'x': \"dtype\" is not a string (got an integer)";
    QTest::newRow("missing shape") << fileImage(R"({"x":{"dtype":"F32","data_offsets":[0,4]}})")
                                   << "tensor 'x': missing \"shape\"";
    QTest::newRow("shape not an array") << x32("2", "[0,8]")
                                        << "tensor 'x': \"shape\" is not an array (got an integer)";
    QTest::newRow("fractional shape") << x32("[2.5]", "[0,8]")
                                      << "tensor 'x': \"shape\" holds a number; dimensions must be integers";
    QTest::newRow("negative shape") << x32("[2,-1]", "[0,8]") << "tensor 'x': shape [2,-1] has a negative dimension";
    QTest::newRow("missing offsets") << fileImage(R"({"x":{"dtype":"F32","shape":[2]}})")
                                     << "tensor 'x': missing \"data_offsets\"";
    QTest::newRow("one offset") << x32("[2]", "[8]") << "tensor 'x': \"data_offsets\" must be [begin,end]";
    QTest::newRow("negative offset") << x32("[2]", "[-8,0]")
                                     << "tensor 'x': \"data_offsets\" must be two non-negative integers";
    QTest::newRow("offset past int64") << fileImage("{" + entry("x", "F32", "[2]", "[0,18446744073709551615]") + "}")
                                       << "tensor 'x': \"data_offsets\" must be two non-negative integers";
    QTest::newRow("begin after end") << x32("[2]", "[8,0]") << "tensor 'x': data_offsets [8,0] end before they begin";
    QTest::newRow("size mismatch") << fileImage("{" + entry("x", "F32", "[2,3]", "[0,12]") + "}", QByteArray(12, 0))
                                   << "tensor 'x': data_offsets span 12 bytes but shape [2,3] of F32 needs 24";
    QTest::newRow("out of range") << fileImage("{" + f32x2 + "}", "abcd")
                                  << "tensor 'x': data_offsets [0,8] out of range of the 4-byte data section";
    QTest::newRow("4 GB claim") << fileImage("{" + entry("big", "F32", "[1073741824]", "[0,4294967296]") + "}", eight)
                                << "tensor 'big': data_offsets [0,4294967296] out of range of the 8-byte data section";
    QTest::newRow("byte size overflow")
        << x32("[4294967296,4294967296]", "[0,8]")
        << "tensor 'x': shape [4294967296,4294967296] of F32 needs more than 2^63 bytes";
    QTest::newRow("overlap") << fileImage("{" + entry("b", "F32", "[2]", "[4,12]") + "," +
                                              entry("a", "F32", "[2]", "[0,8]") + "}",
                                          QByteArray(12, 0))
                             << "tensor 'b': data_offsets [4,12] overlap tensor 'a' at [0,8]";
    QTest::newRow("same range") << fileImage("{" + entry("b", "F32", "[2]", "[0,8]") + "," + f32x2 + "}", eight)
                                << "tensor 'x': data_offsets [0,8] overlap tensor 'b' at [0,8]";
    QTest::newRow("metadata value not a string") << fileImage(R"({"__metadata__":{"format":1}})")
                                                 << "__metadata__ value for 'format' is not a string (got an integer)";
    QTest::newRow("metadata not an object") << fileImage(R"({"__metadata__":"pt"})")
                                            << "__metadata__ is not a JSON object (got a string)";
    QTest::newRow("metadata duplicate key") << fileImage(R"({"__metadata__":{"a":"1","a":"2"}})")
                                            << "header is not valid JSON (key 'a' appears twice in one object)";
    QTest::newRow("duplicate tensor") << fileImage("{" + f32x2 + "," + f32x2 + "}", eight)
                                      << "header is not valid JSON (key 'x' appears twice in one object)";
    QTest::newRow("duplicate metadata") << fileImage(R"({"__metadata__":{},"__metadata__":{}})")
                                        << "header is not valid JSON (key '__metadata__' appears twice in one object)";
    QTest::newRow("duplicate field")
        << fileImage(R"({"x":{"dtype":"F32","dtype":"F32","shape":[2],"data_offsets":[0,8]}})", eight)
        << "header is not valid JSON (key 'dtype' appears twice in one object)";
    QTest::newRow("control character in name") << fileImage(R"({"a\nb":5})")
                                               << "tensor 'a\\x0Ab': entry is not a JSON object (got an integer)";
    QTest::newRow("long name") << fileImage("{\"" + QByteArray(200, 'n') + "\":5}")
                               << "tensor '" + QString(120, 'n') + "...': entry is not a JSON object (got an integer)";
}

void TestSafetensors::badInputs()
{
    QFETCH(QByteArray, image);
    QFETCH(QString, problem);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = writeFile(dir, "bad.safetensors", image).toStdString();
    QCOMPARE(errorOf([&] { SafetensorsFile::read(path); }), QString::fromStdString(path) + ": " + problem);
    QCOMPARE(errorOf([&] { SafetensorsFile::parse(image.toStdString(), "mem"); }), "mem: " + problem);
    // The weights-cache listing reads the header alone, through the same parser.
    QCOMPARE(errorOf([&] { SafetensorsFile::readHeader(path); }), QString::fromStdString(path) + ": " + problem);
}

void TestSafetensors::writeErrors()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const float v[2] = {1, 2};
    const std::string noDir = dir.filePath("no/such/dir/out.safetensors").toStdString();
    QCOMPARE(errorOf([&] { writeSafetensors(noDir, {{"a", DType::F32, {2}, v}}); }),
             QString::fromStdString(noDir + ": cannot open file for writing (No such file or directory)"));

    const std::string path = dir.filePath("out.safetensors").toStdString();
    const QString prefix = QString::fromStdString(path) + ": ";
    QCOMPARE(errorOf([&] { writeSafetensors(path, {{"a", DType::F32, {2}, v}, {"a", DType::F32, {1}, v}}); }),
             prefix + "tensor 'a': appears twice");
    QCOMPARE(errorOf([&] { writeSafetensors(path, {{"a", DType::F32, {-2}, v}}); }),
             prefix + "tensor 'a': shape [-2] has a negative dimension");
    QCOMPARE(errorOf([&] { writeSafetensors(path, {{"a", DType::F32, {2}, nullptr}}); }),
             prefix + "tensor 'a': no data given for 8 bytes");
    QCOMPARE(errorOf([&] { writeSafetensors(path, {{"__metadata__", DType::F32, {2}, v}}); }),
             prefix + "tensor '__metadata__': the name is reserved for metadata");
    QCOMPARE(errorOf([&] { writeSafetensors(path, {{"bad\xFF", DType::F32, {2}, v}}); }),
             prefix + "tensor 'bad\\xFF': name is not valid UTF-8");
    QCOMPARE(errorOf([&] { writeSafetensors(path, {{"a", DType::U8, {1 << 30, 1 << 30, 1 << 30}, v}}); }),
             prefix + "tensor 'a': tensors need more than 2^63 bytes in total");
    QCOMPARE(errorOf([&] { writeSafetensors(path, {}, {{"k", "\xC3"}}); }),
             prefix + "__metadata__ value for 'k' is not valid UTF-8");
    QVERIFY(!QFile::exists(QString::fromStdString(path)));

    // A zero-element tensor needs no data.
    writeSafetensors(path, {{"none", DType::F32, {0}, nullptr}});
    QCOMPARE(SafetensorsFile::read(path).find("none")->numel(), std::int64_t(0));
}

void TestSafetensors::dataChecksRecord()
{
    const std::uint8_t b[2] = {1, 2};
    const SafetensorsFile file = SafetensorsFile::parse(encodeSafetensors({{"a", DType::U8, {2}, b}}, {}, "m"), "m");
    TensorRecord foreign = *file.find("a");
    foreign.name = "other";
    foreign.end = 100;
    QCOMPARE(errorOf([&] { file.data(foreign); }),
             QString("m: tensor 'other': data_offsets [0,100] out of range of the 2-byte data section"));
}

QTEST_APPLESS_MAIN(TestSafetensors)
#include "test_safetensors.moc"
