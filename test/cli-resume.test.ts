// convkit train --checkpoint/--resume/--log after a real SIGKILL in the middle of a checkpoint write
// (issue 10, cases 13, 14 and 16): the checkpoint keeps the previous epoch, --resume refuses other settings
// unless --resume-anyway, the log lists each epoch once, and the killed write's temporary file is removed.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastJson, runConvkit } from './helpers/run-cli.js';
import sharp from 'sharp';
import { loadCheckpoint } from '../src/node/weights-files.js';

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'convkit-resume-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const env = { CONVKIT_BACKEND: 'js' };
const killer = ['--import', './test/fixtures/process/kill-before-rename.ts'];

it('a kill during epoch 2\'s checkpoint write: --resume refuses other settings, resumes the same run, logs each epoch once, removes the stale temporary file', async () => {
  const checkpoint = join(dir, 'run.ckpt');
  const log = join(dir, 'run.jsonl');
  const run = ['train', 'lenet5', '--limit', '32', '--batch-size', '32', '--checkpoint', checkpoint, '--log', log, '--no-progress', '--json'];
  const epochLines = async () => (await readFile(log, 'utf8')).trim().split('\n').map((line) => JSON.parse(line)).filter((r) => r.event === 'epoch').map((r) => r.epoch);
  const temporaries = async () => (await readdir(dir)).filter((name) => name.startsWith('.run.ckpt.') && name.endsWith('.tmp'));

  const killed = await runConvkit([...run, '--epochs', '3'], { env: { ...env, KILL_BEFORE_RENAME: 'run.ckpt:2' }, nodeArgs: killer });
  assert.notEqual(killed.code, 0, 'the run was killed');
  assert.equal((await loadCheckpoint(checkpoint)).epoch, 1, 'the checkpoint still holds epoch 1');
  assert.deepEqual(await epochLines(), [1, 2], 'epoch 2 was logged before its checkpoint write was killed');
  assert.equal((await temporaries()).length, 1, "the killed write's temporary file is left");

  // Case 13: other settings are refused, every difference listed, on one line. The other data set is a
  // folder of 28x28 gray images (Fashion-MNIST would do as well, where its Debian package is installed).
  const folder = join(dir, 'pets');
  for (const name of ['cat', 'dog']) {
    await mkdir(join(folder, name), { recursive: true });
    for (let i = 0; i < 5; i++) await sharp(Buffer.alloc(28 * 28, 40 * i), { raw: { width: 28, height: 28, channels: 1 } }).png().toFile(join(folder, name, `${i}.png`));
  }
  const other = await runConvkit(['train', 'lenet5', '--dataset', folder, '--limit', '16', '--seed', '7', '--batch-size', '32', '--epochs', '2', '--checkpoint', checkpoint, '--resume', '--no-progress'], { env });
  assert.equal(other.code, 1);
  assert.match(
    other.stderr,
    /^convkit: --resume: '.*run\.ckpt' was saved by a run with other settings: --dataset: mnist in the checkpoint, .*pets now; --classes: \["0","1","2","3","4","5","6","7","8","9"\] in the checkpoint, \["cat","dog"\] now; --val-fraction: not given in the checkpoint, 0\.2 now; --limit: 32 in the checkpoint, 16 now; --seed: 0 in the checkpoint, 7 now; --epochs: 3 in the checkpoint, 2 now\. Give the same settings, or pass --resume-anyway to continue it with these\n$/,
  );
  assert.equal((await loadCheckpoint(checkpoint)).epoch, 1, 'a refused resume leaves the checkpoint as it was');

  // Case 14 and 16: the same settings resume from epoch 1; the log lists epochs 1, 2, 3 once each.
  const resumed = await runConvkit([...run, '--epochs', '3', '--resume'], { env });
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal(lastJson(resumed.stdout).epochs, 3);
  assert.deepEqual(await epochLines(), [1, 2, 3]);
  assert.deepEqual(await temporaries(), [], 'the next write to the checkpoint removed the dead process\'s temporary file');

  // Epochs count the whole run: fewer than were done is refused even with --resume-anyway; more continue it.
  const fewer = await runConvkit([...run, '--epochs', '2', '--resume-anyway'], { env });
  assert.equal(fewer.code, 1);
  assert.match(fewer.stderr, /^convkit: fit \(resumeFrom\): the checkpoint has trained 3 epochs, more than the 2 asked for \(epochs counts every epoch of the run, those done included\)\n$/);
  assert.match((await runConvkit([...run, '--epochs', '4', '--resume'], { env })).stderr, /--epochs: 3 in the checkpoint, 4 now\. Give the same settings, or pass --resume-anyway/);
  const more = await runConvkit([...run, '--epochs', '4', '--resume-anyway'], { env });
  assert.equal(more.code, 0, more.stderr);
  assert.equal(lastJson(more.stdout).epochs, 4, 'asked for 4 epochs, reports 4');
  assert.deepEqual(await epochLines(), [1, 2, 3, 4]);
});
