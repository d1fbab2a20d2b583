// Versions of tensor storage, for caches of data derived from it (the wasm backend keeps weights packed
// for its kernels). Every in-place write bumps the version of the storage it wrote: optimiser updates,
// copy_ (so loadStateDict), the init functions, gradcheck's perturbations; code that writes `.data`
// directly calls `tensor.bumpVersion()`. The version belongs to the ArrayBuffer, as in PyTorch where views
// share their base's counter: tensors that share data (detach, a Parameter and the tensor it wraps, views
// made with subarray) see each other's writes.
import type { TypedArray } from './dtype.js';

const versions = new WeakMap<ArrayBufferLike, number>();
/** Storage known to hold weights (a Parameter's): caches may keep derived data from its first use. */
const weights = new WeakSet<TypedArray>();

export function storageVersion(data: TypedArray): number {
  return versions.get(data.buffer) ?? 0;
}

export function bumpStorageVersion(data: TypedArray): void {
  versions.set(data.buffer, storageVersion(data) + 1);
}

export function markWeightStorage(data: TypedArray): void {
  weights.add(data);
}

export function isWeightStorage(data: TypedArray): boolean {
  return weights.has(data);
}
