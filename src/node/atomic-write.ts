// Replace a file so that, whatever happens, the path holds either the old contents or the new ones in full:
// write a temporary file in the same directory (rename is only atomic within a file system), flush it to
// disk, rename it over the target, then flush the directory so the rename itself survives a power cut.
// A process killed mid-write leaves at most a stray temporary file, never a half-written target.
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** Directory fsync is not possible everywhere (Windows cannot open a directory): skip it there. */
const DIRECTORY_SYNC_UNSUPPORTED = new Set(['EISDIR', 'EPERM', 'EACCES', 'EINVAL', 'ENOTSUP', 'EBADF']);

/** A name that cannot collide with another writer's, hidden, and recognisable as ours. */
export function temporaryPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
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
  } catch (error) {
    if (!renamed) await unlink(temporary).catch(() => undefined);
    throw new Error(`atomicWriteFile: could not write '${path}': ${(error as Error).message}`, { cause: error });
  }
}
