// Before/after for the detector's training step on a shared machine: two checkouts of convkit loaded in one
// process (two module graphs, two kernel runtimes), their TinyYolo steps (bench/detect-train-step.ts's
// configuration) alternating step by step, so the machine's drift hits both alike. Prints, per loss
// (surrogate, region, modern), the median wall and CPU (user + system, all threads) ms per step of each and
// the ratios base/this; CPU time holds up better than wall time when the cores are shared.
//   node --import tsx bench/detect-train-ab.ts BASE_CHECKOUT [--threads 1] [--rounds 8]
// Run it under `flock /work/bench.lock` on a shared machine.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ options: { threads: { type: 'string', default: '1' }, rounds: { type: 'string', default: '8' } }, allowPositionals: true });
if (positionals.length !== 1) throw new Error('detect-train-ab: give the base checkout (a directory with src/index.ts), e.g. ../base');
const [threads, rounds] = [Number(values.threads), Number(values.rounds)];
const trees = [path.resolve(positionals[0]), path.join(path.dirname(fileURLToPath(import.meta.url)), '..')];
const config = { size: 128, batch: 16, width: 0.5, depth: 4, classes: 10, anchors: 5 };
const setups: Array<{ root: string; step: (loss: string) => void }> = [];
for (const root of trees) {
  const lib = await import(`${root}/src/index.js`);
  const det = await import(`${root}/src/detect/index.js`);
  lib.setNumThreads(threads);
  await lib.ready();
  const g = new lib.Generator(0);
  const model = new det.TinyYolo({ numClasses: config.classes, width: config.width, depth: config.depth, anchors: Array.from({ length: config.anchors }, (_, k) => [1 + k * 0.5, 1 + k * 0.4] as const) });
  const optimizer = new lib.Adam(model.parameters(), { lr: 2e-3 });
  const x = new lib.Tensor(Float32Array.from({ length: config.batch * config.size * config.size * 3 }, () => g.random()), [config.batch, config.size, config.size, 3]);
  // Three objects per image: [image, class, cx, cy, w, h] rows.
  const rows = Array.from({ length: config.batch * 3 }, (_, m) => [Math.floor(m / 3), g.randint(config.classes), g.uniform(0.2, 0.8), g.uniform(0.2, 0.8), g.uniform(0.1, 0.4), g.uniform(0.1, 0.4)]);
  const y = new lib.Tensor(Float32Array.from(rows.flat()), [rows.length, 6]);
  const region = det.detectionLoss(model).loss, modern = det.detectionLoss(model, { variant: 'modern' }).loss;
  type Out = { square(): { mean(): Loss } };
  type Loss = { backward(): void };
  const losses: Record<string, (o: Out) => Loss> = { surrogate: (o) => o.square().mean(), region: (o) => region(o, y), modern: (o) => modern(o, y) };
  setups.push({ root, step: (name: string) => { optimizer.zeroGrad(); losses[name](model.forward(x)).backward(); optimizer.step(); } });
}
const names = ['surrogate', 'region', 'modern'];
const wall: Record<string, number[]> = {}, cpu: Record<string, number[]> = {};
for (const s of setups) for (const n of names) { s.step(n); s.step(n); }
for (let r = 0; r < rounds; r++) {
  for (const n of names) {
    const order = r % 2 ? [1, 0] : [0, 1];
    for (const i of order) {
      const key = `${i}:${n}`;
      const c0 = process.cpuUsage(), w0 = performance.now();
      setups[i].step(n);
      const c = process.cpuUsage(c0);
      (wall[key] ??= []).push(performance.now() - w0);
      (cpu[key] ??= []).push((c.user + c.system) / 1000);
    }
  }
}
const med = (v: number[]) => { const s = [...v].sort((a, b) => a - b); return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const out: Record<string, unknown> = { base: trees[0], threads, rounds };
for (const n of names) {
  const [bw, mw, bc, mc] = [wall[`0:${n}`], wall[`1:${n}`], cpu[`0:${n}`], cpu[`1:${n}`]];
  out[n] = { baseWallMs: +med(bw).toFixed(1), wallMs: +med(mw).toFixed(1), baseCpuMs: +med(bc).toFixed(1), cpuMs: +med(mc).toFixed(1),
    wallRatio: +(med(bw) / med(mw)).toFixed(3), cpuRatio: +(med(bc) / med(mc)).toFixed(3),
    pairedWallRatioMedian: +med(bw.map((v, i) => v / mw[i])).toFixed(3), imagesPerSecond: +(config.batch / (med(mw) / 1000)).toFixed(1), baseImagesPerSecond: +(config.batch / (med(bw) / 1000)).toFixed(1) };
}
console.log(JSON.stringify(out));
