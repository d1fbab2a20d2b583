// The service's bearer token: read from a file, or made on first start and written readable by its owner
// only (created with O_EXCL, so two servers starting at once cannot both write one).
import { open, readFile, stat } from 'node:fs/promises';
import { randomBytes, timingSafeEqual } from 'node:crypto';

export interface ServiceToken {
  token: string;
  /** True when this call made the token (the caller prints it once). */
  created: boolean;
}

export async function loadOrCreateToken(path: string): Promise<ServiceToken> {
  try {
    const info = await stat(path);
    if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
      throw new Error(`the token file '${path}' is readable by others (mode ${(info.mode & 0o777).toString(8)}): chmod 600 it`);
    }
    const token = (await readFile(path, 'utf8')).trim();
    if (token.length < 16) throw new Error(`the token file '${path}' holds ${token.length} characters; a token is at least 16`);
    return { token, created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const token = randomBytes(32).toString('base64url');
  const handle = await open(path, 'wx', 0o600);
  try {
    await handle.writeFile(`${token}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return { token, created: true };
}

/** Compares in constant time, so the response time says nothing about how much of a guess was right. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer (\S+)$/.exec(header ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1]);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
