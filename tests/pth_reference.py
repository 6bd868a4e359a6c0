"""Writes torch.save (.pth) files of torchvision models with seeded random
weights, in the forms people have on disk, plus small files for the reader's
edge cases and its error messages, and the reference logits of each model.
Usage: pth_reference.py OUTDIR MODEL[:VARIANT,...]...   (Debian's /usr/bin/python3).

For each MODEL: MODEL.pth (model.state_dict(), an OrderedDict, F32),
MODEL-dict.pth (a plain dict), MODEL-f16.pth (floats as F16), MODEL-nested.pth
(a training checkpoint {"epoch", "state_dict" with DataParallel's "module."
names, "optimizer"}), MODEL.json (logits of input.png for the F32 and the F16
weights); VARIANTs (dict, f16, nested; default all) limit which of the
other three are written. input.png is 256x256, so ImageNet preprocessing (shorter side 256,
centre crop 224) is an exact crop; the logits are of that crop."""
import collections
import datetime
import json
import sys

import torch
import torchvision.models as tvm
from reference_common import randomise_batchnorm, seeded_input

out, names = sys.argv[1], sys.argv[2:]
x = seeded_input(f"{out}/input.png", 256, crop=224)

torch.set_num_threads(2)
for arg in names:
    name, _, wanted = arg.partition(":")
    variants = wanted.split(",") if wanted else ["dict", "f16", "nested"]
    torch.manual_seed(0)
    model = getattr(tvm, name)()
    randomise_batchnorm(model)
    model.eval()
    sd = model.state_dict()
    torch.save(sd, f"{out}/{name}.pth")
    if "dict" in variants:
        torch.save(dict(sd), f"{out}/{name}-dict.pth")
    half = collections.OrderedDict((k, v.half() if v.is_floating_point() else v) for k, v in sd.items())
    if "f16" in variants:
        torch.save(half, f"{out}/{name}-f16.pth")
    if "nested" in variants:
        torch.save({"epoch": 90, "arch": name, "best_acc1": 0.5,
                    "state_dict": collections.OrderedDict(("module." + k, v) for k, v in sd.items()),
                    "optimizer": {"state": {}, "param_groups": [{"lr": 0.1, "momentum": 0.9, "params": [0, 1, 2]}]}},
                   f"{out}/{name}-nested.pth")
    with torch.no_grad():
        logits = model(x)[0]
        model.load_state_dict({k: v.float() for k, v in half.items()})
        logits16 = model(x)[0]
    with open(f"{out}/{name}.json", "w") as f:
        json.dump({"logits": logits.tolist(), "logits_f16": logits16.tolist()}, f)

# Dtypes, views and offsets: a transposed (non-contiguous) tensor, a slice with
# a storage offset, two tensors sharing one storage, every float type and I64.
base = torch.arange(12, dtype=torch.float32)
views = collections.OrderedDict()
views["transposed"] = base[:6].view(2, 3).t()
views["slice"] = base[3:7]
views["shared"] = base.view(3, 4)
views["half"] = torch.tensor([0.5, -2.0, 65504.0], dtype=torch.float16)
views["bf16"] = torch.tensor([1.5, -3.0], dtype=torch.bfloat16)
views["double"] = torch.tensor([[0.25], [1e100]], dtype=torch.float64)
views["long"] = torch.tensor([-7, 2**40], dtype=torch.int64)
views["scalar"] = torch.tensor(3.0)
views["empty"] = torch.zeros(0, 4)
views["param"] = torch.nn.Parameter(torch.tensor([9.0, 8.0]))
torch.save(views, f"{out}/views.pth")

# What the reader must refuse, each with its own message.
torch.save({"when": datetime.date(2020, 1, 1), "w": torch.zeros(2)}, f"{out}/global.pth")
torch.save(collections.OrderedDict(w=torch.zeros(2)), f"{out}/legacy.pth", _use_new_zipfile_serialization=False)
torch.save([torch.zeros(2)], f"{out}/list.pth")
torch.save({"epoch": 3, "weights": torch.zeros(2)}, f"{out}/mixed.pth")
torch.jit.script(torch.nn.Linear(2, 2)).save(f"{out}/scripted.pt")
print(json.dumps({"models": [n.partition(":")[0] for n in names], "torch": torch.__version__}))
