// One wrapper for every SIMD kernel: the checks all of them share (float32 data, nothing empty, the module
// loaded) and the hand-back to the reference kernel when a call needs more WebAssembly memory than the engine
// grants. Each kernel states only what is its own: which arrays to check, what geometry it cannot take, and
// the call (returning the path it took, counted for the tests that assert SIMD really ran).
import type { FloatArray, KernelArgs, KernelName } from '../backend.js';
import { type FastKernel, KernelDeclined } from '../registry.js';
import { WasmMemoryExhausted } from './memory-arena.js';
import { getRuntime } from './runtime-loader.js';
import { countKernel } from './stats.js';
import type { WasmRuntime } from './wasm-runtime.js';

export interface WasmKernelSpec<K extends KernelName> {
  /** The float arrays the kernel reads or writes (default: every Float32Array/Float64Array argument). */
  arrays?: (...args: KernelArgs<K>) => (FloatArray | null)[];
  /** Why this call's geometry is not taken, or null. */
  unsupported?: (...args: KernelArgs<K>) => string | null;
  /** Runs on the kernels (float32 arrays) and returns the path taken (e.g. 'conv2d.winograd'). */
  run: (rt: WasmRuntime, ...args: KernelArgs<K>) => string;
}

function floatArguments(args: readonly unknown[]): FloatArray[] {
  return args.filter((a): a is FloatArray => a instanceof Float32Array || a instanceof Float64Array);
}

export function wasmKernel<K extends KernelName>(spec: WasmKernelSpec<K>): FastKernel<K> {
  return {
    supports(...args) {
      for (const a of spec.arrays ? spec.arrays(...args) : floatArguments(args)) {
        if (a !== null && !(a instanceof Float32Array)) return 'not float32';
        if (a !== null && a.length === 0) return 'empty';
      }
      const reason = spec.unsupported?.(...args) ?? null;
      if (reason !== null) return reason;
      return getRuntime() ? null : 'kernels not loaded';
    },
    run(...args) {
      try {
        countKernel(spec.run(getRuntime()!, ...args));
      } catch (err) {
        if (err instanceof WasmMemoryExhausted) throw new KernelDeclined('out of WebAssembly memory');
        throw err;
      }
    },
  };
}
