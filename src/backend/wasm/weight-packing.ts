// The packings of weights the runners make, as weight-cache entries: the key names the layout and every
// parameter the packed values depend on besides the weights; the size is what the runner lays out.
import { NR } from './records.generated.js';
import type { Packing } from './weight-cache.js';

/** Transformed elements per Winograd tile (4x4). */
const E = 16;
const roundUp = (n: number, to: number) => Math.ceil(n / to) * to;

/**
 * packWeights' 8-column panels of K steps (gemm-runner, igemm-runner), for `groups` groups end to end:
 * B [k, n] of each group (transposed: [n, k]), columns every `ldb` floats; BKind.flipped: the forward conv
 * weights of an input gradient with `taps` taps, rotated and swapped while packing.
 */
export function gemmPacking(groups: number, n: number, k: number, ldb: number, trans: boolean, bKind: number, taps: number): Packing {
  return { key: `gemm g${groups} n${n} k${k} ld${ldb} t${+trans} b${bKind} taps${taps}`, bytes: groups * gemmGroupBytes(n, k) };
}

/** Bytes from one group's panels to the next (a cache line multiple, as the arena aligns blocks). */
export function gemmGroupBytes(n: number, k: number): number {
  return roundUp(Math.ceil(n / NR) * NR * k * 4, 64);
}

/** Winograd's U: 16 slabs (a cache line apart) of Cout/8 panels of pieces^2 * Cin rows (winograd-runner). */
export function winogradPacking(k: number, inC: number, outC: number, flipped: boolean): Packing {
  const depth = ((k - 1) / 2) ** 2 * inC;
  return { key: `winograd k${k} in${inC} out${outC} f${+flipped}`, bytes: E * (roundUp(outC, 8) * depth * 4 + 64) };
}
