// ConvKit in a browser: the test page (test/browser/) is built with Vite, served on 127.0.0.1 and run in
// headless Chromium, once cross-origin isolated (wasm kernels on two threads) and once without COOP/COEP
// (no SharedArrayBuffer: one thread), each time on the page's main thread and in a dedicated worker.
// conv2d forward and gradients must match Node's to float32 accuracy.
import { after, before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { getBackend, setBackend } from '../src/index.js';
import { ready } from '../src/backend/wasm/index.js';
import { CONV_CASES, runConvCases, type ConvCaseResult } from './browser/conv-cases.js';
import { hasChromium, launchChromium } from './browser/launch-chromium.js';
import type { PageOutcome, PageResult, ThreadResult } from './browser/page-result.js';
import { buildPage, servePage, type PageServer } from './browser/serve-page.js';
import { assertAllClose, maxAbs } from './helpers/assert-close.js';

const PAGE_TIMEOUT_MS = 15_000;

/** Float32 accuracy for sums of up to ~1000 terms: relative 1e-5, plus 1e-5 of the result's scale. */
function assertCasesClose(actual: ConvCaseResult[], expected: ConvCaseResult[], against: string): void {
  assert.deepEqual(actual.map((c) => c.name), expected.map((c) => c.name), `case list differs from ${against}`);
  actual.forEach((got, i) => {
    for (const key of ['y', 'dx', 'dw', 'db'] as const) {
      const want = expected[i][key];
      assertAllClose(got[key], want, { rtol: 1e-5, atol: 1e-5 * maxAbs(want) }, `${got.name} ${key} vs ${against}`);
    }
  });
}

describe('browser: conv2d in headless Chromium', { skip: !hasChromium() && 'chromium not installed: apt-get install chromium' }, () => {
  let outDir = '';
  let server: PageServer | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  const expected: Record<string, ConvCaseResult[]> = {};

  before(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'convkit-browser-'));
    await buildPage(outDir);
    server = await servePage(outDir);
    browser = await launchChromium();
    context = await browser.newContext();
    await ready();
    expected[`Node (${getBackend().name} backend)`] = runConvCases();
    const nodeDefault = getBackend().name;
    setBackend('js');
    expected['the reference kernels'] = runConvCases();
    setBackend(nodeDefault);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  async function loadPage(mode: 'isolated' | 'plain'): Promise<PageResult> {
    const page = await context!.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (msg) => msg.type() === 'error' && pageErrors.push(msg.text()));
    try {
      await page.goto(server!.url(mode));
      const handle = await page.waitForFunction(() => window.__convkitResult, undefined, { timeout: PAGE_TIMEOUT_MS });
      const outcome = (await handle.jsonValue()) as PageOutcome;
      if ('error' in outcome) assert.fail(`page (${mode}) failed: ${outcome.error}`);
      assert.deepEqual(pageErrors, [], `page (${mode}) logged errors`);
      return outcome;
    } finally {
      await page.close();
    }
  }

  /** The SIMD kernels ran every conv2d pass, none fell back to the reference kernels, and the numbers agree. */
  function checkRun(run: ThreadResult, where: string, t: TestContext): void {
    t.diagnostic(
      `${where}: ready ${run.readyMs.toFixed(1)} ms, cases ${run.computeMs.toFixed(1)} ms, relaxed SIMD ${run.relaxedSimd}, ` +
        `kernel runs by thread count ${JSON.stringify(run.stats.threadRuns)}`,
    );
    assert.equal(run.backend, 'wasm', `${where}: backend`);
    assert.deepEqual(run.stats.fallbacks, {}, `${where}: calls fell back to the reference kernels`);
    const convRuns = Object.entries(run.stats.kernels).filter(([path]) => path.startsWith('conv2d'));
    // Each case runs forward, input gradient and filter gradient once.
    const total = convRuns.reduce((n, [, count]) => n + count, 0);
    assert.equal(total, 3 * CONV_CASES.length, `${where}: conv2d kernel runs ${JSON.stringify(run.stats.kernels)}`);
    for (const [against, cases] of Object.entries(expected)) assertCasesClose(run.cases, cases, `${against} (${where})`);
  }

  function assertMultiThreaded(run: ThreadResult, where: string): void {
    assert.equal(run.threads, 2, `${where}: threads`);
    const multi = Object.keys(run.stats.threadRuns).filter((threads) => Number(threads) > 1);
    assert.ok(multi.length > 0, `${where}: no kernel ran on more than one thread: ${JSON.stringify(run.stats.threadRuns)}`);
  }

  function assertSingleThreaded(run: ThreadResult, where: string): void {
    assert.equal(run.threads, 1, `${where}: threads`);
    assert.deepEqual(Object.keys(run.stats.threadRuns), ['1'], `${where}: kernel runs by thread count`);
  }

  it('runs on two threads in a cross-origin isolated page (main thread and worker) and matches Node', async (t) => {
    const result = await loadPage('isolated');
    assert.equal(result.crossOriginIsolated, true, 'COOP/COEP should make the page cross-origin isolated');
    for (const [where, run] of [['main thread', result.mainThread], ['worker', result.worker]] as const) {
      checkRun(run, `isolated ${where}`, t);
      assertMultiThreaded(run, `isolated ${where}`);
    }
  });

  it('falls back to one thread without COOP/COEP and still matches Node', async (t) => {
    const result = await loadPage('plain');
    assert.equal(result.crossOriginIsolated, false);
    for (const [where, run] of [['main thread', result.mainThread], ['worker', result.worker]] as const) {
      checkRun(run, `plain ${where}`, t);
      assertSingleThreaded(run, `plain ${where}`);
    }
  });
});
