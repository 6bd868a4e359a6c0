// How long the analytic accounting takes: summarize() in-process for every
// preset, and the whole `resnext-explorer summary` process for the largest.
#include "median.h"

#include "resnext/accounting.h"
#include "resnext/report.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char **argv)
{
    const int runs = argc > 1 ? std::atoi(argv[1]) : 2000;
    std::printf("%-20s %12s %12s %14s\n", "preset", "layers", "summarize", "countTotals");
    for (const auto &p : resnext::presets()) {
        std::size_t layers = 0;
        const double s = median(timesMs(runs, [&](int) { layers = resnext::summarize(p.spec).layers.size(); }));
        const double t = median(timesMs(runs, [&](int) { (void)resnext::countTotals(p.spec); }));
        std::printf("%-20s %12zu %9.4f ms %11.4f ms\n", p.name.c_str(), layers, s, t);
    }
    const std::string cmd = std::string("\"") + RESNEXT_EXE + "\" summary --preset resnext101_64x4d --format json > /dev/null";
    const int processes = std::min(15, std::max(3, runs)); // 15 by default; fewer in the smoke run
    const double proc = median(timesMs(processes, [&](int) {
        if (std::system(cmd.c_str()) != 0)
            std::abort();
    }));
    std::printf("\nwhole process `resnext-explorer summary --preset resnext101_64x4d --format json`: median %.1f ms "
                "(%d runs)\n",
                proc, processes);
    return 0;
}
