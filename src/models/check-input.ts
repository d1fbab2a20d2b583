import type { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';

/**
 * Check a model's input before any layer runs, so a wrong image size or channel count is reported in
 * the model's terms (NHWC, what it was built for) rather than as a shape error deep inside a layer.
 */
export function checkModelInput(modelName: string, x: Tensor, inChannels: number, inputSize?: number): void {
  const expected = `[batch, ${inputSize ?? 'height'}, ${inputSize ?? 'width'}, ${inChannels}] (NHWC)`;
  if (x.ndim !== 4) throw new Error(`${modelName}: input must be 4-D ${expected}, got ${formatShape(x.shape)}`);
  if (x.shape[3] !== inChannels) {
    throw new Error(`${modelName}: input ${formatShape(x.shape)} has ${x.shape[3]} channels, the model was built for ${inChannels}: expected ${expected}`);
  }
  if (inputSize !== undefined && (x.shape[1] !== inputSize || x.shape[2] !== inputSize)) {
    throw new Error(
      `${modelName}: input ${formatShape(x.shape)} is ${x.shape[1]}x${x.shape[2]}, the classifier was sized for ${inputSize}x${inputSize}: ` +
        `expected ${expected} (build the model with inputSize: ${x.shape[1]} for other sizes)`,
    );
  }
}
