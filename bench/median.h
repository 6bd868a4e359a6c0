#pragma once
// Timing helpers shared by the benchmarks: wall-clock medians in milliseconds.
#include <algorithm>
#include <chrono>
#include <vector>

template <typename F> std::vector<double> timesMs(int runs, F &&f)
{
    std::vector<double> t;
    t.reserve(static_cast<size_t>(runs));
    for (int i = 0; i < runs; ++i) {
        const auto a = std::chrono::steady_clock::now();
        f(i);
        const auto b = std::chrono::steady_clock::now();
        t.push_back(std::chrono::duration<double, std::milli>(b - a).count());
    }
    return t;
}

inline double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n == 0 ? 0.0 : (n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]));
}
