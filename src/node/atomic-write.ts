// Replace a file so that, whatever happens, the path holds either the old contents or the new ones in full:
// write a temporary file in the same directory (rename is only atomic within a file system), flush it to
// disk, rename it over the target, then flush the directory so the rename itself survives a power cut.
// A process killed mid-write leaves at most a stray temporary file, never a half-written target; the next
// write to that target removes it (only our own names, only once that process is gone).
import { open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** Directory fsync is not possible everywhere (Windows cannot open a directory): skip it there. */
const DIRECTORY_SYNC_UNSUPPORTED = new Set(['EISDIR', 'EPERM', 'EACCES', 'EINVAL', 'ENOTSUP', 'EBADF']);

/** A name that cannot collide with another writer's, hidden, and recognisable as ours. */
export function temporaryPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

const TEMPORARY_SUFFIX = /^(\d+)\.[0-9a-f]{12}\.tmp$/;

/** Directories already listed in this process: stale names by target, so a folder of many targets is read once. */
const staleByDirectory = new Map<string, Promise<Map<string, string[]>>>();

/** True unless no process has this id (EPERM: one exists, owned by someone else). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** Temporary files of dead writers in `directory`, by the target they were for. */
async function listStaleTemporaries(directory: string): Promise<Map<string, string[]>> {
  const stale = new Map<string, string[]>();
  const names = await readdir(directory).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith('.')) continue;
    // '.<target>.<pid>.<hex>.tmp': the target itself may contain dots, so read the suffix from the end.
    const parts = name.split('.');
    const suffix = parts.slice(-3).join('.');
    const match = TEMPORARY_SUFFIX.exec(suffix);
    if (!match || parts.length < 5 || Number(match[1]) === process.pid || isRunning(Number(match[1]))) continue;
    const target = parts.slice(1, -3).join('.');
    stale.set(target, [...(stale.get(target) ?? []), name]);
  }
  return stale;
}

/** Remove what killed writes to `path` left behind (best effort: a file another process removed first is fine). */
async function removeStaleTemporaries(path: string): Promise<void> {
  const directory = dirname(path);
  if (!staleByDirectory.has(directory)) staleByDirectory.set(directory, listStaleTemporaries(directory));
  const stale = await staleByDirectory.get(directory)!;
  const names = stale.get(basename(path)) ?? [];
  stale.delete(basename(path));
  await Promise.all(names.map((name) => unlink(join(directory, name)).catch(() => undefined)));
}

async function syncDirectory(directory: string): Promise<void> {
  let handle;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch (error) {
    if (!DIRECTORY_SYNC_UNSUPPORTED.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    await handle?.close();
  }
}

export async function atomicWriteFile(path: string, bytes: Uint8Array): Promise<void> {
  const temporary = temporaryPathFor(path);
  let renamed = false;
  try {
    const handle = await open(temporary, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
    renamed = true;
    await syncDirectory(dirname(path));
    await removeStaleTemporaries(path);
  } catch (error) {
    if (!renamed) await unlink(temporary).catch(() => undefined);
    throw new Error(`atomicWriteFile: could not write '${path}': ${(error as Error).message}`, { cause: error });
  }
}
