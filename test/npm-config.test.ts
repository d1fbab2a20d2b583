// npm and npx in the repository print nothing of their own (issue 10, case 18): the repository's .npmrc holds
// only keys npm knows (an unknown one made every `npx convkit` print "npm warn Unknown project config"), and
// the set-up and CI still skip onnxruntime-node's CUDA download, by an environment variable.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

it('npx in the repository prints no npm warning', () => {
  const result = spawnSync('npx', ['--no-install', 'node', '-e', 'process.stdout.write("ran")'], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, 'ran');
  assert.doesNotMatch(result.stderr, /npm warn/i);
  assert.equal(execFileSync('npm', ['config', 'get', 'fetch-retries'], { cwd: repoRoot, encoding: 'utf8' }).trim(), '5', "the .npmrc's retries still apply");
});

it("the README's set-up and .ci/run install with onnxruntime-node's download skipped", () => {
  const setUp = /```sh\n(.*npm install.*)\n/.exec(readFileSync(new URL('../README.md', import.meta.url), 'utf8'))?.[1] ?? '';
  assert.match(setUp, /^ONNXRUNTIME_NODE_INSTALL=skip npm install\b/);
  assert.match(readFileSync(new URL('../.ci/run', import.meta.url), 'utf8'), /^export ONNXRUNTIME_NODE_INSTALL=skip$[\s\S]*npm install/m);
});
