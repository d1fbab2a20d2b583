// JSON helpers for checkpoint metadata: a check that a value survives JSON.stringify/JSON.parse unchanged
// (JSON silently turns NaN into null and a typed array into an object), and the plain-object test it uses.
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** An object literal or JSON.parse result (not an array, Map, typed array or class instance). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Throws naming `where` and the path to the first value JSON cannot hold. Object fields that are undefined are allowed (dropped). */
export function assertJsonValue(value: unknown, where: string, path = ''): void {
  const at = path || '(top level)';
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`${where}: ${at} is ${value}, which JSON cannot hold (it would come back as null)`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => assertJsonValue(item, where, `${path}[${i}]`));
    return;
  }
  if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) assertJsonValue(item, where, path ? `${path}.${key}` : key);
    }
    return;
  }
  const kind = typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
  throw new Error(`${where}: ${at} is a ${kind}; only plain objects, arrays, strings, finite numbers, booleans and null can be saved as JSON (put tensors in the tensors part)`);
}
