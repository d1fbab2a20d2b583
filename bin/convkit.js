#!/usr/bin/env node
// The convkit command: enables WebAssembly relaxed SIMD (behind a V8 flag on Node 20) before any module
// compiles WebAssembly, then runs the compiled command line (npm run build writes dist/).
import { setFlagsFromString } from 'node:v8';

const WASM_FLAGS = ['--experimental-wasm-relaxed-simd'];
for (const flag of WASM_FLAGS) setFlagsFromString(flag);

await import('../dist/cli/main.js');
