#!/usr/bin/env bash
# Runs every benchmark in bench/ once at tiny sizes and checks that each exits 0
# and prints finite numbers, so that a benchmark nothing else runs cannot rot
# (ctest -L bench). The figures themselves mean nothing at these sizes.
#   bash bench/smoke.sh BUILD_DIR
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$(cd "${1:-$root/build}" && pwd)"
cd "$root"
export QT_QPA_PLATFORM=offscreen
export RESNEXT_BENCH_NO_ORT=1 # nothing is downloaded in a test run (ONNX Runtime comes from npm)
failed=0

check() { # NAME COMMAND...: runs it, then looks at what it printed
  local name=$1; shift
  local out rc start=$SECONDS
  out=$("$@" 2>&1); rc=$?
  if [ $rc -ne 0 ]; then
    echo "FAIL $name: exit $rc"; printf '%s\n' "$out" | tail -20; failed=1; return
  fi
  if grep -Eiq '(^|[^a-z])(-?inf|nan)([^a-z]|$)' <<<"$out"; then
    echo "FAIL $name: printed a non-finite number"; printf '%s\n' "$out"; failed=1; return
  fi
  if ! grep -Eq '[0-9]+\.[0-9]+' <<<"$out"; then
    echo "FAIL $name: printed no figure"; printf '%s\n' "$out"; failed=1; return
  fi
  echo "ok   $name ($((SECONDS - start)) s): $(grep -E '[0-9]+\.[0-9]+' <<<"$out" | tail -1 | cut -c1-110)"
}

exe=$build/ui/resnext-explorer
[ -x "$exe" ] || { echo "no $exe: build first"; exit 2; }
image=$root/sample_images/photo-chelsea-cat.png
check bench_summary "$build/bench/bench_summary" 3
check bench_drop "$build/bench/bench_drop" "$image" resnet18 3 1
check bench_gui_tick "$build/bench/bench_gui_tick" 1
check bench_video "$build/bench/bench_video" --seconds 1 --threads 1
check bench_gconv "$build/bench/bench_gconv" 1 1 2
check bench_fma_peak "$build/bench/bench_fma_peak" 1 0.05 1
if /usr/bin/python3 -c 'import torchvision' 2>/dev/null; then
  export RUNS=3 PEAK_SECONDS=0.05 # forward passes per program, FMA-peak seconds in compare_inference.sh
  check compare_inference.sh bash bench/compare_inference.sh resnet18 1 1 1
  check compare_primitives.sh bash bench/compare_primitives.sh resnet18 1 1 2
  check compare_training.sh bash bench/compare_training.sh 1 256 1
else
  echo "skip the PyTorch comparisons: Debian's python3-torchvision is not installed"
fi
check groups_bench.sh bash bench/groups_bench.sh "$exe" 1 1 200
[ $failed -eq 0 ] && echo "all benchmarks ran and printed finite figures"
exit $failed
