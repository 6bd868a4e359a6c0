// Python code generation from an ArchSpec: model.py (torchvision's ResNet classes,
// a small subclass where the spec goes beyond them) and train.py (torchrun +
// DistributedDataParallel). The Python text lives here as templates with
// {{KEY}} placeholders; tests run it with Debian's python3-torch.
#include "resnext/export.h"
#include "resnext/fileio.h"

#include "resnext/checkpoint.h"
#include "resnext/error.h"
#include "resnext/plan.h"
#include "resnext/preprocess.h"

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace resnext {

namespace {

std::string replaceAll(std::string text, const std::string &key, const std::string &value)
{
    const std::string token = "{{" + key + "}}";
    for (auto pos = text.find(token); pos != std::string::npos; pos = text.find(token, pos + value.size()))
        text.replace(pos, token.size(), value);
    return text;
}

std::string intList(const std::vector<int> &v)
{
    std::string s = "[";
    for (size_t i = 0; i < v.size(); ++i)
        s += (i ? ", " : "") + std::to_string(v[i]);
    return s + "]";
}

// The Python that builds and runs the plan's layers of `role` (the stem's or the
// head's) as attributes of the model under their plan names: the constructor's
// lines and the forward's (x in, x out).
struct PythonLayers {
    std::string modules, forward;
};

PythonLayers pythonLayers(const std::vector<LayerInfo> &plan, LayerRole role)
{
    PythonLayers py;
    const auto num = [](int v) { return std::to_string(v); };
    for (const LayerInfo &l : plan) {
        if (l.role != role)
            continue;
        if (l.name.find('.') != std::string::npos)
            throw Error("export: layer '" + l.name + "' is not a top-level module name");
        std::string module;
        switch (l.kind) {
        case LayerKind::Conv:
            module = "nn.Conv2d(" + num(l.inChannels) + ", " + num(l.channels) + ", kernel_size=" + num(l.kernel) +
                     ", stride=" + num(l.stride) + ", padding=" + num(l.padding) + ", dilation=" + num(l.dilation) +
                     ", groups=" + num(l.groups) + ", bias=" + (l.bias ? "True" : "False") + ")";
            break;
        case LayerKind::BatchNorm: module = "nn.BatchNorm2d(" + num(l.channels) + ")"; break;
        case LayerKind::ReLU: module = "nn.ReLU(inplace=True)"; break;
        case LayerKind::MaxPool:
            module = "nn.MaxPool2d(kernel_size=" + num(l.kernel) + ", stride=" + num(l.stride) +
                     ", padding=" + num(l.padding) + ")";
            break;
        case LayerKind::AvgPool: module = "nn.AdaptiveAvgPool2d((1, 1))"; break;
        case LayerKind::Linear: module = "nn.Linear(" + num(l.inChannels) + ", " + num(l.channels) + ")"; break;
        default: throw Error("export: no PyTorch module for layer '" + l.name + "'");
        }
        py.modules += "        self." + l.name + " = " + module + "\n";
        py.forward += "        x = self." + l.name + "(x)\n";
        if (l.kind == LayerKind::AvgPool)
            py.forward += "        x = torch.flatten(x, 1)\n";
    }
    if (!py.modules.empty()) { // no trailing newline: the templates have their own
        py.modules.pop_back();
        py.forward.pop_back();
    }
    return py;
}

// The plan's names of a few tensors' modules for the docstrings: the stem's
// first two, the first grouped convolution, the first shortcut and the classifier.
std::string exampleNames(const std::vector<LayerInfo> &plan)
{
    std::vector<std::string> names;
    const auto first = [&](auto pred) {
        for (const LayerInfo &l : plan)
            if (pred(l)) {
                names.push_back(l.name);
                return;
            }
    };
    for (const LayerInfo &l : plan)
        if (l.role == LayerRole::Stem && l.params > 0 && names.size() < 2)
            names.push_back(l.name);
    first([](const LayerInfo &l) { return l.role == LayerRole::Grouped && l.kind == LayerKind::Conv; });
    first([](const LayerInfo &l) { return l.role == LayerRole::Shortcut && l.kind == LayerKind::Conv; });
    first([](const LayerInfo &l) { return l.role == LayerRole::Head && l.params > 0; });
    std::string text;
    for (size_t i = 0; i < names.size(); ++i)
        text += (i ? ", " : "") + names[i];
    return text;
}

// The leaf name of a layer inside its block: "layer1.0.bn3" -> "bn3".
std::string blockLeaf(const std::string &name)
{
    const auto first = name.find('.');
    const auto second = first == std::string::npos ? first : name.find('.', first + 1);
    return second == std::string::npos ? name : name.substr(second + 1);
}

// timm's SEModule as the plan has it (the first block's Excite layers, in
// order: every block's are alike): the attribute the block holds it under
// ("se"), the constructor's lines, the forward's (x in, the scaled x out) and
// the names for the docstring.
struct PythonSe {
    std::string attr, modules, forward, names;
};

PythonSe pythonSe(const std::vector<LayerInfo> &plan)
{
    PythonSe py;
    const auto num = [](int v) { return std::to_string(v); };
    int channels = 0; // the block's output channels, what the unit squeezes
    for (const LayerInfo &l : plan) {
        if (l.role != LayerRole::Excite || l.stage != 1 || l.block != 0)
            continue;
        const std::string path = blockLeaf(l.name); // "se.fc1"
        const auto dot = path.find('.');
        if (dot == std::string::npos || (!py.attr.empty() && path.compare(0, dot, py.attr) != 0))
            throw Error("export: squeeze-and-excitation layer '" + l.name + "' is not inside one module");
        py.attr = path.substr(0, dot);
        const std::string leaf = path.substr(dot + 1);
        const auto width = [&](int c) { return c == channels ? std::string("channels") : std::string("rd_channels"); };
        std::string module;
        switch (l.kind) {
        case LayerKind::AvgPool:
            channels = l.channels;
            py.forward += "        s = s.mean((2, 3), keepdim=True)\n";
            continue;
        case LayerKind::Conv:
            module = "nn.Conv2d(" + width(l.inChannels) + ", " + width(l.channels) + ", kernel_size=" + num(l.kernel) +
                     ", stride=" + num(l.stride) + ", padding=" + num(l.padding) + ", groups=" + num(l.groups) +
                     ", bias=" + (l.bias ? "True" : "False") + ")";
            py.names += (py.names.empty() ? "" : ", ") + path;
            break;
        case LayerKind::ReLU: module = "nn.ReLU(inplace=True)"; break;
        case LayerKind::Sigmoid: module = "nn.Sigmoid()"; break;
        case LayerKind::Scale: py.forward += "        return x * s"; continue;
        default: throw Error("export: no PyTorch module for layer '" + l.name + "'");
        }
        py.modules += "        self." + leaf + " = " + module + "\n";
        py.forward += "        s = self." + leaf + "(s)\n";
    }
    if (py.modules.empty() || py.forward.rfind("return") == std::string::npos)
        throw Error("export: the plan's squeeze-and-excitation unit has no layers or no scale");
    py.modules.pop_back();
    return py;
}

// The exported network is always form (c): forms (a) and (b) compute the same function.
ArchSpec exportedSpec(const ArchSpec &spec)
{
    validate(spec);
    ArchSpec s = spec;
    s.form = BlockForm::C;
    return s;
}

std::string formNote(const ArchSpec &spec)
{
    if (spec.form == BlockForm::C)
        return "";
    return "\nThe app's model is in block form (" + toString(spec.form) +
           ") of the paper's Fig. 3; this file builds its form-(c)\n"
           "equivalent (one grouped 3x3 convolution), which computes the same function\n"
           "and is what torchvision and checkpoints use.\n";
}

const char *kModelTemplate = R"PY("""{{NAME}}, exported by ResNeXt Explorer {{VERSION}}.

build_model() returns the network with torchvision's classes and parameter names
({{EXAMPLE_NAMES}}, ...), so its state_dict
loads into ResNeXt Explorer and back:

    import model
    net = model.build_model()
    state, meta = model.load_safetensors("weights.safetensors")  # saved by the app
    net.load_state_dict(state)
    model.save_safetensors("back.safetensors", net.state_dict(), model.metadata(labels))

load_safetensors/save_safetensors need no package beyond torch (Debian has no
Python safetensors); `resnext-explorer classify --weights back.safetensors` reads
the spec, labels and preprocessing from the metadata.
{{FORM_NOTE}}"""
import json
import os
import struct

import torch
from torch import nn
from torchvision.models.resnet import {{BLOCK_CLASS}}, ResNet

# The architecture as ResNeXt Explorer describes it (checkpoint metadata "spec").
SPEC = json.loads(r'{{SPEC_JSON}}')
# The app's default preprocessing for this spec (checkpoint metadata "preprocessing").
PREPROCESSING = json.loads(r'{{PRE_JSON}}')
FORMAT = "resnext-explorer/1"
{{BUILD}}

def metadata(labels, preprocessing=None):
    """safetensors metadata that ResNeXt Explorer reads: format, spec, labels, preprocessing."""
    labels = [str(l) for l in labels]
    if len(labels) != SPEC["classes"]:
        raise ValueError("%d labels for a model of %d classes" % (len(labels), SPEC["classes"]))
    return {
        "format": FORMAT,
        "spec": json.dumps(SPEC),
        "labels": json.dumps(labels),
        "preprocessing": json.dumps(preprocessing or PREPROCESSING),
    }


_DTYPES = {
    "F32": torch.float32, "F64": torch.float64, "F16": torch.float16, "BF16": torch.bfloat16,
    "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8,
    "U8": torch.uint8, "BOOL": torch.bool,
}
_NAMES = {v: k for k, v in _DTYPES.items()}


def save_safetensors(path, tensors, metadata=None):
    """Writes a safetensors file (https://github.com/huggingface/safetensors) without the package."""
    header, chunks, offset = {}, [], 0
    for name, t in tensors.items():
        t = t.detach().to("cpu").contiguous()
        if t.dtype not in _NAMES:
            t = t.float()
        data = t.reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() else b""
        header[name] = {"dtype": _NAMES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    head = json.dumps(header, separators=(",", ":")).encode("utf-8")
    head += b" " * (-len(head) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(head)))
        f.write(head)
        for c in chunks:
            f.write(c)
    os.replace(tmp, path)


def load_safetensors(path):
    """Returns ({name: tensor}, metadata) of a safetensors file; strips DataParallel's "module." prefix."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", None) or {}
    base = 8 + n
    out = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        dtype = _DTYPES[info["dtype"]]
        if end > begin:
            t = torch.frombuffer(bytearray(raw[base + begin:base + end]), dtype=dtype)
        else:
            t = torch.empty(0, dtype=dtype)
        out[name[7:] if name.startswith("module.") else name] = t.reshape(info["shape"])
    return out, meta


if __name__ == "__main__":
    net = build_model()
    print(net)
    print("parameters:", sum(p.numel() for p in net.parameters()))
)PY";

const char *kDirectBuild = R"PY(

def build_model():
    """torchvision's own ResNet class{{SAME_AS}}."""
    return ResNet({{BLOCK}}, {{LAYERS}}, num_classes={{CLASSES}}, groups={{GROUPS}}, width_per_group={{WIDTH}})
)PY";

const char *kSubclassBuild = R"PY({{EXPANSION_CLASS}}

class ExploredResNet(ResNet):
    """torchvision's ResNet generalised to this spec ({{DIFFERENCES}}).
    Blocks are torchvision's, built by its _make_layer; module and parameter
    names are torchvision's, as the app's layer plan has them
    ({{EXAMPLE_NAMES}}, ...)."""

    def __init__(self, block, layers, planes, num_classes, groups, width_per_group,
                 in_channels, stem_channels):
        nn.Module.__init__(self)
        self._norm_layer = nn.BatchNorm2d
        self.inplanes = stem_channels
        self.dilation = 1
        self.groups = groups
        self.base_width = width_per_group
        # The stem, the stages and the head as the app's layer plan has them.
{{STEM_MODULES}}
        self.stage_names = {{STAGE_NAMES}}
        for i, (name, blocks, p) in enumerate(zip(self.stage_names, layers, planes)):
            setattr(self, name, self._make_layer(block, p, blocks, stride=1 if i == 0 else 2))
{{HEAD_MODULES}}
        for m in self.modules():  # torchvision's initialisation
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)

    def _forward_impl(self, x):
{{STEM_FORWARD}}
        for name in self.stage_names:
            x = getattr(self, name)(x)
{{HEAD_FORWARD}}
        return x


def build_model():
    return ExploredResNet({{BLOCK}}, {{LAYERS}}, planes={{PLANES}}, num_classes={{CLASSES}}, groups={{GROUPS}},
                          width_per_group={{WIDTH}}, in_channels={{IN_CHANNELS}}, stem_channels={{STEM_CHANNELS}})
)PY";

// Squeeze-and-excitation blocks as timm's SE-ResNet/ResNeXt: timm's SEModule
// (fc1, fc2 with biases) after the block's last BN, before the residual add.
const char *kSeClasses = R"PY(


class SEModule(nn.Module):
    """Squeeze-and-excitation as timm's SEModule, under the app's layer plan's names ({{SE_NAMES}})."""

    def __init__(self, channels, rd_channels):
        super().__init__()
{{SE_MODULES}}

    def forward(self, x):
        s = x
{{SE_UNIT_FORWARD}}


def se_channels(channels, reduction={{SE_R}}):
    """timm's make_divisible(channels * rd_ratio, 8, round_limit=0) with rd_ratio = 1 / reduction."""
    return max(8, int(channels * (1.0 / reduction) + 8 / 2) // 8 * 8)


class SEBlock({{SE_BASE}}):
    """{{SE_BASE}} with squeeze-and-excitation after its last BN (timm's placement)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        channels = self.{{SE_LAST_BN}}.num_features
        self.{{SE_ATTR}} = SEModule(channels, se_channels(channels))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = x
{{SE_FORWARD}}
        return self.relu(self.{{SE_ATTR}}(out) + identity)
)PY";

const char *kTrainTemplate = R"PY("""Multi-process training of {{NAME}}, exported by ResNeXt Explorer {{VERSION}}.

One process per GPU (NCCL) or per CPU worker (Gloo), DistributedDataParallel:

    torchrun --nproc_per_node=4 train.py --data DIR --out model.safetensors
    torchrun --nnodes=2 --node_rank=0 --master_addr=HOST --master_port=29500 \
             --nproc_per_node=8 train.py --data DIR --out model.safetensors
    (python3 -m torch.distributed.run ... where torchrun is not on PATH;
     plain `python3 train.py ...` runs one process. Debian 12's torch 1.13 under
     Python 3.11 needs `--redirects 1 --tee 1` before the script: its launcher
     fails on the default 0.)

DIR holds one folder per class (DIR/<class>/*.png|jpg|...), like the app's
`train --data DIR`. Images are resized to the model's input and normalised with
the training data's own mean/std; the schedule is the app trainer's: SGD with
Nesterov momentum, weight decay, a cosine (or step) learning rate set every step,
random crops with 2 pixels of padding and horizontal flips. --batch is per
process (the global batch is N x --batch). After every epoch rank 0 writes --out
as safetensors with the spec, labels and preprocessing in the metadata, so
`resnext-explorer classify --weights FILE` and the app open it directly.
"""
import argparse
import json
import math
import os
import sys
import time

import torch
import torch.distributed as dist
import torch.nn.functional as F
from PIL import Image
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, Dataset
from torch.utils.data.distributed import DistributedSampler

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import {{MODULE}} as exported  # {{MODULE}}.py, written beside this script  # noqa: E402

EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".webp", ".tif", ".tiff")


def list_folder(root):
    """Classes (sorted sub-folders) and (path, label) pairs, as the app lists an image folder."""
    if not os.path.isdir(root):
        sys.exit("train.py: %s: not a folder" % root)
    classes = sorted(d for d in os.listdir(root) if not d.startswith(".") and os.path.isdir(os.path.join(root, d)))
    files = []
    for label, c in enumerate(classes):
        for name in sorted(os.listdir(os.path.join(root, c))):
            if not name.startswith(".") and name.lower().endswith(EXTENSIONS):
                files.append((os.path.join(root, c, name), label))
    if len(classes) < 2 or not files:
        sys.exit("train.py: %s: needs at least 2 class folders with images" % root)
    return classes, files


def load_image(path, pre, whole=False):
    """[C, H, W] floats in [0, 1]: the whole image resized (training, and kind "small"),
    or the shorter side resized and a centre crop (kind "imagenet")."""
    img = Image.open(path).convert("L" if pre["channels"] == 1 else "RGB")
    size = pre["size"]
    if whole or pre["kind"] == "small":
        if img.size != (size, size):
            img = img.resize((size, size), Image.BILINEAR)
    else:
        w, h = img.size
        s = pre["resize"] / min(w, h)
        img = img.resize((max(size, round(w * s)), max(size, round(h * s))), Image.BILINEAR)
        left, top = (img.size[0] - size) // 2, (img.size[1] - size) // 2
        img = img.crop((left, top, left + size, top + size))
    t = torch.frombuffer(bytearray(img.tobytes()), dtype=torch.uint8)
    return t.reshape(size, size, pre["channels"]).permute(2, 0, 1).float().div_(255.0)


class ImageFolder(Dataset):
    def __init__(self, files, pre, mean, std, augment):
        self.files, self.pre, self.mean, self.std, self.augment = files, pre, mean, std, augment

    def __len__(self):
        return len(self.files)

    def __getitem__(self, i):
        path, label = self.files[i]
        x = load_image(path, self.pre, whole=True)
        if self.augment:  # random crop with 2 pixels of black padding, horizontal flip
            size = x.shape[-1]
            x = F.pad(x, (2, 2, 2, 2))
            dy, dx = torch.randint(0, 5, (2,)).tolist()
            x = x[:, dy:dy + size, dx:dx + size]
            if torch.rand(()) < 0.5:
                x = x.flip(2)
        return (x - self.mean) / self.std, label


def pixel_stats(files, pre, limit):
    """Mean and standard deviation of all pixels (every channel together, as the app's
    trainer) of at most `limit` training images spread evenly over the set."""
    step = max(1, len(files) // max(1, limit))
    total, square, count = 0.0, 0.0, 0
    for path, _ in files[::step]:
        x = load_image(path, pre, whole=True).double()
        total += x.sum().item()
        square += (x * x).sum().item()
        count += x.numel()
    mean = total / count
    return mean, math.sqrt(max(square / count - mean * mean, 1e-6))


def predict(net, folder, pre, device):
    results = []
    paths = sorted(os.path.join(d, f) for d, _, fs in os.walk(folder) for f in fs if f.lower().endswith(EXTENSIONS))
    mean = torch.tensor(pre["mean"]).view(-1, 1, 1)
    std = torch.tensor(pre["std"]).view(-1, 1, 1)
    net.eval()
    with torch.no_grad():
        for path in paths:
            x = ((load_image(path, pre) - mean) / std).unsqueeze(0).to(device)
            logits = net(x)[0].float().cpu()
            p = torch.softmax(logits, 0)
            i = int(p.argmax())
            results.append({"image": path, "index": i, "probability": float(p[i]), "logits": logits.tolist()})
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, help="image folder: DIR/<class>/*.png|jpg")
    ap.add_argument("--out", required=True, help="checkpoint to write (safetensors)")
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--batch", type=int, default=128, help="images per process and step")
    ap.add_argument("--lr", type=float, default=0.1, help="peak learning rate")
    ap.add_argument("--momentum", type=float, default=0.9, help="Nesterov momentum (0 = plain SGD)")
    ap.add_argument("--weight-decay", type=float, default=5e-4)
    ap.add_argument("--schedule", choices=["cosine", "step"], default="cosine",
                    help="cosine: lr * (1 + cos(pi t)) / 2 per step; step: x0.1 at 1/3 and 2/3")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-augment", action="store_true", help="no random crops and flips")
    ap.add_argument("--workers", type=int, default=2, help="data-loading processes per training process")
    ap.add_argument("--stats-images", type=int, default=10000, help="images used to measure mean/std")
    ap.add_argument("--predict", help="after training, classify the images under this folder (rank 0)")
    ap.add_argument("--predictions", help="write --predict's results as JSON here (default: print)")
    args = ap.parse_args()

    distributed = "WORLD_SIZE" in os.environ
    cuda = torch.cuda.is_available()
    if distributed:
        dist.init_process_group("nccl" if cuda else "gloo")
        rank, world = dist.get_rank(), dist.get_world_size()
        local = int(os.environ.get("LOCAL_RANK", 0))
    else:
        rank, world, local = 0, 1, 0
    device = torch.device("cuda", local) if cuda else torch.device("cpu")
    if cuda:
        torch.cuda.set_device(device)

    spec = exported.SPEC
    classes, files = list_folder(args.data)
    if len(classes) != spec["classes"]:
        sys.exit("train.py: %s has %d classes but the model has %d; export with --classes %d"
                 % (args.data, len(classes), spec["classes"], len(classes)))
    pre = dict(exported.PREPROCESSING)
    mean, std = pixel_stats(files, pre, args.stats_images)
    pre["mean"], pre["std"] = [mean] * pre["channels"], [std] * pre["channels"]

    torch.manual_seed(args.seed)  # the same initial weights everywhere (DDP also broadcasts rank 0's)
    net = exported.build_model().to(device)
    model = DistributedDataParallel(net, device_ids=[local] if cuda else None) if distributed else net
    data = ImageFolder(files, pre, mean, std, not args.no_augment)
    sampler = DistributedSampler(data, num_replicas=world, rank=rank, shuffle=True, seed=args.seed) \
        if distributed else None
    torch.manual_seed(args.seed + rank)  # different crops and flips per process
    loader = DataLoader(data, batch_size=args.batch, sampler=sampler, shuffle=sampler is None,
                        num_workers=args.workers, pin_memory=cuda, persistent_workers=args.workers > 0)
    opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum,
                          weight_decay=args.weight_decay, nesterov=args.momentum > 0)
    steps = len(loader)
    total = steps * args.epochs
    done = 0
    if rank == 0:
        print("%s: %d images, %d classes, %d process(es) on %s, %d steps per epoch"
              % (spec_name(), len(files), len(classes), world, device.type, steps), flush=True)
    for epoch in range(1, args.epochs + 1):
        if sampler is not None:
            sampler.set_epoch(epoch)
        model.train()
        start = time.time()
        sums = torch.zeros(3, dtype=torch.float64, device=device)  # loss * n, correct, n
        for x, y in loader:
            t = done / total
            lr = args.lr * 0.5 * (1 + math.cos(math.pi * t)) if args.schedule == "cosine" \
                else args.lr * 0.1 ** math.floor(t * 3)
            for g in opt.param_groups:
                g["lr"] = lr
            x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
            logits = model(x)
            loss = F.cross_entropy(logits, y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            done += 1
            with torch.no_grad():  # accumulated on the device: no synchronisation per step
                sums[0] += loss.detach().double() * len(y)
                sums[1] += (logits.argmax(1) == y).sum()
                sums[2] += len(y)
        if distributed:
            dist.all_reduce(sums)
        if rank == 0:
            print("epoch %d/%d: loss %.4f, train accuracy %.2f%%, %.1f s"
                  % (epoch, args.epochs, sums[0] / sums[2], 100 * sums[1] / sums[2], time.time() - start), flush=True)
            exported.save_safetensors(args.out, net.state_dict(), exported.metadata(classes, pre))
    if rank == 0:
        print("wrote " + args.out, flush=True)
        if args.predict:
            results = {"labels": classes, "results": predict(net, args.predict, pre, device)}
            text = json.dumps(results, indent=1)
            if args.predictions:
                with open(args.predictions, "w") as f:
                    f.write(text)
            else:
                print(text)
    if distributed:
        dist.barrier()
        dist.destroy_process_group()


def spec_name():
    return "{{NAME}}"


if __name__ == "__main__":
    main()
)PY";

const std::set<std::string> kTorchvisionNames = {
    "resnet18",        "resnet34",          "resnet50",         "resnet101",       "resnet152",
    "resnext50_32x4d", "resnext101_32x8d", "resnext101_64x4d", "wide_resnet50_2", "wide_resnet101_2"};

} // namespace

bool torchvisionBuildsDirectly(const ArchSpec &spec)
{
    if (spec.stem != Stem::ImageNet || spec.numStages() != 4 || spec.inChannels != 3 || spec.stemChannels != 64)
        return false;
    for (int i = 0; i < 4; ++i)
        if (spec.stagePlanes(i) != (64 << i))
            return false;
    return spec.block == BlockKind::Basic || spec.expansion == 4;
}

std::string pytorchModelCode(const ArchSpec &original)
{
    const ArchSpec spec = exportedSpec(original);
    const std::string name = describe(spec);
    const bool basic = spec.block == BlockKind::Basic;
    const std::vector<LayerInfo> plan = planLayers(spec);
    std::string build;
    const bool se = spec.seReduction > 0;
    if (torchvisionBuildsDirectly(spec) && !se) {
        build = kDirectBuild;
        build = replaceAll(build, "SAME_AS",
                           kTorchvisionNames.count(name) ? ": the same network as torchvision.models." + name +
                                                               "(weights=None)"
                                                         : "");
    } else {
        build = kSubclassBuild;
        std::vector<std::string> diffs;
        if (spec.stem == Stem::Cifar)
            diffs.push_back("CIFAR stem");
        if (spec.numStages() != 4)
            diffs.push_back(std::to_string(spec.numStages()) + " stages");
        bool defaultPlanes = true;
        std::vector<int> planes;
        for (int i = 0; i < spec.numStages(); ++i) {
            planes.push_back(spec.stagePlanes(i));
            defaultPlanes = defaultPlanes && spec.stagePlanes(i) == (64 << i);
        }
        if (!defaultPlanes)
            diffs.push_back("planes " + intList(planes));
        if (!basic && spec.expansion != 4)
            diffs.push_back("expansion " + std::to_string(spec.expansion));
        if (spec.inChannels != 3)
            diffs.push_back(std::to_string(spec.inChannels) + " input channel(s)");
        if (spec.stemChannels != 64)
            diffs.push_back(std::to_string(spec.stemChannels) + " stem channels");
        if (se)
            diffs.push_back("squeeze-and-excitation, reduction " + std::to_string(spec.seReduction));
        std::string d;
        for (size_t i = 0; i < diffs.size(); ++i)
            d += (i ? ", " : "") + diffs[i];
        build = replaceAll(build, "DIFFERENCES", d);
        build = replaceAll(build, "PLANES", intList(planes));
        build = replaceAll(build, "IN_CHANNELS", std::to_string(spec.inChannels));
        build = replaceAll(build, "STEM_CHANNELS", std::to_string(spec.stemChannels));
        // The stem and the head are the plan's layers, under its names; the stages
        // are torchvision's blocks under the plan's stage names.
        const PythonLayers stem = pythonLayers(plan, LayerRole::Stem), head = pythonLayers(plan, LayerRole::Head);
        build = replaceAll(build, "STEM_MODULES", stem.modules);
        build = replaceAll(build, "STEM_FORWARD", stem.forward);
        build = replaceAll(build, "HEAD_MODULES", head.modules);
        build = replaceAll(build, "HEAD_FORWARD", head.forward);
        std::string stages;
        for (size_t i = 0; i < plan.size(); ++i)
            if (plan[i].block >= 0 && (i == 0 || plan[i - 1].stage != plan[i].stage))
                stages += std::string(stages.empty() ? "" : ", ") + "\"" + plan[i].name.substr(0, plan[i].name.find('.')) + "\"";
        build = replaceAll(build, "STAGE_NAMES", "[" + stages + "]");
        const bool expanded = !basic && spec.expansion != 4;
        build = replaceAll(build, "EXPANSION_CLASS",
                           expanded ? "\n\nclass ExpandedBottleneck(Bottleneck):\n"
                                      "    \"\"\"torchvision's Bottleneck with output channels = planes x " +
                                          std::to_string(spec.expansion) + ".\"\"\"\n    expansion = " +
                                          std::to_string(spec.expansion) + "\n"
                                    : "");
        if (se) {
            std::string seText = kSeClasses;
            seText = replaceAll(seText, "SE_R", std::to_string(spec.seReduction));
            const PythonSe unit = pythonSe(plan);
            seText = replaceAll(seText, "SE_NAMES", unit.names);
            seText = replaceAll(seText, "SE_MODULES", unit.modules);
            seText = replaceAll(seText, "SE_UNIT_FORWARD", unit.forward);
            seText = replaceAll(seText, "SE_ATTR", unit.attr);
            const char *base = expanded ? "ExpandedBottleneck" : basic ? "BasicBlock" : "Bottleneck";
            seText = replaceAll(seText, "SE_BASE", base);
            // The block's residual branch in the plan's order and names (the first
            // block's: every block has the same), up to the BN the SE module follows.
            std::string lastBn, forward;
            for (const LayerInfo &l : plan) {
                if (l.stage != 1 || l.block != 0 ||
                    (l.role != LayerRole::Reduce && l.role != LayerRole::Grouped && l.role != LayerRole::Expand))
                    continue;
                const std::string leaf = blockLeaf(l.name);
                if (l.kind == LayerKind::ReLU) // torchvision's blocks share one ReLU module
                    forward += "        out = self.relu(out)\n";
                else
                    forward += "        out = self." + leaf + "(out)\n";
                if (l.kind == LayerKind::BatchNorm)
                    lastBn = leaf;
            }
            forward.pop_back();
            seText = replaceAll(seText, "SE_LAST_BN", lastBn);
            seText = replaceAll(seText, "SE_FORWARD", forward);
            const auto at = build.find("\n\nclass ExploredResNet");
            build.insert(at, seText);
            build = replaceAll(build, "BLOCK", "SEBlock");
        }
        if (expanded)
            build = replaceAll(build, "BLOCK", "ExpandedBottleneck");
    }
    build = replaceAll(build, "BLOCK", basic ? "BasicBlock" : "Bottleneck");
    build = replaceAll(build, "LAYERS", intList(spec.layers));
    build = replaceAll(build, "CLASSES", std::to_string(spec.numClasses));
    build = replaceAll(build, "GROUPS", std::to_string(basic ? 1 : spec.cardinality));
    build = replaceAll(build, "WIDTH", std::to_string(basic ? 64 : spec.width));

    std::string text = kModelTemplate;
    text = replaceAll(text, "BUILD", build);
    text = replaceAll(text, "EXAMPLE_NAMES", exampleNames(plan));
    text = replaceAll(text, "BLOCK_CLASS", basic ? "BasicBlock" : "Bottleneck");
    text = replaceAll(text, "NAME", name);
    text = replaceAll(text, "VERSION", RESNEXT_VERSION);
    text = replaceAll(text, "FORM_NOTE", formNote(original));
    text = replaceAll(text, "SPEC_JSON", specToJson(spec));
    text = replaceAll(text, "PRE_JSON", toJson(defaultPreprocessing(spec)));
    return text;
}

std::string pytorchTrainScript(const ArchSpec &original, const std::string &moduleName)
{
    if (moduleName.empty() || std::isdigit(static_cast<unsigned char>(moduleName[0])) ||
        moduleName.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != std::string::npos)
        throw Error("out: '" + moduleName + ".py' cannot be imported by train.py; name the model file like model.py (letters, digits, _)");
    const ArchSpec spec = exportedSpec(original);
    std::string text = kTrainTemplate;
    text = replaceAll(text, "NAME", describe(spec));
    text = replaceAll(text, "VERSION", RESNEXT_VERSION);
    text = replaceAll(text, "MODULE", moduleName);
    return text;
}

void writeTextFile(const std::string &path, const std::string &text)
{
    writeFileAtomically(path, text); // O_EXCL temp, fsync, rename; never through a symlink
}

} // namespace resnext
