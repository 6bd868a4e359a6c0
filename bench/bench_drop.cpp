// From a dropped file to the shown result: decode + preprocess + forward +
// the feature tiles of one block, against the bare forward of the same model,
// measured side by side (medians), on the model's default inference path (the
// fast oneDNN one where the build has it). Loads the engine like the app does.
//   bench_drop [IMAGE] [PRESET] [RUNS] [THREADS]
#include "median.h"

#include "resnext/engine.h"
#include "resnext/featureview.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char **argv)
{
    using namespace resnext;
    const std::string image = argc > 1 ? argv[1] : RESNEXT_SOURCE_DIR "/sample_images/photo-chelsea-cat.png";
    const std::string presetName = argc > 2 ? argv[2] : "resnext50_32x4d";
    const int runs = argc > 3 ? std::atoi(argv[3]) : 15;
    const int threads = argc > 4 ? std::atoi(argv[4]) : 2;
    Engine &engine = loadEngine();
    engine.setThreads(threads); // explicit: the default follows the machine's load
    ModelInfo info;
    info.spec = preset(presetName).spec;
    info.preprocessing = defaultPreprocessing(info.spec);
    auto model = engine.create(info, 0);
    BenchOptions o;
    o.runs = runs;
    const double forward = model->bench(o).medianMs;
    Timings parts{};
    const auto full = timesMs(runs, [&](int) {
        const auto t0 = std::chrono::steady_clock::now();
        const RgbImage img = decodeImage(image);
        const double decode = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        Analysis a = model->analyze(img, 5, "layer2.0");
        const RgbImage tiles = renderGroups(a.features, Colormap::Viridis, Normalization::Channel);
        parts = a.timings;
        parts.decodeMs = decode;
        (void)tiles;
    });
    const double drop = median(full);
    std::printf("%s, %s, %d threads, medians of %d runs\n", presetName.c_str(), image.c_str(), engine.deviceInfo().threads,
                runs);
    std::printf("bare forward (random input)            %8.2f ms\n", forward);
    std::printf("drop to shown result (decode, preprocess, forward with layer2.0 captured, tiles) %8.2f ms\n", drop);
    std::printf("  last run: decode %.2f, preprocess %.2f, forward %.2f, feature maps %.2f ms\n", parts.decodeMs,
                parts.preprocessMs, parts.forwardMs, parts.featuresMs);
    std::printf("ratio %.2f (target <= 1.2), %s path\n", drop / forward, toString(model->inferencePath()).c_str());
    return 0;
}
