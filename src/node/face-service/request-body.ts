// Reading a request body with a hard size limit (413 as soon as it is passed, from Content-Length or while
// streaming), and the two upload forms the service accepts: JSON with base64 images, or multipart/form-data.
import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error.js';

/** '10mb', '512kb', '2000000' -> bytes. */
export function parseByteSize(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(text);
  if (!match) throw new Error(`a size is a number with an optional unit b, kb, mb or gb (e.g. 10mb), got ${JSON.stringify(text)}`);
  const unit = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(match[2] ?? 'b').toLowerCase() as 'b'];
  return Math.floor(Number(match[1]) * unit);
}

export async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new HttpError(413, `the request body is ${declared} bytes, over the limit of ${limit}`);
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > limit) throw new HttpError(413, `the request body is over the limit of ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, length);
}

/** Form fields: text values as strings, files as bytes. */
export type Fields = Record<string, string | Uint8Array | number | undefined>;

/** The body as fields: JSON (images as base64 strings, decoded by `imageField`) or multipart/form-data. */
export function parseFields(contentType: string | undefined, body: Buffer): Fields {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch (error) {
      throw new HttpError(400, `the body is not valid JSON: ${(error as Error).message}`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new HttpError(400, 'the JSON body must be an object');
    return parsed as Fields;
  }
  if (type === 'multipart/form-data') return parseMultipart(contentType!, body);
  throw new HttpError(415, `send application/json (images as base64) or multipart/form-data, not ${JSON.stringify(type || 'no content type')}`);
}

/** An image field's bytes: a multipart file, or a base64 string (a data: URL prefix is allowed). */
export function imageField(fields: Fields, name: string): Uint8Array {
  const value = fields[name];
  if (value instanceof Uint8Array) return value;
  if (typeof value !== 'string' || value === '') throw new HttpError(400, `the field '${name}' must hold an image: a multipart file, or base64 in JSON`);
  const base64 = value.replace(/^data:[^,]*;base64,/, '');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(base64)) throw new HttpError(400, `the field '${name}' is not base64`);
  return new Uint8Array(Buffer.from(base64, 'base64'));
}

export function textField(fields: Fields, name: string, required: true): string;
export function textField(fields: Fields, name: string, required?: false): string | undefined;
export function textField(fields: Fields, name: string, required = false): string | undefined {
  const value = fields[name];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string') throw new HttpError(400, `the field '${name}' must be a string${required ? ' (it is required)' : ''}`);
  return value;
}

/** An optional non-negative integer field (JSON number or form text). */
export function integerField(fields: Fields, name: string, max: number): number | undefined {
  const value = fields[name];
  if (value === undefined) return undefined;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > max) throw new HttpError(400, `the field '${name}' must be an integer in 0..${max}, got ${JSON.stringify(value instanceof Uint8Array ? 'a file' : value)}`);
  return n;
}

function parseMultipart(contentType: string, body: Buffer): Fields {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!boundary) throw new HttpError(400, 'multipart/form-data without a boundary');
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2].trim()}`);
  const fields: Fields = {};
  let start = body.indexOf(delimiter);
  if (start < 0) throw new HttpError(400, 'the multipart body holds no part');
  while (true) {
    start += delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') return fields;
    const headerEnd = body.indexOf('\r\n\r\n', start);
    const next = body.indexOf(delimiter, start);
    if (headerEnd < 0 || next < 0 || headerEnd > next) throw new HttpError(400, 'a multipart part is cut off or has no headers');
    const headers = body.subarray(start, headerEnd).toString('utf8');
    const name = /content-disposition:[^\r\n]*\bname="([^"]*)"/i.exec(headers)?.[1];
    if (name === undefined) throw new HttpError(400, 'a multipart part has no Content-Disposition name');
    const content = body.subarray(headerEnd + 4, next - 2); // the part ends with CRLF before the delimiter
    fields[name] = /content-disposition:[^\r\n]*\bfilename=/i.test(headers) ? new Uint8Array(content) : content.toString('utf8');
    start = next;
  }
}
