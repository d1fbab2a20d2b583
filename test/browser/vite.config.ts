// Vite config for the browser test page. The test builds it with Vite's JS API into a temp folder;
// `npx vite --config test/browser/vite.config.ts` serves it by hand (cross-origin isolated) for debugging.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** Cross-origin isolation: what makes SharedArrayBuffer, and so the worker threads, available to a page. */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const pageDir = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export default defineConfig({
  root: pageDir,
  base: './', // relative asset URLs, so the same build serves under any path prefix
  logLevel: 'warn',
  server: { host: '127.0.0.1', headers: ISOLATION_HEADERS, fs: { allow: [repoRoot] } },
  preview: { host: '127.0.0.1', headers: ISOLATION_HEADERS },
  build: {
    target: 'es2022', emptyOutDir: true, minify: false, reportCompressedSize: false,
    // Two pages: the conv cases (index.html) and detect() with the tiny face detector (detect.html).
    rollupOptions: { input: { index: `${pageDir}index.html`, detect: `${pageDir}detect.html` } },
  },
  worker: { format: 'es' }, // the page starts its compute worker with { type: 'module' }
});
