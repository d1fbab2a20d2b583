// convkit faces enroll | identify | list | remove | calibrate | serve, run as a user would, with the real
// face models on face-api's sample1.jpg (three women): one enrolled from a crop is found again in a
// rescaled, rotated, re-encoded copy of the whole photo, and the other two come back unknown.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { runConvkit } from './helpers/run-cli.js';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { loadCalibration } from '../src/node/calibration-file.js';
import { openSqliteFaceStore } from '../src/node/sqlite-face-store.js';
import { confidenceAt } from '../src/face/distance-confidence.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const SAMPLE = join(root, 'node_modules/@vladmandic/face-api/demo/sample1.jpg');
let dir = '';
let db = '';

const convkit = (...args: string[]) => runConvkit(['faces', ...args], { cwd: root });

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'convkit-faces-cli-'));
  db = join(dir, 'faces.db');
  // The left-hand woman alone, and the whole photo rescaled to 1200 px, turned 4 degrees, re-encoded at quality 80.
  await sharp(SAMPLE).extract({ left: 330, top: 280, width: 340, height: 400 }).jpeg().toFile(join(dir, 'one.jpg'));
  await sharp(SAMPLE).resize(1200).rotate(4, { background: '#fff' }).jpeg({ quality: 80 }).toFile(join(dir, 'group.jpg'));
  await sharp({ create: { width: 200, height: 200, channels: 3, background: '#888' } }).png().toFile(join(dir, 'empty.png'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('convkit faces', () => {
  it('enrols from one photo, refuses photos of several or no faces, identifies, lists and removes', async () => {
    const enrolled = await convkit('enroll', '--db', db, '--name', 'Left Woman', join(dir, 'one.jpg'), '--json');
    assert.equal(enrolled.code, 0, enrolled.stderr);
    assert.deepEqual(JSON.parse(enrolled.stdout), { id: '1', name: 'Left Woman', faces: 1 });

    const several = await convkit('enroll', '--db', db, '--name', 'Group', SAMPLE);
    assert.equal(several.code, 1);
    assert.match(several.stderr, /sample1.jpg': the photo holds 3 faces; enrol from a photo of one person, or pick one \(face 0..2\)/);
    const none = await convkit('enroll', '--db', db, '--name', 'Nobody', join(dir, 'empty.png'));
    assert.deepEqual([none.code, none.stderr.trim()], [1, `convkit: '${join(dir, 'empty.png')}': no face was found in the photo`]);

    const out = join(dir, 'annotated.png');
    const identified = await convkit('identify', '--db', db, join(dir, 'group.jpg'), '--json', '--out', out);
    assert.equal(identified.code, 0, identified.stderr);
    const { faces } = JSON.parse(identified.stdout) as { faces: Array<{ box: number[]; match: { id: string; name: string; distance: number } | null }> };
    assert.equal(faces.length, 3);
    const matched = faces.filter((f) => f.match);
    assert.equal(matched.length, 1, 'the two strangers are unknown');
    assert.deepEqual(Object.keys(matched[0].match!), ['id', 'name', 'distance']);
    assert.deepEqual([matched[0].match!.id, matched[0].match!.name], ['1', 'Left Woman']);
    assert.ok(matched[0].match!.distance < 0.4, `distance ${matched[0].match!.distance}`);
    assert.ok(matched[0].box[0] < 400, 'the match is the left-hand face');
    assert.equal(faces.every((f) => f.box.length === 4), true);
    assert.deepEqual((await sharp(out).metadata()).format, 'png');

    assert.deepEqual(JSON.parse((await convkit('list', '--db', db, '--json')).stdout), { people: [{ id: '1', name: 'Left Woman', faces: 1 }] });
    assert.deepEqual(JSON.parse((await convkit('remove', '--db', db, '--id', '1', '--json')).stdout), { id: '1', name: 'Left Woman', removed: true });
    assert.deepEqual(JSON.parse((await convkit('list', '--db', db, '--json')).stdout), { people: [] });
    const again = await convkit('remove', '--db', db, '--id', '1');
    assert.deepEqual([again.code, again.stderr.trim()], [1, `convkit: no person with id '1' in '${db}'`]);
  });

  it('calibrates from a pairs CSV: EER, threshold at the FAR, the ROC picture', async () => {
    const csv = join(dir, 'pairs.csv');
    writeFileSync(csv, 'distance,same\n0.1,1\n0.2,1\n0.35,1\n0.5,1\n0.3,0\n0.4,0\n0.6,0\n0.7,0\n0.8,0\n');
    const plot = join(dir, 'roc.png');
    const r = await convkit('calibrate', csv, '--far', '0.2', '--json', '--plot', plot);
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout);
    assert.deepEqual([result.pairs, result.samePairs, result.differentPairs, result.threshold, result.far, result.tar], [9, 4, 5, 0.35, 0.2, 0.75]);
    assert.ok(Math.abs(result.eer - 0.25) < 1e-12);
    assert.ok(existsSync(plot));
    const text = await convkit('calibrate', csv, '--far', '0.001');
    assert.match(text.stdout, /note: 5 different-person pairs cannot resolve a FAR of 0.001 \(that needs at least 1000\)/);
  });

  it('keeps a calibration (--save, --db) and verify --calibration adds the confidence', async () => {
    const csv = join(dir, 'pairs-keep.csv');
    writeFileSync(csv, 'distance,same\n0.1,1\n0.2,1\n0.35,1\n0.5,1\n0.3,0\n0.4,0\n0.6,0\n0.7,0\n0.8,0\n');
    const [file, calibrated] = [join(dir, 'calibration.json'), join(dir, 'calibrated.db')];
    const r = await convkit('calibrate', csv, '--far', '0.2', '--json', '--save', file, '--db', calibrated);
    assert.equal(r.code, 0, r.stderr);
    const saved = await loadCalibration(file);
    assert.deepEqual(saved.confidence, JSON.parse(r.stdout).confidence);
    assert.deepEqual([saved.metric, saved.threshold, saved.samePairs], ['euclidean', 0.35, 4]);
    const store = await openSqliteFaceStore(calibrated);
    assert.deepEqual(await store.calibration(), saved);
    await store.close();
    const verified = await convkit('verify', join(dir, 'one.jpg'), join(dir, 'one.jpg'), '--calibration', file, '--json');
    assert.equal(verified.code, 0, verified.stderr);
    const result = JSON.parse(verified.stdout);
    assert.deepEqual(result, { distance: result.distance, threshold: 0.6, same: true, confidence: confidenceAt(saved.confidence, result.distance) });
    const wrong = await convkit('verify', join(dir, 'one.jpg'), join(dir, 'one.jpg'), '--calibration', csv);
    assert.match(wrong.stderr, /loadCalibration: '.*pairs-keep.csv' is not JSON/);
  });

  it('serves: makes an owner-only token on first start, prints it once, and answers with it', async () => {
    const tokenFile = join(dir, 'serve.token');
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'faces', 'serve', '--db', join(dir, 'serve.db'), '--port', '0', '--token-file', tokenFile], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', () => stdout.includes('serving ') && resolve());
        child.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
      });
      const token = /it is printed this once:\n(\S+)\n/.exec(stdout)![1];
      const port = /http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout)![1];
      assert.equal(statSync(tokenFile).mode & 0o777, 0o600);
      const base = `http://127.0.0.1:${port}`;
      assert.equal((await fetch(`${base}/v1/people`)).status, 401);
      const listed = await fetch(`${base}/v1/people`, { headers: { authorization: `Bearer ${token}` } });
      assert.deepEqual(await listed.json(), { people: [] });
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    assert.equal(stdout.split(/\r?\n/).filter((line) => line.length > 30 && !line.includes(' ')).length, 1, 'the token is printed once');
  });

  it('has --help for every subcommand', async () => {
    for (const sub of ['enroll', 'identify', 'list', 'remove', 'serve', 'calibrate']) {
      const r = await convkit(sub, '--help');
      assert.equal(r.code, 0);
      assert.match(r.stdout, new RegExp(`Usage: convkit faces ${sub}`));
      assert.match(r.stdout, /--json|--port/);
    }
  });
});
