// Issue 14 item 1, the measured proposal's prototype (bench-only, changes nothing in src/): what the per-op
// copies into and out of the kernels' WebAssembly memory cost in a whole training step, one thread.
//   node --import tsx bench/resident-prototype.ts [--mobilenet] --count     bytes and calls copied per step
//   node --import tsx bench/resident-prototype.ts [--mobilenet] --ablate 5  rounds of: copies as today, then
//     copies skipped (every operand taken as already resident, every result left in place: what keeping
//     tensor data in WebAssembly memory saves on copies at most; results are garbage while skipped)
//   node --cpu-prof --import tsx bench/resident-prototype.ts [--mobilenet] --steps 40   a steady loop to profile
import { ready, setNumThreads } from '../src/index.js';
import { MemoryArena } from '../src/backend/wasm/memory-arena.js';
import { lenetStep, mobilenetStep } from './training-steps.js';
import { stepTimesMs } from './timing.js';

type Copyable = Float32Array | Int32Array | Float64Array;
const arena = MemoryArena.prototype;
const original = { copyIn: arena.copyIn, copyInAsF32: arena.copyInAsF32, copyOut: arena.copyOut };
const counted = { inBytes: 0, inCalls: 0, outBytes: 0, outCalls: 0 };

function countCopies(): void {
  arena.copyIn = function (this: MemoryArena, data: Copyable) {
    counted.inBytes += data.byteLength;
    counted.inCalls++;
    return original.copyIn.call(this, data);
  };
  arena.copyInAsF32 = function (this: MemoryArena, values: Float64Array) {
    counted.inBytes += values.length * 4;
    counted.inCalls++;
    return original.copyInAsF32.call(this, values);
  };
  arena.copyOut = function (this: MemoryArena, ptr: number, out: Copyable) {
    counted.outBytes += out.byteLength;
    counted.outCalls++;
    original.copyOut.call(this, ptr, out);
  };
}

function skipCopies(skip: boolean): void {
  if (!skip) return void Object.assign(arena, original);
  // Only float data is taken as resident: int32 operands (indices, records) still have to be real.
  arena.copyIn = function (this: MemoryArena, data: Copyable) {
    return data instanceof Float32Array ? this.alloc(data.byteLength) : original.copyIn.call(this, data);
  };
  arena.copyInAsF32 = function (this: MemoryArena, values: Float64Array) {
    return this.alloc(values.length * 4);
  };
  arena.copyOut = function (this: MemoryArena, ptr: number, out: Copyable) {
    if (!(out instanceof Float32Array)) original.copyOut.call(this, ptr, out);
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function stepMs(step: () => unknown, steps: number): number {
  const times = stepTimesMs(step, steps, 3);
  return median(times);
}

await ready();
setNumThreads(1);
const mobilenet = process.argv.includes('--mobilenet');
const name = mobilenet ? 'MobileNetV2 step (SGD), batch 8 of 64x64' : 'LeNet-5 step (SGD), batch 64';
const step = mobilenet ? mobilenetStep() : lenetStep();
const arg = (flag: string, fallback: number) => {
  const at = process.argv.indexOf(flag);
  return at < 0 ? fallback : Number(process.argv[at + 1] ?? fallback);
};

if (process.argv.includes('--count')) {
  for (let i = 0; i < 5; i++) step();
  countCopies();
  const steps = 5;
  for (let i = 0; i < steps; i++) step();
  const mb = (b: number) => (b / steps / 2 ** 20).toFixed(2);
  console.log(`${name}, 1 thread, per step: copied in ${mb(counted.inBytes)} MiB in ${counted.inCalls / steps} calls, out ${mb(counted.outBytes)} MiB in ${counted.outCalls / steps} calls`);
} else if (process.argv.includes('--ablate')) {
  const rounds = arg('--ablate', 5);
  const steps = mobilenet ? 8 : 40;
  for (let i = 0; i < 10; i++) step();
  const withCopies: number[] = [];
  const resident: number[] = [];
  for (let r = 0; r < rounds; r++) {
    skipCopies(false);
    withCopies.push(stepMs(step, steps));
    skipCopies(true);
    resident.push(stepMs(step, steps));
    console.log(`round ${r + 1}: with copies ${withCopies[r].toFixed(2)} ms, copies skipped ${resident[r].toFixed(2)} ms, ratio ${(withCopies[r] / resident[r]).toFixed(3)}`);
  }
  skipCopies(false);
  const ratios = withCopies.map((w, r) => w / resident[r]);
  console.log(`${name}, 1 thread, ${rounds} rounds of ${steps} steps: median with copies ${median(withCopies).toFixed(2)} ms, copies skipped ${median(resident).toFixed(2)} ms, median ratio ${median(ratios).toFixed(3)}x (copies ${((1 - 1 / median(ratios)) * 100).toFixed(1)} % of the step)`);
} else {
  const steps = arg('--steps', 40);
  for (let i = 0; i < steps; i++) step();
  console.log(`${name}: ${steps} steps run`);
}
