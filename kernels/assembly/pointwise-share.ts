// Shared by the pointwise kernels (optimiser steps, ReLU): their arrays, and each thread's range.
// Threads share fixed ranges of whole vectors. A last, partial vector is computed whole: its extra lanes
// read past the array and store into the padding the arena leaves after every array (allocations are
// rounded to 64 bytes, so an array whose length is not a multiple of the vector has at least the rest of
// the vector's bytes after it).
import * as L from './layout.generated';
import { shareStart } from './work-split';

/** Pointer to the kernel's array i (0 = absent). */
@inline
export function array(task: usize, i: i32): usize {
  return <usize>load<u32>(task + L.PW_ARRAYS + <usize>(i << 2));
}

/** Thread `tid`'s start (or end) byte offset into every array, in vectors of `lanes` floats. */
@inline
export function shareBytes(task: usize, tid: i32, nthreads: i32, lanes: i32, end: bool): usize {
  const vectors = (load<i32>(task, L.PW_N) + lanes - 1) / lanes;
  return <usize>shareStart(vectors, end ? tid + 1 : tid, nthreads) * <usize>(lanes << 2);
}
