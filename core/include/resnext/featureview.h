#pragma once
// Pictures of what a block computed: the grouped convolution's output as C
// tiles of d maps, channel grids, Grad-CAM overlays, and the energy table.
// Shared by the GUI and `resnext-explorer features`. No LibTorch, no Qt.

#include "resnext/engine.h"
#include "resnext/image.h"

#include <string>
#include <vector>

namespace resnext {

enum class Colormap { Viridis, Magma, Gray };
enum class Normalization {
    Channel, // each map stretched to its own min..max
    Group,   // one range per group (tile)
    Layer    // one range for the whole tensor
};
Colormap parseColormap(const std::string &text);           // throws SpecError("colormap", ...)
Normalization parseNormalization(const std::string &text); // throws SpecError("norm", ...)
std::string toString(Colormap c);
std::string toString(Normalization n);

// Colour of v in [0, 1].
void colormapRgb(Colormap map, float v, std::uint8_t rgb[3]);

struct GridGeometry {
    int tilesPerRow = 1, tileRows = 1; // tiles (groups) in the grid
    int mapsPerRow = 1, mapRows = 1;   // maps (channels) inside one tile
    int scale = 1;                     // pixels per activation
    int mapGap = 1, tileGap = 6;
    int tileWidth = 0, tileHeight = 0; // pixels of one tile
    int width = 0, height = 0;         // pixels of the grid
    // Top-left pixel of tile t (row-major).
    int tileX(int t) const { return (t % tilesPerRow) * (tileWidth + tileGap); }
    int tileY(int t) const { return (t / tilesPerRow) * (tileHeight + tileGap); }
    // Tile under pixel (x, y), or -1.
    int tileAt(int x, int y) const;
};

// Layout of `tiles` groups of `channels` maps of h x w, scaled so that a map is
// at least `minMapPixels` wide.
GridGeometry gridGeometry(int tiles, int channels, int h, int w, int minMapPixels = 16);

// maps: [tiles * channelsPerTile][h][w]. Tiles are groups; a one-tile grid shows
// channels. `layerRange` overrides the min/max used for Normalization::Layer.
RgbImage renderGrid(const std::vector<float> &maps, int tiles, int channelsPerTile, int h, int w, Colormap cmap,
                    Normalization norm, const GridGeometry &geometry,
                    const std::pair<float, float> *layerRange = nullptr);
// The grouped output of `f` as C tiles of d maps.
RgbImage renderGroups(const FeatureMaps &f, Colormap cmap, Normalization norm, int minMapPixels = 16);
// One group's d maps, large.
RgbImage renderGroup(const FeatureMaps &f, int group, Colormap cmap, Normalization norm, int minMapPixels = 64);
// Heat in [0,1] (w x h, resized to the image) blended over the image.
RgbImage overlayHeat(const RgbImage &image, const std::vector<float> &heat, int w, int h, float alpha = 0.5f);
// "group,energy,share" CSV of the per-group activation energy.
std::string energyCsv(const FeatureMaps &f);

} // namespace resnext
