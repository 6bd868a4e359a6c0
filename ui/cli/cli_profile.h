#pragma once
// `resnext-explorer profile`: cost beyond FLOPs, analytic and measured (loads the engine).

namespace cli {

int cmdProfile(int argc, char **argv);

} // namespace cli
