// Runs the wasm backend suite and the determinism checks again on the plain SIMD128 build (5x8
// micro-tile, no fused multiply-add): the build is chosen once per process, so this is a child process with
// CONVKIT_RELAXED_SIMD=0.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

it('the SIMD128 build passes the wasm backend suite and the determinism checks', () => {
  const suites = ['./backend-wasm.test.ts', './backend-wasm-determinism.test.ts'].map((file) => fileURLToPath(new URL(file, import.meta.url)));
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...suites], {
    env: { ...process.env, CONVKIT_RELAXED_SIMD: '0' },
    encoding: 'utf8',
  });
  assert.equal(child.status, 0, child.stdout + child.stderr);
});
