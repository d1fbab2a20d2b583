// Reference optimiser steps, torch's single-tensor formulas (torch.optim.SGD, Adam/AdamW, RMSprop), each
// element evaluated in float64 and stored in the parameter's type. The SIMD kernels evaluate the same
// expressions in the same order, so they agree bit for bit.
import type { AdamStep, FloatArray, RmspropStep, SgdStep } from '../backend.js';

/**
 *   d = sign * grad + weightDecay * param
 *   buf = d (first step) or momentum * buf + (1 - dampening) * d
 *   d = nesterov ? d + momentum * buf : buf
 *   param -= lr * d
 */
export function sgdStepRef(h: SgdStep, param: FloatArray, grad: FloatArray, momentumBuffer: FloatArray | null): void {
  const { lr, momentum, keep, weightDecay, nesterov, sign, firstStep } = h;
  for (let i = 0; i < param.length; i++) {
    let d = sign * grad[i] + weightDecay * param[i];
    if (momentumBuffer) {
      const buf = firstStep ? d : momentum * momentumBuffer[i] + keep * d;
      momentumBuffer[i] = buf;
      d = nesterov ? d + momentum * buf : buf;
    }
    param[i] -= lr * d;
  }
}

/**
 *   p = param * decay;   g = sign * grad + l2 * p
 *   m = beta1 * m + (1 - beta1) * g;   v = beta2 * v + (1 - beta2) * g^2   (vMax = max(vMax, v) with AMSGrad)
 *   param = p - stepSize * m / (sqrt(v) / sqrt(1 - beta2^step) + eps)
 */
export function adamStepRef(h: AdamStep, param: FloatArray, grad: FloatArray, expAvg: FloatArray, expAvgSq: FloatArray, maxExpAvgSq: FloatArray | null): void {
  const { decay, l2, sign, beta1, beta2, stepSize, biasCorrection2Sqrt, eps } = h;
  const keep1 = 1 - beta1;
  const keep2 = 1 - beta2;
  for (let i = 0; i < param.length; i++) {
    const p = param[i] * decay;
    const g = sign * grad[i] + l2 * p;
    const m = beta1 * expAvg[i] + keep1 * g;
    let v = beta2 * expAvgSq[i] + keep2 * g * g;
    expAvg[i] = m;
    expAvgSq[i] = v;
    if (maxExpAvgSq) {
      v = Math.max(maxExpAvgSq[i], v);
      maxExpAvgSq[i] = v;
    }
    param[i] = p - (stepSize * m) / (Math.sqrt(v) / biasCorrection2Sqrt + eps);
  }
}

/**
 *   g = sign * grad + weightDecay * param;   s = alpha * s + (1 - alpha) * g^2
 *   centered: a = alpha * a + (1 - alpha) * g;  denom = sqrt(s - a^2) + eps,   otherwise denom = sqrt(s) + eps
 *   momentum > 0: buf = momentum * buf + g / denom;  param -= lr * buf,   otherwise param -= lr * g / denom
 */
export function rmspropStepRef(
  h: RmspropStep, param: FloatArray, grad: FloatArray, squareAvg: FloatArray, momentumBuffer: FloatArray | null, gradAvg: FloatArray | null,
): void {
  const { lr, alpha, eps, weightDecay, momentum, sign } = h;
  const keep = 1 - alpha;
  for (let i = 0; i < param.length; i++) {
    const g = sign * grad[i] + weightDecay * param[i];
    const s = alpha * squareAvg[i] + keep * g * g;
    squareAvg[i] = s;
    let variance = s;
    if (gradAvg) {
      const a = alpha * gradAvg[i] + keep * g;
      gradAvg[i] = a;
      variance = s - a * a;
    }
    const denom = Math.sqrt(variance) + eps;
    if (momentumBuffer) {
      const buf = momentum * momentumBuffer[i] + g / denom;
      momentumBuffer[i] = buf;
      param[i] -= lr * buf;
    } else {
      param[i] -= (lr * g) / denom;
    }
  }
}
