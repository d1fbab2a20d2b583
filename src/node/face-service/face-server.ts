// The face service over Node's http: JSON in and out, images as base64 JSON or multipart. Every /v1 route
// needs the bearer token; bodies over the limit get 413 before they are read in full; nothing a client
// sends is ever used as a file path; errors are JSON messages, and unexpected ones are logged, not sent.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { FaceStore } from '../../face/face-store.js';
import type { DescriptorMetric, GalleryMatchBy } from '../../face/gallery.js';
import { descriptorDistance, meanDescriptor } from '../../face/descriptor-distance.js';
import { DEFAULT_THRESHOLDS } from '../../face/verify.js';
import { confidenceAt } from '../../face/distance-confidence.js';
import { FacePhotoError, addPhoto, decodePhoto, enrollPhoto, identifyPhoto, onlyFace, DEFAULT_MAX_PIXELS, type FaceDescriber, type FacePhotoProblem } from '../face-photos.js';
import { HttpError } from './http-error.js';
import { bearerMatches } from './auth-token.js';
import { imageField, integerField, parseFields, readBody, textField, type Fields } from './request-body.js';
import { OPENAPI_DOCUMENT } from './openapi.js';

export interface FaceServiceOptions {
  store: FaceStore;
  describe: FaceDescriber;
  token: string;
  /** Request bodies over this many bytes get 413 (default 10 MiB). */
  maxBodyBytes?: number;
  /** Images over this many pixels get 413, judged from their header (default 50 megapixels). */
  maxPixels?: number;
  /** Same person when the distance is at most this (default DEFAULT_THRESHOLDS[metric]: 0.6 Euclidean). */
  threshold?: number;
  metric?: DescriptorMetric;
  by?: GalleryMatchBy;
  /** Where unexpected errors are reported (default: stderr). */
  log?: (message: string) => void;
}

const PROBLEM_STATUS: Record<FacePhotoProblem, number> = {
  'not-an-image': 415,
  'too-many-pixels': 413,
  'no-face': 422,
  'several-faces': 422,
  'no-such-face': 422,
};
const MAX_CANDIDATES = 100;
const KEEP_ALIVE_TIMEOUT_MS = 30_000;

export function createFaceServer(options: FaceServiceOptions): Server {
  const { store, describe, token, maxBodyBytes = 10 * 1024 ** 2, maxPixels = DEFAULT_MAX_PIXELS, metric = 'euclidean', by = 'nearest-photo' } = options;
  const threshold = options.threshold ?? DEFAULT_THRESHOLDS[metric];
  if (typeof token !== 'string' || token.length < 16) throw new Error('createFaceServer: the token must be a string of at least 16 characters');
  const log = options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  const photo = { maxPixels };

  /** The store's calibration when it was made on this server's metric (read per request: `faces calibrate --db` may set it while serving). */
  async function calibration() {
    const stored = await store.calibration();
    return stored?.metric === metric ? stored : undefined;
  }

  async function fieldsOf(request: IncomingMessage): Promise<Fields> {
    return parseFields(request.headers['content-type'], await readBody(request, maxBodyBytes));
  }

  async function person(id: string) {
    const found = /^[1-9][0-9]{0,15}$/.test(id) ? await store.get(id) : undefined;
    if (!found) throw new HttpError(404, `no person with id '${id}'`);
    return found;
  }

  async function oneDescriptor(bytes: Uint8Array): Promise<Float32Array> {
    return (await onlyFace(describe, await decodePhoto(bytes, photo))).descriptor;
  }

  type Reply = [status: number, body?: unknown];
  async function route(request: IncomingMessage, path: string): Promise<Reply> {
    const method = request.method ?? 'GET';
    const allow = (methods: string[]) => {
      if (!methods.includes(method)) throw new HttpError(405, `${path} takes ${methods.join(' or ')}, not ${method}`);
    };
    if (path === '/v1/openapi.json') return allow(['GET']), [200, OPENAPI_DOCUMENT];
    if (path === '/v1/people') {
      allow(['GET', 'POST']);
      if (method === 'GET') return [200, { people: (await store.list()).map(({ id, name, faces }) => ({ id, name, faces })) }];
      const fields = await fieldsOf(request);
      const name = textField(fields, 'name', true).trim();
      if (name === '' || name.length > 200) throw new HttpError(400, `the field 'name' must be 1 to 200 characters, got ${name.length}`);
      const enrolled = await enrollPhoto(store, describe, name, imageField(fields, 'image'), { ...photo, face: integerField(fields, 'face', 1000) });
      return [201, { id: enrolled.id, name: enrolled.name, faces: enrolled.faces }];
    }
    const personPath = /^\/v1\/people\/([^/]+)(\/faces)?$/.exec(path);
    if (personPath) {
      const id = decodeURIComponent(personPath[1]);
      if (personPath[2]) {
        allow(['POST']);
        await person(id);
        const fields = await fieldsOf(request);
        const updated = await addPhoto(store, describe, id, imageField(fields, 'image'), { ...photo, face: integerField(fields, 'face', 1000) });
        return [201, { id: updated.id, name: updated.name, faces: updated.faces }];
      }
      allow(['DELETE']);
      await person(id);
      if (!(await store.remove(id))) throw new HttpError(404, `no person with id '${id}'`);
      return [204];
    }
    if (path === '/v1/identify') {
      allow(['POST']);
      const fields = await fieldsOf(request);
      const k = integerField(fields, 'k', MAX_CANDIDATES) || 1;
      const faces = await identifyPhoto(store, describe, imageField(fields, 'image'), { ...photo, k, threshold, metric, by, calibration: await calibration() });
      return [200, { faces }];
    }
    if (path === '/v1/verify') {
      allow(['POST']);
      const fields = await fieldsOf(request);
      let distance: number;
      if (fields.personId !== undefined) {
        const id = textField(fields, 'personId', true);
        await person(id);
        const query = await oneDescriptor(imageField(fields, 'image'));
        const descriptors = (await store.faces(id)).map((f) => f.descriptor);
        distance = by === 'mean'
          ? descriptorDistance(query, meanDescriptor(descriptors), metric)
          : Math.min(...descriptors.map((d) => descriptorDistance(query, d, metric)));
      } else {
        const [a, b] = await Promise.all([oneDescriptor(imageField(fields, 'imageA')), oneDescriptor(imageField(fields, 'imageB'))]);
        distance = descriptorDistance(a, b, metric);
      }
      const calibrated = await calibration();
      return [200, { distance, threshold, same: distance <= threshold, ...(calibrated && { confidence: confidenceAt(calibrated.confidence, distance) }) }];
    }
    throw new HttpError(404, `no route ${method} ${path}`);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let status: number;
    let body: unknown;
    try {
      const path = new URL(request.url ?? '/', 'http://localhost').pathname;
      if (path === '/healthz') [status, body] = [200, { status: 'ok' }];
      else if (!path.startsWith('/v1/')) throw new HttpError(404, `no route ${request.method} ${path}`);
      else if (!bearerMatches(request.headers.authorization, token)) throw new HttpError(401, 'this route needs Authorization: Bearer <token>');
      else [status, body] = await route(request, path);
    } catch (error) {
      if (error instanceof HttpError) [status, body] = [error.status, { error: error.message }];
      else if (error instanceof FacePhotoError) [status, body] = [PROBLEM_STATUS[error.problem], { error: error.message }];
      else {
        log(`convkit faces serve: ${request.method} ${request.url}: ${(error as Error)?.stack ?? String(error)}`);
        [status, body] = [500, { error: 'internal error (the server log has the details)' }];
      }
    }
    const headers: Record<string, string> = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
    if (status === 401) headers['www-authenticate'] = 'Bearer';
    // A body left unread (401, 413) would be read into nothing: close the connection instead.
    if (!request.complete) headers.connection = 'close';
    if (body === undefined) {
      response.writeHead(status, headers).end();
    } else {
      response.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8' }).end(`${JSON.stringify(body)}\n`);
    }
    if (!request.complete) response.on('finish', () => request.destroy());
  }

  const server = createServer((request, response) => {
    void handle(request, response);
  });
  // Describing a photo blocks the event loop (seconds on a loaded machine). When a block outlasts the
  // keep-alive timeout, Node runs the expired idle timer of a kept-alive socket before it reads the request
  // a client has meanwhile sent on it, and resets it (nodejs/node#43456): the load benchmark got ECONNRESET
  // with Node's 5 s. 30 s is well beyond one photo's block.
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  return server;
}

