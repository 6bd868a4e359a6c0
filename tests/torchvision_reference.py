"""Writes a torchvision model with seeded random weights as safetensors (no
spec in the metadata: the project must infer it from the shapes), a 224x224
PNG input, and the reference logits and the grouped-conv activations of
layer2.0 (after conv2, bn2, ReLU) in a second safetensors file.
Usage: torchvision_reference.py MODEL OUTDIR   (Debian's /usr/bin/python3)."""
import json
import struct
import sys
import zlib

import torch
import torchvision.models as tvm

name, out = sys.argv[1], sys.argv[2]
torch.manual_seed(0)
model = getattr(tvm, name)()
with torch.no_grad():  # non-trivial BN statistics so that a wrong BN shows
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.uniform_(-0.1, 0.1)
            m.running_var.uniform_(0.5, 1.5)
            m.weight.uniform_(0.5, 1.5)
            m.bias.uniform_(-0.1, 0.1)
model.eval()


def write_safetensors(path, tensors, metadata=None):
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for key, t in tensors.items():
        t = t.detach().contiguous()
        dtype = {torch.float32: "F32", torch.int64: "I64", torch.float16: "F16", torch.bfloat16: "BF16"}[t.dtype]
        raw = t.view(torch.uint8).numpy().tobytes() if t.dtype in (torch.float16, torch.bfloat16) else t.numpy().tobytes()
        header[key] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def write_png_rgb(path, img):  # img: H x W x 3 uint8 tensor
    h, w, _ = img.shape
    raw = b"".join(b"\x00" + img[y].numpy().tobytes() for y in range(h))
    chunk = lambda tag, data: struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


# The input: a seeded random image, 224x224, so no resizing happens.
g = torch.Generator().manual_seed(1)
img = torch.randint(0, 256, (224, 224, 3), dtype=torch.uint8, generator=g)
write_png_rgb(f"{out}/{name}.png", img)
mean = torch.tensor([0.485, 0.456, 0.406]).view(3, 1, 1)
std = torch.tensor([0.229, 0.224, 0.225]).view(3, 1, 1)
x = ((img.permute(2, 0, 1).float() / 255.0 - mean) / std).unsqueeze(0)

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
