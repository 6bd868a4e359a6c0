#include "resnext/accounting.h"

#include "resnext/error.h"
#include "plan_walk.h"

#include <algorithm>
#include <numeric>

namespace resnext {

namespace {

using i64 = std::int64_t;

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

namespace {

// Whether the convention lists the layer, and the MACs it counts for it.
bool listed(const LayerInfo &l, const CountOptions &o)
{
    return o.countAll || (l.kind != LayerKind::ReLU && l.kind != LayerKind::Add && l.kind != LayerKind::Sigmoid &&
                           l.kind != LayerKind::Scale);
}

i64 counted(const LayerInfo &l, const CountOptions &o)
{
    return o.countAll ? detail::checkedAdd(l.macs, l.elementOps) : l.macs;
}

} // namespace

Summary summarize(const ArchSpec &spec, const CountOptions &options, const CostOptions &cost)
{
    validate(spec);
    Summary sum;
    sum.spec = spec;
    sum.options = options;
    sum.cost = cost;
    CostAccumulator acc(spec.numStages() + 2, cost);
    sum.stages.push_back({"stem", 0, 0, 0});
    for (int i = 0; i < spec.numStages(); ++i)
        sum.stages.push_back({stageName(i + 1), 0, 0, 0});
    sum.stages.push_back({"head", 0, 0, 0});
    detail::walkPlan(spec, true, [&](LayerInfo &l) {
        acc.add(l);
        if (!listed(l, options))
            return;
        l.macs = counted(l, options);
        StageCost &st = sum.stages[static_cast<size_t>(l.stage)];
        sum.params = detail::checkedAdd(sum.params, l.params);
        sum.macs = detail::checkedAdd(sum.macs, l.macs);
        sum.activations = detail::checkedAdd(sum.activations, l.activations);
        st.params += l.params;
        st.macs += l.macs;
        st.activations += l.activations;
        sum.layers.push_back(std::move(l));
    });
    detail::checkedMul(sum.macs, 2); // FLOPs = 2 x MACs must fit too
    for (size_t i = 0; i < sum.stages.size(); ++i)
        sum.stages[i].bytes = acc.stageBytes()[i];
    sum.bytes = acc.bytes();
    sum.inference = acc.inference();
    sum.training = acc.training();
    return sum;
}

double Summary::intensity() const
{
    // Under count-all, `macs` includes elementwise ops; intensity stays conv/linear MACs.
    std::int64_t convMacs = 0;
    for (const auto &st : stages)
        convMacs += st.macs;
    if (options.countAll) {
        convMacs = 0;
        for (const auto &l : layers)
            if (l.weighted())
                convMacs += l.macs;
    }
    return bytes > 0 ? static_cast<double>(convMacs) * cost.batch / static_cast<double>(bytes) : 0.0;
}

Totals countTotals(const ArchSpec &spec, const CountOptions &options)
{
    validate(spec);
    Totals t;
    detail::walkPlan(spec, false, [&](const LayerInfo &l) {
        if (!listed(l, options))
            return;
        t.params = detail::checkedAdd(t.params, l.params);
        t.macs = detail::checkedAdd(t.macs, counted(l, options));
    });
    detail::checkedMul(t.macs, 2); // FLOPs = 2 x MACs must fit too
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
