#pragma once
// The subcommands that run models (they load the LibTorch engine on first use).

#include <functional>
#include <map>
#include <string>

namespace cli {

const std::map<std::string, std::function<int(int, char **)>> &engineCommands();

} // namespace cli
