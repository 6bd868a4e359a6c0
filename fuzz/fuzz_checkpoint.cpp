// libFuzzer target for what comes after the safetensors parser: a weights file
// -> canonical tensor names -> checkpoint metadata (spec, labels, preprocessing)
// -> spec inference from names and shapes -> the layer plan and its counts and
// reports. This is the path `classify --weights FILE` takes before LibTorch
// builds anything. Any input must either go through or throw resnext::Error;
// a crash, a sanitizer report, another exception or a hang is a finding.
#include "resnext/accounting.h"
#include "resnext/checkpoint.h"
#include "resnext/error.h"
#include "resnext/report.h"
#include "resnext/safetensors.h"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    using namespace resnext;
    try {
        const SafetensorsFile file = SafetensorsFile::parse(std::string(reinterpret_cast<const char *>(data), size), "fuzz");
        canonicalTensors(file);
        const CheckpointMetadata meta = readCheckpointMetadata(file);
        const ArchSpec spec = meta.spec ? *meta.spec : inferSpec(file);
        const Summary summary = summarize(spec);
        (void)formatSummary(summary, Format::Json);
        (void)formatSummary(summary, Format::Table);
        CountOptions all;
        all.countAll = true;
        (void)summarize(spec, all);
        if (meta.preprocessing)
            (void)describe(*meta.preprocessing);
    } catch (const Error &) {
        // A refusal with a message is the expected outcome for bad input.
    }
    return 0;
}
