#pragma once
// The subcommands about weights files: convert (torch.save .pth -> safetensors)
// and weights --list (what the torchvision and Hugging Face caches hold). They
// need no LibTorch.

#include <functional>
#include <map>
#include <string>

namespace cli {

const std::map<std::string, std::function<int(int, char **)>> &weightsCommands();

} // namespace cli
