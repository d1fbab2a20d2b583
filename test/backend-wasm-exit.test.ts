// Worker threads must never keep a process alive: a script that finishes its work exits on its own,
// whether the workers were up (after ready()) or still starting.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const backend = new URL('../src/backend/wasm/index.ts', import.meta.url).href;
const registry = new URL('../src/backend/registry.ts', import.meta.url).href;

function script(waitForWorkers: boolean): string {
  return `
    const { ready, setNumThreads, getWasmStats } = await import(${JSON.stringify(backend)});
    const wasmBackend = (await import(${JSON.stringify(registry)})).kernelsOn('wasm');
    setNumThreads(2);
    ${waitForWorkers ? 'await ready();' : ''}
    // Products of a few milliseconds each: long enough that a worker woken from sleep still takes its share
    // (the caller runs the shares nobody has taken yet itself).
    const p = { batchA: 1, batchB: 1, m: 512, k: 512, n: 512, transA: false, transB: false };
    const a = new Float32Array(512 * 512).fill(1);
    const out = new Float32Array(512 * 512);
    for (let i = 0; i < 5; i++) wasmBackend.matmul(p, a, a, out);
    if (out[0] !== 512) throw new Error('wrong result ' + out[0]);
    console.log(JSON.stringify({ done: performance.timeOrigin + performance.now(), threadRuns: getWasmStats().threadRuns }));
  `;
}

for (const waitForWorkers of [true, false]) {
  it(`a short script exits promptly (${waitForWorkers ? 'workers ready' : 'workers still starting'})`, () => {
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script(waitForWorkers)], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    const exitedAt = Date.now();
    assert.equal(child.status, 0, child.stderr);
    const report = JSON.parse(child.stdout.trim().split('\n').pop() as string) as { done: number; threadRuns: Record<string, number> };
    if (waitForWorkers) assert.ok(report.threadRuns['2'] > 0, 'the workers took part');
    // A worker that kept the process alive would hold it until the 60 s timeout; a clean exit takes
    // milliseconds. 10 s separates the two even on a heavily loaded CI machine.
    assert.ok(exitedAt - report.done < 10_000, `exited ${exitedAt - report.done} ms after its work`);
  });
}
