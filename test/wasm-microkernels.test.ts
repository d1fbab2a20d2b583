// The micro-kernels are expanded from one template (kernels/generate-microkernels.mjs): the committed
// expansion must be the template's, at the schema's tile width. Their arithmetic is tested through every
// GEMM and conv path in test/backend-wasm.test.ts, on both builds (6x8 relaxed, 5x8 SIMD128).
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { tiling } from '../kernels/records.mjs';
import { microKernels } from '../kernels/generate-microkernels.mjs';

it('the committed micro-kernels are what the template expands to', () => {
  const committed = readFileSync(new URL('../kernels/assembly/microkernels.generated.ts', import.meta.url), 'utf8');
  assert.equal(committed, microKernels(tiling.NR.value), 'run node kernels/build.mjs');
  for (const kernel of ['microKernel', 'directKernel', 'igemmKernel']) {
    for (const tile of ['6x8', '5x8']) assert.match(committed, new RegExp(`function ${kernel}${tile}\\(`));
  }
});
