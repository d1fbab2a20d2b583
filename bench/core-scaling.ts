// What a second core gives on this machine, with no library involved: a plain arithmetic loop (eight
// independent multiply-add chains, no memory traffic) on one worker thread, then the same loop on two at
// once. On a host that runs a lone busy core at a higher clock, two threads do less than twice the work.
//   node --import tsx bench/core-scaling.ts
import { Worker } from 'node:worker_threads';

const LOOP = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (n) => {
  const start = performance.now();
  let a = 1.0001, b = 0.9999, c = 0.5, d = 0.25, e = 0.125, f = 0.0625, g = 0.03, h = 0.01;
  for (let i = 0; i < n; i++) {
    a = a * 1.0000001 + 1e-9; b = b * 0.9999999 + 1e-9; c = c * 1.0000002 - 1e-9; d = d * 0.9999998 + 2e-9;
    e = e * 1.0000003 - 2e-9; f = f * 0.9999997 + 3e-9; g = g * 1.0000001 + 1e-9; h = h * 0.9999999 + 1e-9;
  }
  parentPort.postMessage({ ms: performance.now() - start, sum: a + b + c + d + e + f + g + h });
});`;

const ITERATIONS = 3e8;
const spawn = () => new Worker(LOOP, { eval: true });
const run = (worker: Worker, n: number): Promise<unknown> =>
  new Promise((resolve) => {
    worker.once('message', resolve);
    worker.postMessage(n);
  });

const workers = [spawn(), spawn()];
await Promise.all(workers.map((w) => run(w, 1e7))); // compile the loop in both
for (let round = 1; round <= 3; round++) {
  let start = performance.now();
  await run(workers[0], ITERATIONS);
  const one = performance.now() - start;
  start = performance.now();
  await Promise.all(workers.map((w) => run(w, ITERATIONS)));
  const two = performance.now() - start;
  console.log(`round ${round}: 1 thread ${one.toFixed(0)} ms; 2 threads, the same loop each, ${two.toFixed(0)} ms: ${((2 * one) / two).toFixed(2)}x the work per second`);
}
await Promise.all(workers.map((w) => w.terminate()));
