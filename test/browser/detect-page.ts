// The detection page: the tiny face detector's weights fetched with faceApiWeightsFromUrl, raw RGB pixels
// fetched from photo.rgb (the test decodes the photo once in Node and serves the same bytes, so only the
// network's arithmetic can make the page and Node differ), detect() on the page's main thread.
import { getBackend } from '../../src/index.js';
import { getNumThreads, ready, setNumThreads } from '../../src/backend/wasm/index.js';
import { detect, tinyFaceDetector, TINY_FACE_DETECTOR_MODEL, type DetectedBox } from '../../src/detect/index.js';
import { faceApiWeightsFromUrl } from '../../src/face/index.js';
import { describeError } from './page-result.js';

/** What the page publishes on window.__convkitDetect; `options` are detect()'s, read from the page's query. */
export type DetectPageOutcome = { backend: string; threads: number; detections: DetectedBox[] } | { error: string };

declare global {
  interface Window {
    __convkitDetect?: DetectPageOutcome;
  }
}

async function run(): Promise<DetectPageOutcome> {
  const query = new URLSearchParams(location.search);
  const [width, height, size, conf] = ['width', 'height', 'size', 'conf'].map((k) => Number(query.get(k)));
  setNumThreads(2);
  await ready();
  const detector = tinyFaceDetector(await faceApiWeightsFromUrl('./model')(TINY_FACE_DETECTOR_MODEL));
  const response = await fetch('./photo.rgb');
  if (!response.ok) throw new Error(`GET photo.rgb answered ${response.status}`);
  const data = new Uint8Array(await response.arrayBuffer());
  const detections = detect(detector, { width, height, channels: 3, data }, { size, conf });
  return { backend: getBackend().name, threads: getNumThreads(), detections };
}

run().then(
  (outcome) => {
    window.__convkitDetect = outcome;
    document.body.textContent = 'done';
  },
  (err: unknown) => {
    window.__convkitDetect = { error: describeError(err) };
    document.body.textContent = `failed: ${String(err)}`;
  },
);
