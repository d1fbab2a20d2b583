// Typed reading of one Keras layer's config, with errors that name the layer, its class, the setting, the
// value found and what is valid.
import type { KerasConfig, KerasLayerNode } from './keras-topology.js';

/** A per-sample shape (no batch dimension); null where the topology leaves a size open. */
export type KerasShape = Array<number | null>;

export class LayerConfigReader {
  readonly config: KerasConfig;

  constructor(
    readonly layer: KerasLayerNode,
    readonly caller: string,
  ) {
    this.config = layer.config;
  }

  fail(message: string): never {
    throw new Error(`${this.caller}: layer '${this.layer.name}' (${this.layer.className}): ${message}`);
  }

  private invalid(key: string, expected: string): never {
    return this.fail(`${key} is ${JSON.stringify(this.config[key])}; expected ${expected}`);
  }

  has(key: string): boolean {
    return this.config[key] !== undefined && this.config[key] !== null;
  }

  positiveInt(key: string, fallback?: number): number {
    const v = this.config[key] ?? fallback;
    if (!Number.isInteger(v) || (v as number) < 1) this.invalid(key, 'a positive integer');
    return v as number;
  }

  number(key: string, fallback?: number): number {
    const v = this.config[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v)) this.invalid(key, 'a finite number');
    return v;
  }

  bool(key: string, fallback: boolean): boolean {
    const v = this.config[key] ?? fallback;
    if (typeof v !== 'boolean') this.invalid(key, 'true or false');
    return v;
  }

  /** A number or [h, w] of positive integers (kernel_size, strides, dilation_rate, pool_size). */
  pair(key: string, fallback?: [number, number]): [number, number] {
    const v = this.config[key] ?? fallback;
    const p = typeof v === 'number' ? [v, v] : v;
    if (!Array.isArray(p) || p.length !== 2 || p.some((d) => !Number.isInteger(d) || d < 1)) this.invalid(key, 'a positive integer or [h, w]');
    return [p[0], p[1]];
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], fallback?: T): T {
    const v = this.config[key] ?? fallback;
    if (!allowed.includes(v as T)) this.invalid(key, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
    return v as T;
  }

  /** ConvKit layers are channels-last, as Keras's default. */
  channelsLast(): void {
    this.oneOf('data_format', ['channels_last'], 'channels_last');
  }

  /** Convolution and pooling padding: Keras 'same' is TensorFlow's rule, which ConvKit's 'same' follows. */
  padding(): 'valid' | 'same' {
    return this.oneOf('padding', ['valid', 'same'], 'valid');
  }

  /** The layer's only input shape, with a known channel count when needChannels. */
  singleInput(inputShapes: KerasShape[], rank?: number): KerasShape {
    if (inputShapes.length !== 1) this.fail(`takes one input, got ${inputShapes.length}`);
    const shape = inputShapes[0];
    if (rank !== undefined && shape.length !== rank) {
      this.fail(`needs a ${rank + 1}-D input (batch included), got [batch, ${shape.map(String).join(', ')}]`);
    }
    return shape;
  }

  /** The known size of the last axis (the channels of an NHWC input, the features of a dense input). */
  lastDim(shape: KerasShape): number {
    const c = shape[shape.length - 1];
    if (c === null || c === undefined) this.fail(`its input's last dimension is unknown; ConvKit needs it to size the weights`);
    return c;
  }
}
