// Runs every *.test.ts under test/ and src/ with Node's test runner (TypeScript through tsx).
// Extra arguments are passed on, e.g. `npm test -- --test-name-pattern conv2d`.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...findTests(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

// The WebAssembly kernels are a build output (npm install builds them); build them if they are missing.
if (!existsSync('src/backend/wasm/kernels.generated.ts')) {
  const build = spawnSync(process.execPath, ['kernels/build.mjs'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const files = ['test', 'src'].flatMap(findTests).sort();
const args = ['--import', 'tsx', '--test', ...process.argv.slice(2), ...files];
const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
process.exit(result.status ?? 1);
