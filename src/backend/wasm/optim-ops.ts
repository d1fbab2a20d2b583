// Optimiser steps on the SIMD kernels (kernels/assembly/optim.ts): chunk by chunk, the parameter, its
// gradient and state copied in, one pass, the parameter and state copied back.
import type { AdamStep, RmspropStep, SgdStep } from '../backend.js';
import { OPTIM_RECORD_BYTES, OptimField as F, OptimFlag } from './layout.js';
import { threadsFor } from './work-split.js';
import type { KernelName, WasmRuntime } from './wasm-runtime.js';

/** About this many floating-point operations per element: sets how many threads share a step. */
const FLOPS_PER_ELEMENT = 16;

/**
 * Elements per pass: the parameter goes through in chunks whose arrays stay in the cache between the copy
 * in, the kernel and the copy out (whole 47 MB arrays went to main memory and back three times: the copies
 * cost more than the arithmetic).
 */
const CHUNK = 32 * 1024;

function runStep(
  rt: WasmRuntime, kernel: KernelName, param: Float32Array, grad: Float32Array,
  state: [Float32Array | null, Float32Array | null, Float32Array | null], factors: number[], flags = 0,
): void {
  const arena = rt.arena;
  for (let start = 0; start < param.length; start += CHUNK) {
    const end = Math.min(param.length, start + CHUNK);
    const part = (a: Float32Array) => a.subarray(start, end);
    arena.reset();
    const paramPtr = arena.copyIn(part(param));
    const gradPtr = arena.copyIn(part(grad));
    const statePtrs = state.map((s) => (s ? arena.copyIn(part(s)) : 0));
    const task = arena.alloc(OPTIM_RECORD_BYTES);
    const fields: [number, number][] = [
      [F.n, end - start], [F.param, paramPtr], [F.grad, gradPtr],
      [F.a, statePtrs[0]], [F.b, statePtrs[1]], [F.c, statePtrs[2]], [F.flags, flags],
    ];
    for (const [offset, value] of fields) arena.setI32(task, offset, value);
    arena.f64().set(factors, (task + F.h) >> 3);
    rt.run(kernel, task, threadsFor(rt, FLOPS_PER_ELEMENT * (end - start)));
    arena.copyOut(paramPtr, part(param));
    state.forEach((s, i) => s && arena.copyOut(statePtrs[i], part(s)));
  }
}

export function sgdStep(rt: WasmRuntime, h: SgdStep, param: Float32Array, grad: Float32Array, buffer: Float32Array | null): void {
  const flags = (h.nesterov ? OptimFlag.nesterov : 0) | (h.firstStep ? OptimFlag.firstStep : 0);
  runStep(rt, 'sgdStep', param, grad, [buffer, null, null], [h.lr, h.momentum, h.keep, h.weightDecay, h.sign], flags);
}

export function adamStep(
  rt: WasmRuntime, h: AdamStep, param: Float32Array, grad: Float32Array, expAvg: Float32Array, expAvgSq: Float32Array, maxExpAvgSq: Float32Array | null,
): void {
  const factors = [h.decay, h.l2, h.sign, h.beta1, 1 - h.beta1, h.beta2, 1 - h.beta2, h.stepSize, h.biasCorrection2Sqrt, h.eps];
  runStep(rt, 'adamStep', param, grad, [expAvg, expAvgSq, maxExpAvgSq], factors);
}

export function rmspropStep(
  rt: WasmRuntime, h: RmspropStep, param: Float32Array, grad: Float32Array, squareAvg: Float32Array, buffer: Float32Array | null, gradAvg: Float32Array | null,
): void {
  const factors = [h.lr, h.alpha, 1 - h.alpha, h.eps, h.weightDecay, h.momentum, h.sign];
  runStep(rt, 'rmspropStep', param, grad, [squareAvg, buffer, gradAvg], factors);
}
