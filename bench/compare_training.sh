#!/usr/bin/env bash
# Training throughput of the built-in model's architecture: resnext-explorer
# train against the same model in Python PyTorch, same threads, batch and data,
# alternating; prints images/s of each and the ratio.
#   bash bench/compare_training.sh [THREADS] [IMAGES] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
threads="${1:-2}"; images="${2:-12800}"; rounds="${3:-2}"
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
ours=(); theirs=()
for ((i = 0; i < rounds; i++)); do
  # The epoch's own time (validation excluded), read with a JSON parser; the test
  # pass after training is not timed, so it runs on 10 images only.
  ours+=("$(build/ui/resnext-explorer train --data fashion-mnist --epochs 1 --limit "$images" --val-fraction 0 \
            --test-limit 10 --threads "$threads" --out "$out/m.safetensors" --format json \
            | /usr/bin/python3 -c 'import json,sys; j=json.load(sys.stdin); print("%.1f" % (int(sys.argv[1]) / j["runs"][0]["epochs"][0]["seconds"]))' "$images")")
  theirs+=("$(/usr/bin/python3 bench/torch_train_bench.py --threads "$threads" --limit "$images" \
              | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["images_per_s"])')")
done
med() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
o=$(med "${ours[@]}"); t=$(med "${theirs[@]}")
echo "built-in architecture on Fashion-MNIST, $images images, batch 128, $threads threads, $rounds rounds"
echo "  resnext-explorer train (LibTorch C++): $o images/s   (rounds: ${ours[*]})"
echo "  same model in Python PyTorch:          $t images/s   (rounds: ${theirs[*]})"
awk -v o="$o" -v t="$t" 'BEGIN { printf "  ratio ours/python: %.2f\n", o / t }'
