// `resnext-explorer profile`: the analytic cost beyond FLOPs (activations,
// bytes, memory) next to measured per-stage forward time, for one spec or along
// the equal-complexity curve; and, with --train-step, the measured peak memory
// of one training step against the estimate. Loads the engine.
#include "cli.h"
#include "cli_engine.h"
#include "cli_profile.h"
#include "cli_progress.h"

#include "resnext/engine.h"
#include "resnext/error.h"
#include "resnext/report.h"
#include "resnext/serialize.h"
#include "resnext/usecases.h"
#include "resnext/validate.h"

#include <cstdio>
#include <iostream>
#include <sstream>

namespace cli {

namespace {

using namespace resnext;

std::string num(double v, int digits)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

double mib(std::int64_t bytes) { return static_cast<double>(bytes) / (1024.0 * 1024.0); }

std::string cell(const std::string &s, size_t w, bool right = true)
{
    if (s.size() >= w)
        return " " + s;
    return right ? std::string(w - s.size(), ' ') + s : s + std::string(w - s.size(), ' ');
}

Json memoryJson(const MemoryEstimate &m)
{
    return {{"weights", m.weights},     {"gradients", m.gradients}, {"optimizer", m.optimizer},
            {"activations", m.activations}, {"workspace", m.workspace}, {"total", m.total()}};
}

Json rowJson(const ProfileRow &r)
{
    const Summary &s = r.summary;
    Json stages = Json::array();
    for (size_t i = 0; i < s.stages.size(); ++i) {
        const auto &st = s.stages[i];
        stages.push_back({{"name", st.name},
                          {"params", st.params},
                          {"macs", st.macs},
                          {"activations", st.activations},
                          {"bytes", st.bytes},
                          {"measured_ms", i < r.measured.stages.size() ? r.measured.stages[i].medianMs : 0.0}});
    }
    return {{"model", describe(r.spec)},
            {"cardinality", r.spec.cardinality},
            {"width", r.spec.width},
            {"params", s.params},
            {"macs", s.macs},
            {"activations", s.activations},
            {"bytes", s.bytes},
            {"intensity", s.intensity()},
            {"memory", {{"inference", memoryJson(s.inference)}, {"training", memoryJson(s.training)}}},
            {"measured_ms", r.measured.totalMs},
            {"peak_rss_bytes", r.measured.peakRssBytes},
            {"stages", stages}};
}

void printStages(std::ostream &os, const ProfileRow &r)
{
    const Summary &s = r.summary;
    os << cell("stage", 8, false) << cell("params", 14) << cell("MACs", 17) << cell("activations", 13)
       << cell("bytes", 15) << cell("MACs/byte", 10) << cell("measured_ms", 12) << "\n";
    for (size_t i = 0; i < s.stages.size(); ++i) {
        const auto &st = s.stages[i];
        const double in = st.bytes ? static_cast<double>(st.macs) * s.cost.batch / static_cast<double>(st.bytes) : 0;
        os << cell(st.name, 8, false) << cell(withThousands(st.params), 14) << cell(withThousands(st.macs), 17)
           << cell(withThousands(st.activations), 13) << cell(withThousands(st.bytes), 15) << cell(num(in, 2), 10)
           << cell(num(i < r.measured.stages.size() ? r.measured.stages[i].medianMs : 0.0, 3), 12) << "\n";
    }
    os << cell("total", 8, false) << cell(withThousands(s.params), 14) << cell(withThousands(s.macs), 17)
       << cell(withThousands(s.activations), 13) << cell(withThousands(s.bytes), 15) << cell(num(s.intensity(), 2), 10)
       << cell(num(r.measured.totalMs, 3), 12) << "\n";
}

void printSweep(std::ostream &os, const std::vector<ProfileRow> &rows)
{
    os << cell("C", 4) << cell("d", 5) << "  " << cell("model", 22, false) << cell("params", 12) << cell("MACs", 15)
       << cell("activations", 13) << cell("bytes", 14) << cell("ms", 10) << "   " << cell("params", 7)
       << cell("MACs", 7) << cell("act.", 7) << cell("ms", 7) << cell("peak MiB", 10) << "\n";
    const ProfileRow *base = nullptr;
    for (const auto &r : rows)
        if (r.spec.cardinality == 1)
            base = &r;
    const auto ratio = [](double a, double b) { return b > 0 ? num(a / b, 2) : std::string("-"); };
    for (const auto &r : rows) {
        const Summary &s = r.summary;
        os << cell(std::to_string(r.spec.cardinality), 4) << cell(std::to_string(r.spec.width), 5) << "  "
           << cell(describe(r.spec), 22, false) << cell(withThousands(s.params), 12) << cell(withThousands(s.macs), 15)
           << cell(withThousands(s.activations), 13) << cell(withThousands(s.bytes), 14)
           << cell(num(r.measured.totalMs, 2), 10) << "   ";
        if (base) {
            const Summary &b = base->summary;
            os << cell(ratio(double(s.params), double(b.params)), 7) << cell(ratio(double(s.macs), double(b.macs)), 7)
               << cell(ratio(double(s.activations), double(b.activations)), 7)
               << cell(ratio(r.measured.totalMs, base->measured.totalMs), 7);
        } else {
            os << cell("-", 7) << cell("-", 7) << cell("-", 7) << cell("-", 7);
        }
        os << cell(num(mib(r.measured.peakRssBytes), 0), 10) << "\n";
    }
    if (base)
        os << "(the four columns after the measured ms are normalised to C = 1, the ResNet)\n";
}

// --train-step: one training step of a fresh model in this process; its peak
// resident memory above the process before the model was built, against the
// analytic estimate (weights + gradients + momentum + saved activations + working set).
int trainStep(Engine &e, const Args &a, const ArchSpec &spec, const ProfileOptions &o, int bytesPerElement,
              const std::string &device, Format format)
{
    if (device != "cpu")
        throw SpecError("device", "train-step: measures the process's resident memory, so it runs on the CPU only");
    if (bytesPerElement != 4)
        throw SpecError("dtype", "train-step: the models train in fp32; drop --dtype");
    if (a.flags.count("sweep-cardinality"))
        throw UsageError("--train-step and --sweep-cardinality do not go together");
    CostOptions cost;
    cost.batch = o.batch;
    const Summary s = summarize(spec, {}, cost);
    ModelInfo info;
    info.spec = spec;
    info.preprocessing = defaultPreprocessing(spec);
    resetPeakMemory();
    const std::int64_t before = processMemory().rss;
    auto model = e.create(info, 0, "cpu");
    ProfileOptions step = o;
    step.trainStep = true;
    const ProfileResult r = model->profile(step);
    const std::int64_t measured = r.peakRssBytes - before;
    const double ratio = measured > 0 ? static_cast<double>(s.training.total()) / static_cast<double>(measured) : 0;
    if (format == Format::Json) {
        std::cout << dumpJson(Json{{"model", describe(spec)},
                                   {"input", spec.inputSize},
                                   {"batch", o.batch},
                                   {"threads", r.threads},
                                   {"estimate", memoryJson(s.training)},
                                   {"measured_peak_bytes", measured},
                                   {"estimate_over_measured", ratio},
                                   {"step_ms", r.totalMs}},
                              false)
                  << "\n";
    } else {
        std::cout << describe(spec) << ", batch " << o.batch << ", " << spec.inputSize << "x" << spec.inputSize
                  << ", one SGD step on " << r.device << ": measured peak " << num(mib(measured), 1)
                  << " MiB above the process before the model (VmHWM - VmRSS), estimated "
                  << num(mib(s.training.total()), 1) << " MiB (" << num(100.0 * (ratio - 1.0), 1) << "%)\n";
    }
    return 0;
}

} // namespace

int cmdProfile(int argc, char **argv)
{
    std::set<std::string> valued = {"format", "batch", "runs", "warmup", "device", "threads", "by", "dtype"};
    valued.insert(kSpecOptions.begin(), kSpecOptions.end());
    const Args a = parse("profile", argc, argv, 2, valued, {"sweep-cardinality", "train-step"});
    const auto format = formatArg(a, true);
    ProfileRequest req;
    req.spec = specFromArgs(a);
    req.sweepCardinality = a.flags.count("sweep-cardinality") > 0;
    req.by = parseMatchBy(a.get("by", "params"));
    a.read("batch", req.options.batch);
    a.read("runs", req.options.runs);
    a.read("warmup", req.options.warmup);
    a.read("dtype", req.bytesPerElement, parseDtype);
    CostOptions cost;
    cost.batch = req.options.batch;
    cost.bytesPerElement = req.bytesPerElement;
    validate(cost);
    if (req.options.runs < 1 || req.options.runs > kMaxProfileRuns)
        throw SpecError("runs", "runs: must be between 1 and " + std::to_string(kMaxProfileRuns) + " (got " +
                                    std::to_string(req.options.runs) + ")");
    req.device = a.get("device", "cpu");
    if (req.device != "cpu" && req.device != "cuda")
        throw SpecError("device", "device: unknown value '" + req.device + "'; use cpu or cuda");
    profileSpecs(req); // bad specs fail before the engine loads

    Engine &e = engineFor(a);
    if (req.device == "cuda" && !e.deviceInfo().cudaAvailable) {
        std::cerr << "note: CUDA is not available in this build or on this machine; using the CPU\n";
        req.device = "cpu";
    }
    if (a.flags.count("train-step"))
        return trainStep(e, a, req.spec, req.options, req.bytesPerElement, req.device, format);

    ProfileCallbacks cb;
    Progress progress;
    cb.progress = [&](int row, int rows, int done, int total) {
        if (format == Format::Table && rows > 0 && total > 0)
            progress.update((row + double(done) / total) / rows, "row " + std::to_string(row + 1) + "/" +
                                                                       std::to_string(rows) + ", pass " +
                                                                       std::to_string(done) + "/" + std::to_string(total));
        return true;
    };
    cb.rowDone = [&](const ProfileRow &r) {
        if (format == Format::Table)
            progress.note("measured " + describe(r.spec) + ": " + num(r.measured.totalMs, 2) + " ms");
    };
    const std::vector<ProfileRow> rows = profile(e, req, cb);
    progress.end();
    const DeviceInfo dev = e.deviceInfo();
    const std::string device = rows.empty() ? req.device : rows.front().measured.device;
    switch (format) {
    case Format::Json: {
        Json all = Json::array();
        for (const auto &r : rows)
            all.push_back(rowJson(r));
        std::cout << dumpJson(Json{{"device", device},
                                   {"threads", dev.threads},
                                   {"batch", req.options.batch},
                                   {"runs", req.options.runs},
                                   {"dtype_bytes", req.bytesPerElement},
                                   {"sweep", req.sweepCardinality},
                                   {"by", toString(req.by)},
                                   {"rows", all}},
                              false)
                  << "\n";
        break;
    }
    case Format::Csv:
        std::cout << "model,cardinality,width,stage,params,macs,activations,bytes,measured_ms,peak_rss_bytes\n";
        for (const auto &r : rows) {
            const Summary &s = r.summary;
            const auto line = [&](const std::string &stage, std::int64_t p, std::int64_t m, std::int64_t act,
                                  std::int64_t bytes, double ms) {
                std::cout << describe(r.spec) << "," << r.spec.cardinality << "," << r.spec.width << "," << stage << ","
                          << p << "," << m << "," << act << "," << bytes << "," << num(ms, 4) << ","
                          << r.measured.peakRssBytes << "\n";
            };
            for (size_t i = 0; i < s.stages.size(); ++i)
                line(s.stages[i].name, s.stages[i].params, s.stages[i].macs, s.stages[i].activations,
                     s.stages[i].bytes, i < r.measured.stages.size() ? r.measured.stages[i].medianMs : 0.0);
            line("total", s.params, s.macs, s.activations, s.bytes, r.measured.totalMs);
        }
        break;
    default:
        std::cout << "on " << device << " (" << dev.threads << " threads), batch " << req.options.batch
                  << ", median of " << req.options.runs << " runs; bytes at "
                  << (req.bytesPerElement == 2 ? "fp16" : req.bytesPerElement == 8 ? "fp64" : "fp32") << "\n\n";
        if (req.sweepCardinality) {
            std::cout << "Equal-complexity curve of " << describe(baselineOf(req.spec)) << " (d by " << toString(req.by)
                      << "):\n";
            printSweep(std::cout, rows);
        } else {
            const ProfileRow &r = rows.front();
            std::cout << describe(r.spec) << ":\n";
            printStages(std::cout, r);
            std::cout << "\npeak resident memory during the runs: " << num(mib(r.measured.peakRssBytes), 1)
                      << " MiB (process; " << num(mib(r.measured.startRssBytes), 1)
                      << " MiB before); estimated inference memory " << num(mib(r.summary.inference.total()), 1)
                      << " MiB, training step " << num(mib(r.summary.training.total()), 1) << " MiB\n";
        }
    }
    return 0;
}

} // namespace cli
