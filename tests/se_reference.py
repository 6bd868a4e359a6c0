"""SE-ResNeXt references from Debian's torch, written independently of the app:
timm's SE-ResNeXt (timm/models/resnet.py Bottleneck with attn_layer='se';
timm/layers/squeeze_excite.py SEModule) rebuilt on torchvision's Bottleneck.
Usage: se_reference.py OUTDIR   (Debian's /usr/bin/python3).

Writes counts.json (parameters and conv/linear MACs at 224x224 of
seresnext50_32x4d, counted with forward hooks), input.png (256x256: ImageNet
preprocessing crops it exactly to 224), seresnext26.pth (a torch.save state_dict
with timm's names layerX.Y.se.fc1/fc2, seeded random weights and BN statistics),
seresnext26.safetensors (the same tensors, no metadata) and seresnext26.json
(the logits of the crop)."""
import json
import sys

import torch
import torch.nn as nn
from torchvision.models.resnet import Bottleneck, ResNet
from reference_common import seeded_input, write_safetensors

out = sys.argv[1]
torch.set_num_threads(2)


def make_divisible(v, divisor=8, min_value=None, round_limit=0.0):  # timm/layers/helpers.py
    min_value = min_value or divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < round_limit * v:
        new_v += divisor
    return new_v


class SEModule(nn.Module):  # timm's SEModule with its defaults (rd_ratio 1/16, divisor 8, bias, ReLU, sigmoid)
    def __init__(self, channels, rd_ratio=1.0 / 16):
        super().__init__()
        rd = make_divisible(channels * rd_ratio, 8, round_limit=0.0)
        self.fc1 = nn.Conv2d(channels, rd, kernel_size=1, bias=True)
        self.bn = nn.Identity()
        self.act = nn.ReLU(inplace=True)
        self.fc2 = nn.Conv2d(rd, channels, kernel_size=1, bias=True)
        self.gate = nn.Sigmoid()

    def forward(self, x):
        x_se = x.mean((2, 3), keepdim=True)
        x_se = self.act(self.bn(self.fc1(x_se)))
        return x * self.gate(self.fc2(x_se))


class SEBottleneck(Bottleneck):  # timm's Bottleneck.forward: se after bn3, before the residual add
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.se = SEModule(self.bn3.num_features)

    def forward(self, x):
        shortcut = x
        x = self.relu(self.bn1(self.conv1(x)))
        x = self.relu(self.bn2(self.conv2(x)))
        x = self.se(self.bn3(self.conv3(x)))
        if self.downsample is not None:
            shortcut = self.downsample(shortcut)
        x += shortcut
        return self.relu(x)


def seresnext(layers):
    return ResNet(SEBottleneck, layers, groups=32, width_per_group=4)


# Counts of seresnext50_32x4d.
model = seresnext([3, 4, 6, 3]).eval()
macs = [0]


def count(m, inp, outp):
    if isinstance(m, nn.Conv2d):
        macs[0] += outp.numel() * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]
    elif isinstance(m, nn.Linear):
        macs[0] += m.in_features * m.out_features


for m in model.modules():
    if isinstance(m, (nn.Conv2d, nn.Linear)):
        m.register_forward_hook(count)
with torch.no_grad():
    model(torch.zeros(1, 3, 224, 224))
se_params = sum(p.numel() for n, p in model.named_parameters() if ".se." in n)
with open(f"{out}/counts.json", "w") as f:
    json.dump({"params": sum(p.numel() for p in model.parameters()), "macs": macs[0], "se_params": se_params,
               "se_widths": [model.layer1[0].se.fc1.out_channels, model.layer2[0].se.fc1.out_channels,
                             model.layer3[0].se.fc1.out_channels, model.layer4[0].se.fc1.out_channels]}, f)

x = seeded_input(f"{out}/input.png", 256, crop=224)

# A small SE-ResNeXt (2,2,2,2) with seeded weights, saved with timm's names.
torch.manual_seed(0)
model = seresnext([2, 2, 2, 2])
with torch.no_grad():  # non-trivial BN statistics and SE biases so that a wrong one shows
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.1, 0.1)
            m.running_var.uniform_(0.5, 1.5)
            m.weight.uniform_(0.5, 1.5)
            m.bias.uniform_(-0.1, 0.1)
        elif isinstance(m, SEModule):
            m.fc1.bias.uniform_(-0.5, 0.5)
            m.fc2.bias.uniform_(-0.5, 0.5)
model.eval()
sd = model.state_dict()
torch.save(sd, f"{out}/seresnext26.pth")
write_safetensors(f"{out}/seresnext26.safetensors", sd)
with torch.no_grad():
    logits = model(x)[0]
with open(f"{out}/seresnext26.json", "w") as f:
    json.dump({"logits": logits.tolist()}, f)
