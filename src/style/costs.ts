// The style-transfer costs exactly as the course texts define them (Gatys et al. 2015, as taught):
//   J_content(C, G) = 1/2 ||a(C) - a(G)||^2
//   G_kk' = sum_i sum_j a_ijk a_ijk'                                  (the style, or Gram, matrix)
//   J_style[l](S, G) = 1 / (2 nH nW nC)^2 * sum_k sum_k' (G(S)_kk' - G(G)_kk')^2
//   J_style = sum_l lambda[l] J_style[l];   J(G) = alpha J_content + beta J_style (+ tvWeight TV(G))
// Activations are NHWC: [1, nH, nW, nC] or [nH, nW, nC]. Every cost is a scalar tensor in the autograd graph.
import type { Tensor } from '../tensor/tensor.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';

/** [nH, nW, nC] of an activation, or an error naming `fn` and what it got. */
export function activationDims(fn: string, a: Tensor): [number, number, number] {
  const s = a.shape;
  if (s.length === 3) return [s[0], s[1], s[2]];
  if (s.length === 4 && s[0] === 1) return [s[1], s[2], s[3]];
  throw new Error(`${fn}: expected one activation [1, nH, nW, nC] or [nH, nW, nC], got ${formatShape(s)}`);
}

function checkSameShape(fn: string, a: Tensor, b: Tensor, names: [string, string]): void {
  activationDims(fn, a);
  if (!shapesEqual(a.shape, b.shape)) {
    throw new Error(`${fn}: ${names[0]} ${formatShape(a.shape)} and ${names[1]} ${formatShape(b.shape)} must have the same shape`);
  }
}

/** J_content = 1/2 sum (aC - aG)^2. */
export function contentCost(aC: Tensor, aG: Tensor): Tensor {
  checkSameShape('contentCost', aC, aG, ['aC', 'aG']);
  return aC.sub(aG).square().sum().mul(0.5);
}

/** The Gram matrix G_kk' = sum over positions of a_k * a_k', [nC, nC]. */
export function gramMatrix(a: Tensor): Tensor {
  const [nH, nW, nC] = activationDims('gramMatrix', a);
  const flat = a.reshape([nH * nW, nC]);
  return flat.transpose(0, 1).matmul(flat);
}

/**
 * J_style[l] from the style image's Gram matrix (computed once, outside the optimisation loop) and the
 * generated image's activation.
 */
export function gramStyleCost(gramS: Tensor, aG: Tensor): Tensor {
  const [nH, nW, nC] = activationDims('gramStyleCost', aG);
  if (!shapesEqual(gramS.shape, [nC, nC])) {
    throw new Error(`gramStyleCost: the style Gram matrix is ${formatShape(gramS.shape)}, expected [${nC}, ${nC}] for aG ${formatShape(aG.shape)}`);
  }
  const norm = 2 * nH * nW * nC;
  return gramS.sub(gramMatrix(aG)).square().sum().div(norm * norm);
}

/** J_style[l](S, G) = 1 / (2 nH nW nC)^2 * sum (G(S) - G(G))^2. */
export function layerStyleCost(aS: Tensor, aG: Tensor): Tensor {
  checkSameShape('layerStyleCost', aS, aG, ['aS', 'aG']);
  return gramStyleCost(gramMatrix(aS), aG);
}

/** One style layer's activations for S and for G. */
export interface StyleLayer {
  aS: Tensor;
  aG: Tensor;
}

/** J_style = sum_l lambda[l] J_style[l]; `weights` are the lambdas, one per layer. */
export function styleCost(layers: readonly StyleLayer[], weights: readonly number[]): Tensor {
  if (layers.length === 0) throw new Error('styleCost: got no layers');
  if (weights.length !== layers.length) {
    throw new Error(`styleCost: ${layers.length} layer(s) but ${weights.length} weight(s); give one lambda per layer`);
  }
  weights.forEach((w, i) => {
    if (!Number.isFinite(w)) throw new Error(`styleCost: weights[${i}] is ${w}; the lambdas must be finite numbers`);
  });
  return weightedSum('styleCost', layers.map(({ aS, aG }) => layerStyleCost(aS, aG)), weights);
}

/** sum_i weights[i] * costs[i], for costs computed elsewhere (e.g. from precomputed Gram matrices). */
export function weightedSum(fn: string, costs: readonly Tensor[], weights: readonly number[]): Tensor {
  if (costs.length === 0 || costs.length !== weights.length) {
    throw new Error(`${fn}: ${costs.length} cost(s) and ${weights.length} weight(s); need one weight per cost, at least one`);
  }
  return costs.map((c, i) => c.mul(weights[i])).reduce((acc, c) => acc.add(c));
}

/**
 * Total variation: the sum of squared differences between vertically and horizontally neighbouring pixels of
 * an image [1, H, W, C] or [H, W, C] (jcjohnson/neural-style's smoothness term).
 */
export function totalVariation(image: Tensor): Tensor {
  const [h, w, c] = activationDims('totalVariation', image);
  const x = image.reshape([h, w, c]);
  const down = x.narrow(0, 1, h - 1).sub(x.narrow(0, 0, h - 1)).square().sum();
  const right = x.narrow(1, 1, w - 1).sub(x.narrow(1, 0, w - 1)).square().sum();
  return down.add(right);
}

export interface TotalCostOptions {
  /** Weight of the content cost (default 10, the course's alpha). */
  alpha?: number;
  /** Weight of the style cost (default 40, the course's beta). */
  beta?: number;
  /** Weight of the total variation of `image` (default 0: off). */
  tvWeight?: number;
  /** The generated image, needed when tvWeight > 0. */
  image?: Tensor;
}

/** J(G) = alpha J_content + beta J_style (+ tvWeight TV(G)). */
export function totalCost(jContent: Tensor, jStyle: Tensor, options: TotalCostOptions = {}): Tensor {
  const { alpha = 10, beta = 40, tvWeight = 0, image } = options;
  for (const [name, v] of [['alpha', alpha], ['beta', beta], ['tvWeight', tvWeight]] as const) {
    if (!Number.isFinite(v) || v < 0) throw new Error(`totalCost: ${name} must be a finite number >= 0, got ${v}`);
  }
  const j = jContent.mul(alpha).add(jStyle.mul(beta));
  if (tvWeight === 0) return j;
  if (!image) throw new Error(`totalCost: tvWeight is ${tvWeight} but no image was given (options.image)`);
  return j.add(totalVariation(image).mul(tvWeight));
}
