// Importing this module registers the fast backends, which become the default where the engine supports
// them. Every public entry point (convkit, convkit/nn, convkit/models, ...) imports it, so whichever subpath a
// user imports first, ops run on the WebAssembly kernels rather than silently on the reference ones.
import './wasm/index.js';
