#include "resnext/validate.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <thread>

namespace resnext {

namespace {

[[noreturn]] void refuse(const std::string &option, const std::string &problem)
{
    throw SpecError(option, option + ": " + problem);
}

std::string number(double v)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

void intRange(const std::string &option, long long v, long long lo, long long hi)
{
    if (v < lo || v > hi)
        refuse(option, "must be between " + std::to_string(lo) + " and " + std::to_string(hi) + " (got " +
                           std::to_string(v) + ")");
}

} // namespace

void validateTrainOptions(const TrainOptions &o)
{
    intRange("epochs", o.epochs, 1, kMaxEpochs);
    intRange("batch", o.batch, 1, kMaxBatch);
    if (!std::isfinite(o.learningRate) || !(o.learningRate > 0 && o.learningRate <= kMaxLearningRate))
        refuse("lr", "must be in (0, " + number(kMaxLearningRate) + "] (got " + number(o.learningRate) + ")");
    if (!std::isfinite(o.momentum) || !(o.momentum >= 0 && o.momentum < 1))
        refuse("momentum", "must be in [0, 1) (got " + number(o.momentum) + ")");
    if (!std::isfinite(o.weightDecay) || !(o.weightDecay >= 0 && o.weightDecay <= kMaxWeightDecay))
        refuse("wd", "must be in [0, " + number(kMaxWeightDecay) + "] (got " + number(o.weightDecay) + ")");
}

void validateBenchOptions(const BenchOptions &o)
{
    intRange("batch", o.batch, 1, kMaxBatch);
    intRange("runs", o.runs, 1, kMaxBenchRuns);
    intRange("warmup", o.warmup, 0, kMaxBenchWarmup);
}

void validateEvalBatch(int batch)
{
    intRange("batch", batch, 1, kMaxBatch);
}

double parseFiniteNumber(const std::string &option, const std::string &text)
{
    errno = 0;
    char *end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end || end == text.c_str())
        refuse(option, "'" + text + "' is not a number");
    if (!std::isfinite(v) || errno == ERANGE)
        refuse(option, "'" + text + "' is not a finite number in range");
    return v;
}

int defaultThreadCount()
{
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    std::ifstream in("/proc/loadavg");
    double load = 0;
    if (!(in >> load) || !std::isfinite(load) || load < 0)
        return cores;
    // The load counts this process too when it is already busy; at start-up it is not yet running.
    const int free = cores - static_cast<int>(std::lround(load));
    return std::max(1, std::min(cores, free));
}

} // namespace resnext
