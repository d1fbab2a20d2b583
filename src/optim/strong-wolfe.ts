// The strong-Wolfe line search of PyTorch's LBFGS (itself a port of Torch7's lswolfe.lua and minFunc):
// bracket a step satisfying the strong Wolfe conditions, then zoom in by safeguarded cubic interpolation.
// Same decisions in the same order, so ConvKit and torch.optim.LBFGS take the same steps.
import type { FloatArray } from '../backend/backend.js';
import { absMax, dot } from './flat-vector.js';

/**
 * The minimiser of the cubic through (x1, f1) and (x2, f2) with slopes g1 and g2, clamped to `bounds`
 * (default: between x1 and x2); the bounds' midpoint when the cubic has no real minimiser.
 */
export function cubicInterpolate(x1: number, f1: number, g1: number, x2: number, f2: number, g2: number, bounds?: [number, number]): number {
  const [lo, hi] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2Square = d1 * d1 - g1 * g2;
  if (d2Square < 0) return (lo + hi) / 2;
  const d2 = Math.sqrt(d2Square);
  const minPos = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2)) : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
  return Math.min(Math.max(minPos, lo), hi);
}

/** f and its gradient at x + t d. */
export type DirectionalObjective = (t: number) => { loss: number; grad: FloatArray };

export interface StrongWolfeOptions {
  /** Sufficient decrease (Armijo) constant (default 1e-4). */
  c1?: number;
  /** Curvature constant (default 0.9). */
  c2?: number;
  /** Stop zooming when the bracket times max |d| is below this (default 1e-9). */
  toleranceChange?: number;
  /** Most evaluations (default 25). */
  maxLs?: number;
}

export interface LineSearchResult {
  loss: number;
  grad: FloatArray;
  t: number;
  evals: number;
}

interface Point {
  t: number;
  loss: number;
  grad: FloatArray;
  gtd: number;
}

/**
 * Search along d from the current point (loss f, gradient g, directional derivative gtd = g.d < 0), starting
 * at step t. Returns the accepted step with its loss and gradient.
 */
export function strongWolfe(objective: DirectionalObjective, t: number, d: FloatArray, f: number, g: FloatArray, gtd: number, options: StrongWolfeOptions = {}): LineSearchResult {
  const { c1 = 1e-4, c2 = 0.9, toleranceChange = 1e-9, maxLs = 25 } = options;
  const dNorm = absMax(d);
  const evaluate = (step: number): Point => {
    const { loss, grad } = objective(step);
    return { t: step, loss, grad, gtd: dot(grad, d) };
  };
  const start: Point = { t: 0, loss: f, grad: g, gtd };
  const armijoFails = (p: Point) => p.loss > f + c1 * p.t * gtd;
  const curvatureHolds = (p: Point) => Math.abs(p.gtd) <= -c2 * gtd;

  // Bracketing phase: grow the step until it overshoots (Armijo fails, the loss rises, or the slope turns
  // non-negative) or satisfies both conditions.
  let current = evaluate(t);
  let evals = 1;
  let previous = start;
  let bracket: Point[] | null = null;
  let done = false;
  let iter = 0;
  while (iter < maxLs) {
    if (armijoFails(current) || (iter > 1 && current.loss >= previous.loss)) {
      bracket = [previous, current];
      break;
    }
    if (curvatureHolds(current)) {
      bracket = [current];
      done = true;
      break;
    }
    if (current.gtd >= 0) {
      bracket = [previous, current];
      break;
    }
    const next = cubicInterpolate(previous.t, previous.loss, previous.gtd, current.t, current.loss, current.gtd, [current.t + 0.01 * (current.t - previous.t), current.t * 10]);
    previous = current;
    current = evaluate(next);
    evals++;
    iter++;
  }
  if (iter === maxLs) bracket = [start, current];
  const points = bracket!;

  // Zoom phase: shrink the bracket [low, high] around a point that satisfies both conditions.
  let insufficientProgress = false;
  let [low, high] = points.length === 2 && points[1].loss < points[0].loss ? [1, 0] : [0, 1];
  while (!done && iter < maxLs) {
    const [a, b] = points;
    if (Math.abs(b.t - a.t) * dNorm < toleranceChange) break;
    let step = cubicInterpolate(a.t, a.loss, a.gtd, b.t, b.loss, b.gtd);
    // Keep the trial point at least a tenth of the bracket away from its ends when interpolation hugs them.
    const top = Math.max(a.t, b.t);
    const bottom = Math.min(a.t, b.t);
    const margin = 0.1 * (top - bottom);
    if (Math.min(top - step, step - bottom) < margin) {
      if (insufficientProgress || step >= top || step <= bottom) {
        step = Math.abs(step - top) < Math.abs(step - bottom) ? top - margin : bottom + margin;
        insufficientProgress = false;
      } else insufficientProgress = true;
    } else insufficientProgress = false;

    const trial = evaluate(step);
    evals++;
    iter++;
    if (armijoFails(trial) || trial.loss >= points[low].loss) {
      points[high] = trial;
      [low, high] = points[0].loss <= points[1].loss ? [0, 1] : [1, 0];
    } else {
      if (curvatureHolds(trial)) done = true;
      else if (trial.gtd * (points[high].t - points[low].t) >= 0) points[high] = points[low];
      points[low] = trial;
    }
  }
  const best = points[low];
  return { loss: best.loss, grad: best.grad, t: best.t, evals };
}
