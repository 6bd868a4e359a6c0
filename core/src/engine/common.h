#pragma once
// Small helpers shared by the engine's files (private to libresnext_engine.so).

#include "resnext/dataset.h"
#include "resnext/error.h"
#include "resnext/model.h"
#include "resnext/preprocess.h"
#include "resnext/safetensors.h"

#include <torch/torch.h>

#include <chrono>
#include <string>
#include <vector>

namespace resnext {

using Clock = std::chrono::steady_clock;

inline double msSince(Clock::time_point t)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

std::string firstLine(const std::string &text);

// Runs f, converting LibTorch's errors into one-line resnext::Errors.
template <typename F> auto guarded(const std::string &what, F &&f) -> decltype(f())
{
    try {
        return f();
    } catch (const Error &) {
        throw;
    } catch (const c10::Error &e) {
        throw Error(what + ": " + firstLine(e.what_without_backtrace()));
    } catch (const std::bad_alloc &) {
        throw Error(what + ": out of memory");
    }
}

std::string cudaName();
torch::Device parseDevice(const std::string &text);
std::vector<float> toFloats(const SafetensorsFile &file, const TensorRecord &t);
std::string shapeText(at::IntArrayRef s);
std::string joinFew(const std::vector<std::string> &names);

// Input tensor from 8-bit data set images whose size already matches the model.
torch::Tensor batchFromPixels(const ImageSet &data, const std::vector<size_t> &idx, const Preprocessing &pre);
void setLayout(ResNet &net, at::MemoryFormat format);

} // namespace resnext
