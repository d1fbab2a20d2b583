// convkit viz saliency|gradcam|occlusion (issue 13 viz items 4 and 6): each writes the overlay PNG at the
// model's input size and prints {files, figures}, whose class and score are the library's on the same model
// and image; --help names the options; a missing or unknown layer is a clear error.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator, rand } from '../src/index.js';
import { loadModelArgument, readImage, readImageSize, writeImage } from '../src/node/index.js';
import { gradCam, occlusion, smoothGrad } from '../src/viz/index.js';
import { lastJson, runConvkit } from './helpers/run-cli.js';

interface VizJson {
  files: string[];
  figures: { model: string; method: string; layer?: string; target: number; score: number; inputShape: number[]; mapShape: number[]; peak: number[] };
}

let dir = '';
let digit = '';
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'convkit-viz-attribution-'));
  digit = join(dir, 'digit.png');
  await writeImage(digit, rand([28, 28, 1], { generator: new Generator(3) }));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** The library's answer on the model and image the CLI reads (lenet5, seed 0, the PNG as decoded). */
async function library() {
  const model = await loadModelArgument('lenet5', { seed: 0 });
  const x = model.prepare((await readImage(digit, { size: [28, 28], channels: 1, fit: 'cover' })).unsqueeze(0));
  return { model, x };
}

describe('convkit viz saliency|gradcam|occlusion', () => {
  it('gradcam writes the overlay and prints the class, score and layer map of the library', async () => {
    const out = join(dir, 'cam.png');
    const r = await runConvkit(['viz', 'gradcam', 'lenet5', digit, '--layer', 'features.conv2', '--out', out, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const { files, figures } = lastJson<VizJson>(r.stdout);
    assert.deepEqual(files, [out]);
    assert.deepEqual(await readImageSize(out), { width: 28, height: 28 });
    const { model, x } = await library();
    const expected = gradCam(model.module, x, 'features.conv2');
    assert.equal(figures.target, expected.target);
    assert.equal(figures.score, expected.score);
    assert.deepEqual(figures.mapShape, [10, 10]);
    assert.equal(figures.layer, 'features.conv2');
    assert.deepEqual(figures.inputShape, [28, 28, 1]);
  });

  it('saliency --smooth runs SmoothGrad with the noise seed; occlusion takes a window, stride and target', async () => {
    const smooth = await runConvkit(['viz', 'saliency', 'lenet5', digit, '--smooth', '4', '--noise-seed', '2', '--out', join(dir, 's.png'), '--json']);
    assert.equal(smooth.code, 0, smooth.stderr);
    const { model, x } = await library();
    const s = smoothGrad(model.module, x, { samples: 4, seed: 2 });
    const peak = s.map.toFlatArray().indexOf(Math.max(...s.map.toFlatArray()));
    assert.deepEqual(lastJson<VizJson>(smooth.stdout).figures.peak, [Math.floor(peak / 28), peak % 28]);
    assert.equal(lastJson<VizJson>(smooth.stdout).figures.method, 'smoothgrad');

    const occ = await runConvkit(['viz', 'occlusion', 'lenet5', digit, '--window', '7', '--stride', '7', '--target', '3', '--out', join(dir, 'o.png'), '--json']);
    assert.equal(occ.code, 0, occ.stderr);
    const o = occlusion(model.module, x, { window: 7, stride: 7, target: 3 });
    const { figures } = lastJson<VizJson>(occ.stdout);
    assert.equal(figures.target, 3);
    assert.equal(figures.score, o.score);
  });

  it('--help names each subcommand\'s options', async () => {
    for (const [sub, option] of [['saliency', '--smooth'], ['gradcam', '--layer'], ['occlusion', '--window']]) {
      const r = await runConvkit(['viz', sub, '--help']);
      assert.equal(r.code, 0, r.stderr);
      for (const o of [option, '--target', '--out', '--json', '--list-layers']) assert.match(r.stdout, new RegExp(o), `${sub} --help lacks ${o}`);
    }
  });

  it('--list-layers needs no image or layer; without them otherwise, or with an unknown layer, it says so', async () => {
    const list = await runConvkit(['viz', 'gradcam', 'lenet5', '--list-layers']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /features\.conv2 /);
    const noImage = await runConvkit(['viz', 'occlusion', 'lenet5']);
    assert.notEqual(noImage.code, 0);
    assert.match(noImage.stderr, /missing required argument 'image'/);
    const missing = await runConvkit(['viz', 'gradcam', 'lenet5', digit]);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /required option '--layer <name>' not specified/);
    const unknown = await runConvkit(['viz', 'gradcam', 'lenet5', digit, '--layer', 'conv9', '--out', join(dir, 'x.png')]);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /gradCam: no layer named "conv9" in the model; its layers are: features, features\.conv1/);
  });
});
