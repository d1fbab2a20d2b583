// Images: RawImage <-> tensor, ImageData conversions, and reading/writing files with sharp.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { Generator, rand, tensor } from '../src/index.js';
import { type RawImage, convertChannels, imageToTensor, tensorToImage } from '../src/data/image.js';
import { canvasCodec, imageDataFromCanvas, imageFromImageData, toImageData } from '../src/data/image-canvas.js';
import { decodeImage, encodeJpeg, encodePng, readImage, readRawImage, sharpCodec, writeImage } from '../src/node/image-io.js';

const rgb: RawImage = { width: 2, height: 1, channels: 3, data: new Uint8Array([255, 0, 51, 0, 102, 255]) };

describe('image <-> tensor', () => {
  it('imageToTensor gives float32 [H, W, C] in [0, 1], or 0..255, or batched', () => {
    const x = imageToTensor(rgb);
    assert.deepEqual(x.shape, [1, 2, 3]);
    assert.equal(x.dtype, 'float32');
    assert.deepEqual(x.toFlatArray(), [1, 0, 0.2, 0, 0.4, 1].map((v) => Math.fround(v)));
    assert.deepEqual(imageToTensor(rgb, { scale: false }).toFlatArray(), [255, 0, 51, 0, 102, 255]);
    assert.deepEqual(imageToTensor(rgb, { batch: true }).shape, [1, 1, 2, 3]);
  });

  it('tensorToImage inverts it, rounding and saturating out-of-range values', () => {
    assert.deepEqual(tensorToImage(imageToTensor(rgb)), { ...rgb, data: new Uint8Array(rgb.data) });
    const wild = tensor([-0.5, 0.5, 1.5, Number.NaN], [2, 2]);
    assert.deepEqual([...tensorToImage(wild).data], [0, 128, 255, 0]);
    assert.equal(tensorToImage(tensor([0, 0, 0], [1, 1, 1, 3])).channels, 3);
    assert.throws(() => tensorToImage(tensor([0, 0, 0, 0, 0], [1, 1, 5])), /tensorToImage: expected \[H, W\], \[H, W, C\] or \[1, H, W, C\] with C in 1..4, got \[1, 1, 5\]/);
    assert.throws(() => imageToTensor({ ...rgb, width: 3 }), /imageToTensor: image 3x1x3 needs 9 bytes, got 6/);
  });

  it('convertChannels: BT.601 gray, gray to RGB, opaque alpha', () => {
    assert.deepEqual([...convertChannels(rgb, 1).data], [Math.round(0.299 * 255 + 0.114 * 51), Math.round(0.587 * 102 + 0.114 * 255)]);
    const grayImage: RawImage = { width: 1, height: 1, channels: 1, data: new Uint8Array([7]) };
    assert.deepEqual([...convertChannels(grayImage, 3).data], [7, 7, 7]);
    assert.deepEqual([...convertChannels(rgb, 4).data], [255, 0, 51, 255, 0, 102, 255, 255]);
  });
});

describe('browser ImageData helpers', () => {
  const imageData = { width: 2, height: 1, data: new Uint8ClampedArray([10, 20, 30, 255, 40, 50, 60, 0]) };

  it('RGBA ImageData becomes RGB (alpha dropped) or gray, and back to RGBA', () => {
    assert.deepEqual([...imageFromImageData(imageData).data], [10, 20, 30, 40, 50, 60]);
    assert.equal(imageFromImageData(imageData, { channels: 1 }).channels, 1);
    const back = toImageData(imageFromImageData(imageData));
    assert.ok(back.data instanceof Uint8ClampedArray);
    assert.deepEqual([...back.data], [10, 20, 30, 255, 40, 50, 60, 255]);
  });

  it('imageDataFromCanvas reads a canvas or a 2D context', () => {
    const context = { getImageData: (x: number, y: number, w: number, h: number) => (w === 2 && h === 1 ? imageData : assert.fail(`asked for ${w}x${h}`)) };
    const canvas = { width: 2, height: 1, getContext: () => context };
    assert.deepEqual([...imageDataFromCanvas(canvas).data], [10, 20, 30, 40, 50, 60]);
    assert.deepEqual([...imageDataFromCanvas({ ...context, canvas }).data], [10, 20, 30, 40, 50, 60]);
    assert.throws(() => imageDataFromCanvas({ width: 1, height: 1, getContext: () => null }), /imageDataFromCanvas: the canvas has no 2D context/);
  });

  it('canvasCodec explains that it needs a browser when OffscreenCanvas is missing', () => {
    assert.throws(() => canvasCodec(), /canvasCodec: needs OffscreenCanvas and createImageBitmap .* in Node use sharpCodec/);
  });
});

describe('image files (sharp)', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'convkit-image-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writeImage then readImage round-trips a tensor through PNG exactly (to 8 bits)', async () => {
    const x = rand([5, 7, 3], { generator: new Generator(1) });
    const path = join(dir, 'round-trip.png');
    await writeImage(path, x);
    const y = await readImage(path);
    assert.deepEqual(y.shape, [5, 7, 3]);
    assert.deepEqual(y.toFlatArray(), imageToTensor(tensorToImage(x)).toFlatArray());
    assert.deepEqual((await readdir(dir)).sort(), ['round-trip.png'], 'no temporary file is left behind');
  });

  it('gray images stay 1-channel; channels 1 and 3 convert; size resizes', async () => {
    const grayImage: RawImage = { width: 3, height: 2, channels: 1, data: new Uint8Array([0, 50, 100, 150, 200, 250]) };
    const png = await encodePng(grayImage);
    assert.deepEqual(await decodeImage(png), grayImage);
    assert.equal((await decodeImage(png, { channels: 3 })).channels, 3);
    const path = join(dir, 'gray.png');
    await writeImage(path, grayImage);
    assert.deepEqual((await readImage(path, { channels: 1 })).shape, [2, 3, 1]);
    assert.deepEqual((await readImage(path, { size: [4, 6] })).shape, [4, 6, 3]);
    assert.deepEqual((await readRawImage(path, { size: [1, 1], fit: 'inside' })).width, 1);
  });

  it('JPEG encodes and decodes close to the original', async () => {
    const flat: RawImage = { width: 8, height: 8, channels: 3, data: new Uint8Array(8 * 8 * 3).fill(128) };
    const decoded = await decodeImage(await encodeJpeg(flat, 95));
    assert.equal(decoded.channels, 3);
    assert.ok(decoded.data.every((v) => Math.abs(v - 128) <= 2));
    const viaCodec = await sharpCodec.decode(await sharpCodec.encode(rgb, 'png'));
    assert.deepEqual(viaCodec, { ...rgb, data: new Uint8Array(rgb.data) });
  });

  it('a file that is not an image gives an error naming the path and what sharp said', async () => {
    const text = join(dir, 'notes.png');
    await writeFile(text, 'this is not an image');
    await assert.rejects(readImage(text), (error: Error) => {
      assert.match(error.message, /^readImage: '.*notes\.png' is not an image sharp can decode \(sharp: .*unsupported image format\)$/);
      return true;
    });
    const noise = join(dir, 'noise.jpg');
    const g = new Generator(9);
    await writeFile(noise, Uint8Array.from({ length: 256 }, () => g.randint(256)));
    await assert.rejects(readImage(noise), /readImage: '.*noise\.jpg' is not an image sharp can decode \(sharp: /);
    await assert.rejects(readImage(join(dir, 'missing.png')), /readImage: cannot read '.*missing\.png': ENOENT/);
    const truncated = join(dir, 'truncated.png');
    const png = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#f00' } }).png().toBuffer();
    await writeFile(truncated, png.subarray(0, png.length / 2));
    await assert.rejects(readImage(truncated), /readImage: '.*truncated\.png' is not an image sharp can decode/);
  });

  it('writeImage rejects unknown extensions and leaves nothing behind on failure', async () => {
    await assert.rejects(writeImage(join(dir, 'out.bmp'), rand([2, 2, 3])), /writeImage: cannot tell the format of '.*out\.bmp' from its extension '\.bmp'/);
    await assert.rejects(writeImage(join(dir, 'no-such-dir', 'out.png'), rand([2, 2, 3])), /atomicWriteFile: could not write/);
    assert.ok(!(await readdir(dir)).some((name) => name.includes('out')));
  });
});
