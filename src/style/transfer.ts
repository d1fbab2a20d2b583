// Gatys style transfer: optimise the pixels of G so that its activations match the content image's at one
// layer and the style images' Gram matrices at several, with the course texts' costs. Multi-resolution
// (optimise small, upscale, continue), colour preservation, several styles blended by weight, style scale.
import { Tensor } from '../tensor/tensor.js';
import { rand } from '../tensor/create.js';
import { formatShape } from '../tensor/shape.js';
import { noGrad } from '../autograd/grad-mode.js';
import { interpolate } from '../ops/interpolate.js';
import { Generator } from '../util/random.js';
import { LBFGS } from '../optim/lbfgs.js';
import { Adam } from '../optim/adam.js';
import { activationDims, contentCost, gramMatrix, gramStyleCost, totalVariation } from './costs.js';
import type { FeatureNetwork } from './feature-network.js';
import { preserveColors } from './colour.js';

export interface StyleTransferOptions {
  /** Iterations per resolution (default 300). With L-BFGS each iteration is one evaluation (no line search, as jcjohnson/neural-style). */
  steps?: number;
  optimizer?: 'lbfgs' | 'adam';
  /** Adam's learning rate in [0, 1] pixel units (default 0.02); L-BFGS's step scale (default 1). */
  lr?: number;
  /** alpha, on the content cost relative to the content image's own (default 1). */
  contentWeight?: number;
  /** beta, on the style cost relative to the style's own (default 1e4). */
  styleWeight?: number;
  /** On the total variation of G, per pixel (default 0). */
  tvWeight?: number;
  /** lambda per style layer (default equal, summing to 1). */
  styleLayerWeights?: readonly number[];
  /** One weight per style image (default equal); normalised to sum 1. */
  styleBlendWeights?: readonly number[];
  /** The style images are resized to styleScale times G's size (default 1). */
  styleScale?: number;
  init?: 'content' | 'style' | 'noise';
  /** Seeds the noise initialisation (default 0). */
  seed?: number;
  /** Longest sides of the stages, ascending (default: the content image's own size, one stage). */
  sizes?: readonly number[];
  preserveColors?: boolean;
  /** Called after every iteration (evaluation) with the costs, and the image on request. */
  onStep?: (info: StyleStepInfo) => void;
}

export interface StyleCosts {
  /** alpha-free J_content / J_content(C, 0): 0 when G's content activation equals C's, 1 for a blank one. */
  content: number;
  /** sum_l lambda_l J_style[l] / J_style[l](S, 0), before beta. */
  style: number;
  /** Total variation of G per pixel, before tvWeight. */
  tv: number;
  /** The objective minimised: alpha content + beta style + tvWeight tv. */
  total: number;
}

export interface StyleStepInfo extends StyleCosts {
  /** Iterations so far over all stages, and of all stages. */
  step: number;
  steps: number;
  /** The stage's size [H, W]. */
  size: [number, number];
  /** The current image (a copy, clamped to [0, 1]). */
  image: () => Tensor;
}

export interface StyleTransferResult {
  image: Tensor;
  costs: StyleCosts;
  history: StyleCosts[];
  steps: number;
  seconds: number;
}

/** The image's size scaled so its longest side is `longest`. */
function fitSize(h: number, w: number, longest: number): [number, number] {
  const s = longest / Math.max(h, w);
  return [Math.max(1, Math.round(h * s)), Math.max(1, Math.round(w * s))];
}

function resize(image: Tensor, size: [number, number]): Tensor {
  if (image.shape[1] === size[0] && image.shape[2] === size[1]) return image;
  return noGrad(() => interpolate(image, { size, mode: 'bilinear' }));
}

function checkImage(where: string, image: Tensor): void {
  if (!(image instanceof Tensor) || image.ndim !== 4 || image.shape[0] !== 1 || image.shape[3] !== 3) {
    throw new Error(`styleTransfer: ${where} must be one RGB image [1, H, W, 3] in [0, 1], got ${image instanceof Tensor ? formatShape(image.shape) : typeof image}`);
  }
}

function checkPositive(name: string, v: number, allowZero = false): void {
  if (!Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) throw new Error(`styleTransfer: ${name} must be a finite number ${allowZero ? '>= 0' : '> 0'}, got ${v}`);
}

/** Generate G with `content`'s layout in the style of `styles` (each [1, H, W, 3] in [0, 1]). */
export function styleTransfer(network: FeatureNetwork, content: Tensor, styles: readonly Tensor[], options: StyleTransferOptions = {}): StyleTransferResult {
  const started = performance.now();
  checkImage('content', content);
  if (styles.length === 0) throw new Error('styleTransfer: give at least one style image');
  styles.forEach((s, i) => checkImage(`styles[${i}]`, s));
  const {
    steps = 300, optimizer = 'lbfgs', contentWeight = 1, styleWeight = 1e4, tvWeight = 0, styleScale = 1, init = 'content', seed = 0,
  } = options;
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`styleTransfer: steps must be an integer >= 1, got ${steps}`);
  if (optimizer !== 'lbfgs' && optimizer !== 'adam') throw new Error(`styleTransfer: optimizer must be 'lbfgs' or 'adam', got ${JSON.stringify(optimizer)}`);
  if (!['content', 'style', 'noise'].includes(init)) throw new Error(`styleTransfer: init must be 'content', 'style' or 'noise', got ${JSON.stringify(init)}`);
  checkPositive('contentWeight', contentWeight, true);
  checkPositive('styleWeight', styleWeight, true);
  checkPositive('tvWeight', tvWeight, true);
  checkPositive('styleScale', styleScale);
  const layers = network.styleLayers;
  const lambdas = options.styleLayerWeights ?? layers.map(() => 1 / layers.length);
  if (lambdas.length !== layers.length) throw new Error(`styleTransfer: ${layers.length} style layer(s) but ${lambdas.length} styleLayerWeights`);
  const blend = options.styleBlendWeights ?? styles.map(() => 1);
  if (blend.length !== styles.length || blend.some((w) => !(w >= 0)) || !(blend.reduce((a, b) => a + b, 0) > 0)) {
    throw new Error(`styleTransfer: styleBlendWeights must be ${styles.length} number(s) >= 0 with a positive sum, got ${JSON.stringify(blend)}`);
  }
  const blendSum = blend.reduce((a, b) => a + b, 0);
  const [h0, w0] = [content.shape[1], content.shape[2]];
  const sizes = options.sizes ?? [Math.max(h0, w0)];
  if (sizes.length === 0 || sizes.some((s, i) => !Number.isInteger(s) || s < 1 || (i > 0 && s <= sizes[i - 1]))) {
    throw new Error(`styleTransfer: sizes must be ascending positive integers (longest sides), got ${JSON.stringify(sizes)}`);
  }

  const totalSteps = steps * sizes.length;
  const history: StyleCosts[] = [];
  let image: Tensor | null = null;
  let step = 0;
  for (const longest of sizes) {
    const size = fitSize(h0, w0, longest);
    const contentAt = resize(content, size);
    // Targets: C's content activation and the blended, size-matched Gram matrices of the styles.
    const targets = noGrad(() => {
      const aC = network.extract(contentAt, [network.contentLayer])[network.contentLayer];
      const [cH, cW] = activationDims('styleTransfer', aC);
      const grams = layers.map(() => null as Tensor | null);
      const styleAreas: number[] = layers.map(() => 0);
      styles.forEach((style, si) => {
        const styleSize = fitSize(style.shape[1], style.shape[2], Math.round(Math.max(...size) * styleScale));
        const feats = network.extract(resize(style, styleSize), layers);
        layers.forEach((name, li) => {
          const [sH, sW] = activationDims('styleTransfer', feats[name]);
          styleAreas[li] = sH * sW;
          // The course normalises by G's nH nW; scale each style's Gram to G's area so sizes need not match.
          const g = gramMatrix(feats[name]).mul(blend[si] / blendSum / (sH * sW));
          grams[li] = grams[li] ? grams[li]!.add(g) : g;
        });
      });
      return { aC, cArea: cH * cW, grams: grams as Tensor[] };
    });
    const gArea = (a: Tensor) => activationDims('styleTransfer', a).slice(0, 2).reduce((x, y) => x * y);
    // Reference costs that make alpha and beta independent of the network's activation scale.
    const contentRef = noGrad(() => targets.aC.square().sum().item() / 2);

    const start: Tensor = image
      ? resize(image, size)
      : init === 'content'
        ? contentAt
        : init === 'style'
          ? resize(styles[0], size)
          : rand([1, size[0], size[1], 3], { generator: new Generator(seed) });
    const g: Tensor = start.detach().clone().requiresGrad_();
    let styleRefs: number[] | null = null;

    const evaluate = (): { loss: Tensor; costs: StyleCosts } => {
      const wanted = [network.contentLayer, ...layers.filter((l) => l !== network.contentLayer)];
      const feats = network.extract(g, wanted);
      const jContent = contentCost(targets.aC, feats[network.contentLayer]).div(contentRef || 1);
      const gramTargets = layers.map((name, li) => targets.grams[li].mul(gArea(feats[name])));
      styleRefs ??= noGrad(() => gramTargets.map((t, li) => { const [nH, nW, nC] = activationDims('styleTransfer', feats[layers[li]]); return t.square().sum().item() / (2 * nH * nW * nC) ** 2; }));
      const jStyle = layers
        .map((name, li) => gramStyleCost(gramTargets[li], feats[name]).mul(lambdas[li] / (styleRefs![li] || 1)))
        .reduce((a, b) => a.add(b));
      const tv = totalVariation(g).div(size[0] * size[1]);
      const loss = jContent.mul(contentWeight).add(jStyle.mul(styleWeight)).add(tv.mul(tvWeight));
      return { loss, costs: { content: jContent.item(), style: jStyle.item(), tv: tv.item(), total: loss.item() } };
    };
    const report = (costs: StyleCosts) => {
      history.push(costs);
      step++;
      options.onStep?.({ ...costs, step, steps: totalSteps, size, image: () => noGrad(() => g.clamp(0, 1)) });
    };

    // Each evaluation after the first is of the image after one more update; a last one follows the loop.
    let evaluations = 0;
    const lossAndGrad = (): Tensor => {
      g.grad = null;
      const { loss, costs } = evaluate();
      loss.backward();
      if (evaluations++ > 0) report(costs);
      return loss;
    };
    if (optimizer === 'lbfgs') {
      // As jcjohnson/neural-style: no line search and no early stop, one evaluation per iteration.
      const opt = new LBFGS([g], { lr: options.lr ?? 1, maxIter: steps, maxEval: steps + 1, toleranceGrad: 0, toleranceChange: 0, historySize: 50 });
      opt.step(lossAndGrad);
    } else {
      const opt = new Adam([g], { lr: options.lr ?? 0.02 });
      for (let i = 0; i < steps; i++) {
        lossAndGrad();
        opt.step();
      }
    }
    report(noGrad(() => evaluate().costs));
    image = noGrad((): Tensor => g.detach());
  }
  const finalCosts = history[history.length - 1];
  let out = noGrad(() => image!.clamp(0, 1));
  if (options.preserveColors) out = noGrad(() => preserveColors(out, resize(content, [out.shape[1], out.shape[2]])));
  return { image: out, costs: finalCosts, history, steps: step, seconds: (performance.now() - started) / 1000 };
}
