#include "engine/excite.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace resnext::excite {

namespace {

// The loops below run over a block's lanes with the block size known at compile
// time, so the compiler keeps each lane in a vector register; the sums over the
// map are per lane (no reduction across lanes), which it vectorises as written.

// mean[n][c] over the map, for the tasks t = n * blocks + cb in [t0, t1).
template <int B>
void pool(const float *x, float *mean, int channels, int hw, std::int64_t t0, std::int64_t t1)
{
    const int blocks = channels / B;
    const float inv = 1.f / static_cast<float>(hw);
    for (std::int64_t t = t0; t < t1; ++t) {
        const float *p = x + t * hw * B;
        float acc[B] = {};
        for (int i = 0; i < hw; ++i)
            for (int l = 0; l < B; ++l)
                acc[l] += p[i * B + l];
        float *out = mean + (t / blocks) * channels + (t % blocks) * B;
        for (int l = 0; l < B; ++l)
            out[l] = acc[l] * inv;
    }
}

// y = relu(x * gate + y) for the tasks t = n * chunks + k in [t0, t1), chunk k
// being channels k*L .. k*L+L-1 (L = the smaller block: inside one block of each).
template <int BX, int BY>
void scale(const float *x, float *y, const float *gate, int channels, int hw, std::int64_t t0, std::int64_t t1)
{
    constexpr int L = BX < BY ? BX : BY;
    const int chunks = channels / L;
    for (std::int64_t t = t0; t < t1; ++t) {
        const std::int64_t n = t / chunks;
        const int c0 = static_cast<int>(t % chunks) * L;
        const float *px = x + ((n * (channels / BX) + c0 / BX) * hw) * BX + c0 % BX;
        float *py = y + ((n * (channels / BY) + c0 / BY) * hw) * BY + c0 % BY;
        float g[L];
        std::memcpy(g, gate + n * channels + c0, sizeof g);
        for (int i = 0; i < hw; ++i)
            for (int l = 0; l < L; ++l) {
                const float v = px[i * BX + l] * g[l] + py[i * BY + l];
                py[i * BY + l] = v > 0.f ? v : 0.f;
            }
    }
}

} // namespace

std::string unsupported(const Shape &s)
{
    for (int b : {s.srcBlock, s.dstBlock})
        if (b != 8 && b != 16)
            return "not a float nChw8c or nChw16c layout";
    const int block = std::max(s.srcBlock, s.dstBlock);
    if (s.channels < block || s.channels % block != 0)
        return std::to_string(s.channels) + " channels: not a multiple of the channel block " + std::to_string(block);
    if (s.reduced < 1 || s.batch < 1 || s.height < 1 || s.width < 1)
        return "empty shape";
    return {};
}

struct Unit::Impl {
    Shape s;
    std::vector<float> w1t, b1; // fc1 as [channels][reduced]: its products are runs over `reduced`
    std::vector<float> w2t, b2; // fc2 as [reduced][channels]: runs over `channels`
    std::vector<float> mean, hidden, gate; // [batch][channels], [batch][reduced], [batch][channels]
};

Unit::Unit(const Shape &shape, const float *fc1Weight, const float *fc1Bias, const float *fc2Weight,
           const float *fc2Bias)
    : m(std::make_unique<Impl>())
{
    if (const std::string why = unsupported(shape); !why.empty())
        throw std::invalid_argument("excite: " + why);
    m->s = shape;
    const size_t C = static_cast<size_t>(shape.channels), R = static_cast<size_t>(shape.reduced);
    m->w1t.resize(C * R);
    m->w2t.resize(C * R);
    for (size_t r = 0; r < R; ++r)
        for (size_t c = 0; c < C; ++c) {
            m->w1t[c * R + r] = fc1Weight[r * C + c];
            m->w2t[r * C + c] = fc2Weight[c * R + r];
        }
    m->b1.assign(fc1Bias, fc1Bias + R);
    m->b2.assign(fc2Bias, fc2Bias + C);
    const size_t N = static_cast<size_t>(shape.batch);
    m->mean.resize(N * C);
    m->hidden.resize(N * R);
    m->gate.resize(N * C);
}

Unit::~Unit() = default;

void Unit::run(const float *x, float *y) const
{
    const Shape &s = m->s;
    const int C = s.channels, R = s.reduced, N = s.batch, hw = s.height * s.width;
    float *mean = m->mean.data(), *hidden = m->hidden.data(), *gate = m->gate.data();
    // Work below kGrain (floats read, multiply-adds) stays on the calling thread:
    // a parallel region costs more than it saves there (layer4's 7x7 maps).
    constexpr std::int64_t kGrain = 1 << 16;
    // The squeeze: one task per image and channel block.
    const std::int64_t poolGrain = std::max<std::int64_t>(1, kGrain / (static_cast<std::int64_t>(hw) * s.srcBlock));
    at::parallel_for(0, static_cast<std::int64_t>(N) * (C / s.srcBlock), poolGrain, [&](std::int64_t t0, std::int64_t t1) {
        if (s.srcBlock == 16)
            pool<16>(x, mean, C, hw, t0, t1);
        else
            pool<8>(x, mean, C, hw, t0, t1);
    });
    // fc1 + ReLU (at most a few hundred thousand multiply-adds an image: one
    // thread), each weight row read once for the whole batch.
    for (int n = 0; n < N; ++n)
        std::memcpy(hidden + static_cast<size_t>(n) * R, m->b1.data(), sizeof(float) * R);
    for (int c = 0; c < C; ++c) {
        const float *w = m->w1t.data() + static_cast<size_t>(c) * R;
        for (int n = 0; n < N; ++n) {
            const float v = mean[static_cast<size_t>(n) * C + c];
            float *h = hidden + static_cast<size_t>(n) * R;
            for (int r = 0; r < R; ++r)
                h[r] += w[r] * v;
        }
    }
    for (size_t i = 0; i < static_cast<size_t>(N) * R; ++i)
        hidden[i] = hidden[i] > 0.f ? hidden[i] : 0.f;
    // fc2 + sigmoid, the channels shared among the threads.
    at::parallel_for(0, C, std::max<std::int64_t>(16, kGrain / (static_cast<std::int64_t>(N) * R)),
                     [&](std::int64_t c0, std::int64_t c1) {
        for (int n = 0; n < N; ++n) {
            float *g = gate + static_cast<size_t>(n) * C;
            std::memcpy(g + c0, m->b2.data() + c0, sizeof(float) * static_cast<size_t>(c1 - c0));
            for (int r = 0; r < R; ++r) {
                const float *w = m->w2t.data() + static_cast<size_t>(r) * C;
                const float h = hidden[static_cast<size_t>(n) * R + r];
                for (std::int64_t c = c0; c < c1; ++c)
                    g[c] += w[c] * h;
            }
            for (std::int64_t c = c0; c < c1; ++c)
                g[c] = 1.f / (1.f + std::exp(-g[c]));
        }
    });
    // The excitation, the residual sum and the ReLU in one pass over the map.
    const int L = std::min(s.srcBlock, s.dstBlock);
    const std::int64_t scaleGrain = std::max<std::int64_t>(1, kGrain / (static_cast<std::int64_t>(hw) * L));
    at::parallel_for(0, static_cast<std::int64_t>(N) * (C / L), scaleGrain, [&](std::int64_t t0, std::int64_t t1) {
        if (s.srcBlock == 16 && s.dstBlock == 16)
            scale<16, 16>(x, y, gate, C, hw, t0, t1);
        else if (s.srcBlock == 8 && s.dstBlock == 8)
            scale<8, 8>(x, y, gate, C, hw, t0, t1);
        else if (s.srcBlock == 8)
            scale<8, 16>(x, y, gate, C, hw, t0, t1);
        else
            scale<16, 8>(x, y, gate, C, hw, t0, t1);
    });
}

} // namespace resnext::excite
