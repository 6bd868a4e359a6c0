#pragma once
// The subcommands about live input: `video` (classify a video file frame by
// frame, optionally writing the per-group grids as numbered PNGs) and
// `make-clip` (a slide show of image files, how sample_images/sample_clip.avi
// is made).

#include <functional>
#include <map>
#include <string>

namespace cli {

const std::map<std::string, std::function<int(int, char **)>> &videoCommands();

} // namespace cli
