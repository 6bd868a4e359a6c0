// Finds and loads libresnext_engine.so on first use. The counting commands and
// the window's live counts never call this, so they never load LibTorch.
#include "resnext/engine.h"

#include <dlfcn.h>
#include <unistd.h>

#include <filesystem>
#include <mutex>

namespace resnext {

namespace {

std::string executableDir()
{
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::string(".") : exe.parent_path().string();
}

} // namespace

Engine &loadEngine()
{
    static std::once_flag once;
    static Engine *engine = nullptr;
    static std::string failure;
    std::call_once(once, [] {
        std::vector<std::string> candidates;
        if (const char *env = std::getenv("RESNEXT_ENGINE"); env && *env)
            candidates.emplace_back(env);
        const std::string dir = executableDir();
        for (const char *rel : {"/libresnext_engine.so", "/../core/libresnext_engine.so", "/../lib/libresnext_engine.so",
                                "/../lib/resnext-explorer/libresnext_engine.so"})
            candidates.push_back(dir + rel);
        std::string errors;
        for (const auto &path : candidates) {
            if (!std::filesystem::exists(path))
                continue;
            void *handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
            if (!handle) {
                const char *e = dlerror();
                errors += std::string(errors.empty() ? "" : "; ") + (e ? e : path);
                continue;
            }
            using Create = Engine *(*)();
            auto create = reinterpret_cast<Create>(dlsym(handle, "resnext_engine_create"));
            if (!create) {
                errors += (errors.empty() ? "" : "; ") + path + ": no resnext_engine_create";
                continue;
            }
            engine = create();
            return;
        }
        failure = "engine: cannot load libresnext_engine.so (" +
                  (errors.empty() ? "not found beside " + dir + " or in ../core, ../lib; set RESNEXT_ENGINE" : errors) +
                  ")";
    });
    if (!engine)
        throw Error(failure);
    return *engine;
}

} // namespace resnext
