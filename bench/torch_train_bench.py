"""The built-in model's architecture written in Python PyTorch, trained on
Fashion-MNIST like `resnext-explorer train` does (same batch, optimiser,
augmentation, normalisation, NHWC), to compare training throughput.
Usage: torch_train_bench.py [--threads 2] [--limit 12800]   (Debian's /usr/bin/python3)."""
import argparse
import gzip
import json
import math
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

p = argparse.ArgumentParser()
p.add_argument("--threads", type=int, default=2)
p.add_argument("--limit", type=int, default=12800)
p.add_argument("--batch", type=int, default=128)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(0)


def idx(path, offset):
    with gzip.open(path) as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)


root = "/usr/share/datasets/fashion-mnist/"
x = torch.from_numpy(idx(root + "train-images-idx3-ubyte.gz", 16).reshape(-1, 1, 28, 28)[: a.limit].copy())
y = torch.from_numpy(idx(root + "train-labels-idx1-ubyte.gz", 8)[: a.limit].astype(np.int64))
x = x.float() / 255
x = (x - x.mean()) / x.std()


class Block(nn.Module):  # torchvision's Bottleneck with groups, as resnext-explorer builds it
    def __init__(s, inp, planes, C, d, stride):
        super().__init__()
        w, out = planes * d // 64 * C, planes * 4
        s.conv1, s.bn1 = nn.Conv2d(inp, w, 1, bias=False), nn.BatchNorm2d(w)
        s.conv2, s.bn2 = nn.Conv2d(w, w, 3, stride, 1, groups=C, bias=False), nn.BatchNorm2d(w)
        s.conv3, s.bn3 = nn.Conv2d(w, out, 1, bias=False), nn.BatchNorm2d(out)
        s.downsample = (nn.Sequential(nn.Conv2d(inp, out, 1, stride, bias=False), nn.BatchNorm2d(out))
                        if stride != 1 or inp != out else None)

    def forward(s, t):
        o = F.relu(s.bn1(s.conv1(t)), inplace=True)
        o = F.relu(s.bn2(s.conv2(o)), inplace=True)
        o = s.bn3(s.conv3(o))
        return F.relu(o + (s.downsample(t) if s.downsample is not None else t), inplace=True)


class Net(nn.Module):  # fashionMnistSpec(): CIFAR stem 16, layers 2,2,2, planes 16,32,64, C=8, d=16
    def __init__(s):
        super().__init__()
        s.conv1, s.bn1 = nn.Conv2d(1, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16)
        blocks, inp = [], 16
        for i, planes in enumerate([16, 32, 64]):
            for b in range(2):
                blocks.append(Block(inp, planes, 8, 16, 2 if b == 0 and i > 0 else 1))
                inp = planes * 4
        s.layers, s.fc = nn.Sequential(*blocks), nn.Linear(inp, 10)

    def forward(s, t):
        t = s.layers(F.relu(s.bn1(s.conv1(t)), inplace=True))
        return s.fc(torch.flatten(F.adaptive_avg_pool2d(t, 1), 1))


model = Net().to(memory_format=torch.channels_last)
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4, nesterov=True)
steps = math.ceil(len(x) / a.batch)
order = torch.randperm(len(x))
pad = F.pad(x, (2, 2, 2, 2), value=float(x.min()))
t0 = time.perf_counter()
for step in range(steps):
    idx_ = order[step * a.batch:(step + 1) * a.batch]
    ox, oy = torch.randint(0, 5, (2, len(idx_)))
    flip = torch.rand(len(idx_)) < 0.5
    crops = [pad[i, :, oy[k]:oy[k] + 28, ox[k]:ox[k] + 28] for k, i in enumerate(idx_.tolist())]
    batch = torch.stack([c.flip(2) if f else c for c, f in zip(crops, flip.tolist())])
    batch = batch.contiguous(memory_format=torch.channels_last)
    for g in opt.param_groups:
        g["lr"] = 0.1 * 0.5 * (1 + math.cos(math.pi * step / steps))
    opt.zero_grad()
    loss = F.cross_entropy(model(batch), y[idx_])
    loss.backward()
    opt.step()
dt = time.perf_counter() - t0
print(json.dumps({"images": len(x), "threads": torch.get_num_threads(), "seconds": round(dt, 2),
                  "images_per_s": round(len(x) / dt, 1), "loss": round(loss.item(), 4)}))
