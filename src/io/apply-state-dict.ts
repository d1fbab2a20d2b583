// Loading saved tensors into a module with every mismatch reported at once: names missing from the file,
// names the model does not have, shapes and dtypes. Module.loadStateDict checks names and shapes but would
// silently convert a float64 file into float32 weights; a weights file that differs in dtype is a different
// model, so it is reported here, and nothing is changed unless everything fits.
import type { AnyModule, StateDict } from '../nn/module.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';

export interface ApplyStateDictOptions {
  /** Missing and unexpected names are errors (default true); shapes and dtypes must always match. */
  strict?: boolean;
  /** What to name in errors: the caller and the file, e.g. "loadWeights('lenet.safetensors')". */
  source?: string;
}

export interface ApplyStateDictResult {
  missing: string[];
  unexpected: string[];
}

export function applyStateDict(module: AnyModule, state: StateDict, options: ApplyStateDictOptions = {}): ApplyStateDictResult {
  const strict = options.strict ?? true;
  const source = options.source ?? 'applyStateDict';
  const own = module.stateDict();
  const missing = Object.keys(own).filter((name) => !(name in state));
  const unexpected = Object.keys(state).filter((name) => !(name in own));
  const problems: string[] = [];
  if (strict) {
    for (const name of missing) problems.push(`missing '${name}': the model has it, the saved state does not`);
    for (const name of unexpected) problems.push(`unexpected '${name}' ${formatShape(state[name].shape)}: the model has no such tensor`);
  }
  for (const [name, t] of Object.entries(own)) {
    const saved = state[name];
    if (!saved) continue;
    if (!shapesEqual(saved.shape, t.shape)) problems.push(`shape of '${name}': saved ${formatShape(saved.shape)}, model ${formatShape(t.shape)}`);
    if (saved.dtype !== t.dtype) problems.push(`dtype of '${name}': saved ${saved.dtype}, model ${t.dtype}`);
  }
  if (problems.length > 0) {
    throw new Error(
      `${source}: ${problems.length} problem(s) loading into ${module.constructor.name}; nothing was loaded:\n  ${problems.join('\n  ')}` +
        (strict && missing.length + unexpected.length > 0 ? '\n(strict: false loads the matching names and ignores the others)' : ''),
    );
  }
  module.loadStateDict(state, { strict });
  return { missing, unexpected };
}
