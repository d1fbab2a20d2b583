// Optimiser steps on the SIMD kernels (kernels/assembly/optim.ts): the parameter and its state are read
// and written, the gradient only read.
import type { AdamStep, RmspropStep, SgdStep } from '../backend.js';
import { SgdFlag } from './records.generated.js';
import { type PointwiseArray, runPointwise } from './pointwise-runner.js';
import type { WasmRuntime } from './wasm-runtime.js';

/** About this many floating-point operations per element: sets how many threads share a step. */
const FLOPS_PER_ELEMENT = 16;

const updated = (data: Float32Array | null): PointwiseArray | null => data && { data, read: true, write: true };
const readOnly = (data: Float32Array): PointwiseArray => ({ data, read: true, write: false });

export function sgdStep(rt: WasmRuntime, h: SgdStep, param: Float32Array, grad: Float32Array, buffer: Float32Array | null): void {
  const flags = (h.nesterov ? SgdFlag.nesterov : 0) | (h.firstStep ? SgdFlag.firstStep : 0);
  runPointwise(rt, 'sgdStep', [updated(param), readOnly(grad), updated(buffer)], [h.lr, h.momentum, h.keep, h.weightDecay, h.sign], flags, FLOPS_PER_ELEMENT);
}

export function adamStep(
  rt: WasmRuntime, h: AdamStep, param: Float32Array, grad: Float32Array, expAvg: Float32Array, expAvgSq: Float32Array, maxExpAvgSq: Float32Array | null,
): void {
  const factors = [h.decay, h.l2, h.sign, h.beta1, 1 - h.beta1, h.beta2, 1 - h.beta2, h.stepSize, h.biasCorrection2Sqrt, h.eps];
  runPointwise(rt, 'adamStep', [updated(param), readOnly(grad), updated(expAvg), updated(expAvgSq), updated(maxExpAvgSq)], factors, 0, FLOPS_PER_ELEMENT);
}

export function rmspropStep(
  rt: WasmRuntime, h: RmspropStep, param: Float32Array, grad: Float32Array, squareAvg: Float32Array, buffer: Float32Array | null, gradAvg: Float32Array | null,
): void {
  const factors = [h.lr, h.alpha, 1 - h.alpha, h.eps, h.weightDecay, h.momentum, h.sign];
  runPointwise(rt, 'rmspropStep', [updated(param), readOnly(grad), updated(squareAvg), updated(buffer), updated(gradAvg)], factors, 0, FLOPS_PER_ELEMENT);
}
