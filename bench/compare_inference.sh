#!/usr/bin/env bash
# resnext-explorer bench against Python torchvision eager, same model, same
# threads, alternating so both see the same machine; prints medians and ratio.
#   bash bench/compare_inference.sh [MODEL] [THREADS] [ROUNDS] [BATCH]
set -euo pipefail
cd "$(dirname "$0")/.."
model="${1:-resnext50_32x4d}"; threads="${2:-2}"; rounds="${3:-3}"; batch="${4:-1}"
exe=build/ui/resnext-explorer
ours=(); theirs=()
for ((i = 0; i < rounds; i++)); do
  ours+=("$($exe bench --preset "$model" --threads "$threads" --batch "$batch" --runs 20 --format json | sed -E 's/.*"median_ms": ([0-9.]+).*/\1/')")
  theirs+=("$(/usr/bin/python3 bench/torchvision_bench.py --model "$model" --threads "$threads" --batch "$batch" --runs 20 | sed -E 's/.*"median_ms": ([0-9.]+).*/\1/')")
done
med() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
o=$(med "${ours[@]}"); t=$(med "${theirs[@]}")
echo "$model, batch $batch, $threads threads, median of $rounds rounds x 20 runs each"
echo "  resnext-explorer (LibTorch C++): $o ms   (rounds: ${ours[*]})"
echo "  torchvision eager (Python):      $t ms   (rounds: ${theirs[*]})"
awk -v o="$o" -v t="$t" 'BEGIN { printf "  ratio ours/python: %.2f\n", o / t }'
