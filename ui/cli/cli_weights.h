#pragma once
// The subcommands about weights files: convert (torch.save .pth -> safetensors)
// and weights --list (what the torchvision and Hugging Face caches hold). They
// need no LibTorch.

#include "cli.h"

namespace cli {

const CommandTable &weightsCommands();

} // namespace cli
