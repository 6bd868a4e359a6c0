#pragma once
// Seeded randomness whose output is defined everywhere: std::mt19937_64's
// sequence is fixed by the C++ standard, but std::uniform_int_distribution,
// std::bernoulli_distribution and std::shuffle differ between standard
// libraries. A seed must mean the same data split and the same training run on
// every machine, so the draws are written out here.

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace resnext {

class SeededRandom {
public:
    explicit SeededRandom(std::uint64_t seed) : m_engine(seed) {}
    // Uniform in [0, bound), without modulo bias; bound > 0.
    std::uint64_t below(std::uint64_t bound);
    // Uniform in [lo, hi].
    int between(int lo, int hi);
    // True with probability 1/2.
    bool coin();
    // Fisher-Yates with below().
    void shuffle(std::vector<std::size_t> &items);

private:
    std::mt19937_64 m_engine;
};

} // namespace resnext
