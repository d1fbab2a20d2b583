// Trained detectors on disk (the format is in src/detect/detector-bundle.ts): written atomically by
// `convkit detect train --out`, read by `detect val` and `detect predict`.
import type { TinyYolo } from '../detect/tiny-yolo.js';
import { serializeDetector, unpackDetector, type DetectorInfo, type LoadedDetector } from '../detect/detector-bundle.js';
import { atomicWriteFile } from './atomic-write.js';
import { loadSafetensors } from './weights-files.js';

export async function saveDetector(path: string, model: TinyYolo, info: DetectorInfo): Promise<void> {
  await atomicWriteFile(path, serializeDetector(model, info));
}

/** Rebuild a saved detector and load its weights; a file without the detector metadata is an error naming it. */
export async function loadDetector(path: string): Promise<LoadedDetector> {
  return unpackDetector(await loadSafetensors(path), `loadDetector('${path}')`);
}
