"""Shared by the Python reference scripts (pth_reference.py, se_reference.py,
torchvision_reference.py): the files they write and the seeded input image.
Run with Debian's /usr/bin/python3; the scripts import it from their folder."""
import json
import struct
import zlib

import torch

IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]


def write_png_rgb(path, img):  # img: H x W x 3 uint8 tensor
    h, w, _ = img.shape
    raw = b"".join(b"\x00" + img[y].numpy().tobytes() for y in range(h))
    chunk = lambda tag, data: struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


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


def seeded_input(path, size, crop=None):
    """Writes a size x size PNG of seeded noise to `path`; returns the 1x3xHxW
    tensor of its centre `crop` (all of it when None) with ImageNet's normalisation."""
    g = torch.Generator().manual_seed(1)
    img = torch.randint(0, 256, (size, size, 3), dtype=torch.uint8, generator=g)
    write_png_rgb(path, img)
    if crop:
        o = (size - crop) // 2
        img = img[o:o + crop, o:o + crop]
    mean = torch.tensor(IMAGENET_MEAN).view(3, 1, 1)
    std = torch.tensor(IMAGENET_STD).view(3, 1, 1)
    return ((img.permute(2, 0, 1).float() / 255.0 - mean) / std).unsqueeze(0)


def randomise_batchnorm(model):
    """Non-trivial BN statistics, so that a wrong BN shows."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.1, 0.1)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.1, 0.1)
