// The plain Tiny-YOLOv2 face detector's raw reader, on a small file in the layout of face-api.js@0.10.0's
// tiny_yolov2_model.weights (fixture from scripts/make-tiny-yolov2-synthetic.ts, with face-api's own
// TinyYolov2 outputs on it): raw head and boxes against face-api; the real 63 MB file when installed.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { detect, tinyYolov2FaceDetector, tinyYolov2FaceLength, TINY_YOLOV2_FACE_FILTERS } from '../src/detect/index.js';
import { loadTinyYolov2FaceDetector, tinyYolov2FaceWeightsPath } from '../src/node/index.js';
import type { RawImage } from '../src/data/image.js';
import { forEachBackend } from './helpers/backends.js';

const fixture = JSON.parse(readFileSync('test/fixtures/face-api/tiny-yolov2-synthetic.json', 'utf8'));
const bytes = readFileSync('test/fixtures/face-api/tiny-yolov2-synthetic.weights');
const weights = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
const { width, height } = fixture.image;
const image: RawImage = { width, height, channels: 3, data: Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * 31 + 7) % 256) };

forEachBackend(() => {
  it("reads the raw layout and agrees with face-api's TinyYolov2 (plain) on its raw head and boxes", () => {
    const detector = tinyYolov2FaceDetector(weights, fixture.filters);
    const raw = detector.net.forward(detector.prepare(image, fixture.size).input).data;
    assert.equal(raw.length, fixture.rawHead.length);
    let worst = 0;
    for (let i = 0; i < raw.length; i++) worst = Math.max(worst, Math.abs(raw[i] - fixture.rawHead[i]));
    assert.ok(worst <= 1e-4, `raw head differs by ${worst}`);
    const found = detect(detector, image, { size: fixture.size, conf: fixture.scoreThreshold, iou: 0.4, clip: false });
    assert.equal(found.length, fixture.detections.length);
    // 80x50 at 64: face-api's rounded height (40) is exact here, so image pixels compare directly.
    found.forEach((d, k) => {
      d.box.forEach((v, j) => assert.ok(Math.abs(v - fixture.detections[k].box[j]) <= 1e-3, `box ${k}: ${d.box} vs ${fixture.detections[k].box}`));
      assert.ok(Math.abs(d.score - fixture.detections[k].score) <= 1e-5);
    });
  });
});

it('the default layout is the 63 MB file, and a file of another length is refused naming both', () => {
  assert.equal(tinyYolov2FaceLength(TINY_YOLOV2_FACE_FILTERS), 15767454);
  assert.throws(() => tinyYolov2FaceDetector(weights), /tinyYolov2FaceNet: the weights hold 6450 floats \(25800 bytes\); filters \[3,16,32,64,128,256,512,1024,1024\] need 15767454/);
});

const real = tinyYolov2FaceWeightsPath();
it('the real face-api.js@0.10.0 weights load', { skip: real ? false : 'face-api.js@0.10.0 is not installed (npm install --no-save face-api.js@0.10.0 to run this)' }, async () => {
  const detector = await loadTinyYolov2FaceDetector();
  assert.equal(detector.net.forward(detector.prepare(image, 64).input).shape.join(','), '1,2,2,30');
});
