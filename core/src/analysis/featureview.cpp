#include "resnext/featureview.h"

#include "resnext/error.h"
#include "resnext/text.h"

#include <algorithm>
#include <cstring>
#include <cmath>
#include <sstream>

namespace resnext {

namespace {

// 9-stop approximations of matplotlib's perceptually uniform maps.
const float kViridis[9][3] = {{0.267f, 0.005f, 0.329f}, {0.283f, 0.141f, 0.458f}, {0.254f, 0.265f, 0.530f},
                              {0.207f, 0.372f, 0.553f}, {0.164f, 0.471f, 0.558f}, {0.128f, 0.567f, 0.551f},
                              {0.135f, 0.659f, 0.518f}, {0.478f, 0.821f, 0.318f}, {0.993f, 0.906f, 0.144f}};
const float kMagma[9][3] = {{0.001f, 0.000f, 0.014f}, {0.114f, 0.065f, 0.277f}, {0.317f, 0.072f, 0.485f},
                            {0.513f, 0.148f, 0.508f}, {0.716f, 0.215f, 0.475f}, {0.904f, 0.316f, 0.378f},
                            {0.987f, 0.536f, 0.382f}, {0.997f, 0.766f, 0.537f}, {0.987f, 0.991f, 0.750f}};

} // namespace

Colormap parseColormap(const std::string &t)
{
    if (const auto c = lookupName<Colormap>(
            t, {{"viridis", Colormap::Viridis}, {"magma", Colormap::Magma}, {"gray", Colormap::Gray},
                {"grey", Colormap::Gray}}))
        return *c;
    throw SpecError("colormap", "colormap: unknown value '" + t + "'; use viridis, magma or gray");
}

Normalization parseNormalization(const std::string &t)
{
    if (const auto n = lookupName<Normalization>(
            t, {{"channel", Normalization::Channel}, {"group", Normalization::Group}, {"layer", Normalization::Layer}}))
        return *n;
    throw SpecError("norm", "norm: unknown value '" + t + "'; use channel, group or layer");
}

std::string toString(Colormap c) { return c == Colormap::Viridis ? "viridis" : c == Colormap::Magma ? "magma" : "gray"; }
std::string toString(Normalization n)
{
    return n == Normalization::Channel ? "channel" : n == Normalization::Group ? "group" : "layer";
}

void colormapRgb(Colormap map, float v, std::uint8_t rgb[3])
{
    v = std::isfinite(v) ? std::clamp(v, 0.0f, 1.0f) : 0.0f;
    if (map == Colormap::Gray) {
        rgb[0] = rgb[1] = rgb[2] = static_cast<std::uint8_t>(std::lround(v * 255));
        return;
    }
    const auto &stops = map == Colormap::Viridis ? kViridis : kMagma;
    const float x = v * 8.0f;
    const int i = std::min(7, static_cast<int>(x));
    const float t = x - static_cast<float>(i);
    for (int c = 0; c < 3; ++c)
        rgb[c] = static_cast<std::uint8_t>(std::lround((stops[i][c] * (1 - t) + stops[i + 1][c] * t) * 255));
}

int GridGeometry::tileAt(int x, int y) const
{
    if (x < 0 || y < 0)
        return -1;
    const int col = x / (tileWidth + tileGap), row = y / (tileHeight + tileGap);
    if (col >= tilesPerRow || row >= tileRows || x % (tileWidth + tileGap) >= tileWidth ||
        y % (tileHeight + tileGap) >= tileHeight)
        return -1;
    return row * tilesPerRow + col;
}

GridGeometry gridGeometry(int tiles, int channels, int h, int w, int minMapPixels)
{
    GridGeometry g;
    g.tilesPerRow = std::max(1, static_cast<int>(std::ceil(std::sqrt(static_cast<double>(tiles)))));
    g.tileRows = (tiles + g.tilesPerRow - 1) / g.tilesPerRow;
    g.mapsPerRow = std::max(1, static_cast<int>(std::ceil(std::sqrt(static_cast<double>(channels)))));
    g.mapRows = (channels + g.mapsPerRow - 1) / g.mapsPerRow;
    g.scale = std::max(1, (minMapPixels + w - 1) / std::max(1, w));
    g.mapGap = 1;
    g.tileGap = tiles > 1 ? 6 : 0;
    g.tileWidth = g.mapsPerRow * w * g.scale + (g.mapsPerRow - 1) * g.mapGap;
    g.tileHeight = g.mapRows * h * g.scale + (g.mapRows - 1) * g.mapGap;
    g.width = g.tilesPerRow * g.tileWidth + (g.tilesPerRow - 1) * g.tileGap;
    g.height = g.tileRows * g.tileHeight + (g.tileRows - 1) * g.tileGap;
    return g;
}

RgbImage renderGrid(const std::vector<float> &maps, int tiles, int perTile, int h, int w, Colormap cmap,
                    Normalization norm, const GridGeometry &g, const std::pair<float, float> *layerRange)
{
    const size_t plane = static_cast<size_t>(h) * w;
    if (maps.size() != static_cast<size_t>(tiles) * perTile * plane)
        throw Error("features: " + std::to_string(maps.size()) + " values do not make " + std::to_string(tiles) +
                    " x " + std::to_string(perTile) + " maps of " + std::to_string(h) + "x" + std::to_string(w));
    RgbImage img;
    img.width = g.width;
    img.height = g.height;
    img.pixels.assign(static_cast<size_t>(g.width) * g.height * 3, 255); // white gaps
    const auto range = [&](size_t begin, size_t count) {
        const auto [lo, hi] = std::minmax_element(maps.begin() + static_cast<long>(begin),
                                                  maps.begin() + static_cast<long>(begin + count));
        return std::make_pair(*lo, *hi);
    };
    const std::pair<float, float> layer = layerRange ? *layerRange : range(0, maps.size());
    // A 256-entry colour table: the per-pixel colormap arithmetic cost more than
    // the network's feature capture on a drop.
    std::uint8_t lut[256][3];
    for (int i = 0; i < 256; ++i)
        colormapRgb(cmap, static_cast<float>(i) / 255.0f, lut[i]);
    for (int t = 0; t < tiles; ++t) {
        const size_t tileBegin = static_cast<size_t>(t) * perTile * plane;
        const std::pair<float, float> group = norm == Normalization::Group ? range(tileBegin, perTile * plane) : layer;
        for (int c = 0; c < perTile; ++c) {
            const size_t begin = tileBegin + static_cast<size_t>(c) * plane;
            const auto [lo, hi] = norm == Normalization::Channel ? range(begin, plane)
                                                                 : (norm == Normalization::Group ? group : layer);
            const float scale = 255.0f / (hi > lo ? hi - lo : 1.0f);
            const int x0 = g.tileX(t) + (c % g.mapsPerRow) * (w * g.scale + g.mapGap);
            const int y0 = g.tileY(t) + (c / g.mapsPerRow) * (h * g.scale + g.mapGap);
            for (int y = 0; y < h * g.scale; ++y) {
                const float *row = &maps[begin + static_cast<size_t>(y / g.scale) * w];
                std::uint8_t *dst = &img.pixels[(static_cast<size_t>(y0 + y) * g.width + x0) * 3];
                for (int x = 0; x < w * g.scale; ++x) {
                    const float v = (row[x / g.scale] - lo) * scale + 0.5f;
                    const int i = v > 0.0f ? (v < 255.0f ? static_cast<int>(v) : 255) : 0; // NaN -> 0
                    std::memcpy(dst + x * 3, lut[i], 3);
                }
            }
        }
    }
    return img;
}

RgbImage renderGroups(const FeatureMaps &f, Colormap cmap, Normalization norm, int minMapPixels)
{
    const GridGeometry g = gridGeometry(f.cardinality, f.groupWidth, f.height, f.width, minMapPixels);
    return renderGrid(f.grouped, f.cardinality, f.groupWidth, f.height, f.width, cmap, norm, g);
}

RgbImage renderGroup(const FeatureMaps &f, int group, Colormap cmap, Normalization norm, int minMapPixels)
{
    if (group < 0 || group >= f.cardinality)
        throw Error("group: must be between 0 and " + std::to_string(f.cardinality - 1));
    const size_t plane = static_cast<size_t>(f.height) * f.width;
    const auto begin = f.grouped.begin() + static_cast<long>(static_cast<size_t>(group) * f.groupWidth * plane);
    std::vector<float> maps(begin, begin + static_cast<long>(static_cast<size_t>(f.groupWidth) * plane));
    // "layer" keeps the whole layer's range so that groups compare across clicks.
    const auto [lo, hi] = std::minmax_element(f.grouped.begin(), f.grouped.end());
    const std::pair<float, float> layerRange{*lo, *hi};
    const GridGeometry g = gridGeometry(1, f.groupWidth, f.height, f.width, minMapPixels);
    return renderGrid(maps, 1, f.groupWidth, f.height, f.width, cmap, norm, g, &layerRange);
}

RgbImage overlayHeat(const RgbImage &image, const std::vector<float> &heat, int w, int h, float alpha)
{
    if (heat.size() != static_cast<size_t>(w) * h)
        throw Error("grad-cam: heat map size does not match");
    RgbImage out = image;
    for (int y = 0; y < image.height; ++y)
        for (int x = 0; x < image.width; ++x) {
            const int hx = std::min(w - 1, x * w / std::max(1, image.width));
            const int hy = std::min(h - 1, y * h / std::max(1, image.height));
            std::uint8_t c[3];
            colormapRgb(Colormap::Magma, heat[static_cast<size_t>(hy) * w + hx], c);
            std::uint8_t *p = &out.pixels[(static_cast<size_t>(y) * image.width + x) * 3];
            for (int k = 0; k < 3; ++k)
                p[k] = static_cast<std::uint8_t>(std::lround(p[k] * (1 - alpha) + c[k] * alpha));
        }
    return out;
}

std::string energyCsv(const FeatureMaps &f)
{
    double total = 0;
    for (double e : f.groupEnergy)
        total += e;
    std::ostringstream os;
    os.precision(8);
    os << "group,energy,share\n";
    for (size_t g = 0; g < f.groupEnergy.size(); ++g)
        os << g << "," << f.groupEnergy[g] << "," << (total > 0 ? f.groupEnergy[g] / total : 0.0) << "\n";
    return os.str();
}

} // namespace resnext
