// Finds and loads libresnext_engine.so on first use. The counting commands and
// the window's live counts never call this, so they never load LibTorch.
#include "resnext/engine.h"

#include <dlfcn.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>

namespace resnext {

namespace {

std::string executableDir()
{
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::string(".") : exe.parent_path().string();
}

} // namespace

ProcessMemory processMemory()
{
    ProcessMemory m;
    std::ifstream in("/proc/self/status");
    std::string line;
    const auto kib = [](const std::string &l) { return std::int64_t(std::stoll(l.substr(l.find(':') + 1))) * 1024; };
    while (std::getline(in, line)) {
        if (line.rfind("VmRSS:", 0) == 0)
            m.rss = kib(line);
        else if (line.rfind("VmHWM:", 0) == 0)
            m.peak = kib(line);
    }
    return m;
}

bool resetPeakMemory()
{
    std::ofstream out("/proc/self/clear_refs");
    out << "5";
    out.flush();
    return static_cast<bool>(out);
}

Engine &loadEngine()
{
    static std::once_flag once;
    static Engine *engine = nullptr;
    static std::string failure;
    std::call_once(once, [] {
        std::vector<std::string> candidates;
        const char *env = std::getenv("RESNEXT_ENGINE");
        const bool chosen = env && *env;
        const std::string dir = executableDir();
        if (chosen) {
            candidates.emplace_back(env); // the user's explicit choice: nothing else
        } else {
            for (const char *rel : {"/libresnext_engine.so", "/../core/libresnext_engine.so",
                                    "/../lib/resnext-explorer/libresnext_engine.so"})
                candidates.push_back(dir + rel);
        }
        std::string errors;
        const auto note = [&](const std::string &e) { errors += (errors.empty() ? "" : "; ") + e; };
        for (const auto &path : candidates) {
            if (!std::filesystem::exists(path)) {
                if (chosen)
                    note(path + ": no such file (RESNEXT_ENGINE)");
                continue;
            }
            void *handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
            if (!handle) {
                const char *e = dlerror();
                note(e ? e : path + ": cannot be loaded");
                continue;
            }
            const auto symbol = [&](const char *name) -> void * {
                void *p = dlsym(handle, name);
                if (!p)
                    note(path + ": no symbol " + name + " (not a ResNeXt Explorer engine, or one built before "
                                                        "versioned engines)");
                return p;
            };
            using Version = int (*)();
            using Create = Engine *(*)();
            auto version = reinterpret_cast<Version>(symbol("resnext_engine_api_version"));
            if (!version) {
                dlclose(handle);
                continue;
            }
            if (const int v = version(); v != kEngineApiVersion) {
                note(path + ": engine API version " + std::to_string(v) + ", this program needs " +
                     std::to_string(kEngineApiVersion) + " (rebuild or reinstall both from the same sources)");
                dlclose(handle);
                continue;
            }
            auto create = reinterpret_cast<Create>(symbol("resnext_engine_create"));
            if (!create) {
                dlclose(handle);
                continue;
            }
            engine = create();
            return;
        }
        failure = "engine: cannot load libresnext_engine.so (" +
                  (errors.empty() ? "not found beside " + dir +
                                        ", in ../core or in ../lib/resnext-explorer; set RESNEXT_ENGINE to its path"
                                  : errors) +
                  ")";
    });
    if (!engine)
        throw Error(failure);
    return *engine;
}

std::string toString(InferencePath path)
{
    switch (path) {
    case InferencePath::Plain:
        return "plain";
    case InferencePath::Fast:
        return "fast";
    case InferencePath::FastBf16:
        return "fast-bf16";
    }
    return "plain";
}

} // namespace resnext
