#pragma once
// Data compiled into the program (resources/): no files to find at run time.

#include <string_view>

namespace resnext {

// The shipped Fashion-MNIST model's safetensors bytes; empty if the build had none.
std::string_view builtinModelBytes();

} // namespace resnext
