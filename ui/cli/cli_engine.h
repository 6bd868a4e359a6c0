#pragma once
// The subcommands that run models (they load the LibTorch engine on first use).

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

namespace resnext {
class Engine;
class Model;
} // namespace resnext

namespace cli {

struct Args;

const std::map<std::string, std::function<int(int, char **)>> &engineCommands();

// Options and flags that choose a model (--weights, --labels, --device, --threads; --builtin, --allow-partial).
extern const std::set<std::string> kModelValueOptions;
extern const std::set<std::string> kModelFlagOptions;
// The engine (loaded on first use) with --threads N applied (1..256).
resnext::Engine &engineFor(const Args &args);
// The model the MODEL options name: --weights FILE, a SPEC (random weights, seed 0),
// or the built-in model; loads the engine.
std::unique_ptr<resnext::Model> loadModelFromArgs(const Args &args);

} // namespace cli
