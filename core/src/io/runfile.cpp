// The experiment's run files (<out>/runs/<key>.json) read back: every field
// checked for presence, type and range. Kept apart from experiment.cpp so that
// fuzz_runfile can build it without the training code.
#include "resnext/error.h"
#include "resnext/experiment.h"
#include "resnext/fileio.h"

#include <cstdint>
#include <limits>
#include <type_traits>

namespace resnext {

namespace {

// A member of a run file, of the right JSON type and in T's range: a float
// where an integer belongs (1e300 as an epoch) is refused, never cast.
template <typename T> T field(const Json &j, const char *name, const std::string &file)
{
    if (!j.is_object() || !j.contains(name))
        throw Error(file + ": missing \"" + name + "\"");
    const Json &v = j.at(name);
    if constexpr (std::is_integral_v<T>) {
        if (v.is_number_unsigned()) {
            const auto u = v.get<std::uint64_t>();
            if (u <= static_cast<std::uint64_t>(std::numeric_limits<T>::max()))
                return static_cast<T>(u);
        } else if (v.is_number_integer()) {
            const auto i = v.get<std::int64_t>();
            if (std::is_signed_v<T> && i >= static_cast<std::int64_t>(std::numeric_limits<T>::min()) &&
                i <= static_cast<std::int64_t>(std::numeric_limits<T>::max()))
                return static_cast<T>(i);
        }
        throw Error(file + ": \"" + name + "\" must be an integer in range");
    } else {
        if (!v.is_number())
            throw Error(file + ": \"" + name + "\" has the wrong type");
        return v.get<T>();
    }
}

} // namespace

RunRecord runFromJson(const Json &j, const std::string &file)
{
    RunRecord r;
    r.seed = field<std::uint64_t>(j, "seed", file);
    r.testAccuracy = field<double>(j, "test_accuracy", file);
    r.finalLoss = field<double>(j, "final_loss", file);
    r.trainSeconds = field<double>(j, "train_seconds", file);
    r.testSeconds = field<double>(j, "test_seconds", file);
    if (!j.contains("epochs") || !j["epochs"].is_array())
        throw Error(file + ": missing \"epochs\"");
    for (const Json &e : j["epochs"]) {
        TrainProgress p;
        p.epoch = field<int>(e, "epoch", file);
        p.loss = field<double>(e, "last_loss", file);
        p.trainAccuracy = field<double>(e, "train_accuracy", file);
        p.valAccuracy = field<double>(e, "val_accuracy", file);
        p.epochSeconds = field<double>(e, "seconds", file);
        p.imagesPerSecond = field<double>(e, "images_per_second", file);
        r.epochs.push_back(p);
        r.epochLoss.push_back(field<double>(e, "mean_loss", file));
    }
    r.resumed = true;
    return r;
}

RunRecord parseRunFile(const std::string &text, const std::string &label)
{
    return runFromJson(parseJson(text, label), label);
}

} // namespace resnext
