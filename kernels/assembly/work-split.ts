// How threads divide a kernel's work: fixed shares, or chunks claimed from a shared counter.

/** The share [start, end) of `count` items that thread `tid` of `nthreads` works on. */
@inline
export function shareStart(count: i32, tid: i32, nthreads: i32): i32 {
  return <i32>((<i64>count * tid) / nthreads);
}

/** Claims the next chunk of work: returns the counter's old value (atomic where threads share memory). */
@inline
export function claimChunk(counter: usize): i32 {
  if (ASC_FEATURE_THREADS) return atomic.add<i32>(counter, 1);
  const next = load<i32>(counter);
  store<i32>(counter, next + 1);
  return next;
}

/**
 * Rows per chunk when threads claim rows dynamically: 4 chunks per thread, so a thread that starts late or
 * gets less CPU (the caller runs whatever no worker has claimed) leaves little for the others to wait on.
 */
@inline
export function rowChunk(rows: i32, nthreads: i32): i32 {
  return nthreads == 1 ? rows : max(1, (rows + 4 * nthreads - 1) / (4 * nthreads));
}
