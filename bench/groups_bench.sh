#!/usr/bin/env bash
# The whole group analysis (resnext-explorer groups) of the built-in model's
# layer2.0 over Fashion-MNIST's 10,000 test images: selectivity, top images,
# CKA, ablation of every group, for the trained and the untrained model.
# Prints each run's wall time of the analysis, the median and the load.
#   bench/groups_bench.sh [EXE] [RUNS] [THREADS] [LIMIT] [EXTRA groups FLAGS, e.g. --plain]
set -euo pipefail
exe=${1:-build/ui/resnext-explorer}
runs=${2:-3}
threads=${3:-2}
limit=${4:-0}
shift $(( $# < 4 ? $# : 4 )) || true
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
times=()
for i in $(seq "$runs"); do
    t=$("$exe" groups --data fashion-mnist --block layer2.0 --threads "$threads" --limit "$limit" --format json \
        --out "$out" "$@" 2>/dev/null | /usr/bin/python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["seconds"], j["trained"]["seconds"], j["untrained"]["seconds"], j["trained"]["count"], j["trained"]["path"])')
    read -r total trained untrained count path <<<"$t"
    echo "run $i: $count images, $path path, analysis $total s (trained pass $trained s, untrained pass $untrained s)"
    times+=("$total")
done
median=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
echo "median over $runs runs: $median s ($threads threads); load after: $(cut -d' ' -f1-3 /proc/loadavg)"
