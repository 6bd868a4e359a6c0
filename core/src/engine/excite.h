#pragma once
// Squeeze-and-excitation on oneDNN's blocked activations (nChw8c or nChw16c,
// float), for the fast path: the mean over the map per channel, fc1 with its
// bias and ReLU, fc2 with its bias and sigmoid, and the block's output scaled
// per channel, added into the shortcut and passed through the ReLU, all in one
// call: y = relu(x * sigmoid(fc2(relu(fc1(mean(x))))) + y).
//
// oneDNN 2.6 ran the same as pooling, two 1x1 convolutions and a broadcast
// binary multiply with sum and ReLU post-ops; that multiply fell to its
// reference kernel whenever the block's output and the shortcut had different
// channel blocks (8 vs 16: 70-95 ms for one 512x28x28 map) and its jit kernel
// took 10-20 ms on 1024x14x14 maps (docs/layer-plan.md). This kernel reads the
// map twice (the mean, then the scale) and its two layers are a few hundred
// thousand multiply-adds.
//
// No LibTorch or oneDNN types in this header: the fast path and a test call it.

#include <memory>
#include <string>

namespace resnext::excite {

struct Shape {
    int batch = 1, channels = 0, reduced = 0; // channels of the map, of fc1's output
    int height = 0, width = 0;
    int srcBlock = 16; // the channel block of the block's output x: 8 or 16
    int dstBlock = 16; // the channel block of the shortcut y (read and written)
};

// Empty when the kernel runs `shape`; else why not (for the fast path's log).
std::string unsupported(const Shape &shape);

class Unit {
public:
    // fc1: [reduced, channels] + [reduced]; fc2: [channels, reduced] + [channels]
    // (the 1x1 convolutions' weights, any trailing 1x1 dropped; all copied).
    // Throws std::invalid_argument when unsupported(shape) is not empty.
    Unit(const Shape &shape, const float *fc1Weight, const float *fc1Bias, const float *fc2Weight,
         const float *fc2Bias);
    ~Unit();
    Unit(const Unit &) = delete;
    Unit &operator=(const Unit &) = delete;
    // x: the block's output, y: the shortcut, which receives the result; the
    // whole batch, each in its blocked layout. Runs on ATen's intra-op threads
    // (the OpenMP threads oneDNN uses); allocates nothing.
    void run(const float *x, float *y) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

} // namespace resnext::excite
