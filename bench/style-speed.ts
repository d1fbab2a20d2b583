// Issue 13 item 11: seconds per style-transfer step (one L-BFGS iteration = one forward and backward of the
// feature network on G) at each size, on 1 and 2 threads, interleaved: every round runs each thread count
// once, alternating which goes first, and the median over rounds is reported.
// Usage: flock /work/bench.lock node --import tsx bench/style-speed.ts [network=vgg19-random] [sizes=256] [rounds=3] [steps=6]
import { ready, setNumThreads, rand, Generator } from '../src/index.js';
import { loadStyleNetwork } from '../src/node/index.js';
import { styleTransfer } from '../src/style/index.js';

const [networkName = 'vgg19-random', sizesArg = '256', roundsArg = '3', stepsArg = '6'] = process.argv.slice(2);
await ready();
const network = await loadStyleNetwork(networkName);
const steps = Number(stepsArg);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

for (const size of sizesArg.split(',').map(Number)) {
  const content = rand([1, Math.round(size * 0.75), size, 3], { generator: new Generator(1) });
  const style = rand([1, size, size, 3], { generator: new Generator(2) });
  const perStep: Record<number, number[]> = { 1: [], 2: [] };
  const time = (threads: number): number => {
    setNumThreads(threads);
    const stamps: number[] = [];
    styleTransfer(network, content, [style], { steps, onStep: () => stamps.push(performance.now()) });
    return (stamps[steps - 1] - stamps[0]) / (steps - 1) / 1000; // steps 2..steps: no first-call costs
  };
  time(1); // warm-up: JIT, kernels, weight packing
  for (let round = 0; round < Number(roundsArg); round++) {
    for (const threads of round % 2 ? [2, 1] : [1, 2]) perStep[threads].push(time(threads));
  }
  const [one, two] = [median(perStep[1]), median(perStep[2])];
  console.log(JSON.stringify({ network: networkName, size: `${size}x${Math.round(size * 0.75)}`, secondsPerStep: { threads1: +one.toFixed(3), threads2: +two.toFixed(3) }, speedup2: +(one / two).toFixed(2), rounds: perStep }));
}
