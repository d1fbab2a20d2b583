"""PyTorch CPU peer of `npm run bench` (bench/peers/pytorch.ts): one benchmark case, run on request.

stdin: one JSON header line ({"kind", "threads", "tensors": [{"name", "shape", "dtype"}], and the case's
settings}), then each tensor's raw little-endian bytes in the header's order (bench/peers/torch-payload.ts
writes them in PyTorch's layouts), then commands, one a line:
  run     one timed run (inference under no_grad, or one training step); answers "done"
  output  one run, answering "output <dims as JSON>" and the result's float32 bytes
Answers "ready" once the case is built, "error <message>" if it cannot be. Ends at end of input.
Usage: /usr/bin/python3 bench/peers/torch_case.py   (fed by the bench; not run by hand)
"""
import json
import math
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

DTYPES = {'float32': torch.float32, 'int32': torch.int32}


def read_tensors(stream, specs):
    tensors = {}
    for spec in specs:
        count = math.prod(spec['shape'])
        raw = stream.read(4 * count)
        if len(raw) != 4 * count:
            raise ValueError(f"tensor {spec['name']}: expected {4 * count} bytes, got {len(raw)}")
        tensors[spec['name']] = torch.frombuffer(bytearray(raw), dtype=DTYPES[spec['dtype']]).reshape(spec['shape'])
    return tensors


def lenet5():
    """ConvKit's lenet5(): 28x28 input, conv1 padded 'same', ReLU, max pooling."""
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def optimizer_for(model, spec):
    if spec['name'] == 'adam':
        return torch.optim.Adam(model.parameters(), lr=spec['lr'])
    return torch.optim.SGD(model.parameters(), lr=spec['lr'], momentum=spec['momentum'])


def training_step(model, spec, x, y):
    model.train()
    optimizer = optimizer_for(model, spec)
    labels = y.long()

    def step():
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), labels)
        loss.backward()
        optimizer.step()
        return None
    return step


def inference(fn):
    def run():
        with torch.no_grad():
            return fn()
    return run


def build(header, t):
    """The case as a function: returns the output tensor (inference) or None (a training step)."""
    kind = header['kind']
    if kind == 'conv':
        layers = [(t[f'w{i}'], t[f'b{i}'], layer['padding'], layer['groups']) for i, layer in enumerate(header['layers'])]

        def chain():
            y = t['x']
            for w, b, padding, groups in layers:
                y = F.conv2d(y, w, b, padding=padding, groups=groups)
            return y
        return inference(chain)
    if kind == 'maxPool':
        return inference(lambda: F.max_pool2d(t['x'], header['window']))
    if kind == 'sgemm':
        return inference(lambda: t['a'] @ t['b'])
    if kind == 'resnet18':
        model = torchvision.models.resnet18().eval()
        state = {k: v for k, v in t.items() if k != 'x'}
        missing, unexpected = model.load_state_dict(state, strict=False)
        if unexpected or any(not k.endswith('num_batches_tracked') for k in missing):
            raise ValueError(f'resnet18 state dict: missing {missing}, unexpected {unexpected}')
        return inference(lambda: model(t['x']))
    if kind == 'trainLenet':
        return training_step(lenet5(), header['optimizer'], t['x'], t['y'])
    if kind == 'trainModel':
        make = {'resnet18': torchvision.models.resnet18, 'mobilenetV2': torchvision.models.mobilenet_v2}[header['model']]
        return training_step(make(num_classes=10), header['optimizer'], t['x'], t['y'])
    raise ValueError(f'unknown case kind {kind!r}')


def main():
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    header = json.loads(stdin.readline())
    torch.set_num_threads(header['threads'])
    torch.manual_seed(0)
    try:
        run = build(header, read_tensors(stdin, header['tensors']))
    except Exception as e:  # reported to the bench as the row's skip reason
        message = f'{type(e).__name__}: {e}'.replace('\n', ' ')
        stdout.write(f'error {message}\n'.encode())
        stdout.flush()
        return
    stdout.write(b'ready\n')
    stdout.flush()
    for line in stdin:
        command = line.strip()
        if command == b'run':
            run()
            stdout.write(b'done\n')
        elif command == b'output':
            y = run().contiguous()
            stdout.write(f'output {json.dumps(list(y.shape))}\n'.encode() + y.numpy().astype('<f4').tobytes())
        stdout.flush()


if __name__ == '__main__':
    main()
