// What a training run was started with, saved in its checkpoint, so that resuming can refuse a run whose
// settings differ (another data set, --limit or --seed would silently train a different run).
import { isPlainObject, type JsonValue } from '../io/json-value.js';

/** Settings by the name the user knows them by (e.g. '--limit'); a setting not given is null. */
export type RunSettings = Record<string, JsonValue>;

/**
 * Every setting in which `current` differs from the `saved` settings of a checkpoint, as readable lines
 * ("--limit: 500 in the checkpoint, 100 now"); empty when they agree. Checkpoints without settings (older
 * ones, or written by the library's ModelCheckpoint without runInfo) give one line saying so.
 */
export function runSettingsDifferences(saved: JsonValue | undefined, current: RunSettings): string[] {
  if (!isPlainObject(saved)) return ['the checkpoint records no settings to compare with (saved by an older ConvKit, or not by convkit train)'];
  const names = [...new Set([...Object.keys(saved), ...Object.keys(current)])];
  return names
    .filter((name) => canonical(saved[name] as JsonValue | undefined) !== canonical(current[name]))
    .map((name) => `${name}: ${show(saved[name] as JsonValue | undefined)} in the checkpoint, ${show(current[name])} now`);
}

/** JSON with object keys sorted, so that the order options were given in does not count as a difference. */
function canonical(value: JsonValue | undefined): string {
  return JSON.stringify(value ?? null, (_, v: JsonValue) =>
    isPlainObject(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

function show(value: JsonValue | undefined): string {
  return value === undefined || value === null ? 'not given' : typeof value === 'string' ? value : JSON.stringify(value);
}
