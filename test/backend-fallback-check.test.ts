// forEachBackend's closing check (test/helpers/backends.ts): a fallback to the reference kernels that the
// suite did not declare fails it, and so does a declared one that never happened. It hears declined calls
// from the registry, so a suite that zeroes the wasm counters (resetWasmStats) cannot hide one.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { kernelsOn, resetWasmStats } from '../src/index.js';
import { watchFallbacks } from '../src/backend/registry.js';
import { assertOnlyDeclaredFallbacks, type ExpectedFallback } from './helpers/backends.js';

const float64Conv: ExpectedFallback = { ops: ['conv2d', 'conv2dBackwardInput'], reason: 'not float32', because: 'float64 cases' };

it('passes when every fallback is declared by op and reason', () => {
  assertOnlyDeclaredFallbacks('wasm', { 'conv2d: not float32': 3 }, [float64Conv]);
  assertOnlyDeclaredFallbacks('wasm', {}, []);
});

it('fails on a fallback nobody declared, naming it and its count', () => {
  assert.throws(
    () => assertOnlyDeclaredFallbacks('wasm', { 'conv2d: not float32': 3, 'matmul: out of WebAssembly memory': 1 }, [float64Conv]),
    (err: Error) => err.message.includes('without the suite declaring it') && JSON.stringify(err).includes('matmul: out of WebAssembly memory (1 calls)'),
  );
});

it('fails when the op matches but the reason does not', () => {
  assert.throws(() => assertOnlyDeclaredFallbacks('wasm', { 'conv2d: empty': 1 }, [float64Conv]), /without the suite declaring it/);
});

it('fails on a declared fallback that never happened (a stale declaration)', () => {
  assert.throws(
    () => assertOnlyDeclaredFallbacks('wasm', {}, [float64Conv]),
    /declared fallback of conv2d, conv2dBackwardInput \('not float32', float64 cases\) never happened/,
  );
});

it('watchFallbacks hears every declined call, counters reset or not, until it is stopped', () => {
  const heard: string[] = [];
  const stop = watchFallbacks((backend, kernel, reason) => void heard.push(`${backend} ${kernel}: ${reason}`));
  const relu = () => kernelsOn('wasm').relu(new Float64Array([1, -1]), new Float64Array(2));
  relu();
  resetWasmStats();
  kernelsOn('wasm').relu(new Float32Array([1, -1]), new Float32Array(2)); // taken by the SIMD kernel: not heard
  relu();
  stop();
  relu();
  assert.deepEqual(heard, ['wasm relu: not float32', 'wasm relu: not float32']);
});
