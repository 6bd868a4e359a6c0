"""Prints, for each torchvision ResNet/ResNeXt, its state_dict keys with shapes
and its parameter count as JSON. Used by test_torchvision as the independent
reference for names, shapes and counts. Run with Debian's /usr/bin/python3."""
import json
import sys

import torch
import torchvision.models as tvm

out = {}
for name in sys.argv[1:]:
    model = getattr(tvm, name)()
    out[name] = {
        "params": sum(p.numel() for p in model.parameters()),
        "state": {k: list(v.shape) for k, v in model.state_dict().items()},
    }
json.dump(out, sys.stdout)
