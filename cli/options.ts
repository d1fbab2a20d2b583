// Parsers for option values: each rejects bad input with a message naming the option and what is valid
// (commander prints it as "error: option '--epochs <n>' argument 'x' is invalid. <message>").
import { InvalidArgumentError } from 'commander';

export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('Expected a positive integer.');
  return n;
}

export function nonNegativeInteger(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('Expected a non-negative integer.');
  return n;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('Expected a positive number.');
  return n;
}

export function finiteNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('Expected a finite number.');
  return n;
}

export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError('Expected a number >= 0.');
  return n;
}

/** "HxWxC" -> [H, W, C]. */
export function imageShape(value: string): [number, number, number] {
  const parts = value.toLowerCase().split('x');
  if (parts.length !== 3 || parts.some((p) => !/^\d+$/.test(p) || Number(p) < 1)) {
    throw new InvalidArgumentError('Expected HxWxC with positive integers, e.g. 28x28x1 or 224x224x3.');
  }
  return parts.map(Number) as [number, number, number];
}

/** Collects repeated "--option key=value" into an object; values are JSON when they parse, else strings. */
export function keyValue(value: string, previous: Record<string, unknown> = {}): Record<string, unknown> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`Expected key=value (e.g. variant=classic), got '${value}'.`);
  const key = value.slice(0, eq);
  const raw = value.slice(eq + 1);
  let parsed: unknown = raw;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // not JSON: keep the string (variant=classic)
  }
  return { ...previous, [key]: parsed };
}
