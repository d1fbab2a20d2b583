// One onnxruntime-web session (WebAssembly backend, SIMD) in a worker thread of its own, because
// onnxruntime-web fixes its thread count once per WebAssembly instance (ort.env.wasm.numThreads at the first
// session) and the bench wants 1- and 2-thread rows side by side in one process. Plain JavaScript: Node's
// worker threads do not load TypeScript through tsx.
// workerData: { model: Uint8Array, input: { data: Float32Array, shape: number[] }, numThreads }.
// Messages in: 'run' (answers { done: true }) or 'output' (answers { data, dims }); first answer: { ready }
// with the thread count it runs on, or { error }.
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-web';

const { model, input, numThreads } = workerData;
try {
  ort.env.wasm.numThreads = numThreads;
  ort.env.wasm.simd = true;
  const session = await ort.InferenceSession.create(model, {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
    // As for onnxruntime-node: its pool threads would spin after each run (24% of a core for a second
    // after case (b) on 2 threads; 3% with this), taking the core the next interleaved row needs.
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  });
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', input.data, input.shape) };
  const outputName = session.outputNames[0];
  parentPort.on('message', async (message) => {
    const y = (await session.run(feeds))[outputName];
    parentPort.postMessage(message === 'output' ? { data: y.data, dims: y.dims } : { done: true });
  });
  parentPort.postMessage({ ready: true, numThreads: ort.env.wasm.numThreads, version: ort.env.versions.web });
} catch (e) {
  parentPort.postMessage({ error: e instanceof Error ? e.message : String(e) });
}
