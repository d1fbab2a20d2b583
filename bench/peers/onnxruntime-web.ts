// onnxruntime-web's WebAssembly backend (SIMD; multithreaded through Node worker threads) with 1 and 2
// threads, on the same ONNX graphs as onnxruntime-node: the strongest engine that runs where ConvKit runs.
// Each row's session lives in a worker thread of its own (bench/peers/onnxruntime-web-worker.mjs); a timed
// run includes the message round trip to it (a 4x4 matmul: 0.15-0.23 ms a run at load 15, against 0.045 ms
// for onnxruntime-node in-process).
import { Worker } from 'node:worker_threads';
import type { BenchCase } from '../cases.js';
import type { CaseData } from '../case-data.js';
import { type Implementation, type Prepared, skip } from '../implementation.js';
import { onnxCase } from './onnx-graphs.js';

type Answer = { ready: true; numThreads: number; version: string } | { error: string } | { done: true } | { data: Float32Array; dims: number[] };

/** The worker's next message; only while one is awaited does the worker keep the process alive. */
function nextAnswer(worker: Worker): Promise<Answer> {
  worker.ref();
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => {
      worker.unref();
      reject(e);
    };
    worker.once('error', onError);
    worker.once('message', (answer: Answer) => {
      worker.off('error', onError);
      worker.unref();
      resolve(answer);
    });
  });
}

function ortWebRow(threads: number): Implementation {
  return {
    name: `onnxruntime-web ${threads}t`,
    library: 'onnxruntime-web',
    slow: false,
    async prepare(_c: BenchCase, data: CaseData): Promise<Prepared> {
      if (data.kind === 'faceDetect') return skip('no ONNX graph of the tiny face detector is written here');
      const built = onnxCase(data);
      if (!built) return skip('onnxruntime-web has no training API');
      const worker = new Worker(new URL('./onnxruntime-web-worker.mjs', import.meta.url), {
        workerData: { model: built.model, input: built.input, numThreads: threads },
      });
      const started = await nextAnswer(worker);
      if ('error' in started) return skip(`failed: ${started.error}`);
      if (!('ready' in started) || started.numThreads !== threads) return skip(`asked for ${threads} threads, onnxruntime-web runs ${'ready' in started ? started.numThreads : '?'}`);
      const request = (message: 'run' | 'output') => {
        const answer = nextAnswer(worker);
        worker.postMessage(message);
        return answer;
      };
      return {
        runner: {
          run: () => request('run'),
          output: async () => {
            const y = (await request('output')) as { data: Float32Array; dims: number[] };
            return built.toConvkitLayout(y.data, y.dims);
          },
        },
      };
    },
  };
}

export async function onnxruntimeWebImplementations(): Promise<Implementation[]> {
  return [ortWebRow(1), ortWebRow(2)];
}
