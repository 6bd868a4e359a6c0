#!/usr/bin/env bash
# Training throughput of the built-in model's architecture: resnext-explorer
# train against the same model in Python PyTorch, same threads, batch and data,
# alternating; prints images/s of each, the per-round ratios and their median,
# the CPU's ISA and the load average.
#   bash bench/compare_training.sh [THREADS] [IMAGES] [ROUNDS]
# On a machine shared with other jobs, run it in its own scheduling group with a
# raised priority (both sides alike), e.g. as root:
#   setsid bash -c 'echo -15 > /proc/self/autogroup; exec bash bench/compare_training.sh 2 6400 5'
# (RESNEXT_FUSED_BN=0 in the environment measures ours without the fused BatchNorm.)
set -euo pipefail
cd "$(dirname "$0")/.."
threads="${1:-2}"; images="${2:-12800}"; rounds="${3:-2}"
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
ours=(); theirs=(); ratios=()
load0=$(cut -d' ' -f1-3 /proc/loadavg)
for ((i = 0; i < rounds; i++)); do
  # The epoch's own time (validation excluded), read with a JSON parser; the test
  # pass after training is not timed, so it runs on 10 images only.
  ours+=("$(build/ui/resnext-explorer train --data fashion-mnist --epochs 1 --limit "$images" --val-fraction 0 \
            --test-limit 10 --threads "$threads" --out "$out/m.safetensors" --format json \
            | /usr/bin/python3 -c 'import json,sys; j=json.load(sys.stdin); print("%.1f" % (int(sys.argv[1]) / j["runs"][0]["epochs"][0]["seconds"]))' "$images")")
  theirs+=("$(/usr/bin/python3 bench/torch_train_bench.py --threads "$threads" --limit "$images" \
              | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["images_per_s"])')")
  ratios+=("$(awk -v o="${ours[i]}" -v t="${theirs[i]}" 'BEGIN { printf "%.2f", o / t }')")
done
med() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
o=$(med "${ours[@]}"); t=$(med "${theirs[@]}")
isa=AVX2; grep -qw avx512f /proc/cpuinfo && isa=AVX-512
grep -qw avx512_bf16 /proc/cpuinfo && isa="$isa (with BF16)"
echo "built-in architecture on Fashion-MNIST, $images images, batch 128, $threads threads, $rounds rounds"
echo "  CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'); ISA: $isa; load: $load0 -> $(cut -d' ' -f1-3 /proc/loadavg)"
echo "  resnext-explorer train (LibTorch C++): $o images/s   (rounds: ${ours[*]})"
echo "  same model in Python PyTorch:          $t images/s   (rounds: ${theirs[*]})"
echo "  per-round ratios ours/python: ${ratios[*]} (median $(med "${ratios[@]}"))"
