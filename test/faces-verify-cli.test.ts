// convkit faces verify IMAGE_A IMAGE_B --json: the contract {"distance","threshold","same"} on crops of a
// face-api sample photo (one woman, her crop re-encoded and shrunk, another woman), and its clear errors.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const root = fileURLToPath(new URL('..', import.meta.url));
const SAMPLE = join(root, 'node_modules/@vladmandic/face-api/demo/sample1.jpg');
let dir = '';

function convkit(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'faces', 'verify', ...args], { cwd: root }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'convkit-faces-verify-'));
  // sample1's faces are near x 414-591 (left) and 1476-1679 (right), y 200-600.
  await sharp(SAMPLE).extract({ left: 300, top: 250, width: 400, height: 450 }).png().toFile(join(dir, 'left.png'));
  await sharp(SAMPLE).extract({ left: 300, top: 250, width: 400, height: 450 }).resize(300).jpeg({ quality: 70 }).toFile(join(dir, 'left-small.jpg'));
  await sharp(SAMPLE).extract({ left: 1380, top: 120, width: 400, height: 450 }).png().toFile(join(dir, 'right.png'));
  writeFileSync(join(dir, 'not-an-image.png'), 'hello');
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('convkit faces verify', () => {
  it('the same woman: same, below dlib\'s 0.6; two women: different; exactly the contract\'s keys', async () => {
    const same = await convkit(join(dir, 'left.png'), join(dir, 'left-small.jpg'), '--json');
    assert.equal(same.code, 0, same.stderr);
    const s = JSON.parse(same.stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(s), ['distance', 'threshold', 'same']);
    assert.equal(s.threshold, 0.6);
    assert.equal(s.same, true);
    assert.ok((s.distance as number) < 0.3, `distance ${s.distance}`);
    const other = JSON.parse((await convkit(join(dir, 'left.png'), join(dir, 'right.png'), '--json')).stdout) as { distance: number; same: boolean };
    assert.equal(other.same, false);
    assert.ok(other.distance > 0.6);
  });

  it('a photo with several faces needs --face-a/--face-b; a file that is not an image is named', async () => {
    const several = await convkit(SAMPLE, join(dir, 'left.png'));
    assert.equal(several.code, 1);
    assert.match(several.stderr, /sample1\.jpg': the photo holds 3 faces/);
    const picked = await convkit(SAMPLE, join(dir, 'left.png'), '--face-a', '0', '--metric', 'cosine', '--json');
    assert.equal(picked.code, 0, picked.stderr);
    assert.equal((JSON.parse(picked.stdout) as { threshold: number }).threshold, 0.07);
    const bad = await convkit(join(dir, 'not-an-image.png'), join(dir, 'left.png'));
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /not-an-image\.png'/);
  });
});
