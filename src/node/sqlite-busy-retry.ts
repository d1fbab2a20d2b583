// SQLite answers SQLITE_BUSY when another connection holds the write lock longer than the busy timeout. The
// busy timeout blocks the event loop (better-sqlite3 is synchronous), so it is kept short and the wait goes
// on here, asynchronously, with jittered backoff, until a deadline: callers never see "database is locked"
// unless the database stayed locked for the whole deadline, and then the error says so.
import { setTimeout as sleep } from 'node:timers/promises';

export const DEFAULT_BUSY_DEADLINE_MS = 30_000;

export function isBusyError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/** Runs `work` (one whole transaction: it must be safe to repeat) until it is not refused as busy. */
export async function retryWhileBusy<T>(what: string, work: () => T, deadlineMs = DEFAULT_BUSY_DEADLINE_MS): Promise<T> {
  const start = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      return work();
    } catch (error) {
      if (!isBusyError(error)) throw error;
      const waited = Date.now() - start;
      if (waited >= deadlineMs) {
        throw new Error(`${what}: the face database stayed locked by another process for ${waited} ms (SQLite: ${(error as Error).message})`, { cause: error });
      }
      const backoff = Math.min(200, 5 * 2 ** Math.min(attempt, 6));
      await sleep(Math.min(backoff / 2 + Math.random() * backoff, deadlineMs - waited));
    }
  }
}
