// TinyYolo: output shape per stride, option errors, and a smoke training run: the region loss falls on a
// fixed batch of one bright square per image (a few steps; full training belongs in examples/benchmarks).
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { Adam, manualSeed, zeros } from '../src/index.js';
import { TinyYolo, YoloLoss } from '../src/detect/index.js';

it('TinyYolo maps [N, H, W, 3] to [N, H / 2^depth, W / 2^depth, B * (5 + C)]', () => {
  const model = new TinyYolo({ numClasses: 2, width: 0.25, depth: 3, anchors: [[1, 1], [2, 2]] });
  assert.equal(model.stride, 8);
  assert.deepEqual(model.forward(zeros([1, 32, 48, 3])).shape, [1, 4, 6, 14]);
  assert.throws(() => model.forward(zeros([1, 30, 32, 3])), /TinyYolo: expects images \[N, H, W, C\] with H and W multiples of the stride 8, got \[1, 30, 32, 3\]/);
  assert.throws(() => new TinyYolo({ numClasses: 2, depth: 9 }), /TinyYolo: depth must be an integer 1..6, got 9/);
  assert.throws(() => new TinyYolo({ numClasses: 0 }), /TinyYolo: numClasses must be a positive integer, got 0/);
});

it('a few training steps lower the region loss', () => {
  manualSeed(1);
  const model = new TinyYolo({ numClasses: 1, width: 0.25, depth: 3, anchors: [[1, 1], [2, 2]] });
  const images = zeros([4, 32, 32, 3]);
  const gt = [0, 1, 2, 3].map((i) => {
    const [x0, y0] = [4 + 5 * i, 20 - 4 * i];
    for (let y = y0; y < y0 + 8; y++) for (let x = x0; x < x0 + 8; x++) images.data.fill(1, ((i * 32 + y) * 32 + x) * 3, ((i * 32 + y) * 32 + x) * 3 + 3);
    return { boxes: [[(x0 + 4) / 32, (y0 + 4) / 32, 8 / 32, 8 / 32]], classes: [0] };
  });
  const loss = new YoloLoss([model.scale], { ...model.spec, warmupImages: 0 });
  const opt = new Adam(model.parameters(), { lr: 3e-3 });
  const losses: number[] = [];
  for (let step = 0; step < 30; step++) {
    opt.zeroGrad();
    const r = loss.forward(model.forward(images), gt);
    r.loss.backward();
    opt.step();
    losses.push(r.loss.item());
  }
  assert.ok(losses.every(Number.isFinite), `losses ${losses.join(', ')}`);
  assert.ok(losses[29] < 0.5 * losses[0], `loss ${losses[0]} -> ${losses[29]}`);
});
