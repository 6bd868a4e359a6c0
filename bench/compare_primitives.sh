#!/usr/bin/env bash
# Where the time of one forward goes, primitive by primitive, in this project's
# fast path and in PyTorch's TorchScript frozen + optimized graph: both run the
# same libdnnl.so.2 with ONEDNN_VERBOSE=1, and the per-image time of each
# primitive kind (and of the largest layers) is printed side by side, with the
# kernel each side's oneDNN chose.
#   bash bench/compare_primitives.sh [MODEL] [THREADS] [BATCH] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
model="${1:-resnext50_32x4d}"; threads="${2:-2}"; batch="${3:-1}"; runs="${4:-20}"
ours=$(mktemp); theirs=$(mktemp)
trap 'rm -f "$ours" "$theirs"' EXIT
ONEDNN_VERBOSE=1 build/ui/resnext-explorer bench --preset "$model" --threads "$threads" --batch "$batch" \
    --runs "$runs" --warmup 3 >"$ours" 2>/dev/null
ONEDNN_VERBOSE=1 /usr/bin/python3 bench/torchvision_bench.py --mode frozen --model "$model" --threads "$threads" \
    --batch "$batch" --runs "$runs" >"$theirs" 2>&1
/usr/bin/python3 - "$ours" "$theirs" "$model" "$batch" <<'PY'
import collections, re, sys
ours, theirs, model, batch = sys.argv[1:5]

def load(path):
    prims = collections.defaultdict(list)  # (kind, shape) -> [(impl, ms)]
    for line in open(path):
        if not line.startswith("onednn_verbose,exec"):
            continue
        f = line.strip().split(",")
        shape = re.sub(r"mb\d+_?", "", f[-2])
        # Reorders of weights (prepacking, once per load) are not part of a forward:
        # a forward's reorders move activations, [batch, C, H, W] (or [batch, C]).
        dims = shape.split("x")
        if f[3] == "reorder" and (dims[0] != batch or len(dims) > 4):
            continue
        prims[(f[3], shape)].append((f[4], float(f[-1])))
    # Forwards run = executions of the stem convolution (the one with 3 input channels).
    stem = [k for k in prims if k[0] == "convolution" and k[1].startswith("ic3oc")]
    n = len(prims[stem[0]]) if stem else 1
    # Per forward: executions per forward x the median time (warm-up and weight packing excluded).
    per = {}
    for k, v in prims.items():
        times = sorted(t for _, t in v)
        impl = collections.Counter(i for i, _ in v).most_common(1)[0][0]
        per[k] = (len(v) / n * times[len(times) // 2], len(v) / n, impl)
    return per

a, b = load(ours), load(theirs)
kinds = sorted({k[0] for k in a} | {k[0] for k in b})
print(f"{model}, batch {batch}: oneDNN primitive time per forward (ms), median per primitive x executions")
print(f"{'primitive':16s} {'resnext-explorer':>17s} {'PyTorch frozen':>15s}")
ta = tb = 0.0
for kind in kinds:
    sa = sum(v[0] for k, v in a.items() if k[0] == kind)
    sb = sum(v[0] for k, v in b.items() if k[0] == kind)
    na = sum(v[1] for k, v in a.items() if k[0] == kind)
    nb = sum(v[1] for k, v in b.items() if k[0] == kind)
    ta += sa; tb += sb
    print(f"{kind:16s} {sa:9.2f} ({na:4.0f}x) {sb:8.2f} ({nb:4.0f}x)")
print(f"{'all':16s} {ta:9.2f}        {tb:8.2f}        (ratio {ta / tb:.3f})")
print("\nlargest convolutions (ms per forward, kernel):")
convs = sorted({k for k in a if k[0] == "convolution"} | {k for k in b if k[0] == "convolution"},
               key=lambda k: -max(a.get(k, (0,))[0], b.get(k, (0,))[0]))
for k in convs[:12]:
    x, y = a.get(k, (0, 0, "-")), b.get(k, (0, 0, "-"))
    print(f"  {x[0]:6.2f} {x[2][:16]:16s} {y[0]:6.2f} {y[2][:16]:16s} {k[1][:60]}")
PY
