// Distances between face descriptors, in float64 (the descriptors are float32; the sums are not).
import type { DescriptorMetric } from './gallery.js';

export const DESCRIPTOR_METRICS: readonly DescriptorMetric[] = ['euclidean', 'cosine'];

/** Throws naming `caller` unless `a` and `b` are finite descriptors of one length. */
export function checkDescriptorPair(caller: string, a: ArrayLike<number>, b: ArrayLike<number>): void {
  checkDescriptor(caller, a);
  checkDescriptor(caller, b);
  if (a.length !== b.length) throw new Error(`${caller}: descriptors of different lengths (${a.length} and ${b.length})`);
}

/** Throws naming `caller` unless `d` is a non-empty array of finite numbers. */
export function checkDescriptor(caller: string, d: ArrayLike<number>): void {
  if (d === null || typeof d !== 'object' || typeof d.length !== 'number' || d.length === 0) {
    throw new Error(`${caller}: a descriptor must be a non-empty Float32Array (or number array), got ${describe(d)}`);
  }
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i])) throw new Error(`${caller}: descriptor element ${i} is ${d[i]}, not a finite number`);
  }
}

export function checkMetric(caller: string, metric: unknown): DescriptorMetric {
  if (!DESCRIPTOR_METRICS.includes(metric as DescriptorMetric)) {
    throw new Error(`${caller}: metric must be ${DESCRIPTOR_METRICS.map((m) => `'${m}'`).join(' or ')}, got ${JSON.stringify(metric)}`);
  }
  return metric as DescriptorMetric;
}

export function euclideanDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  return Math.sqrt(sum);
}

/** 1 - cos(angle); a zero descriptor is at distance 1 from everything (it has no direction). */
export function cosineDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return aa === 0 || bb === 0 ? 1 : 1 - dot / Math.sqrt(aa * bb);
}

export function descriptorDistance(a: ArrayLike<number>, b: ArrayLike<number>, metric: DescriptorMetric): number {
  return metric === 'euclidean' ? euclideanDistance(a, b) : cosineDistance(a, b);
}

function describe(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? String(value);
  return `${value.constructor?.name ?? 'object'} of length ${(value as { length?: unknown }).length}`;
}

/** The element-wise mean of one or more descriptors of one length, in float64. */
export function meanDescriptor(descriptors: ArrayLike<number>[]): Float64Array {
  if (descriptors.length === 0) throw new Error('meanDescriptor: needs at least one descriptor');
  const mean = new Float64Array(descriptors[0].length);
  for (const d of descriptors) for (let i = 0; i < d.length; i++) mean[i] += d[i] / descriptors.length;
  return mean;
}
