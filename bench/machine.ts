// What the numbers were measured on: CPU model, cores, Node, load, and the peer versions.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { TORCH_HOW_TO_GET, torchVersion } from './peers/pytorch.js';

const require = createRequire(import.meta.url);

/** The package's package.json: by its own path, or (for packages whose exports hide it) beside its entry point. */
function packageJsonPath(name: string): string {
  try {
    return require.resolve(`${name}/package.json`);
  } catch {
    const entry = require.resolve(name);
    const root = `node_modules/${name}/`;
    return entry.slice(0, entry.lastIndexOf(root) + root.length) + 'package.json';
  }
}

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(packageJsonPath(name), 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

export interface MachineInfo {
  date: string;
  cpu: string;
  cores: number;
  node: string;
  loadAverage: number[];
  versions: Record<string, string>;
}

export function machineInfo(): MachineInfo {
  return {
    date: new Date().toISOString(),
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    node: process.version,
    loadAverage: os.loadavg().map((x) => Number(x.toFixed(2))),
    versions: {
      ...Object.fromEntries(
        ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-wasm', 'onnxruntime-node', 'onnxruntime-web', 'convnetjs'].map((n) => [n, packageVersion(n)]),
      ),
      torch: torchVersion() ?? `not installed (optional peer: ${TORCH_HOW_TO_GET})`,
    },
  };
}

export function formatMachine(m: MachineInfo): string {
  return `${m.date.slice(0, 10)}, ${m.cpu}, ${m.cores} cores, Node ${m.node}, load average ${m.loadAverage.join(' ')}; PyTorch ${m.versions.torch}`;
}
