#pragma once
// The subcommands about live input: `video` (classify a video file frame by
// frame, optionally writing the per-group grids as numbered PNGs) and
// `make-clip` (a slide show of image files, how sample_images/sample_clip.avi
// is made).

#include "cli.h"

namespace cli {

const CommandTable &videoCommands();

} // namespace cli
