"""Writes a torchvision model with seeded random weights as safetensors (no
spec in the metadata: the project must infer it from the shapes), a 224x224
PNG input, and the reference logits and the grouped-conv activations of
layer2.0 (after conv2, bn2, ReLU) in a second safetensors file.
Usage: torchvision_reference.py OUTDIR MODEL...   (Debian's /usr/bin/python3; one
process for several models saves an import of torch per model)."""
import json
import sys

import torch
import torchvision.models as tvm
from reference_common import randomise_batchnorm, seeded_input, write_safetensors


def write_reference(name, out):
    torch.manual_seed(0)
    model = getattr(tvm, name)()
    randomise_batchnorm(model)
    model.eval()

    # The input: a seeded random image, 224x224, so no resizing happens.
    x = seeded_input(f"{out}/{name}.png", 224)

    captured = {}
    block = model.layer2[0]
    block.bn2.register_forward_hook(lambda m, i, o: captured.__setitem__("grouped", torch.relu(o)))
    with torch.no_grad():
        logits = model(x)

    pre = {"kind": "small", "resize": 224, "size": 224, "channels": 3,
           "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]}
    weights = {k: v for k, v in model.state_dict().items()}
    write_safetensors(f"{out}/{name}.safetensors", weights, {"preprocessing": json.dumps(pre)})
    # The same weights in half and bfloat precision (floats only; counters stay int64).
    for dt, tag in ((torch.float16, "f16"), (torch.bfloat16, "bf16")):
        conv = {k: (v.to(dt) if v.is_floating_point() else v) for k, v in weights.items()}
        write_safetensors(f"{out}/{name}-{tag}.safetensors", conv, {"preprocessing": json.dumps(pre)})
    write_safetensors(f"{out}/{name}-reference.safetensors",
                      {"logits": logits[0], "grouped": captured["grouped"][0]})
    print(json.dumps({"model": name, "params": sum(p.numel() for p in model.parameters())}))


out = sys.argv[1]
for name in sys.argv[2:]:
    write_reference(name, out)
