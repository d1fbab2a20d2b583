// Checkpoints: model + optimizer state + counters + RNG + user fields in one safetensors file, and crash
// safety: killing a process while it writes a checkpoint leaves a complete earlier one.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Generator, randn, tensor } from '../src/index.js';
import { Conv2d, Linear, Sequential, Flatten } from '../src/nn/index.js';
import { parseCheckpoint, parseSafetensors, serializeCheckpoint, CHECKPOINT_METADATA_KEY } from '../src/io/index.js';
import { loadCheckpoint, saveCheckpoint, saveWeights } from '../src/node/weights-files.js';

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'convkit-checkpoint-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function model(seed: number): Sequential {
  const generator = new Generator(seed);
  return new Sequential(new Conv2d(1, 2, 3, { generator }), new Flatten(), new Linear(8, 2, { generator }));
}

/** What an SGD-with-momentum optimizer's stateDict() would return. */
function optimizerState() {
  const g = new Generator(9);
  return {
    tensors: { '0.weight.momentumBuffer': randn([3, 3, 1, 2], { generator: g }), '2.weight.momentumBuffer': randn([8, 2], { generator: g }) },
    meta: { name: 'SGD', lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-4, stepCount: 120, groups: [{ params: ['0.weight', '2.weight'] }] },
  };
}

describe('checkpoints', () => {
  it('round-trip model, optimizer state, epoch, step, RNG and user fields', async () => {
    const path = join(dir, 'run.safetensors');
    const net = model(1);
    const optim = optimizerState();
    await saveCheckpoint(path, { model: net, optimizerState: optim, epoch: 3, step: 120, rng: { seed: 42, state: [1, 2, 3, 4] }, extra: { bestAccuracy: 0.987, note: 'lenet5' } });
    const back = await loadCheckpoint(path);
    assert.equal(back.epoch, 3);
    assert.equal(back.step, 120);
    assert.deepEqual(back.rng, { seed: 42, state: [1, 2, 3, 4] });
    assert.deepEqual(back.extra, { bestAccuracy: 0.987, note: 'lenet5' });
    assert.deepEqual(Object.keys(back.model).sort(), Object.keys(net.stateDict()).sort());
    for (const [name, t] of Object.entries(net.stateDict())) assert.deepEqual(back.model[name].data, t.data, name);
    assert.deepEqual(back.optimizerState!.meta, optim.meta);
    for (const [name, t] of Object.entries(optim.tensors)) assert.deepEqual(back.optimizerState!.tensors[name].data, t.data, name);

    // Any safetensors reader sees prefixed tensors and string metadata.
    const plain = parseSafetensors(serializeCheckpoint({ model: net, optimizerState: optim, epoch: 3, step: 120 }));
    assert.deepEqual(Object.keys(plain.tensors).sort(), ['model.0.bias', 'model.0.weight', 'model.2.bias', 'model.2.weight', 'optim.0.weight.momentumBuffer', 'optim.2.weight.momentumBuffer']);
    assert.equal(JSON.parse(plain.metadata[CHECKPOINT_METADATA_KEY]).step, 120);
  });

  it('keeps an optimizer state without tensors, and omits the parts that were not given', () => {
    const withEmpty = parseCheckpoint(serializeCheckpoint({ model: { w: tensor([1]) }, optimizerState: { tensors: {}, meta: { lr: 0.1 } }, epoch: 0, step: 0 }));
    assert.deepEqual(withEmpty.optimizerState, { tensors: {}, meta: { lr: 0.1 } });
    const bare = parseCheckpoint(serializeCheckpoint({ model: { w: tensor([1]) }, epoch: 1, step: 10 }));
    assert.deepEqual(Object.keys(bare).sort(), ['epoch', 'model', 'step']);
  });

  it('refuses what JSON would change, bad counters, and files that are not checkpoints', async () => {
    const net = model(1);
    assert.throws(() => serializeCheckpoint({ model: net, optimizerState: { tensors: {}, meta: { lr: NaN } }, epoch: 0, step: 0 }), /saveCheckpoint: optimizer state meta: lr is NaN, which JSON cannot hold/);
    assert.throws(() => serializeCheckpoint({ model: net, optimizerState: { tensors: {}, meta: { buffers: [new Float32Array(2)] } }, epoch: 0, step: 0 }), /meta: buffers\[0\] is a Float32Array; only plain objects/);
    assert.throws(() => serializeCheckpoint({ model: net, epoch: 1.5, step: 0 }), /saveCheckpoint: epoch must be a non-negative integer, got 1\.5/);
    assert.throws(() => serializeCheckpoint({ model: net, epoch: 0, step: -1 }), /saveCheckpoint: step must be a non-negative integer, got -1/);
    assert.throws(() => serializeCheckpoint({ model: { w: [1] as never }, epoch: 0, step: 0 }), /saveCheckpoint: model state 'w' is not a Tensor/);
    const weights = join(dir, 'weights.safetensors');
    await saveWeights(weights, net);
    await assert.rejects(loadCheckpoint(weights), { message: `loadCheckpoint(${weights}): not a ConvKit checkpoint: its metadata has no '${CHECKPOINT_METADATA_KEY}' entry (for a weights file use loadWeights or loadSafetensors)` });
    await assert.rejects(loadCheckpoint(join(dir, 'none.safetensors')), /loadCheckpoint: no such file '.*none\.safetensors'/);
  });
});

describe('crash safety', () => {
  const writer = fileURLToPath(new URL('./fixtures/io/checkpoint-writer.ts', import.meta.url));
  const repoRoot = fileURLToPath(new URL('..', import.meta.url));

  /**
   * Start the writer and resolve when, after `saves` completed saves, it announces the next file write; the
   * latest reported save is read from `lastSaved` after the kill.
   */
  async function startWriter(path: string, firstStep: number, saves: number) {
    const child = spawn(process.execPath, ['--import', 'tsx', writer, path, String(firstStep)], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    const saved: number[] = [];
    let buffered = '';
    child.stdout.setEncoding('utf8');
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: string) => {
        buffered += chunk;
        for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
          const [event, step] = buffered.slice(0, end).split(' ');
          buffered = buffered.slice(end + 1);
          if (event === 'saved') saved.push(Number(step));
          else if (saved.length >= saves) resolve();
        }
      });
      child.on('exit', (code) => reject(new Error(`checkpoint writer exited with ${code} after ${saved.length} saves`)));
    });
    return { child, lastSaved: () => saved[saved.length - 1] };
  }

  it('SIGKILL at random moments while writing leaves a complete earlier checkpoint, never a partial one', async () => {
    const path = join(dir, 'crash.safetensors');
    const g = new Generator(2024);
    let killsMidWrite = 0;
    // Three rounds, more (up to twelve) until a kill has landed inside a write. Writing, flushing and
    // renaming 12 MB takes about 20 ms, so most kills after a random pause land inside; on a loaded machine
    // this process may hear of the write late, so the extra rounds kill the moment they hear of it.
    for (let round = 0; round < 3 || (killsMidWrite === 0 && round < 12); round++) {
      const { child, lastSaved } = await startWriter(path, round * 1000, 1 + g.randint(2));
      await sleep(round < 3 ? g.randint(20) : 0);
      child.kill('SIGKILL');
      await once(child, 'exit');
      const last = lastSaved();

      const temporaries = readdirSync(dir).filter((name) => name.endsWith('.tmp'));
      if (temporaries.length > 0) killsMidWrite++;
      for (const name of temporaries) rmSync(join(dir, name));

      const checkpoint = await loadCheckpoint(path);
      const step = checkpoint.step;
      // The save in flight may have been renamed into place before its "saved" line was printed.
      assert.ok(step === last || step === last + 1, `round ${round}: file holds step ${step}, last reported save was ${last}`);
      assert.equal(checkpoint.epoch, step);
      assert.deepEqual(checkpoint.optimizerState!.meta, { lr: 0.1, step });
      const complete = (values: ArrayLike<number>, expected: number) => Array.prototype.every.call(values, (v: number) => v === expected);
      assert.ok(complete(checkpoint.model.weight.data, step), `round ${round}: model.weight is not all ${step}`);
      assert.ok(complete(checkpoint.model.bias.data, step), `round ${round}: model.bias is not all ${step}`);
      assert.ok(complete(checkpoint.optimizerState!.tensors['weight.momentum'].data, -step), `round ${round}: optimizer tensor is not all ${-step}`);
    }
    // Evidence the kills landed inside a write (its temporary file was left behind), not only between writes.
    assert.ok(killsMidWrite >= 1, 'no kill interrupted a write; the test did not exercise the crash');
  });
});
