// Optimiser steps over a float32 parameter and its state, two elements at a time in float64 (f64x2):
// the same expressions, in the same order, as the reference (src/backend/js/optim.ts), so results agree
// bit for bit. Arrays (pointwise-share.ts): 0 param, 1 grad, then the state.
import * as L from './layout.generated';
import { array, shareBytes } from './pointwise-share';

@inline
function load2(p: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

@inline
function store2(p: usize, v: v128): void {
  v128.store64_lane(p, f32x4.demote_f64x2_zero(v), 0);
}

@inline
function factor(task: usize, i: i32): v128 {
  return f64x2.splat(load<f64>(task + L.PW_H + <usize>(i << 3)));
}

/** SGD. Factors: lr, momentum, 1 - dampening, weightDecay, sign. */
export function sgdStep(task: usize, tid: i32, nthreads: i32): void {
  const param = array(task, 0), grad = array(task, 1), buffer = array(task, 2);
  const flags = load<i32>(task, L.PW_FLAGS);
  const nesterov = (flags & L.PW_NESTEROV) != 0, firstStep = (flags & L.PW_FIRST_STEP) != 0;
  const lr = factor(task, 0), momentum = factor(task, 1), keep = factor(task, 2), weightDecay = factor(task, 3), sign = factor(task, 4);
  const end = shareBytes(task, tid, nthreads, 2, true);
  for (let o = shareBytes(task, tid, nthreads, 2, false); o < end; o += 8) {
    const p = load2(param + o);
    let d = f64x2.add(f64x2.mul(sign, load2(grad + o)), f64x2.mul(weightDecay, p));
    if (buffer) {
      const buf = firstStep ? d : f64x2.add(f64x2.mul(momentum, load2(buffer + o)), f64x2.mul(keep, d));
      store2(buffer + o, buf);
      d = nesterov ? f64x2.add(d, f64x2.mul(momentum, buf)) : buf;
    }
    store2(param + o, f64x2.sub(p, f64x2.mul(lr, d)));
  }
}

/** Adam / AdamW. Factors: decay, l2, sign, beta1, 1 - beta1, beta2, 1 - beta2, stepSize, sqrt(1 - beta2^t), eps. */
export function adamStep(task: usize, tid: i32, nthreads: i32): void {
  const param = array(task, 0), grad = array(task, 1);
  const expAvg = array(task, 2), expAvgSq = array(task, 3), maxExpAvgSq = array(task, 4);
  const decay = factor(task, 0), l2 = factor(task, 1), sign = factor(task, 2);
  const beta1 = factor(task, 3), keep1 = factor(task, 4), beta2 = factor(task, 5), keep2 = factor(task, 6);
  const stepSize = factor(task, 7), correction2 = factor(task, 8), eps = factor(task, 9);
  const end = shareBytes(task, tid, nthreads, 2, true);
  for (let o = shareBytes(task, tid, nthreads, 2, false); o < end; o += 8) {
    const p = f64x2.mul(load2(param + o), decay);
    const g = f64x2.add(f64x2.mul(sign, load2(grad + o)), f64x2.mul(l2, p));
    const m = f64x2.add(f64x2.mul(beta1, load2(expAvg + o)), f64x2.mul(keep1, g));
    let v = f64x2.add(f64x2.mul(beta2, load2(expAvgSq + o)), f64x2.mul(f64x2.mul(keep2, g), g));
    store2(expAvg + o, m);
    store2(expAvgSq + o, v);
    if (maxExpAvgSq) {
      v = f64x2.max(load2(maxExpAvgSq + o), v);
      store2(maxExpAvgSq + o, v);
    }
    const denom = f64x2.add(f64x2.div(f64x2.sqrt(v), correction2), eps);
    store2(param + o, f64x2.sub(p, f64x2.div(f64x2.mul(stepSize, m), denom)));
  }
}

/** RMSprop. Factors: lr, alpha, 1 - alpha, eps, weightDecay, momentum, sign. */
export function rmspropStep(task: usize, tid: i32, nthreads: i32): void {
  const param = array(task, 0), grad = array(task, 1);
  const squareAvg = array(task, 2), buffer = array(task, 3), gradAvg = array(task, 4);
  const lr = factor(task, 0), alpha = factor(task, 1), keep = factor(task, 2), eps = factor(task, 3);
  const weightDecay = factor(task, 4), momentum = factor(task, 5), sign = factor(task, 6);
  const end = shareBytes(task, tid, nthreads, 2, true);
  for (let o = shareBytes(task, tid, nthreads, 2, false); o < end; o += 8) {
    const p = load2(param + o);
    const g = f64x2.add(f64x2.mul(sign, load2(grad + o)), f64x2.mul(weightDecay, p));
    const s = f64x2.add(f64x2.mul(alpha, load2(squareAvg + o)), f64x2.mul(f64x2.mul(keep, g), g));
    store2(squareAvg + o, s);
    let variance = s;
    if (gradAvg) {
      const a = f64x2.add(f64x2.mul(alpha, load2(gradAvg + o)), f64x2.mul(keep, g));
      store2(gradAvg + o, a);
      variance = f64x2.sub(s, f64x2.mul(a, a));
    }
    const denom = f64x2.add(f64x2.sqrt(variance), eps);
    if (buffer) {
      const buf = f64x2.add(f64x2.mul(momentum, load2(buffer + o)), f64x2.div(g, denom));
      store2(buffer + o, buf);
      store2(param + o, f64x2.sub(p, f64x2.mul(lr, buf)));
    } else {
      store2(param + o, f64x2.sub(p, f64x2.div(f64x2.mul(lr, g), denom)));
    }
  }
}
