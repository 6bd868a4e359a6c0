"""Counts RegNet's activations of torchvision's models with forward hooks: the
numel of every Conv2d output for one 224x224 image, in total and per stage
(stem = conv1, layerN, head). The independent reference for test_cost.
Run with Debian's /usr/bin/python3."""
import json
import sys

import torch
import torchvision.models as tvm

# Only shapes matter here: skip the weight initialisation (seconds per model for
# resnext101_64x4d or resnet152) and run the models on the meta device, which
# computes every output's shape without computing its values.
for _init in ("kaiming_normal_", "kaiming_uniform_", "constant_", "uniform_", "normal_", "zeros_", "ones_"):
    setattr(torch.nn.init, _init, lambda tensor, *args, **kwargs: tensor)

out = {}
with torch.no_grad():
    for name in sys.argv[1:]:
        model = getattr(tvm, name)().eval().to("meta")
        stages = {}

        def hook(module_name):
            def record(_module, _inputs, output):
                stage = module_name.split(".")[0] if module_name.startswith("layer") else "stem"
                stages[stage] = stages.get(stage, 0) + output.numel()
            return record

        for module_name, module in model.named_modules():
            if isinstance(module, torch.nn.Conv2d):
                module.register_forward_hook(hook(module_name))
        model(torch.zeros(1, 3, 224, 224, device="meta"))
        out[name] = {"total": sum(stages.values()), "stages": stages}
json.dump(out, sys.stdout)
