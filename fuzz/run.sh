#!/usr/bin/env bash
# Builds fuzz_safetensors with clang in build-fuzz/ and fuzzes it for
# FUZZ_SECONDS (default 60) on a copy of fuzz/corpus, so the checked-in seeds
# stay small. Exits non-zero if libFuzzer finds a crash; the reproducer is
# saved under build-fuzz/artifacts/ (FUZZ_BUILD_DIR overrides the build folder).
# Extra arguments go to libFuzzer.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
build="${FUZZ_BUILD_DIR:-build-fuzz}"

cmake -S fuzz -B "$build" -DCMAKE_CXX_COMPILER="${FUZZ_CXX:-clang++}" -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$build" --target fuzz_safetensors -j "${FUZZ_JOBS:-1}"

corpus="$(mktemp -d)"
trap 'rm -rf "$corpus"' EXIT
cp fuzz/corpus/* "$corpus/"
mkdir -p "$build/artifacts"

"$build/fuzz_safetensors" \
  -max_total_time="${FUZZ_SECONDS:-60}" \
  -dict=fuzz/safetensors.dict \
  -max_len=4096 \
  -timeout=10 \
  -rss_limit_mb=2048 \
  -print_final_stats=1 \
  -artifact_prefix="$build/artifacts/" \
  "$@" "$corpus"
