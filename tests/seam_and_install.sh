#!/usr/bin/env bash
# The engine seam and the installed tree, through the real executable:
#  - a library of another API version, one without the version symbol, and a
#    missing file are each refused with a one-line message and exit code 2;
#  - `cmake --install` gives a tree whose bin/resnext-explorer finds its engine
#    and classifies, with the .desktop file and the icon in place.
# Usage: seam_and_install.sh EXE FAKE_ENGINE NO_VERSION_ENGINE BUILD_DIR SOURCE_DIR
set -u
exe=$1 fake=$2 noversion=$3 build=$4 src=$5
fail=0
check() { # name, expected exit, expected text, command...
  local name=$1 want=$2 text=$3; shift 3
  local out rc
  out=$("$@" 2>&1); rc=$?
  if [ "$rc" != "$want" ] || ! grep -qF -- "$text" <<<"$out"; then
    echo "FAIL $name: exit $rc (want $want), output: $out"; fail=1
  else
    echo "ok   $name"
  fi
}
img="$src/sample_images/fmnist-test00000-ankle-boot.png"
check "another API version" 2 "engine API version 999, this program needs" \
  env RESNEXT_ENGINE="$fake" "$exe" classify "$img"
check "no version symbol" 2 "no symbol resnext_engine_api_version" \
  env RESNEXT_ENGINE="$noversion" "$exe" classify "$img"
check "missing file" 2 "/nonexistent/libresnext_engine.so: no such file (RESNEXT_ENGINE)" \
  env RESNEXT_ENGINE=/nonexistent/libresnext_engine.so "$exe" classify "$img"
lines=$(env RESNEXT_ENGINE="$fake" "$exe" classify "$img" 2>&1 | wc -l)
[ "$lines" = 1 ] || { echo "FAIL the message is $lines lines"; fail=1; }

prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null || { echo "FAIL cmake --install"; exit 1; }
for f in bin/resnext-explorer lib/resnext-explorer/libresnext_engine.so \
         share/applications/resnext-explorer.desktop share/icons/hicolor/scalable/apps/resnext-explorer.svg; do
  [ -e "$prefix/$f" ] || { echo "FAIL not installed: $f"; fail=1; }
done
check "installed tree classifies" 0 "Ankle boot" env -u RESNEXT_ENGINE "$prefix/bin/resnext-explorer" classify "$img" --threads 1
if [ $fail = 0 ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; fi
exit $fail
