#!/usr/bin/env bash
# CPU inference side by side: this project's fast path (oneDNN, the default) and
# its plain LibTorch path against Python torchvision eager and PyTorch's best CPU
# path (TorchScript freeze + optimize_for_inference), same model, same threads,
# alternating rounds so all see the same machine; prints medians, ratios and
# achieved GFLOP/s.
#   bash bench/compare_inference.sh [MODEL] [THREADS] [ROUNDS] [BATCH] [EXTRA bench FLAGS...]
set -euo pipefail
cd "$(dirname "$0")/.."
model="${1:-resnext50_32x4d}"; threads="${2:-2}"; rounds="${3:-3}"; batch="${4:-1}"
shift $(( $# < 4 ? $# : 4 )) || true
exe=build/ui/resnext-explorer
runs=20
field() { sed -E "s/.*\"$1\": ?([0-9.e+-]+).*/\1/"; }
fast=(); plain=(); eager=(); frozen=(); prep=()
for ((i = 0; i < rounds; i++)); do
  out=$($exe bench --preset "$model" --threads "$threads" --batch "$batch" --runs $runs --format json "$@")
  fast+=("$(field median_ms <<<"$out")"); prep+=("$(field prepare_ms <<<"$out")")
  plain+=("$($exe bench --preset "$model" --threads "$threads" --batch "$batch" --runs $runs --format json --plain | field median_ms)")
  eager+=("$(/usr/bin/python3 bench/torchvision_bench.py --model "$model" --threads "$threads" --batch "$batch" --runs $runs | field median_ms)")
  frozen+=("$(/usr/bin/python3 bench/torchvision_bench.py --mode frozen --model "$model" --threads "$threads" --batch "$batch" --runs $runs | field median_ms)")
done
med() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
r1() { xargs printf '%.1f'; }
f=$(med "${fast[@]}" | r1); p=$(med "${plain[@]}" | r1); e=$(med "${eager[@]}" | r1); z=$(med "${frozen[@]}" | r1)
gmacs=$($exe summary --preset "$model" --format json | awk -F': ' '/"macs"/ && !done { gsub(/[^0-9]/, "", $2); print $2; done = 1 }')
echo "$model, batch $batch, $threads threads, median of $rounds rounds x $runs runs each (load: $(cut -d' ' -f1-3 /proc/loadavg))"
echo "  resnext-explorer fast (oneDNN${*:+ $*}):    $f ms   (rounds: $(printf '%.1f ' "${fast[@]}"); preparation $(med "${prep[@]}" | r1) ms)"
echo "  resnext-explorer plain (LibTorch):     $p ms   (rounds: $(printf '%.1f ' "${plain[@]}"))"
echo "  PyTorch eager (Python):                $e ms   (rounds: $(printf '%.1f ' "${eager[@]}"))"
echo "  PyTorch TorchScript frozen+optimized:  $z ms   (rounds: $(printf '%.1f ' "${frozen[@]}"))"
# Each round runs the four side by side: the median of the rounds' own ratios is less
# sensitive to a noisy moment than the ratio of the medians.
rr=(); re=()
for ((i = 0; i < rounds; i++)); do
  rr+=("$(awk -v a="${fast[$i]}" -v b="${frozen[$i]}" 'BEGIN { print a / b }')")
  re+=("$(awk -v a="${fast[$i]}" -v b="${eager[$i]}" 'BEGIN { print a / b }')")
done
echo "  per-round ratios: fast/frozen $(printf '%.2f ' "${rr[@]}")(median $(med "${rr[@]}" | xargs printf '%.2f')), fast/eager $(printf '%.2f ' "${re[@]}")(median $(med "${re[@]}" | xargs printf '%.2f'))"
awk -v f="$f" -v p="$p" -v e="$e" -v z="$z" -v m="$gmacs" -v b="$batch" 'BEGIN {
  printf "  ratios of the medians: fast/frozen %.2f, fast/eager %.2f, plain/eager %.2f, frozen/eager %.2f\n", f / z, f / e, p / e, z / e
  printf "  achieved: fast %.0f GFLOP/s, frozen %.0f GFLOP/s (%.2f GFLOP per image)\n", 2 * m * b / (f * 1e6), 2 * m * b / (z * 1e6), 2 * m / 1e9 }'
