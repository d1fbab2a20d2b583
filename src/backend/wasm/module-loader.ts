// Picks and compiles the kernel binary for this engine: relaxed SIMD when it validates, shared memory
// when SharedArrayBuffer exists (threads), plain memory otherwise (one thread).
import { kernelWasmBase64 } from './kernels.generated.js';
import { hasRelaxedSimd } from './feature-probe.js';

export interface KernelBinary {
  bytes: Uint8Array<ArrayBuffer>;
  relaxed: boolean;
  shared: boolean;
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Shared WebAssembly memory needs SharedArrayBuffer (a cross-origin isolated page in browsers). */
function canShareMemory(): boolean {
  if (typeof SharedArrayBuffer !== 'function') return false;
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return true;
  } catch {
    return false;
  }
}

export function chooseKernelBinary(): KernelBinary {
  const relaxed = hasRelaxedSimd();
  const shared = canShareMemory();
  const name = relaxed ? (shared ? 'relaxedShared' : 'relaxed') : shared ? 'simdShared' : 'simd';
  return { bytes: decodeBase64(kernelWasmBase64[name]), relaxed, shared };
}

/** Synchronous compile, or null where the engine forbids it (a browser main thread, for large modules). */
export function compileSync(binary: KernelBinary): WebAssembly.Module | null {
  try {
    return new WebAssembly.Module(binary.bytes);
  } catch (err) {
    if (err instanceof RangeError) return null;
    throw err;
  }
}
