"""Counts RegNet's activations of torchvision's models with forward hooks: the
numel of every Conv2d output for one 224x224 image, in total and per stage
(stem = conv1, layerN, head). The independent reference for test_cost.
Run with Debian's /usr/bin/python3."""
import json
import sys

import torch
import torchvision.models as tvm

out = {}
with torch.no_grad():
    for name in sys.argv[1:]:
        model = getattr(tvm, name)().eval()
        stages = {}

        def hook(module_name):
            def record(_module, _inputs, output):
                stage = module_name.split(".")[0] if module_name.startswith("layer") else "stem"
                stages[stage] = stages.get(stage, 0) + output.numel()
            return record

        for module_name, module in model.named_modules():
            if isinstance(module, torch.nn.Conv2d):
                module.register_forward_hook(hook(module_name))
        model(torch.zeros(1, 3, 224, 224))
        out[name] = {"total": sum(stages.values()), "stages": stages}
json.dump(out, sys.stdout)
