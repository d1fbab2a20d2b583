// Loads TensorFlow.js with its CPU and WebAssembly backends for Node, offline, with gradients registered.
import { createRequire } from 'node:module';
import path from 'node:path';
import { buildSync } from 'esbuild';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

const require = createRequire(import.meta.url);

/**
 * tfjs-core's Node entry registers no gradients; dist/register_all_gradients.js does, but it is ESM with
 * extensionless imports that Node cannot resolve, so esbuild (tsx's compiler) bundles it into one module.
 * The registries are global, so the gradients serve the tfjs-core instance imported above.
 */
async function registerGradients(): Promise<void> {
  const entry = require.resolve('@tensorflow/tfjs-core/dist/register_all_gradients.js');
  const bundle = buildSync({ entryPoints: [entry], bundle: true, format: 'esm', write: false, logLevel: 'silent' });
  await import('data:text/javascript;base64,' + Buffer.from(bundle.outputFiles[0].text).toString('base64'));
}

let loaded: Promise<typeof tf> | null = null;

/** tfjs with 'cpu' and 'wasm' (SIMD, one thread: Node has no threaded tfjs-wasm) initialised. */
export function loadTfjs(): Promise<typeof tf> {
  loaded ??= (async () => {
    tf.env().set('PROD', true); // no "install tfjs-node" banner, no debug checks
    // A directory prefix makes the wasm backend read its .wasm files from node_modules, no network.
    setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm')) + path.sep);
    await registerGradients();
    for (const name of ['cpu', 'wasm']) {
      if (!(await tf.setBackend(name))) throw new Error(`tfjs: backend '${name}' failed to initialise`);
    }
    return tf;
  })();
  return loaded;
}
