// Per-epoch seeding: at the start of every epoch fit() reseeds the generators that shuffle and drop out from
// (run seed, epoch). An epoch's randomness then depends only on those two numbers, so a run resumed from a
// checkpoint after epoch k replays epochs k+1, k+2, ... exactly as the uninterrupted run would.
import { Generator, defaultGenerator } from '../util/random.js';
import type { Loader } from './loader.js';

export function epochSeed(runSeed: number, epoch: number): number {
  return (runSeed + Math.imul(epoch, 0x9e3779b9)) >>> 0;
}

/** The global generator and the loader's own, each once. */
export function generatorsOf(loader: Loader): Generator[] {
  const out = [defaultGenerator()];
  if (loader.generator instanceof Generator && !out.includes(loader.generator)) out.push(loader.generator);
  return out;
}

/** Reseed each generator from (runSeed, epoch), giving each its own stream. */
export function seedEpoch(generators: readonly Generator[], runSeed: number, epoch: number): void {
  const root = new Generator(epochSeed(runSeed, epoch));
  for (const g of generators) g.seed(root.nextUint32());
}
