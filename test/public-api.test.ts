// The package's public surface: the CLI uses only the public entry points (convkit, convkit/nn, ...), those
// names resolve to the current sources under tsx (tsconfig.json "paths", mirroring package.json "exports",
// whose targets are the compiled dist/), and whichever entry point a user imports first, the WebAssembly
// kernels are the default backend.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  exports: Record<string, { types: string; default: string }>;
  dependencies: Record<string, string>;
};
const tsconfig = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8')) as { compilerOptions: { paths: Record<string, string[]> } };

/** 'convkit', 'convkit/nn', ...: the names package.json exports. */
const PUBLIC_NAMES = Object.keys(pkg.exports).map((key) => `convkit${key.slice(1)}`);

/** The TypeScript source an export's compiled target is built from: ./dist/src/nn/index.js -> ./src/nn/index.ts. */
function sourceOf(target: string): string {
  assert.match(target, /^\.\/dist\/src\/.*\.js$/, `an export target under dist/src: ${target}`);
  return `./${target.slice('./dist/'.length, -'.js'.length)}.ts`;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Every module specifier of a TypeScript file: static imports and re-exports, side-effect imports, import(). */
function specifiersOf(code: string): string[] {
  const pattern = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;
  return [...code.matchAll(pattern)].map((m) => m[1] ?? m[2] ?? m[3]);
}

/** Why a specifier in a cli/ file breaks the boundary, or null: public names, node:, dependencies, cli/ files. */
function boundaryProblem(file: string, specifier: string): string | null {
  if (specifier.startsWith('node:') || PUBLIC_NAMES.includes(specifier)) return null;
  if (specifier.startsWith('.')) {
    const target = relative(join(ROOT, 'cli'), resolve(dirname(file), specifier));
    return target.startsWith('..') ? `reaches outside cli/ (${specifier}); import a public entry point (${PUBLIC_NAMES.join(', ')})` : null;
  }
  const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
  if (name === 'convkit') return `is not a public entry point (${PUBLIC_NAMES.join(', ')})`;
  return Object.hasOwn(pkg.dependencies, name) ? null : `is not a dependency in package.json`;
}

describe('the CLI imports only the public entry points', () => {
  it('flags a deep import of the library, and accepts public names, node: and cli/ files (the checker itself)', () => {
    const train = join(ROOT, 'cli', 'commands', 'train.ts');
    const code = `import { Module } from '../../src/nn/module.js';\nimport type { Tensor } from 'convkit';\nexport { x } from "../options.js";\nconst m = await import('convkit/src/ops/conv.js');\nimport 'node:fs';`;
    const found = specifiersOf(code);
    assert.deepEqual(found, ['../../src/nn/module.js', 'convkit', '../options.js', 'convkit/src/ops/conv.js', 'node:fs']);
    assert.match(boundaryProblem(train, '../../src/nn/module.js') ?? '', /reaches outside cli\//);
    assert.match(boundaryProblem(train, 'convkit/src/ops/conv.js') ?? '', /is not a public entry point/);
    assert.match(boundaryProblem(train, 'left-pad') ?? '', /is not a dependency/);
    for (const ok of ['convkit', 'convkit/node', '../options.js', 'node:fs', 'commander']) assert.equal(boundaryProblem(train, ok), null, ok);
  });

  it('no file under cli/ imports anything else', () => {
    const files = filesUnder(join(ROOT, 'cli'));
    const imports = files.flatMap((file) => specifiersOf(readFileSync(file, 'utf8')).map((specifier) => ({ file, specifier })));
    assert.ok(imports.filter((i) => i.specifier.startsWith('convkit')).length >= 10, 'the CLI files were read and their library imports found');
    const problems = imports.flatMap(({ file, specifier }) => {
      const problem = boundaryProblem(file, specifier);
      return problem ? [`${relative(ROOT, file)}: '${specifier}' ${problem}`] : [];
    });
    assert.deepEqual(problems, []);
  });
});

describe('public names resolve to the current sources in development, to dist/ when published', () => {
  it('tsconfig.json maps exactly the exported names, each to the source its dist/ target is compiled from', () => {
    const expected = Object.fromEntries(
      Object.entries(pkg.exports).map(([key, target]) => {
        assert.equal(target.types, target.default.replace(/\.js$/, '.d.ts'), `${key}: types beside the code`);
        return [`convkit${key.slice(1)}`, [sourceOf(target.default)]];
      }),
    );
    assert.deepEqual(tsconfig.compilerOptions.paths, expected);
  });

  it('under tsx every public name loads its source file, not a build', () => {
    for (const name of PUBLIC_NAMES) {
      const source = tsconfig.compilerOptions.paths[name][0];
      assert.equal(import.meta.resolve(name), new URL(source, new URL('..', import.meta.url)).href, name);
    }
  });
});

/** Runs a fixture script of test/fixtures/public-api in a fresh Node process through tsx, without CONVKIT_BACKEND. */
function runFixture(script: string, args: string[] = []): Promise<string> {
  const env = { ...process.env };
  delete env.CONVKIT_BACKEND;
  return new Promise((done, fail) => {
    execFile(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'fixtures', 'public-api', script), ...args], { cwd: ROOT, env }, (error, stdout, stderr) => {
      if (error) fail(new Error(`${script} ${args.join(' ')} failed: ${stderr}`));
      else done(stdout);
    });
  });
}

describe('the fast backend is the default whichever entry point comes first', () => {
  it('importing any one public entry point, alone, makes wasm the active backend', async () => {
    const names = await Promise.all(PUBLIC_NAMES.map((name) => runFixture('backend-after-import.ts', [name])));
    assert.deepEqual(Object.fromEntries(PUBLIC_NAMES.map((name, i) => [name, names[i]])), Object.fromEntries(PUBLIC_NAMES.map((name) => [name, 'wasm'])));
  });

  it('a script importing only convkit/models and convkit/train trains on the WebAssembly kernels', async () => {
    const { backend, kernels, fallbacks } = JSON.parse(await runFixture('fit-with-models-and-train.ts')) as {
      backend: string;
      kernels: Record<string, number>;
      fallbacks: Record<string, number>;
    };
    assert.equal(backend, 'wasm');
    const ran = (prefix: string): number => Object.entries(kernels).filter(([path]) => path.startsWith(prefix)).reduce((sum, [, n]) => sum + n, 0);
    assert.ok(ran('conv2d.') >= 2, `both convolutions of LeNet-5 ran on the kernels: ${JSON.stringify(kernels)}`);
    assert.ok(ran('conv2dBackwardFilter') >= 2 && ran('matmul') >= 3 && ran('adamStep') >= 10, `backward and the Adam step too: ${JSON.stringify(kernels)}`);
    assert.deepEqual(fallbacks, {}, 'no op fell back to the reference kernels');
  });
});
