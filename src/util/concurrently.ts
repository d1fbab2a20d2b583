// Bounded concurrency for asynchronous work (decoding many images on libuv's thread pool).

/** Run task(0..count-1) with at most `limit` in flight; the first failure stops new tasks and is rethrown. */
export async function forEachConcurrently(count: number, limit: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < count) {
      const index = next++;
      try {
        await task(index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
}
