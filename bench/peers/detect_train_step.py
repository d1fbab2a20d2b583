# The PyTorch peer of bench/detect-train-step.ts: the same Tiny-YOLO (convkit's TinyYolo: 3x3 conv without
# bias + batch norm + leaky ReLU 0.1 stages of round(16 * 2^k * width) filters, 2x2 max pools between them,
# a 3x3 conv of twice the last stage's filters, a 1x1 head to anchors x (5 + classes)), the same batch and
# input size, Adam, and the same surrogate loss (mean squared head output), on the CPU.
#   /usr/bin/python3 bench/peers/detect_train_step.py --size 128 --batch 16 --width 0.5 --depth 4 --threads 2
# Prints one JSON line: {"torch", "imagesPerSecond", "msPerStep", "steps"}.
import argparse
import json
import time

import torch
from torch import nn

parser = argparse.ArgumentParser()
parser.add_argument('--size', type=int, default=128)
parser.add_argument('--batch', type=int, default=16)
parser.add_argument('--width', type=float, default=0.5)
parser.add_argument('--depth', type=int, default=4)
parser.add_argument('--classes', type=int, default=10)
parser.add_argument('--anchors', type=int, default=5)
parser.add_argument('--threads', type=int, default=2)
parser.add_argument('--warmup', type=int, default=3)
parser.add_argument('--steps', type=int, default=10)
args = parser.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(0)


def block(c_in, c_out):
    return [nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.LeakyReLU(0.1)]


layers = []
c = 3
for k in range(args.depth + 1):
    f = max(4, round(16 * 2 ** k * args.width))
    layers += block(c, f)
    c = f
    if k < args.depth:
        layers.append(nn.MaxPool2d(2, 2))
layers += block(c, 2 * c)
layers.append(nn.Conv2d(2 * c, args.anchors * (5 + args.classes), 1))
model = nn.Sequential(*layers).train()
optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
images = torch.rand(args.batch, 3, args.size, args.size)


def step():
    optimizer.zero_grad()
    loss = model(images).square().mean()
    loss.backward()
    optimizer.step()


for _ in range(args.warmup):
    step()
times = []
for _ in range(args.steps):
    start = time.perf_counter()
    step()
    times.append(time.perf_counter() - start)
median = sorted(times)[len(times) // 2]
print(json.dumps({'torch': torch.__version__, 'imagesPerSecond': args.batch / median, 'msPerStep': median * 1000, 'steps': args.steps}))
