// Runs a suite once per registered backend. The WebAssembly backend registers itself with the library (it is
// the default); a tree where it is missing fails here, rather than quietly testing the reference kernels only.
// On a fast backend the suite ends with a check that no op went to the reference kernels unless the suite
// declared it: a fallback nobody asked for means the suite tested the reference twice.
import { before, after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { getBackend, listBackends, ready, setBackend } from '../../src/index.js';
import { watchFallbacks } from '../../src/backend/registry.js';

/** The reference backend: it has nothing to fall back to. */
const REFERENCE_BACKEND = 'js';

assert.ok(listBackends().includes('wasm'), `the wasm backend is not registered (backends: ${listBackends().join(', ')})`);
await ready(); // the kernels compile asynchronously: test them rather than the fallback

/** A fallback to the reference kernels that a suite causes on purpose. */
export interface ExpectedFallback {
  /** The kernels by name ('conv2d', 'conv2dBackwardInput', 'matmul', ...). */
  ops: string[];
  /** The reason the backend gives, e.g. 'not float32' or 'empty'. */
  reason: string;
  /** Why the suite does it (for the reader, and the failure message). */
  because: string;
}

export interface BackendSuiteOptions {
  expectedFallbacks?: ExpectedFallback[];
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
      const fallbacks: Record<string, number> = {}; // 'kernel: reason' -> calls, on this backend
      let stopWatching = () => {};
      before(() => {
        previous = getBackend().name;
        setBackend(name);
        stopWatching = watchFallbacks((backend, kernel, reason) => {
          const key = `${kernel}: ${reason}`;
          if (backend === name) fallbacks[key] = (fallbacks[key] ?? 0) + 1;
        });
      });
      after(() => {
        stopWatching();
        setBackend(previous);
      });
      suite(name);
      if (name !== REFERENCE_BACKEND) {
        it('used the reference kernels only where the suite declares it', () => {
          assertOnlyDeclaredFallbacks(name, fallbacks, options.expectedFallbacks ?? []);
        });
      }
    });
  }
}
