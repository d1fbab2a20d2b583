"""PyTorch CPU peer of bench/style-speed.ts (issue 13 item 11): the same style-transfer step on the same
network shapes. VGG-19's feature stack up to relu5_1 (random weights: Kaiming-normal fan-out, zero biases,
as ConvKit's randomVgg19Features; timing needs only the shapes), ImageNet input scaling, the content cost at
relu4_2 and Gram matrices at relu1_1 ... relu5_1, optimised on the pixels by L-BFGS (one evaluation per
iteration, no line search, history 50, as ConvKit's styleTransfer) or Adam (lr 0.02).

Prints one JSON line: {"torch", "threads", "size", "optimizer", "steps", "firstSeconds" (building the network,
the targets and the first step), "stepSeconds": [the steps after the first], "totalSeconds"}.
Usage: /usr/bin/python3 bench/peers/style_torch.py --size 256 --threads 1 --steps 6 --optimizer lbfgs
"""
import argparse
import json
import time

import torch
import torch.nn as nn

STAGES = [(2, 64), (2, 128), (4, 256), (4, 512), (4, 512)]
CONTENT_LAYER = 'relu4_2'
STYLE_LAYERS = ['relu1_1', 'relu2_1', 'relu3_1', 'relu4_1', 'relu5_1']


def vgg19_features(up_to='relu5_1'):
    layers, names, channels = [], [], 3
    for s, (convs, width) in enumerate(STAGES):
        for i in range(convs):
            conv = nn.Conv2d(channels, width, 3, padding=1)
            nn.init.kaiming_normal_(conv.weight, mode='fan_out', nonlinearity='relu')
            nn.init.zeros_(conv.bias)
            layers += [conv, nn.ReLU()]
            names += [f'conv{s + 1}_{i + 1}', f'relu{s + 1}_{i + 1}']
            channels = width
        layers.append(nn.MaxPool2d(2, 2))
        names.append(f'pool{s + 1}')
    last = names.index(up_to)
    return nn.ModuleList(layers[: last + 1]), names[: last + 1]


MEAN = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)


def extract(net, names, image, wanted):
    x, out = (image - MEAN) / STD, {}
    for layer, name in zip(net, names):
        x = layer(x)
        if name in wanted:
            out[name] = x
        if len(out) == len(wanted):
            break
    return out


def gram(a):
    _, c, h, w = a.shape
    f = a.reshape(c, h * w)
    return f @ f.t()


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--size', type=int, default=256)
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--steps', type=int, default=6)
    p.add_argument('--optimizer', choices=['lbfgs', 'adam'], default='lbfgs')
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    started = time.perf_counter()
    net, names = vgg19_features()
    for param in net.parameters():
        param.requires_grad_(False)
    h, w = round(args.size * 0.75), args.size
    content, style = torch.rand(1, 3, h, w), torch.rand(1, 3, args.size, args.size)
    with torch.no_grad():
        a_c = extract(net, names, content, {CONTENT_LAYER})[CONTENT_LAYER]
        grams = {k: gram(v) / (v.shape[2] * v.shape[3]) for k, v in extract(net, names, style, set(STYLE_LAYERS)).items()}
    g = content.clone().requires_grad_()
    stamps = []

    def closure():
        if args.optimizer == 'lbfgs':
            g.grad = None
        feats = extract(net, names, g, {CONTENT_LAYER, *STYLE_LAYERS})
        loss = 0.5 * (feats[CONTENT_LAYER] - a_c).pow(2).sum()
        for k in STYLE_LAYERS:
            a = feats[k]
            _, c, fh, fw = a.shape
            loss = loss + 1e4 * (gram(a) - grams[k] * fh * fw).pow(2).sum() / (2 * fh * fw * c) ** 2 / len(STYLE_LAYERS)
        loss.backward()
        stamps.append(time.perf_counter())
        return loss

    if args.optimizer == 'lbfgs':
        opt = torch.optim.LBFGS([g], lr=1, max_iter=args.steps, max_eval=args.steps + 1, tolerance_grad=0, tolerance_change=0, history_size=50)
        opt.step(closure)
    else:
        opt = torch.optim.Adam([g], lr=0.02)
        for _ in range(args.steps):
            opt.zero_grad()
            closure()
            opt.step()
    steps = [b - a for a, b in zip(stamps, stamps[1:])]
    print(json.dumps({'torch': torch.__version__, 'threads': args.threads, 'size': f'{w}x{h}', 'optimizer': args.optimizer, 'steps': len(stamps),
                      'firstSeconds': stamps[0] - started, 'stepSeconds': steps, 'totalSeconds': time.perf_counter() - started}))


if __name__ == '__main__':
    main()
