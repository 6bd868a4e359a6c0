#include "resnext/accounting.h"

#include "resnext/error.h"
#include "spatial.h"

#include <algorithm>
#include <numeric>

namespace resnext {

namespace {

using i64 = std::int64_t;

// Walks the layers of the model in torchvision's order and hands each to a sink.
// Names are built only when the sink wants them (the solver does not).
template <typename Sink>
void walk(const ArchSpec &s, const CountOptions &opt, bool withNames, Sink &&sink)
{
    const bool all = opt.countAll;
    const auto name = [&](const std::string &prefix, const char *leaf) {
        return withNames ? prefix + leaf : std::string();
    };
    auto conv = [&](std::string n, int stage, int in, int out, int hw, int k, int stride, int groups) {
        LayerInfo l;
        l.name = std::move(n);
        l.type = "Conv2d";
        l.stage = stage;
        l.inChannels = in;
        l.channels = out;
        l.height = l.width = hw;
        l.kernel = k;
        l.stride = stride;
        l.groups = groups;
        l.params = static_cast<i64>(out) * (in / groups) * k * k;
        l.macs = l.params * hw * hw;
        sink(l);
    };
    auto elementwise = [&](std::string n, const char *type, int stage, int ch, int hw, i64 params, bool counted) {
        LayerInfo l;
        l.name = std::move(n);
        l.type = type;
        l.stage = stage;
        l.inChannels = ch;
        l.channels = ch;
        l.height = l.width = hw;
        l.params = params;
        l.macs = counted ? static_cast<i64>(ch) * hw * hw : 0;
        sink(l);
    };
    auto bn = [&](std::string n, int stage, int ch, int hw) {
        elementwise(std::move(n), "BatchNorm2d", stage, ch, hw, 2 * static_cast<i64>(ch), all);
    };
    auto relu = [&](std::string n, int stage, int ch, int hw) {
        if (all)
            elementwise(std::move(n), "ReLU", stage, ch, hw, 0, true);
    };

    // Stem.
    const int in = s.inputSize;
    const int stemHw = detail::stemConvOutputSize(s.stem, in);
    if (s.stem == Stem::ImageNet)
        conv(name("", "conv1"), 0, s.inChannels, s.stemChannels, stemHw, 7, 2, 1);
    else
        conv(name("", "conv1"), 0, s.inChannels, s.stemChannels, stemHw, 3, 1, 1);
    bn(name("", "bn1"), 0, s.stemChannels, stemHw);
    relu(name("", "relu"), 0, s.stemChannels, stemHw);
    int hw = stemHw;
    if (s.stem == Stem::ImageNet) {
        hw = detail::convOutputSize(stemHw, 3, 2, 1);
        LayerInfo l;
        l.name = name("", "maxpool");
        l.type = "MaxPool2d";
        l.stage = 0;
        l.inChannels = l.channels = s.stemChannels;
        l.height = l.width = hw;
        l.kernel = 3;
        l.stride = 2;
        l.macs = all ? static_cast<i64>(s.stemChannels) * hw * hw * (3 * 3 - 1) : 0;
        sink(l);
    }

    // Stages.
    int inplanes = s.stemChannels;
    for (int st = 0; st < s.numStages(); ++st) {
        const int stage = st + 1;
        const int outCh = s.stageOutChannels(st);
        const int grouped = s.stageGroupedWidth(st);
        for (int b = 0; b < s.layers[st]; ++b) {
            const int stride = b == 0 ? detail::stageStride(st) : 1;
            const int outHw = detail::convOutputSize(hw, 3, stride, 1);
            const std::string p = withNames ? "layer" + std::to_string(stage) + "." + std::to_string(b) + "." : "";
            if (s.block == BlockKind::Bottleneck) {
                conv(name(p, "conv1"), stage, inplanes, grouped, hw, 1, 1, 1);
                bn(name(p, "bn1"), stage, grouped, hw);
                relu(name(p, "relu1"), stage, grouped, hw);
                conv(name(p, "conv2"), stage, grouped, grouped, outHw, 3, stride, s.cardinality);
                bn(name(p, "bn2"), stage, grouped, outHw);
                relu(name(p, "relu2"), stage, grouped, outHw);
                conv(name(p, "conv3"), stage, grouped, outCh, outHw, 1, 1, 1);
                bn(name(p, "bn3"), stage, outCh, outHw);
            } else {
                conv(name(p, "conv1"), stage, inplanes, outCh, outHw, 3, stride, 1);
                bn(name(p, "bn1"), stage, outCh, outHw);
                relu(name(p, "relu1"), stage, outCh, outHw);
                conv(name(p, "conv2"), stage, outCh, outCh, outHw, 3, 1, 1);
                bn(name(p, "bn2"), stage, outCh, outHw);
            }
            if (stride != 1 || inplanes != outCh) {
                conv(name(p, "downsample.0"), stage, inplanes, outCh, outHw, 1, stride, 1);
                bn(name(p, "downsample.1"), stage, outCh, outHw);
            }
            if (all) {
                elementwise(name(p, "add"), "Add", stage, outCh, outHw, 0, true);
                relu(name(p, "relu"), stage, outCh, outHw);
            }
            inplanes = outCh;
            hw = outHw;
        }
    }

    // Head.
    const int head = s.numStages() + 1;
    {
        LayerInfo l;
        l.name = name("", "avgpool");
        l.type = "AdaptiveAvgPool2d";
        l.stage = head;
        l.inChannels = l.channels = inplanes;
        l.kernel = hw;
        l.macs = all ? static_cast<i64>(inplanes) * hw * hw : 0;
        sink(l);
    }
    {
        LayerInfo l;
        l.name = name("", "fc");
        l.type = "Linear";
        l.stage = head;
        l.inChannels = inplanes;
        l.channels = s.numClasses;
        l.params = static_cast<i64>(inplanes) * s.numClasses + s.numClasses;
        l.macs = static_cast<i64>(inplanes) * s.numClasses;
        sink(l);
    }
}

// Smallest d step for which planes * d is a multiple of 64 in every stage.
int widthStep(const ArchSpec &s)
{
    int step = 1;
    for (int i = 0; i < s.numStages(); ++i) {
        const int need = 64 / std::gcd(s.stagePlanes(i), 64);
        step = std::lcm(step, need);
    }
    return step;
}

} // namespace

Summary summarize(const ArchSpec &spec, const CountOptions &options)
{
    validate(spec);
    Summary sum;
    sum.spec = spec;
    sum.options = options;
    sum.stages.push_back({"stem", 0, 0});
    for (int i = 0; i < spec.numStages(); ++i)
        sum.stages.push_back({"layer" + std::to_string(i + 1), 0, 0});
    sum.stages.push_back({"head", 0, 0});
    walk(spec, options, true, [&](LayerInfo &l) {
        sum.params += l.params;
        sum.macs += l.macs;
        sum.stages[l.stage].params += l.params;
        sum.stages[l.stage].macs += l.macs;
        sum.layers.push_back(std::move(l));
    });
    return sum;
}

Totals countTotals(const ArchSpec &spec, const CountOptions &options)
{
    validate(spec);
    Totals t;
    walk(spec, options, false, [&](const LayerInfo &l) {
        t.params += l.params;
        t.macs += l.macs;
    });
    return t;
}

std::string toString(MatchBy by) { return by == MatchBy::Params ? "params" : "macs"; }

MatchBy parseMatchBy(const std::string &text)
{
    if (text == "params")
        return MatchBy::Params;
    if (text == "macs" || text == "flops")
        return MatchBy::Macs;
    throw SpecError("by", "by: unknown value '" + text + "'; use params or macs");
}

MatchResult matchWidth(const ArchSpec &spec, int cardinality, MatchBy by)
{
    if (spec.block == BlockKind::Basic)
        throw SpecError("block", "block: the equal-complexity solver needs bottleneck blocks (basic blocks have no d)");
    const ArchSpec baseline = baselineOf(spec);
    MatchResult r = matchWidthTo(spec, cardinality, countTotals(baseline), by);
    r.baseline = baseline;
    return r;
}

MatchResult matchWidthTo(const ArchSpec &spec, int cardinality, const Totals &target, MatchBy by)
{
    if (spec.block == BlockKind::Basic)
        throw SpecError("block", "block: the equal-complexity solver needs bottleneck blocks (basic blocks have no d)");
    MatchResult r;
    r.baseline = spec;
    r.baselineTotals = target;
    ArchSpec probe = spec;
    probe.cardinality = cardinality;
    const auto cost = [&](int d) {
        probe.width = d;
        const Totals t = countTotals(probe);
        return by == MatchBy::Params ? t.params : t.macs;
    };
    const i64 goal = by == MatchBy::Params ? target.params : target.macs;
    // Cost is strictly increasing in d: binary search over the valid d's
    // (multiples of `step`) for the first one at or above the target.
    const int step = widthStep(spec);
    int maxPlanes = 1;
    for (int i = 0; i < spec.numStages(); ++i)
        maxPlanes = std::max(maxPlanes, spec.stagePlanes(i));
    const long long maxD = std::min<long long>(1024, 65536LL * 64 / (static_cast<long long>(maxPlanes) * cardinality));
    int lo = 1, hi = static_cast<int>(maxD / step); // indices k, d = k * step
    validate([&] { ArchSpec s = probe; s.width = step; return s; }()); // reports a bad C or spec first
    if (hi < 1)
        throw SpecError("width", "width: no valid d exists for C = " + std::to_string(cardinality) + " with these planes");
    if (cost(hi * step) < goal) {
        lo = hi;
    } else {
        while (lo < hi) {
            const int mid = (lo + hi) / 2;
            if (cost(mid * step) >= goal)
                hi = mid;
            else
                lo = mid + 1;
        }
    }
    int best = lo;
    if (lo > 1) {
        const i64 above = cost(lo * step) - goal;
        const i64 below = goal - cost((lo - 1) * step);
        if (below <= (above < 0 ? -above : above))
            best = lo - 1;
    }
    r.width = best * step;
    r.matched = spec;
    r.matched.cardinality = cardinality;
    r.matched.width = r.width;
    r.matchedTotals = countTotals(r.matched);
    return r;
}

std::vector<CurvePoint> cardinalityCurve(const ArchSpec &spec, int maxC, const CountOptions &options)
{
    std::vector<CurvePoint> out;
    ArchSpec s = spec;
    for (int c = 1; c <= maxC; ++c) {
        s.cardinality = c;
        if (!validationError(s).empty())
            continue;
        out.push_back({c, s.width, countTotals(s, options)});
    }
    return out;
}

std::vector<CurvePoint> equalComplexityCurve(const ArchSpec &spec, int maxC, MatchBy by, const CountOptions &options)
{
    std::vector<CurvePoint> out;
    for (int c = 1; c <= maxC; ++c) {
        try {
            const MatchResult m = matchWidth(spec, c, by);
            out.push_back({c, m.width, countTotals(m.matched, options)});
        } catch (const SpecError &) {
            // no valid d for this C: leave a gap in the curve
        }
    }
    return out;
}

} // namespace resnext
