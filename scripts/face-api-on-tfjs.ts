// @vladmandic/face-api loaded on pure-JS TF.js, for the scripts and benches that compare ConvKit with it:
// its Node build requires @tensorflow/tfjs-node (native, downloads libtensorflow), which is redirected to
// @tensorflow/tfjs. The caller picks the TF.js backend.
import Module, { createRequire } from 'node:module';

const resolveFilename = (Module as unknown as { _resolveFilename: (req: string, ...rest: unknown[]) => string })._resolveFilename;
(Module as unknown as { _resolveFilename: unknown })._resolveFilename = function (this: unknown, req: string, ...rest: unknown[]) {
  return resolveFilename.call(this, req === '@tensorflow/tfjs-node' ? '@tensorflow/tfjs' : req, ...rest);
};
const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const faceapi: any = require('@vladmandic/face-api/dist/face-api.node.js');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const tf: any = faceapi.tf;
/** A require for the TF.js backends the caller adds (e.g. @tensorflow/tfjs-backend-wasm). */
export { require as requireFromScripts };
