import { readFile } from 'node:fs/promises';

/** The whole file, with errors that name the caller and the path ("no such file" for a missing one). */
export async function readFileBytes(path: string, caller: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`${caller}: no such file '${path}'`, { cause: error });
    throw new Error(`${caller}: cannot read '${path}': ${(error as Error).message}`, { cause: error });
  }
}
