"""Exports torchvision's model (random weights, as bench/torchvision_bench.py runs it)
to ONNX for ONNX Runtime: python3 bench/export_onnx.py MODEL OUT.onnx [BATCH]."""
import sys

import torch
import torchvision.models as tvm

name, out = sys.argv[1], sys.argv[2]
batch = int(sys.argv[3]) if len(sys.argv) > 3 else 1
model = getattr(tvm, name)().eval()
with torch.inference_mode():
    torch.onnx.export(model, torch.randn(batch, 3, 224, 224), out, opset_version=13,
                      input_names=["input"], output_names=["logits"])
