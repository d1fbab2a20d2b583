// convkit faces serve --db faces.db --port 8080 [--host H] [--token-file F] [--max-body 10mb]: the face
// service over HTTP. The bearer token is read from --token-file, or made on first start (owner-only file)
// and printed once.
import { once } from 'node:events';
import { Command, InvalidArgumentError } from 'commander';
import { createFaceServer, DEFAULT_MAX_PIXELS, faceDescriber, loadFaceModels, loadOrCreateToken, openSqliteFaceStore, parseByteSize } from 'convkit/node';
import { nonNegativeInteger, positiveInteger } from '../options.js';

interface ServeOptions {
  db: string;
  port: number;
  host: string;
  tokenFile?: string;
  maxBody: number;
  maxPixels: number;
}

export function facesServeCommand(): Command {
  return new Command('serve')
    .description('serve enrol, identify and verify over HTTP (JSON; images as base64 or multipart; bearer token on every /v1 route)')
    .requiredOption('--db <file>', 'the face database (made if missing)')
    .option('--port <n>', 'TCP port (0: any free one)', nonNegativeInteger, 8080)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--token-file <file>', 'the bearer token; made (owner-only) if missing (default: <db>.token)')
    .option('--max-body <size>', 'request bodies over this get 413', byteSize, parseByteSize('10mb'))
    .option('--max-pixels <n>', 'images over this many pixels get 413', positiveInteger, DEFAULT_MAX_PIXELS)
    .action(async (options: ServeOptions) => {
      const tokenFile = options.tokenFile ?? `${options.db}.token`;
      const { token, created } = await loadOrCreateToken(tokenFile);
      const store = await openSqliteFaceStore(options.db);
      const server = createFaceServer({ store, describe: faceDescriber(await loadFaceModels()), token, maxBodyBytes: options.maxBody, maxPixels: options.maxPixels });
      server.listen(options.port, options.host);
      await Promise.race([once(server, 'listening'), once(server, 'error').then(([error]) => Promise.reject(new Error(`cannot listen on ${options.host}:${options.port}: ${(error as Error).message}`)))]);
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : options.port;
      if (created) process.stdout.write(`made a bearer token, written to '${tokenFile}' (owner-only); it is printed this once:\n${token}\n`);
      process.stdout.write(`serving '${options.db}' on http://${options.host}:${port} (Authorization: Bearer <token from '${tokenFile}'>)\n`);
      // The command runs until SIGINT or SIGTERM (cli/main.ts exits once the action returns).
      const closed = once(server, 'close');
      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        process.once(signal, () => {
          server.close();
          server.closeAllConnections();
        });
      }
      await closed;
      await store.close();
    });
}

function byteSize(value: string): number {
  try {
    return parseByteSize(value);
  } catch (error) {
    throw new InvalidArgumentError(`${(error as Error).message}.`);
  }
}
