// Runs a suite once per registered backend. Optional backends (the wasm one) register themselves when
// imported; a backend that is not in the tree yet is skipped, but one that exists and fails to load fails.
import { before, after, describe } from 'node:test';
import { getBackend, listBackends, setBackend } from '../../src/index.js';

const OPTIONAL_BACKENDS = ['../../src/backend/wasm/index.js'];

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

/** describe(`${name} backend`) for every backend, with that backend active inside (restored after). */
export function forEachBackend(suite: (backendName: string) => void): void {
  for (const name of listBackends()) {
    describe(`${name} backend`, () => {
      let previous = '';
      before(() => {
        previous = getBackend().name;
        setBackend(name);
      });
      after(() => setBackend(previous));
      suite(name);
    });
  }
}
