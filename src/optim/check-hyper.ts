// Hyper-parameter checks shared by the optimisers: each error names the optimiser, the option and the range.

export function checkNonNegative(optimizer: string, option: string, value: unknown): void {
  if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) {
    throw new Error(`${optimizer}: ${option} must be a finite number >= 0, got ${String(value)}`);
  }
}

/** 0 <= value < 1, as for momentum-like decay rates. */
export function checkUnitInterval(optimizer: string, option: string, value: unknown): void {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
    throw new Error(`${optimizer}: ${option} must be in [0, 1), got ${String(value)}`);
  }
}

export function checkBoolean(optimizer: string, option: string, value: unknown): void {
  if (typeof value !== 'boolean') throw new Error(`${optimizer}: ${option} must be true or false, got ${String(value)}`);
}
