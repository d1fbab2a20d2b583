// Weights files on disk: save and load a model, every name/shape/dtype mismatch reported at once, clear
// errors for missing and corrupt files, and atomic writes.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readdirSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator, noGrad, randn, tensor, type Tensor } from '../src/index.js';
import { BatchNorm2d, Conv2d, Flatten, Linear, ReLU, Sequential, type Module } from '../src/nn/index.js';
import { atomicWriteFile } from '../src/node/atomic-write.js';
import { loadSafetensors, loadWeights, saveCheckpoint, saveSafetensors, saveWeights } from '../src/node/weights-files.js';

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'convkit-io-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** conv 3x3 (1 -> 4) + batch norm + linear on 4x4 inputs: parameters and buffers, conv and dense layouts. */
function smallNet(seed: number, convOut = 4, classes = 3): Sequential {
  const generator = new Generator(seed);
  return new Sequential(new Conv2d(1, convOut, 3, { generator }), new BatchNorm2d(convOut), new ReLU(), new Flatten(), new Linear(convOut * 4, classes, { generator }));
}

function snapshot(module: Module): Record<string, number[]> {
  return Object.fromEntries(Object.entries(module.stateDict()).map(([name, t]) => [name, [...t.data]]));
}

function forward(model: Module, x: Tensor): number[] {
  return noGrad(() => [...model.eval().forward(x).data]);
}

describe('saveWeights / loadWeights', () => {
  it('round-trips a model: same state, same outputs', async () => {
    const source = smallNet(1);
    (source.at(1) as BatchNorm2d).runningMean!.data.set([0.5, -1, 2, 0.25]); // buffers travel too
    const path = join(dir, 'net.safetensors');
    await saveWeights(path, source, { model: 'smallNet' });
    const target = smallNet(2);
    assert.notDeepEqual(snapshot(target), snapshot(source));
    const result = await loadWeights(path, target);
    assert.deepEqual(result, { missing: [], unexpected: [], metadata: { model: 'smallNet' } });
    assert.deepEqual(snapshot(target), snapshot(source));
    const x = randn([2, 4, 4, 1], { generator: new Generator(5) });
    assert.deepEqual(forward(target, x), forward(source, x));
  });

  it('lists every missing, unexpected and wrong-shape name in one error and changes nothing', async () => {
    const path = join(dir, 'other.safetensors');
    const saved = smallNet(1).stateDict();
    delete saved['1.runningVar'];
    await saveSafetensors(path, { ...saved, '0.weight': randn([3, 3, 1, 8]), 'head.weight': randn([2, 2]) });
    const target = smallNet(2);
    const before = snapshot(target);
    await assert.rejects(loadWeights(path, target), (error: Error) => {
      assert.match(error.message, new RegExp(`^loadWeights\\('${path.replace(/[.\\/]/g, '\\$&')}'\\): 3 problem\\(s\\) loading into Sequential; nothing was loaded:`));
      assert.match(error.message, /missing '1\.runningVar': the model has it, the saved state does not/);
      assert.match(error.message, /unexpected 'head\.weight' \[2, 2\]: the model has no such tensor/);
      assert.match(error.message, /shape of '0\.weight': saved \[3, 3, 1, 8\], model \[3, 3, 1, 4\]/);
      assert.match(error.message, /strict: false loads the matching names/);
      return true;
    });
    assert.deepEqual(snapshot(target), before);
  });

  it('reports dtype mismatches (float64 weights into a float32 model) instead of converting silently', async () => {
    const path = join(dir, 'f64.safetensors');
    const state = smallNet(1).stateDict();
    await saveSafetensors(path, { ...state, '4.bias': state['4.bias'].to('float64'), '0.bias': state['0.bias'].to('int32') });
    const target = smallNet(2);
    const before = snapshot(target);
    await assert.rejects(loadWeights(path, target), /2 problem\(s\)[^]*dtype of '0\.bias': saved int32, model float32[^]*dtype of '4\.bias': saved float64, model float32/);
    assert.deepEqual(snapshot(target), before);
  });

  it('with strict: false loads the matching names and returns the others; shapes must still match', async () => {
    const path = join(dir, 'partial.safetensors');
    const source = smallNet(1, 4, 10); // a different head: transfer the features only
    const { '4.weight': _w, '4.bias': _b, ...features } = source.stateDict();
    await saveSafetensors(path, { ...features, extra: tensor([1]) });
    const target = smallNet(2, 4, 3);
    const headBefore = [...target.stateDict()['4.weight'].data];
    const result = await loadWeights(path, target, { strict: false });
    assert.deepEqual(result.missing, ['4.weight', '4.bias']);
    assert.deepEqual(result.unexpected, ['extra']);
    assert.deepEqual([...target.stateDict()['0.weight'].data], [...source.stateDict()['0.weight'].data]);
    assert.deepEqual([...target.stateDict()['4.weight'].data], headBefore);
    await saveWeights(path, source);
    await assert.rejects(loadWeights(path, smallNet(2, 4, 3), { strict: false }), /2 problem\(s\)[^]*shape of '4\.weight': saved \[16, 10\], model \[16, 3\]\n  shape of '4\.bias': saved \[10\], model \[3\]/);
  });

  it('loads the model part of a checkpoint', async () => {
    const path = join(dir, 'checkpoint.safetensors');
    const source = smallNet(1);
    await saveCheckpoint(path, { model: source, epoch: 2, step: 40 });
    const target = smallNet(2);
    await loadWeights(path, target);
    assert.deepEqual(snapshot(target), snapshot(source));
  });

  it('a missing file or a corrupt one gives an error naming the path', async () => {
    const missing = join(dir, 'nope.safetensors');
    await assert.rejects(loadWeights(missing, smallNet(1)), { message: `loadSafetensors: no such file '${missing}'` });
    const corrupt = join(dir, 'corrupt.safetensors');
    await saveWeights(corrupt, smallNet(1));
    const whole = readFileSync(corrupt);
    writeFileSync(corrupt, whole.subarray(0, whole.length - 10));
    await assert.rejects(loadWeights(corrupt, smallNet(1)), new RegExp(`^Error: parseSafetensors\\(${corrupt.replace(/[.\\/]/g, '\\$&')}\\): truncated`));
    await assert.rejects(loadSafetensors(dir), /loadSafetensors: cannot read '.*': EISDIR/);
  });
});

describe('atomicWriteFile', () => {
  it('replaces the contents and leaves no temporary file', async () => {
    const path = join(dir, 'atomic', 'file.bin');
    mkdirSync(join(dir, 'atomic'));
    await atomicWriteFile(path, new Uint8Array([1, 2, 3]));
    await atomicWriteFile(path, new Uint8Array([4, 5]));
    assert.deepEqual([...readFileSync(path)], [4, 5]);
    assert.deepEqual(readdirSync(join(dir, 'atomic')), ['file.bin']);
  });

  it("issue 10 case 16: a write removes its target's temporary files left by dead processes, and nothing else", async () => {
    const folder = join(dir, 'stale');
    mkdirSync(folder);
    const dead = spawnSync(process.execPath, ['-e', '']).pid!; // exited: its id names no process now
    const alive = process.ppid;
    const names = {
      deadOurs: `.w.v1.safetensors.${dead}.0123456789ab.tmp`, // a target with dots in its name
      aliveOurs: `.w.v1.safetensors.${alive}.0123456789ab.tmp`, // a write still in progress elsewhere
      deadOtherTarget: `.other.bin.${dead}.0123456789ab.tmp`,
      notOurPattern: `.w.v1.safetensors.${dead}.tmp`,
      userFile: `w.v1.safetensors.${dead}.0123456789ab.tmp`,
    };
    for (const name of Object.values(names)) writeFileSync(join(folder, name), 'x');
    await atomicWriteFile(join(folder, 'w.v1.safetensors'), new Uint8Array([1]));
    const left = readdirSync(folder).sort();
    assert.deepEqual(left, [names.aliveOurs, names.deadOtherTarget, names.notOurPattern, names.userFile, 'w.v1.safetensors'].sort());
  });

  it('on failure removes its temporary file, keeps what was there, and names the path', async () => {
    const folder = join(dir, 'fail');
    mkdirSync(join(folder, 'target'), { recursive: true });
    writeFileSync(join(folder, 'target', 'keep.txt'), 'old');
    const target = join(folder, 'target');
    await assert.rejects(atomicWriteFile(target, new Uint8Array([1])), (error: Error) => {
      assert.match(error.message, new RegExp(`^atomicWriteFile: could not write '${target.replace(/[.\\/]/g, '\\$&')}': .*(EISDIR|ENOTEMPTY|EEXIST)`));
      return true;
    });
    assert.deepEqual(readdirSync(folder), ['target']);
    assert.equal(readFileSync(join(target, 'keep.txt'), 'utf8'), 'old');
    const nowhere = join(dir, 'no-such-dir', 'w.safetensors');
    await assert.rejects(atomicWriteFile(nowhere, new Uint8Array([1])), { message: new RegExp(`could not write '${nowhere.replace(/[.\\/]/g, '\\$&')}': ENOENT`) });
  });
});
