// Feature probes: tiny hand-assembled modules that only validate where the engine has the feature.
const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

// (func (result v128) (v128.const i32x4 0 0 0 0))
const SIMD_PROBE = new Uint8Array([
  ...HEADER,
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type: () -> v128
  0x03, 0x02, 0x01, 0x00, // one function of type 0
  0x0a, 0x16, 0x01, 0x14, 0x00, 0xfd, 0x0c, ...new Array<number>(16).fill(0), 0x0b,
]);

// (func (param v128 v128 v128) (result v128) (f32x4.relaxed_madd (local.get 0) (local.get 1) (local.get 2)))
const RELAXED_SIMD_PROBE = new Uint8Array([
  ...HEADER,
  0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b,
  0x03, 0x02, 0x01, 0x00,
  0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfd, 0x85, 0x02, 0x0b,
]);

function validates(bytes: BufferSource): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(bytes);
  } catch {
    return false;
  }
}

export function hasWasmSimd(): boolean {
  return validates(SIMD_PROBE);
}

interface NodeProcessLike {
  versions?: { node?: string };
  env?: Record<string, string | undefined>;
  getBuiltinModule?: (id: string) => unknown;
}

/**
 * Relaxed SIMD (a fused multiply-add). Browsers and Node >= 22 ship it; Node 20 has it behind
 * --experimental-wasm-relaxed-simd, which V8 still honours when set at run time, before the first compile,
 * so on Node we set that flag ourselves. CONVKIT_RELAXED_SIMD=0 keeps the plain SIMD128 build (results
 * then do not depend on whether the engine fuses the multiply-add).
 */
export function hasRelaxedSimd(): boolean {
  const proc = (globalThis as { process?: NodeProcessLike }).process;
  if (proc?.env?.CONVKIT_RELAXED_SIMD === '0') return false;
  if (validates(RELAXED_SIMD_PROBE)) return true;
  if (!proc?.versions?.node || !proc.getBuiltinModule) return false;
  try {
    const v8 = proc.getBuiltinModule('node:v8') as { setFlagsFromString(flags: string): void };
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    return false;
  }
  return validates(RELAXED_SIMD_PROBE);
}
