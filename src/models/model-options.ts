// Options shared by the model factories, and their validation: a typo in an option name or a bad value is
// an error that names the model, the option and what is valid, not a silently different network.

/** Options every architecture accepts. */
export interface ModelOptions {
  /** Size of the classifier's output (default 1000, ImageNet). */
  numClasses?: number;
  /** Channels of the input image (default 3; 1 for grayscale). */
  inChannels?: number;
}

/** Reject option names the factory does not know, listing the valid ones. */
export function checkOptionNames(modelName: string, options: object, validNames: readonly string[]): void {
  const unknown = Object.keys(options).filter((k) => !validNames.includes(k));
  if (unknown.length) {
    throw new Error(`${modelName}: unknown option(s) ${unknown.map((k) => `'${k}'`).join(', ')}; valid options: ${validNames.join(', ')}`);
  }
}

export function positiveIntOption(modelName: string, name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${modelName}: ${name} must be a positive integer, got ${value}`);
  return value;
}

export function positiveOption(modelName: string, name: string, value: number): number {
  if (!(typeof value === 'number' && value > 0 && Number.isFinite(value))) {
    throw new Error(`${modelName}: ${name} must be a positive finite number, got ${value}`);
  }
  return value;
}

/** A dropout probability in [0, 1). */
export function probabilityOption(modelName: string, name: string, value: number): number {
  if (!(typeof value === 'number' && value >= 0 && value < 1)) throw new Error(`${modelName}: ${name} must be in [0, 1), got ${value}`);
  return value;
}

/** Channel count c scaled by a width multiplier, rounded to a positive multiple of divisor (for groups). */
export function scaleChannels(channels: number, widthMultiplier: number, divisor = 1): number {
  return Math.max(divisor, Math.round((channels * widthMultiplier) / divisor) * divisor);
}
