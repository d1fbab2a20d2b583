// Builds the test page with Vite and serves the build on 127.0.0.1 twice over: under /isolated/ with the
// COOP/COEP headers (threads available) and under /plain/ without them (no SharedArrayBuffer).
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { ISOLATION_HEADERS } from './vite.config.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

export async function buildPage(outDir: string): Promise<void> {
  await build({
    configFile: fileURLToPath(new URL('./vite.config.ts', import.meta.url)),
    build: { outDir },
  });
}

export interface PageServer {
  /** The page's URL, with or without cross-origin isolation. */
  url(mode: 'isolated' | 'plain'): string;
  close(): Promise<void>;
}

export async function servePage(root: string): Promise<PageServer> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const match = /^\/(isolated|plain)(\/.*)$/.exec(path);
    const file = match && normalize(join(root, match[2] === '/' ? '/index.html' : match[2]));
    if (!match || !file || !file.startsWith(root + sep)) {
      res.writeHead(404).end();
      return;
    }
    const headers = match[1] === 'isolated' ? ISOLATION_HEADERS : {};
    readFile(file).then(
      (body) => res.writeHead(200, { ...headers, 'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' }).end(body),
      () => res.writeHead(404, headers).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('servePage: server has no TCP address');
  return {
    url: (mode) => `http://127.0.0.1:${address.port}/${mode}/`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
