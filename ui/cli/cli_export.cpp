// `export pytorch`: model.py (and train.py) for the spec; `export onnx`: the
// model's weights as an ONNX graph. Thin over core's export.h.
#include "cli_export.h"

#include "cli.h"
#include "cli_engine.h"

#include "resnext/checkpoint.h"
#include "resnext/engine.h"
#include "resnext/error.h"
#include "resnext/export.h"
#include "resnext/pytorch_file.h"
#include "resnext/weights_cache.h"
#include "resnext/safetensors.h"

#include <filesystem>
#include <iostream>

namespace cli {

namespace {

using namespace resnext;

std::set<std::string> withSpecAnd(std::set<std::string> extra)
{
    extra.insert(kSpecOptions.begin(), kSpecOptions.end());
    return extra;
}

// The spec of --weights FILE (its metadata, else inferred from the shapes) without
// loading LibTorch, or the SPEC options.
ArchSpec specFor(const Args &a)
{
    if (!a.has("weights"))
        return specFromArgs(a);
    for (const auto &k : kSpecOptions)
        if (a.has(k))
            throw UsageError("export pytorch: give --weights FILE or a spec (--" + k + "), not both");
    // Headers only (safetensors or .pth, by content): the spec is all an export needs.
    return inspectWeights(a.get("weights"));
}

int exportPytorch(int argc, char **argv)
{
    const Args a = parse("export pytorch", argc, argv, 3, withSpecAnd({"out", "weights"}), {"train-script"});
    if (!a.positional.empty())
        throw UsageError("export pytorch: unexpected argument '" + a.positional[0] + "'");
    a.require("out", "FILE.py");
    const ArchSpec spec = specFor(a);
    namespace fs = std::filesystem;
    const fs::path out(a.get("out"));
    if (out.extension() != ".py")
        throw UsageError("export pytorch: --out must name a .py file (got '" + out.string() + "')");
    // Generate everything before writing anything, so a bad name leaves no half export.
    const std::string model = pytorchModelCode(spec);
    std::string train;
    const fs::path script = out.parent_path() / "train.py";
    if (a.flags.count("train-script")) {
        if (script.filename() == out.filename())
            throw UsageError("export pytorch: --out train.py would be overwritten by the training script; name it model.py");
        train = pytorchTrainScript(spec, out.stem().string());
    }
    writeTextFile(out.string(), model);
    std::cout << "wrote " << out.string() << ": " << describe(spec)
              << (torchvisionBuildsDirectly(spec) ? " (torchvision's ResNet class)" : " (torchvision's blocks, a ResNet subclass)")
              << (spec.form != BlockForm::C ? ", as its form-(c) equivalent" : "") << "\n";
    if (!train.empty()) {
        writeTextFile(script.string(), train);
        std::cout << "wrote " << script.string() << ": torchrun --nproc_per_node=N " << script.string()
                  << " --data DIR --out trained.safetensors\n";
    }
    return 0;
}

int exportOnnx(int argc, char **argv)
{
    std::set<std::string> valued = withSpecAnd({"out", "opset"});
    valued.insert(kModelValueOptions.begin(), kModelValueOptions.end());
    const Args a = parse("export onnx", argc, argv, 3, valued, kModelFlagOptions);
    if (!a.positional.empty())
        throw UsageError("export onnx: unexpected argument '" + a.positional[0] + "'");
    a.require("out", "FILE.onnx");
    OnnxOptions o;
    a.read("opset", o.opset);
    if (o.opset < 13 || o.opset > 17)
        throw SpecError("opset", "opset: must be between 13 and 17 (got " + std::to_string(o.opset) + ")");
    auto model = loadModelFromArgs(a);
    const ModelInfo &info = model->info();
    o.docString = "weights: " + info.source;
    writeOnnx(a.get("out"), info.spec, model->tensors(), o);
    std::cout << "wrote " << a.get("out") << ": " << describe(info.spec) << " (" << info.source << "), opset " << o.opset
              << ", input '" << o.inputName << "' [batch," << info.spec.inChannels << "," << info.spec.inputSize << ","
              << info.spec.inputSize << "] -> '" << o.outputName << "' [batch," << info.spec.numClasses << "]"
              << (info.spec.form != BlockForm::C ? ", form (c) equivalent of form (" + toString(info.spec.form) + ")" : "")
              << "\npreprocessing: " << describe(info.preprocessing) << "\n";
    return 0;
}

} // namespace

int cmdExport(int argc, char **argv)
{
    const std::string what = argc > 2 ? argv[2] : "";
    if (what == "pytorch")
        return exportPytorch(argc, argv);
    if (what == "onnx")
        return exportOnnx(argc, argv);
    if (what.empty() || what.rfind("--", 0) == 0)
        throw UsageError("export: say what to export: pytorch or onnx (e.g. export onnx --out model.onnx)");
    throw UsageError("export: unknown format '" + what + "'; use pytorch or onnx");
}

} // namespace cli
