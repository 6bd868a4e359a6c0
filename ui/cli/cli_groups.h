#pragma once
// `resnext-explorer groups`: do a block's groups specialise? (resnext/groups.h)

namespace cli {

int groupsCommand(int argc, char **argv);

} // namespace cli
