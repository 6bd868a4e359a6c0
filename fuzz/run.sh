#!/usr/bin/env bash
# Builds a fuzz target (FUZZ_TARGET: fuzz_safetensors (default), fuzz_pytorch,
# fuzz_checkpoint, fuzz_cli, fuzz_image, fuzz_idx, fuzz_runfile or fuzz_video) with clang in build-fuzz/ and fuzzes it for
# FUZZ_SECONDS (default 60) on a copy of its corpus (fuzz/corpus for the
# safetensors reader, fuzz/corpus_pth, fuzz/corpus-checkpoint, fuzz/corpus-cli),
# so the checked-in seeds stay small.
# Exits non-zero if libFuzzer finds a crash; the reproducer is saved under
# build-fuzz/artifacts/ (FUZZ_BUILD_DIR overrides the build folder).
# Extra arguments go to libFuzzer.
#   FUZZ_RUNS=N        instead of a time: replay the corpus, then N executions in all
#                      from seed 1 (deterministic; what CI runs)
#   FUZZ_BUILD_ONLY=1  build every fuzz target and stop (CI's fixture, once for all)
#   FUZZ_NO_BUILD=1    run a target built before
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
build="${FUZZ_BUILD_DIR:-build-fuzz}"
target="${FUZZ_TARGET:-fuzz_safetensors}"
case "$target" in
  fuzz_safetensors) seeds=fuzz/corpus;            dict=fuzz/safetensors.dict; max_len=4096 ;;
  fuzz_checkpoint)  seeds=fuzz/corpus-checkpoint; dict=fuzz/checkpoint.dict;  max_len=16384 ;;
  fuzz_cli)         seeds=fuzz/corpus-cli;        dict=fuzz/cli.dict;         max_len=1024 ;;
  fuzz_pytorch)     seeds=fuzz/corpus_pth;        dict=fuzz/pytorch.dict;     max_len=8192 ;;
  fuzz_image)       seeds=fuzz/corpus-image;      dict=;                      max_len=4096 ;;
  fuzz_idx)         seeds=fuzz/corpus-idx;        dict=;                      max_len=4096 ;;
  fuzz_runfile)     seeds=fuzz/corpus-runfile;    dict=;                      max_len=4096 ;;
  fuzz_video)       seeds=fuzz/corpus-video;      dict=fuzz/video.dict;       max_len=4096 ;;
  *) echo "run.sh: unknown FUZZ_TARGET '$target'" >&2; exit 2 ;;
esac

if [ -z "${FUZZ_NO_BUILD:-}" ]; then
  launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  cmake -S fuzz -B "$build" -DCMAKE_CXX_COMPILER="${FUZZ_CXX:-clang++}" -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}"
  if [ -n "${FUZZ_BUILD_ONLY:-}" ]; then
    exec cmake --build "$build" -j "${FUZZ_JOBS:-1}"
  fi
  cmake --build "$build" --target "$target" -j "${FUZZ_JOBS:-1}"
fi
if [ -n "${FUZZ_RUNS:-}" ]; then
  budget=(-runs="$FUZZ_RUNS" -seed=1)
else
  budget=(-max_total_time="${FUZZ_SECONDS:-60}")
fi

corpus="$(mktemp -d)"
trap 'rm -rf "$corpus"' EXIT
cp "$seeds"/* "$corpus/"
mkdir -p "$build/artifacts"

# OpenCV keeps allocations for the life of the process that LeakSanitizer would report.
if [ "$target" != fuzz_safetensors ]; then export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"; fi
"$build/$target" \
  "${budget[@]}" \
  ${dict:+-dict="$dict"} \
  -max_len="$max_len" \
  -timeout=10 \
  -rss_limit_mb=2048 \
  -print_final_stats=1 \
  -artifact_prefix="$build/artifacts/$target-" \
  "$@" "$corpus"
