// Runs a suite once per registered backend. Optional backends (the wasm one) register themselves when
// imported; a backend that is not in the tree yet is skipped, but one that exists and fails to load fails.
// On a fast backend the suite ends with a check that no op went to the reference kernels unless the suite
// declared it: a fallback nobody asked for means the suite tested the reference twice.
import { before, after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { getBackend, getWasmStats, listBackends, setBackend } from '../../src/index.js';

const OPTIONAL_BACKENDS = ['../../src/backend/wasm/index.js'];
/** The reference backend: it has nothing to fall back to. */
const REFERENCE_BACKEND = 'js';

function isMissing(error: unknown, url: string): boolean {
  const e = error as { code?: string; url?: string; message?: string };
  return e.code === 'ERR_MODULE_NOT_FOUND' && (e.url === url || (e.message ?? '').includes(new URL(url).pathname));
}

for (const path of OPTIONAL_BACKENDS) {
  const url = new URL(path, import.meta.url).href;
  try {
    const backend = (await import(url)) as { ready?: () => Promise<void> };
    await backend.ready?.(); // where kernels compile asynchronously, test them rather than the fallback
  } catch (error) {
    if (!isMissing(error, url)) throw error;
  }
}

/** A fallback to the reference kernels that a suite causes on purpose. */
export interface ExpectedFallback {
  /** The ops, as getWasmStats().fallbacks names them ('conv2d', 'matmul', ...). */
  ops: string[];
  /** The reason the backend gives, e.g. 'not float32' or 'empty'. */
  reason: string;
  /** Why the suite does it (for the reader, and the failure message). */
  because: string;
}

export interface BackendSuiteOptions {
  expectedFallbacks?: ExpectedFallback[];
}

/** Fallback counts by 'op: reason' that grew between two snapshots. */
function fallbacksSince(start: Record<string, number>): Record<string, number> {
  const grown: Record<string, number> = {};
  for (const [key, count] of Object.entries(getWasmStats().fallbacks)) {
    if (count > (start[key] ?? 0)) grown[key] = count - (start[key] ?? 0);
  }
  return grown;
}

/**
 * Fails on any fallback the suite did not declare, and on a declared one that never happened (the
 * declaration is stale and would hide a later regression).
 */
export function assertOnlyDeclaredFallbacks(backend: string, grown: Record<string, number>, expected: ExpectedFallback[]): void {
  const declared = new Set(expected.flatMap((e) => e.ops.map((op) => `${op}: ${e.reason}`)));
  const silent = Object.entries(grown).filter(([key]) => !declared.has(key));
  assert.deepEqual(
    silent.map(([key, count]) => `${key} (${count} calls)`),
    [],
    `the ${backend} backend handed these ops to the reference kernels without the suite declaring it`,
  );
  for (const e of expected) {
    const happened = e.ops.filter((op) => grown[`${op}: ${e.reason}`] > 0);
    assert.ok(happened.length > 0, `declared fallback of ${e.ops.join(', ')} ('${e.reason}', ${e.because}) never happened`);
  }
}

/**
 * describe(`${name} backend`) for every backend, with that backend active inside (restored after); on a
 * backend other than the reference, a last test asserts that only the declared fallbacks happened.
 */
export function forEachBackend(suite: (backendName: string) => void, options: BackendSuiteOptions = {}): void {
  for (const name of listBackends()) {
    describe(`${name} backend`, () => {
      let previous = '';
      let fallbacksAtStart: Record<string, number> = {};
      before(() => {
        previous = getBackend().name;
        setBackend(name);
        fallbacksAtStart = getWasmStats().fallbacks;
      });
      after(() => setBackend(previous));
      suite(name);
      if (name !== REFERENCE_BACKEND) {
        it('used the reference kernels only where the suite declares it', () => {
          assertOnlyDeclaredFallbacks(name, fallbacksSince(fallbacksAtStart), options.expectedFallbacks ?? []);
        });
      }
    });
  }
}
