// onnxruntime-node on the CPU with 1 and 2 intra-op threads, running ONNX graphs written by bench/onnx.
import type { BenchCase } from '../cases.js';
import type { CaseData } from '../case-data.js';
import { type Implementation, type Prepared, skip } from '../implementation.js';
import { onnxCase } from './onnx-graphs.js';

function ortRow(threads: number): Implementation {
  return {
    name: `onnxruntime ${threads}t`,
    library: 'onnxruntime',
    slow: false,
    async prepare(_c: BenchCase, data: CaseData): Promise<Prepared> {
      if (data.kind === 'faceDetect') return skip('no ONNX graph of the tiny face detector is written here');
      const built = onnxCase(data);
      if (!built) return skip('onnxruntime-node has no training API');
      const ort = await import('onnxruntime-node');
      const session = await ort.InferenceSession.create(built.model, {
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
        // Its pool threads spin after each run by default, taking the core that the next row in the
        // interleaved rounds (ConvKit 2 threads) needs; spinning off keeps the rows independent.
        extra: { session: { intra_op: { allow_spinning: '0' } } },
      });
      const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', built.input.data, built.input.shape) };
      const outputName = session.outputNames[0];
      const run = async () => (await session.run(feeds))[outputName];
      return {
        runner: {
          run,
          output: async () => {
            const y = await run();
            return built.toConvkitLayout(y.data as Float32Array, y.dims);
          },
        },
      };
    },
  };
}

export async function onnxruntimeImplementations(): Promise<Implementation[]> {
  return [ortRow(1), ortRow(2)];
}
