#!/usr/bin/env bash
# CPU inference side by side: this project's fast path (oneDNN + its own grouped
# kernel, the default) and its plain LibTorch path against Python torchvision eager,
# PyTorch's best CPU path (TorchScript freeze + optimize_for_inference) and ONNX
# Runtime (onnxruntime-node, when npm is there), same model, same threads,
# alternating rounds so all see the same machine; prints medians, per-round
# ratios, the CPU's ISA, the fast path's reorders and its achieved GFLOP/s beside
# the best single 1x1 convolution's and the machine's FP32 FMA peak (bench_fma_peak;
# PEAK_SECONDS per round, default 1) with each side's share of it.
#   bash bench/compare_inference.sh [MODEL] [THREADS] [ROUNDS] [BATCH] [EXTRA bench FLAGS...]
# ONNX Runtime: `npm install onnxruntime-node --ignore-scripts` into $RESNEXT_ORT_DIR
# (default /tmp/resnext-ort) the first time (its package carries libonnxruntime.so);
# the model is exported there with torch.onnx.export (bench/export_onnx.py).
set -euo pipefail
cd "$(dirname "$0")/.."
model="${1:-resnext50_32x4d}"; threads="${2:-2}"; rounds="${3:-5}"; batch="${4:-1}"
shift $(( $# < 4 ? $# : 4 )) || true
exe=build/ui/resnext-explorer
py=/usr/bin/python3
runs="${RUNS:-20}" # forward passes per program per round
# One field of a JSON object on stdin, read with a JSON parser.
field() { "$py" -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

ortDir="${RESNEXT_ORT_DIR:-/tmp/resnext-ort}"
ort=""
if [ -n "${RESNEXT_BENCH_NO_ORT:-}" ]; then
  echo "note: RESNEXT_BENCH_NO_ORT set; ONNX Runtime left out" >&2
elif command -v npm >/dev/null && command -v node >/dev/null; then
  if [ ! -d "$ortDir/node_modules/onnxruntime-node" ]; then
    mkdir -p "$ortDir"
    (cd "$ortDir" && npm install onnxruntime-node --ignore-scripts --no-audit --no-fund >/dev/null 2>&1) ||
      echo "note: npm could not install onnxruntime-node; ONNX Runtime left out" >&2
  fi
  if [ -d "$ortDir/node_modules/onnxruntime-node" ]; then
    ort="$ortDir/$model-batch$batch.onnx"
    [ -f "$ort" ] || "$py" bench/export_onnx.py "$model" "$ort" "$batch" 2>/dev/null
  fi
else
  echo "note: no npm/node here; ONNX Runtime left out" >&2
fi
ortRun() { NODE_PATH="$ortDir/node_modules" node bench/ort_bench.js "$ort" "$threads" "$batch" "$runs"; }

fast=(); plain=(); eager=(); frozen=(); onnx=(); prep=()
for ((i = 0; i < rounds; i++)); do
  out=$($exe bench --preset "$model" --threads "$threads" --batch "$batch" --runs $runs --format json "$@")
  fast+=("$(field median_ms <<<"$out")"); prep+=("$(field prepare_ms <<<"$out")")
  plain+=("$($exe bench --preset "$model" --threads "$threads" --batch "$batch" --runs $runs --format json --plain | field median_ms)")
  eager+=("$("$py" bench/torchvision_bench.py --model "$model" --threads "$threads" --batch "$batch" --runs $runs | field median_ms)")
  frozen+=("$("$py" bench/torchvision_bench.py --mode frozen --model "$model" --threads "$threads" --batch "$batch" --runs $runs | field median_ms)")
  [ -n "$ort" ] && onnx+=("$(ortRun | field median_ms)")
done
med() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
r1() { xargs printf '%.1f'; }
ratios() { # per-round a/b of two arrays given by name
  local -n a=$1 b=$2; local r=()
  for ((i = 0; i < rounds; i++)); do r+=("$(awk -v x="${a[$i]}" -v y="${b[$i]}" 'BEGIN { print x / y }')"); done
  echo "$(printf '%.2f ' "${r[@]}")(median $(med "${r[@]}" | xargs printf '%.2f'))"
}
f=$(med "${fast[@]}" | r1); p=$(med "${plain[@]}" | r1); e=$(med "${eager[@]}" | r1); z=$(med "${frozen[@]}" | r1)
flags=$(grep -m1 '^flags' /proc/cpuinfo)
isa=$(if [[ $flags == *avx512f* ]]; then echo "AVX-512$([[ $flags == *avx512_bf16* ]] && echo ' (with BF16)')"; elif [[ $flags == *avx2* ]]; then echo AVX2; else echo "below AVX2"; fi)
echo "$model, batch $batch, $threads threads, median of $rounds rounds x $runs runs each (load: $(cut -d' ' -f1-3 /proc/loadavg))"
echo "  CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); ISA: $isa${ONEDNN_MAX_CPU_ISA:+; oneDNN limited to $ONEDNN_MAX_CPU_ISA}${RESNEXT_GCONV:+; RESNEXT_GCONV=$RESNEXT_GCONV}"
echo "  resnext-explorer fast (oneDNN${*:+ $*}):    $f ms   (rounds: $(printf '%.1f ' "${fast[@]}"); preparation $(med "${prep[@]}" | r1) ms)"
echo "  resnext-explorer plain (LibTorch):     $p ms   (rounds: $(printf '%.1f ' "${plain[@]}"))"
echo "  PyTorch eager (Python):                $e ms   (rounds: $(printf '%.1f ' "${eager[@]}"))"
echo "  PyTorch TorchScript frozen+optimized:  $z ms   (rounds: $(printf '%.1f ' "${frozen[@]}"))"
if [ -n "$ort" ]; then
  o=$(med "${onnx[@]}" | r1)
  echo "  ONNX Runtime $(node -p "require('$ortDir/node_modules/onnxruntime-node/package.json').version") (node): $o ms   (rounds: $(printf '%.1f ' "${onnx[@]}"))"
fi
# Each round runs all side by side: the median of the rounds' own ratios is less
# sensitive to a noisy moment than the ratio of the medians.
echo "  per-round ratios: fast/frozen $(ratios fast frozen)"
[ -n "$ort" ] && echo "                    fast/ORT    $(ratios fast onnx)"
echo "                    fast/eager  $(ratios fast eager)"
gmacs=$($exe summary --preset "$model" --format json | "$py" -c 'import json, sys; print(json.load(sys.stdin)["macs"])' 2>/dev/null || echo 0)
awk -v f="$f" -v z="$z" -v m="$gmacs" -v b="$batch" 'BEGIN { if (m > 0)
  printf "  achieved: fast %.0f GFLOP/s, frozen %.0f GFLOP/s (%.2f GFLOP per image)\n", 2 * m * b / (f * 1e6), 2 * m * b / (z * 1e6), 2 * m / 1e9 }'
echo "  fast path: $(field reorders <<<"$out") layout reorders, $(field own_grouped_kernels <<<"$out") grouped 3x3 on its own kernel, $(field winograd_convolutions <<<"$out") dense 3x3 on Winograd; best single 1x1 convolution $(field peak_1x1_gflops_per_s <<<"$out" | xargs printf '%.0f') GFLOP/s ($(field peak_1x1_layer <<<"$out"))"
# The ceiling none of them can pass: the machine's FP32 FMA peak on these threads
# (best of 3 one-second rounds of register-only FMA chains, each ISA the CPU has).
peakExe=build/bench/bench_fma_peak
if [ -x "$peakExe" ]; then
  peaks=$("$peakExe" "$threads" "${PEAK_SECONDS:-1}" 3)
  sed 's/^/  /' <<<"$peaks"
  best=$(awk '{ g = $(NF - 1); if (g > b) b = g } END { print b + 0 }' <<<"$peaks")
  awk -v f="$f" -v z="$z" -v o="${o:-0}" -v m="$gmacs" -v b="$batch" -v p="$best" -v w="$(field winograd_convolutions <<<"$out")" 'BEGIN { if (m > 0 && p > 0) {
    g = 2 * m * b / 1e6 / p
    printf "  share of that peak: fast %.0f%%, frozen %.0f%%", 100 * g / f, 100 * g / z
    if (o > 0) printf ", ONNX Runtime %.0f%%", 100 * g / o
    if (w > 0) printf " (fast: an effective rate, its %d Winograd convolutions multiply less)", w
    printf "\n" } }'
fi
