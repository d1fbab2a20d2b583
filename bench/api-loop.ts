// ConvKit alone in a process, through the public API, in a steady loop: what a user's training step or
// matrix product costs with no other library loaded (the interleaved `npm run bench` shares its process
// with every peer, which slows each of them; see bench/README.md).
//   node --import tsx bench/api-loop.ts                    LeNet-5 training step, batch 64, 1 and 2 threads
//   node --import tsx bench/api-loop.ts --matmul 512,1024  F.matmul of n x n matrices, 1 and 2 threads
//   node --import tsx bench/api-loop.ts --resnet           ResNet-18 training step (Adam), batch 16 of 32x32
//   node --import tsx bench/api-loop.ts --mobilenet        MobileNetV2 training step (SGD), batch 8 of 64x64
//   node --import tsx bench/api-loop.ts --resnet-inference ResNet-18 inference, batch 1 of 224x224 (eval, no grad)
import { F, noGrad, randn, setNumThreads, ready, type Tensor } from '../src/index.js';
import { resnet18 } from '../src/models/resnet.js';
import { lenetStep, mobilenetStep, resnetStep } from './training-steps.js';
import { stepTimesMs } from './timing.js';

const WARMUP_STEPS = 30;

function medianMs(run: () => unknown, runs: number): { median: number; min: number } {
  const times = stepTimesMs(run, runs, WARMUP_STEPS);
  times.sort((a, b) => a - b);
  return { median: times[times.length >> 1], min: times[0] };
}

/** ResNet-18 as a service runs it: one model, eval mode, a forward per request (the weight cache's case). */
function resnetInference(): () => Tensor {
  const model = resnet18().eval();
  const image = randn([1, 224, 224, 3]);
  return () => noGrad(() => model.forward(image));
}

await ready();
const matmulAt = process.argv.indexOf('--matmul');
for (const threads of [1, 2]) {
  setNumThreads(threads);
  if (process.argv.includes('--mobilenet')) {
    const { median, min } = medianMs(mobilenetStep(), 20);
    console.log(`MobileNetV2 training step (SGD), batch 8 of 64x64, ${threads} thread(s): median ${median.toFixed(1)} ms (min ${min.toFixed(1)})`);
    continue;
  }
  if (process.argv.includes('--resnet-inference')) {
    const { median, min } = medianMs(resnetInference(), 10);
    console.log(`ResNet-18 inference, batch 1 of 224x224, ${threads} thread(s): median ${median.toFixed(1)} ms (min ${min.toFixed(1)})`);
    continue;
  }
  if (process.argv.includes('--resnet')) {
    const { median, min } = medianMs(resnetStep(), 20);
    console.log(`ResNet-18 training step (Adam), batch 16 of 32x32, ${threads} thread(s): median ${median.toFixed(1)} ms (min ${min.toFixed(1)})`);
    continue;
  }
  if (matmulAt < 0) {
    const { median, min } = medianMs(lenetStep(), 100);
    console.log(`LeNet-5 training step, batch 64, ${threads} thread(s): median ${median.toFixed(2)} ms (min ${min.toFixed(2)})`);
    continue;
  }
  for (const n of (process.argv[matmulAt + 1] ?? '512').split(',').map(Number)) {
    const a = randn([n, n]);
    const b = randn([n, n]);
    const { median } = medianMs(() => noGrad(() => F.matmul(a, b)), n >= 1024 ? 20 : 100);
    console.log(`F.matmul ${n}, ${threads} thread(s): median ${median.toFixed(2)} ms, ${((2 * n ** 3) / median / 1e6).toFixed(1)} GFLOP/s`);
  }
}
