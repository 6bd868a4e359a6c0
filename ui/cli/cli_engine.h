#pragma once
// The subcommands that run models (they load the LibTorch engine on first use).

#include "cli.h"

#include <memory>
#include <set>
#include <string>

namespace resnext {
class Engine;
class Model;
} // namespace resnext

namespace cli {

const CommandTable &engineCommands();

// Options and flags that choose a model (--weights, --labels, --device, --threads; --builtin, --allow-partial).
extern const std::set<std::string> kModelValueOptions;
extern const std::set<std::string> kModelFlagOptions;
// The engine (loaded on first use) with --threads N applied (1..256).
resnext::Engine &engineFor(const Args &args);
// The model the MODEL options name: --weights FILE, a SPEC (random weights, seed 0),
// or the built-in model; loads the engine.
std::unique_ptr<resnext::Model> loadModelFromArgs(const Args &args);

} // namespace cli
