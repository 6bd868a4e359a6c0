"""Python eager reference for `resnext-explorer bench`: the same model from
torchvision with the same thread count, median forward time of random input.
Run with Debian's /usr/bin/python3 (python3-torch, python3-torchvision)."""
import argparse
import json
import statistics
import time

import torch
import torchvision.models as tvm

p = argparse.ArgumentParser()
p.add_argument("--model", default="resnext50_32x4d")
p.add_argument("--threads", type=int, default=2)
p.add_argument("--batch", type=int, default=1)
p.add_argument("--input", type=int, default=224)
p.add_argument("--runs", type=int, default=20)
p.add_argument("--warmup", type=int, default=3)
p.add_argument("--mode", choices=["eager", "frozen"], default="eager",
               help="frozen: torch.jit.optimize_for_inference(torch.jit.freeze(torch.jit.script(model)))")
a = p.parse_args()

torch.set_num_threads(a.threads)
model = getattr(tvm, a.model)().eval()
x = torch.randn(a.batch, 3, a.input, a.input)
if a.mode == "frozen":
    # PyTorch's best CPU path: BN folded, weights prepacked for oneDNN, conv+ReLU(+add) fused.
    model = torch.jit.optimize_for_inference(torch.jit.freeze(torch.jit.script(model)))
times = []
with torch.inference_mode():
    for _ in range(a.warmup):
        model(x)
    for _ in range(a.runs):
        t0 = time.perf_counter()
        model(x)
        times.append((time.perf_counter() - t0) * 1000)
m = statistics.median(times)
print(json.dumps({"model": a.model, "device": "cpu", "threads": torch.get_num_threads(), "batch": a.batch, "mode": a.mode,
                  "median_ms": round(m, 3), "images_per_s": round(1000 * a.batch / m, 2)}))
