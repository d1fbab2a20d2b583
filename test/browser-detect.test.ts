// detect() with the tiny face detector in headless Chromium (test/browser/detect-page.ts), once cross-origin
// isolated (two threads) and once without COOP/COEP (one thread): the page fetches face-api's weights with
// faceApiWeightsFromUrl and the photo's pixels, decoded once here, so its boxes must equal Node's on the
// same pixels within 1e-3 px and its scores within 1e-5.
import { after, before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { detect, tinyFaceDetector, TINY_FACE_DETECTOR_MODEL, type DetectedBox } from '../src/detect/index.js';
import { faceApiModelDir, loadFaceApiWeights, readRawImage } from '../src/node/index.js';
import type { RawImage } from '../src/data/image.js';
import { hasChromium, launchChromium } from './browser/launch-chromium.js';
import { buildPage, servePage, type PageServer } from './browser/serve-page.js';
import type { DetectPageOutcome } from './browser/detect-page.js';

const PAGE_TIMEOUT_MS = 30_000;
const PHOTO = 'node_modules/@vladmandic/face-api/demo/sample1.jpg';
const SIZE = 416;
const CONF = 0.3;

describe('browser: detect() with the tiny face detector in headless Chromium', { skip: !hasChromium() && 'chromium not installed: apt-get install chromium' }, () => {
  let outDir = '';
  let server: PageServer | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let photo: RawImage;
  let expected: DetectedBox[] = [];

  before(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'convkit-browser-detect-'));
    await buildPage(outDir);
    server = await servePage(outDir);
    photo = await readRawImage(PHOTO, { channels: 3 });
    expected = detect(tinyFaceDetector(await loadFaceApiWeights(TINY_FACE_DETECTOR_MODEL)), photo, { size: SIZE, conf: CONF });
    browser = await launchChromium();
    context = await browser.newContext();
    // The model folder and the pixels, same-origin under both page prefixes.
    const modelDir = faceApiModelDir();
    await context.route(/\/(isolated|plain)\/model\/[^/]+$/, (route) =>
      route.fulfill({ path: join(modelDir, basename(new URL(route.request().url()).pathname)) }).catch(() => route.fulfill({ status: 404 })),
    );
    await context.route(/\/(isolated|plain)\/photo\.rgb$/, (route) => route.fulfill({ body: Buffer.from(photo.data) }));
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it("Node's detections are a fair reference: faces found, none near the threshold", () => {
    assert.ok(expected.length >= 3, `Node found ${expected.length} faces on ${PHOTO}`);
    for (const d of expected) assert.ok(Math.abs(d.score - CONF) > 1e-3, `score ${d.score} too close to conf ${CONF} to compare counts`);
  });

  async function runPage(mode: 'isolated' | 'plain', t: TestContext): Promise<DetectedBox[]> {
    const page = await context!.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (msg) => msg.type() === 'error' && pageErrors.push(msg.text()));
    try {
      await page.goto(`${server!.url(mode)}detect.html?width=${photo.width}&height=${photo.height}&size=${SIZE}&conf=${CONF}`);
      const handle = await page.waitForFunction(() => window.__convkitDetect, undefined, { timeout: PAGE_TIMEOUT_MS });
      const outcome = (await handle.jsonValue()) as DetectPageOutcome;
      if ('error' in outcome) assert.fail(`page (${mode}) failed: ${outcome.error}`);
      assert.deepEqual(pageErrors, [], `page (${mode}) logged errors`);
      t.diagnostic(`${mode}: backend ${outcome.backend}, ${outcome.threads} thread(s), ${outcome.detections.length} faces`);
      assert.equal(outcome.backend, 'wasm');
      assert.equal(outcome.threads, mode === 'isolated' ? 2 : 1);
      return outcome.detections;
    } finally {
      await page.close();
    }
  }

  function assertSameDetections(got: DetectedBox[], where: string, t: TestContext): void {
    assert.equal(got.length, expected.length, `${where}: ${got.length} faces, Node ${expected.length}`);
    const worst = (f: (d: DetectedBox, k: number) => number) => Math.max(...got.map(f));
    t.diagnostic(
      `${where}: largest difference from Node: box ${worst((d, k) => Math.max(...d.box.map((v, j) => Math.abs(v - expected[k].box[j])))).toExponential(2)} px, ` +
        `score ${worst((d, k) => Math.abs(d.score - expected[k].score)).toExponential(2)}`,
    );
    got.forEach((d, k) => {
      const want = expected[k];
      assert.equal(d.label, want.label);
      assert.equal(d.classId, want.classId);
      assert.ok(Math.abs(d.score - want.score) <= 1e-5, `${where} face ${k}: score ${d.score} vs Node ${want.score}`);
      d.box.forEach((v, j) => assert.ok(Math.abs(v - want.box[j]) <= 1e-3, `${where} face ${k} coordinate ${j}: ${v} vs Node ${want.box[j]}`));
    });
  }

  it('a cross-origin isolated page (two threads) gives Node\'s boxes', async (t) => {
    assertSameDetections(await runPage('isolated', t), 'isolated page', t);
  });

  it('a page without COOP/COEP (one thread) gives Node\'s boxes', async (t) => {
    assertSameDetections(await runPage('plain', t), 'plain page', t);
  });
});
