// The browser test page: runs the conv cases with ConvKit's wasm backend (two threads requested) on the
// page's main thread, then in a dedicated worker, and publishes both on window.__convkitResult.
import { runCasesHere } from './run-cases.js';
import { describeError, type PageOutcome, type PageResult, type ThreadResult } from './page-result.js';

declare global {
  interface Window {
    __convkitResult?: PageOutcome;
  }
}

function runCasesInWorker(): Promise<ThreadResult> {
  const worker = new Worker(new URL('./compute-worker.ts', import.meta.url), { type: 'module' });
  return new Promise<ThreadResult>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<{ result: ThreadResult } | { error: string }>) => {
      if ('error' in event.data) reject(new Error(`compute worker: ${event.data.error}`));
      else resolve(event.data.result);
    };
    worker.onerror = (event) => reject(new Error(`compute worker failed to load: ${event.message}`));
  }).finally(() => worker.terminate());
}

async function run(): Promise<PageResult> {
  const mainThread = await runCasesHere();
  const worker = await runCasesInWorker();
  return { crossOriginIsolated: self.crossOriginIsolated, mainThread, worker };
}

run().then(
  (result) => {
    window.__convkitResult = result;
    document.body.textContent = `done: ${result.mainThread.backend}, ${result.mainThread.threads} threads`;
  },
  (err: unknown) => {
    window.__convkitResult = { error: describeError(err) };
    document.body.textContent = `failed: ${String(err)}`;
  },
);
