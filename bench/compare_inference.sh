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
f=$(med "${fast[@]}"); p=$(med "${plain[@]}"); e=$(med "${eager[@]}"); z=$(med "${frozen[@]}")
gmacs=$($exe summary --preset "$model" --format json | awk -F': ' '/"macs"/ && !done { gsub(/[^0-9]/, "", $2); print $2; done = 1 }')
echo "$model, batch $batch, $threads threads, median of $rounds rounds x $runs runs each (load: $(cut -d' ' -f1-3 /proc/loadavg))"
echo "  resnext-explorer fast (oneDNN${*:+ $*}):    $f ms   (rounds: ${fast[*]}; preparation $(med "${prep[@]}") ms)"
echo "  resnext-explorer plain (LibTorch):     $p ms   (rounds: ${plain[*]})"
echo "  PyTorch eager (Python):                $e ms   (rounds: ${eager[*]})"
echo "  PyTorch TorchScript frozen+optimized:  $z ms   (rounds: ${frozen[*]})"
awk -v f="$f" -v p="$p" -v e="$e" -v z="$z" -v m="$gmacs" -v b="$batch" 'BEGIN {
  printf "  ratios: fast/frozen %.2f, fast/eager %.2f, plain/eager %.2f, frozen/eager %.2f\n", f / z, f / e, p / e, z / e
  printf "  achieved: fast %.0f GFLOP/s, frozen %.0f GFLOP/s (%.2f GFLOP per image)\n", 2 * m * b / (f * 1e6), 2 * m * b / (z * 1e6), 2 * m / 1e9 }'
