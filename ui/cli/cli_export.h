#pragma once
// `resnext-explorer export pytorch|onnx ...`: the model leaves the app.

namespace cli {

int cmdExport(int argc, char **argv);

} // namespace cli
