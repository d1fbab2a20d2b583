// A JSON description stored under one key of a safetensors file's metadata, parsed and checked, with errors
// that name the file and the key.
import type { SafetensorsMetadata } from './safetensors.js';

/** check(parsed, where) for the JSON under `key`, or null when the file has no such entry. */
export function readJsonMetadata<T>(metadata: SafetensorsMetadata, key: string, source: string, check: (parsed: unknown, where: string) => T): T | null {
  const raw = metadata[key];
  if (raw === undefined) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new Error(`${source}: metadata '${key}' is not valid JSON (${(error as Error).message})`, { cause: error });
  }
  return check(parsed, `${source}: metadata '${key}'`);
}
