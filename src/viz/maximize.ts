// Activation maximisation as Lucid renders a channel (Olah et al., Distill 2017): gradient ascent with Adam
// on the parameters of an image (Fourier, decorrelated colours, sigmoid: image-parametrization.ts) so that
// the mean activation of one channel of a layer grows, the image re-drawn every step with a random shift,
// scale and rotation (transformation robustness: only features that survive them grow). Seeded: the
// initial parameters and every transform come from one Generator.
import type { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import { noGrad } from '../autograd/grad-mode.js';
import { Generator } from '../util/random.js';
import { Adam } from '../optim/adam.js';
import { layerActivations, type VizModel } from './viz-model.js';
import { affineWarp } from './affine-warp.js';
import { ImageParametrization } from './image-parametrization.js';

export interface MaximizeOptions {
  /** Adam steps (default 256; Lucid's render_vis uses 512). */
  steps?: number;
  /** Adam's learning rate (default 0.05, Lucid's). */
  lr?: number;
  seed?: number;
  /** Random shift, scale and rotation each step (default true). */
  transforms?: boolean;
  /** Fourier parametrisation (default true); false optimises pixels. */
  fourier?: boolean;
  /** Decorrelated colours for RGB models (default true). */
  decorrelate?: boolean;
  /** Called after every step with the objective that step measured. */
  onStep?: (step: number, objective: number) => void;
}

export interface MaximizeResult {
  /** [H, W, C] in (0, 1). */
  image: Tensor;
  /** The objective each step measured (on that step's transformed image). */
  objectives: number[];
  /** The objective of the untransformed image before the first step and after the last. */
  initialObjective: number;
  finalObjective: number;
}

/**
 * Lucid's standard_transforms (pad 12 with grey, jitter 8, scale 0.9-1.1, rotate -10..10 degrees, jitter 4)
 * for a 128-pixel image, as one warp at the image's own size: shifts scale with the image, pixels from
 * outside are grey (0.5).
 */
function randomTransform(x: Tensor, g: Generator): Tensor {
  const size = Math.max(x.shape[1], x.shape[2]);
  const shift = (max: number) => g.randint(2 * max + 1) - max;
  const first = Math.max(1, Math.round((8 * size) / 128));
  const second = Math.max(1, Math.round((4 * size) / 128));
  const scale = 1 + (g.randint(11) - 5) / 50;
  const angle = g.randint(21) - 10;
  const [jx, jy] = [shift(first), shift(first)];
  // p' = A (p - c + j1) + c + j2: the first shift goes through the scale and rotation
  const r = (angle * Math.PI) / 180;
  const translate: [number, number] = [scale * (Math.cos(r) * jx + Math.sin(r) * jy) + shift(second), scale * (-Math.sin(r) * jx + Math.cos(r) * jy) + shift(second)];
  return affineWarp(x, { angle, scale, translate }, 0.5);
}

/** Mean activation of `channel` of `layer` for the image [1, H, W, C]. */
function channelObjective(model: VizModel, layer: string, channel: number, image: Tensor): Tensor {
  const a = layerActivations(model, image, [layer])[layer];
  if (a.ndim !== 4) throw new Error(`maximizeActivation: layer '${layer}' gives ${formatShape(a.shape)}; it needs a feature map [1, H, W, C]`);
  const channels = a.shape[3];
  if (!Number.isInteger(channel) || channel < 0 || channel >= channels) throw new Error(`maximizeActivation: layer '${layer}' has channels 0..${channels - 1}, got ${channel}`);
  return a.narrow(3, channel, 1).mean();
}

/** The image that makes channel `channel` of `layer` respond most, by gradient ascent. */
export function maximizeActivation(model: VizModel, layer: string, channel: number, options: MaximizeOptions = {}): MaximizeResult {
  const { steps = 256, lr = 0.05, seed = 0, transforms = true, fourier = true, onStep } = options;
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`maximizeActivation: steps must be a non-negative integer, got ${steps}`);
  if (!(lr > 0 && Number.isFinite(lr))) throw new Error(`maximizeActivation: lr must be a positive number, got ${lr}`);
  const g = new Generator(seed);
  const image = new ImageParametrization(model.inputShape, { fourier, decorrelate: options.decorrelate ?? model.inputShape[2] === 3, generator: g });
  const parameters = model.module.parameters();
  const frozen = parameters.map((p) => p.requiresGrad);
  const training = model.module.training;
  model.module.eval();
  for (const p of parameters) p.requiresGrad = false; // only the image is optimised
  try {
    const measure = () => noGrad(() => channelObjective(model, layer, channel, image.render()).item());
    const initialObjective = measure();
    const optimizer = new Adam([image.params], { lr });
    const objectives: number[] = [];
    for (let step = 0; step < steps; step++) {
      optimizer.zeroGrad();
      const x = image.render();
      const objective = channelObjective(model, layer, channel, transforms ? randomTransform(x, g) : x);
      objective.neg().backward();
      optimizer.step();
      objectives.push(objective.item());
      onStep?.(step, objective.item());
    }
    const final = noGrad(() => image.render());
    return { image: final.reshape(model.inputShape), objectives, initialObjective, finalObjective: measure() };
  } finally {
    parameters.forEach((p, i) => (p.requiresGrad = frozen[i]));
    model.module.train(training);
  }
}
