#!/usr/bin/env bash
# ctest's fixture for test_engine and test_engine_avx2: writes the torchvision
# references (seeded random weights, the input, PyTorch's logits) once into DIR.
# Without Debian's python3-torchvision it writes nothing and succeeds: test_engine
# then tries on its own and skips those checks naming the missing module.
#   bash tests/torchvision_references.sh DIR
set -uo pipefail
dir=$1
rm -rf "$dir" && mkdir -p "$dir" || exit 1
cd "$(dirname "${BASH_SOURCE[0]}")"
"${RESNEXT_PYTHON:-/usr/bin/python3}" torchvision_reference.py "$dir" resnext50_32x4d resnet50 ||
  echo "no references written: test_engine writes its own and says why"
exit 0
