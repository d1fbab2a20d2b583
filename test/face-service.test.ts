// The face service over real HTTP on 127.0.0.1: the routes, the bearer token, body and pixel limits,
// non-images, JSON errors without stack traces, and that no route reads a path the client names. Faces
// are synthetic (fixtures/face-db/stripe-faces.ts: one coloured stripe = one person's face).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest, type Server } from 'node:http';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { openSqliteFaceStore, type SqliteFaceStore } from '../src/node/sqlite-face-store.js';
import { createFaceServer } from '../src/node/face-service/face-server.js';
import { loadOrCreateToken } from '../src/node/face-service/auth-token.js';
import type { RawImage } from '../src/data/image.js';
import { describeStripes, stripePhoto } from './fixtures/face-db/stripe-faces.js';
import { calibrateThreshold } from '../src/face/calibration.js';
import { calibrationRecord } from '../src/face/calibration-record.js';
import { confidenceAt } from '../src/face/distance-confidence.js';

const RED: [number, number, number] = [200, 30, 30];
const GREEN: [number, number, number] = [30, 200, 30];
const BLUE: [number, number, number] = [30, 30, 200];
const BOOM: [number, number, number] = [1, 2, 3];
const TOKEN = 'test-token-0123456789abcdef';
const MAX_BODY = 64 * 1024;
const MAX_PIXELS = 200_000;

let dir = '';
let store: SqliteFaceStore;
let server: Server;
let base = '';
const logged: string[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'convkit-face-service-'));
  store = await openSqliteFaceStore(join(dir, 'faces.db'));
  const describe = async (image: RawImage) => {
    const faces = await describeStripes(image);
    if (image.data[0] === BOOM[0] && image.data[1] === BOOM[1]) throw new Error(`boom in ${join(dir, 'secret')}`);
    return faces;
  };
  server = createFaceServer({ store, describe, token: TOKEN, maxBodyBytes: MAX_BODY, maxPixels: MAX_PIXELS, log: (m) => logged.push(m) });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
after(async () => {
  server.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const auth = { authorization: `Bearer ${TOKEN}` };
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = auth) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: text ? JSON.parse(text) : undefined };
}

/** A PNG whose header claims width x height while its data is a 1x1 image: a decompression bomb's header. */
async function pngClaiming(width: number, height: number): Promise<Uint8Array> {
  const png = Buffer.from(await stripePhoto([RED], 1));
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29); // IHDR's CRC covers its type and data
  return new Uint8Array(png);
}

describe('face service', () => {
  it('answers /healthz without a token and 401 on every /v1 route without the right one', async () => {
    assert.deepEqual((await call('GET', '/healthz', undefined, {})).json, { status: 'ok' });
    const routes: Array<[string, string]> = [['GET', '/v1/people'], ['POST', '/v1/people'], ['POST', '/v1/people/1/faces'], ['DELETE', '/v1/people/1'], ['POST', '/v1/identify'], ['POST', '/v1/verify'], ['GET', '/v1/openapi.json'], ['GET', '/v1/nothing']];
    for (const [method, path] of routes) {
      for (const headers of [{} as Record<string, string>, { authorization: `Bearer ${TOKEN}x` }, { authorization: `Basic ${b64(new TextEncoder().encode(`u:${TOKEN}`))}` }, { authorization: TOKEN }]) {
        const r = await call(method, path, undefined, headers);
        assert.equal(r.status, 401, `${method} ${path} with ${JSON.stringify(headers)}`);
        assert.match(r.json.error, /needs Authorization: Bearer <token>/);
        assert.equal(r.headers.get('www-authenticate'), 'Bearer');
      }
    }
  });

  it('enrols (JSON and multipart), lists, adds a photo, identifies, verifies and removes', async () => {
    const red = await call('POST', '/v1/people', { name: 'Ann Red', image: b64(await stripePhoto([RED])) });
    assert.equal(red.status, 201);
    assert.deepEqual(red.json, { id: red.json.id, name: 'Ann Red', faces: 1 });
    const form = new FormData();
    form.append('name', 'Bob Green');
    form.append('image', new Blob([Buffer.from(await stripePhoto([GREEN]))], { type: 'image/png' }), 'bob.png');
    const greenResponse = await fetch(`${base}/v1/people`, { method: 'POST', headers: auth, body: form });
    assert.equal(greenResponse.status, 201);
    const green = await greenResponse.json();
    assert.equal(green.name, 'Bob Green');

    assert.deepEqual((await call('GET', '/v1/people')).json, { people: [{ id: red.json.id, name: 'Ann Red', faces: 1 }, { id: green.id, name: 'Bob Green', faces: 1 }] });
    assert.equal((await call('POST', `/v1/people/${red.json.id}/faces`, { image: b64(await stripePhoto([null, RED])) })).json.faces, 2);

    // A group photo: Bob, a stranger (blue), Ann.
    const identified = await call('POST', '/v1/identify', { image: b64(await stripePhoto([GREEN, BLUE, RED])), k: 2 });
    assert.equal(identified.status, 200);
    assert.deepEqual(identified.json.faces.map((f: { box: number[] }) => f.box), [[0, 0, 32, 32], [32, 0, 64, 32], [64, 0, 96, 32]]);
    assert.deepEqual(identified.json.faces.map((f: { match: { name: string } | null }) => f.match?.name ?? null), ['Bob Green', null, 'Ann Red']);
    assert.equal(identified.json.faces[0].match.distance, 0);
    assert.equal(identified.json.faces[1].candidates.length, 2, 'a stranger still gets the k nearest as candidates');
    assert.ok(identified.json.faces[1].candidates[0].distance > 0.6);

    const same = await call('POST', '/v1/verify', { imageA: b64(await stripePhoto([RED])), imageB: b64(await stripePhoto([null, RED], 40)) });
    assert.deepEqual(same.json, { distance: 0, threshold: 0.6, same: true });
    const different = await call('POST', '/v1/verify', { image: b64(await stripePhoto([BLUE])), personId: red.json.id });
    assert.equal(different.json.same, false);
    assert.ok(different.json.distance > 0.6);
    assert.equal((await call('POST', '/v1/verify', { image: b64(await stripePhoto([RED])), personId: '999' })).status, 404);

    assert.equal((await call('DELETE', `/v1/people/${red.json.id}`)).status, 204);
    assert.equal((await call('DELETE', `/v1/people/${red.json.id}`)).status, 404);
    const after = await call('POST', '/v1/identify', { image: b64(await stripePhoto([RED])) });
    assert.equal(after.json.faces[0].match, null, 'a removed person is not found again');
    assert.equal((await call('DELETE', '/v1/people/..%2Ffaces.db')).status, 404);
  });

  it('adds a confidence to identify and verify once a calibration of its metric is stored with the database', async () => {
    const yellow: [number, number, number] = [210, 210, 20];
    const person = await call('POST', '/v1/people', { name: 'Cal Yellow', image: b64(await stripePhoto([yellow])) });
    const pairs = [0.1, 0.4, 0.5, 0.9].map((distance, i) => ({ distance, same: i % 2 === 0 }));
    const record = calibrationRecord(calibrateThreshold(pairs, 0.5), 'euclidean');
    try {
      await store.setCalibration(record);
      const identified = await call('POST', '/v1/identify', { image: b64(await stripePhoto([yellow])) });
      const { match } = identified.json.faces[0];
      assert.deepEqual(match, { id: person.json.id, name: 'Cal Yellow', distance: match.distance, confidence: confidenceAt(record.confidence, match.distance) });
      const verified = await call('POST', '/v1/verify', { image: b64(await stripePhoto([BLUE])), personId: person.json.id });
      assert.deepEqual(Object.keys(verified.json), ['distance', 'threshold', 'same', 'confidence']);
      assert.equal(verified.json.confidence, confidenceAt(record.confidence, verified.json.distance));
      await store.setCalibration({ ...record, metric: 'cosine' });
      const other = await call('POST', '/v1/verify', { image: b64(await stripePhoto([BLUE])), personId: person.json.id });
      assert.deepEqual(Object.keys(other.json), ['distance', 'threshold', 'same'], 'a calibration of another metric gives no confidence');
    } finally {
      await store.setCalibration(null);
      await call('DELETE', `/v1/people/${person.json.id}`);
    }
  });

  it('holds enrolment to one face unless the caller picks, and says why a photo is refused', async () => {
    const none = await call('POST', '/v1/people', { name: 'Nobody', image: b64(await stripePhoto([null])) });
    assert.deepEqual([none.status, none.json.error], [422, 'no face was found in the photo']);
    const several = await call('POST', '/v1/people', { name: 'Two', image: b64(await stripePhoto([RED, BLUE])) });
    assert.equal(several.status, 422);
    assert.match(several.json.error, /the photo holds 2 faces; enrol from a photo of one person, or pick one \(face 0..1\)/);
    const picked = await call('POST', '/v1/people', { name: 'Blue', image: b64(await stripePhoto([RED, BLUE])), face: 1 });
    assert.equal(picked.status, 201);
    const identified = await call('POST', '/v1/identify', { image: b64(await stripePhoto([BLUE])) });
    assert.equal(identified.json.faces[0].match.name, 'Blue');
    assert.equal((await call('POST', '/v1/people', { name: 'X', image: b64(await stripePhoto([RED])), face: 3 })).status, 422);
    const before = (await call('GET', '/v1/people')).json.people.length;
    assert.equal((await call('POST', '/v1/people', { name: '', image: b64(await stripePhoto([RED])) })).status, 400);
    assert.equal((await call('GET', '/v1/people')).json.people.length, before, 'refused enrolments store nothing');
  });

  it('413 over the body limit (declared or streamed) and over the pixel limit, from the header alone', async () => {
    const big = Buffer.alloc(MAX_BODY + 1, 'a');
    const declared = await call('POST', '/v1/identify', { image: big.toString('latin1') });
    assert.equal(declared.status, 413);
    assert.match(declared.json.error, /over the limit of 65536/);
    // Chunked, without Content-Length: cut off while streaming.
    const streamed = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(`${base}/v1/identify`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' } }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c) => (body += c)).on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject);
      for (let i = 0; i < 8; i++) req.write(Buffer.alloc(16 * 1024, 'a'));
      req.end();
    });
    assert.equal(streamed.status, 413);
    assert.match(JSON.parse(streamed.body).error, /over the limit of 65536 bytes/);

    const bomb = await call('POST', '/v1/identify', { image: b64(await pngClaiming(60_000, 60_000)) });
    assert.deepEqual([bomb.status, bomb.json.error], [413, 'the image is 60000x60000 = 3600000000 pixels, over the limit of 200000']);
    const tall = await call('POST', '/v1/people', { name: 'Tall', image: b64(await stripePhoto([RED], 7000)) });
    assert.equal(tall.status, 413, '32 x 7000 = 224,000 pixels is over 200,000');
  });

  it('415/400 for what is not an image or not a body it takes; JSON errors; no stack; no file paths', async () => {
    const text = await call('POST', '/v1/identify', { image: b64(new TextEncoder().encode('hello, not an image')) });
    assert.equal(text.status, 415);
    assert.match(text.json.error, /^the upload is not an image \(PNG, JPEG, WebP, GIF, TIFF or AVIF\)/);
    const plain = await fetch(`${base}/v1/identify`, { method: 'POST', headers: { ...auth, 'content-type': 'text/plain' }, body: 'x' });
    assert.equal(plain.status, 415);
    assert.match((await plain.json()).error, /send application\/json \(images as base64\) or multipart\/form-data, not "text\/plain"/);
    const broken = await fetch(`${base}/v1/identify`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"image":' });
    assert.equal(broken.status, 400);
    assert.match((await broken.json()).error, /^the body is not valid JSON/);
    assert.equal((await call('POST', '/v1/identify', { image: 'not base64 !!' })).status, 400);
    assert.equal((await call('POST', '/v1/identify', {})).status, 400);
    assert.equal((await call('GET', '/v1/identify')).status, 405);

    // A path where an image goes is read as (bad) base64 bytes, never opened.
    writeFileSync(join(dir, 'secret.png'), await stripePhoto([RED]));
    for (const path of [join(dir, 'secret.png'), 'file:///etc/passwd', '/etc/passwd']) {
      const r = await call('POST', '/v1/identify', { image: path });
      assert.ok(r.status === 400 || r.status === 415, `${path}: ${r.status}`);
      assert.doesNotMatch(r.text, /root:|faces":\[\{/);
    }

    logged.length = 0;
    const crash = await call('POST', '/v1/identify', { image: b64(await stripePhoto([BOOM])) });
    assert.deepEqual([crash.status, crash.json], [500, { error: 'internal error (the server log has the details)' }]);
    assert.doesNotMatch(crash.text, /boom|secret|\bat\b|\.ts/);
    assert.match(logged.join('\n'), /boom in .*secret[\s\S]*at /, 'the details and the stack go to the log');
  });

  it('serves its OpenAPI document, which lists every route', async () => {
    const r = await call('GET', '/v1/openapi.json');
    assert.equal(r.status, 200);
    assert.equal(r.json.openapi, '3.1.0');
    assert.deepEqual(Object.keys(r.json.paths).sort(), ['/healthz', '/v1/identify', '/v1/openapi.json', '/v1/people', '/v1/people/{id}', '/v1/people/{id}/faces', '/v1/verify']);
  });

  it('makes its token on first start, owner-only, reads it back later, and refuses a token file others can read', async () => {
    const path = join(dir, 'token');
    const first = await loadOrCreateToken(path);
    assert.equal(first.created, true);
    assert.ok(first.token.length >= 40);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(await loadOrCreateToken(path), { token: first.token, created: false });
    chmodSync(path, 0o644);
    await assert.rejects(loadOrCreateToken(path), /the token file '.*token' is readable by others \(mode 644\): chmod 600 it/);
  });
});
