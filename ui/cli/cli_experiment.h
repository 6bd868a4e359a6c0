#pragma once
// `resnext-explorer experiment`: cardinality / double / custom sweeps over seeds.

namespace cli {

int experimentCommand(int argc, char **argv);

} // namespace cli
