#!/usr/bin/env python3
"""PyTorch fixtures for test/import-torch-outputs.test.ts (run once, outputs committed: CI has no PyTorch).

For each net: its state dict as PyTorch holds it (OIHW convolutions, [out, in] dense weights, batch-norm
buffers) and PyTorch's outputs on a fixed input, as one safetensors file: the state dict's names as they
are, plus 'expected.output' (the logits) under test/fixtures/torch/<net>.safetensors. The input is made by
a formula both sides compute exactly: x_nhwc[i] = ((i * 7919) % 1000) / 500 - 1, i the NHWC index.
The nets: a small Conv -> ReLU -> MaxPool -> Flatten -> Linear, LeNet-5 (ConvKit's names) and
torchvision-shaped AlexNet and VGG-11 at 1/32 of their widths (torchvision's layer indices and names).

    /usr/bin/python3 scripts/make-torch-fixtures.py   # Debian's python3-torch
"""
import json
import os
import struct
from collections import OrderedDict

import torch
from torch import nn

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'torch')


def formula_input(n, h, w, c):
    i = torch.arange(n * h * w * c, dtype=torch.int64)
    nhwc = (((i * 7919) % 1000).to(torch.float64) / 500 - 1).to(torch.float32).reshape(n, h, w, c)
    return nhwc.permute(0, 3, 1, 2).contiguous()


def small_net():
    return nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(4 * 3 * 3, 5))


class LeNet5(nn.Module):
    """ConvKit's lenet5({ inputSize: 32 }): 'valid' convolutions, ReLU, max pooling."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(OrderedDict(
            conv1=nn.Conv2d(1, 6, 5), act1=nn.ReLU(), pool1=nn.MaxPool2d(2),
            conv2=nn.Conv2d(6, 16, 5), act2=nn.ReLU(), pool2=nn.MaxPool2d(2)))
        self.classifier = nn.Sequential(OrderedDict(
            flatten=nn.Flatten(), fc1=nn.Linear(400, 120), act3=nn.ReLU(), fc2=nn.Linear(120, 84), act4=nn.ReLU(), fc3=nn.Linear(84, 10)))

    def forward(self, x):
        return self.classifier(self.features(x))


class AlexNet(nn.Module):
    """torchvision.models.AlexNet with every width divided by 32 (ConvKit: widthMultiplier 1/32)."""

    def __init__(self, c=(2, 6, 12, 8, 8), hidden=8, classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, c[0], 11, stride=4, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
            nn.Conv2d(c[0], c[1], 5, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
            nn.Conv2d(c[1], c[2], 3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(c[2], c[3], 3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(c[3], c[4], 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2))
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = nn.Sequential(
            nn.Dropout(0.5), nn.Linear(c[4] * 6 * 6, hidden), nn.ReLU(inplace=True),
            nn.Dropout(0.5), nn.Linear(hidden, hidden), nn.ReLU(inplace=True), nn.Linear(hidden, classes))

    def forward(self, x):
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


class VGG11(nn.Module):
    """torchvision.models.vgg11 with every width divided by 32 (ConvKit: widthMultiplier 1/32)."""

    def __init__(self, hidden=8, classes=10):
        super().__init__()
        layers, channels = [], 3
        for v in [2, 'M', 4, 'M', 8, 8, 'M', 16, 16, 'M', 16, 16, 'M']:
            if v == 'M':
                layers.append(nn.MaxPool2d(2, 2))
            else:
                layers += [nn.Conv2d(channels, v, 3, padding=1), nn.ReLU(inplace=True)]
                channels = v
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(16 * 7 * 7, hidden), nn.ReLU(True), nn.Dropout(), nn.Linear(hidden, hidden), nn.ReLU(True), nn.Dropout(), nn.Linear(hidden, classes))

    def forward(self, x):
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


def save_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        data = t.detach().contiguous().to(torch.float32).numpy().tobytes()
        header[name] = {'dtype': 'F32', 'shape': list(t.shape), 'data_offsets': [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(',', ':')).encode()
    text += b' ' * (-len(text) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)) + text + b''.join(blobs))


def main():
    os.makedirs(OUT, exist_ok=True)
    nets = {
        'small-net': (small_net, (2, 8, 8, 3)),
        'lenet5': (LeNet5, (2, 32, 32, 1)),
        'alexnet': (AlexNet, (1, 224, 224, 3)),
        'vgg11': (VGG11, (1, 224, 224, 3)),
    }
    for seed, (name, (make, shape)) in enumerate(nets.items()):
        torch.manual_seed(seed)
        model = make().eval()
        with torch.no_grad():
            for p in model.parameters():  # larger than the default init, so a wrong order shows plainly
                p.uniform_(-0.5, 0.5)
            output = model(formula_input(*shape))
        tensors = dict(model.state_dict())
        tensors['expected.output'] = output
        save_safetensors(os.path.join(OUT, f'{name}.safetensors'), tensors)
        print(name, tuple(output.shape), sum(t.numel() for t in tensors.values()), 'values')


if __name__ == '__main__':
    main()
