// A face calibration saved as JSON (convkit faces calibrate --save FILE), written atomically and read back checked.
import { readFile } from 'node:fs/promises';
import { type CalibrationRecord, parseCalibrationRecord } from '../face/calibration-record.js';
import { atomicWriteFile } from './atomic-write.js';

export async function saveCalibration(path: string, calibration: CalibrationRecord): Promise<void> {
  await atomicWriteFile(path, new TextEncoder().encode(`${JSON.stringify(parseCalibrationRecord(calibration, 'saveCalibration'), null, 2)}\n`));
}

export async function loadCalibration(path: string): Promise<CalibrationRecord> {
  const text = await readFile(path, 'utf8').catch((error: Error) => Promise.reject(new Error(`loadCalibration: cannot read '${path}': ${error.message}`)));
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`loadCalibration: '${path}' is not JSON: ${(error as Error).message}`);
  }
  return parseCalibrationRecord(value, `loadCalibration: '${path}'`);
}
