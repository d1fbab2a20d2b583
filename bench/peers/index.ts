// Every library in the benchmark, loaded only when a run asks for it.
import type { Implementation, Library } from '../implementation.js';

export const LIBRARIES: readonly Library[] = ['convkit', 'tfjs', 'onnxruntime', 'onnxruntime-web', 'pytorch', 'convnetjs'];

export async function loadImplementations(library: Library): Promise<Implementation[]> {
  switch (library) {
    case 'convkit':
      return (await import('./convkit.js')).convkitImplementations();
    case 'tfjs':
      return (await import('./tfjs.js')).tfjsImplementations();
    case 'onnxruntime':
      return (await import('./onnxruntime.js')).onnxruntimeImplementations();
    case 'onnxruntime-web':
      return (await import('./onnxruntime-web.js')).onnxruntimeWebImplementations();
    case 'pytorch':
      return (await import('./pytorch.js')).pytorchImplementations();
    case 'convnetjs':
      return (await import('./convnetjs.js')).convnetjsImplementations();
  }
}

export function parseLibraries(text: string): Library[] {
  const names = text.split(',').filter(Boolean);
  const unknown = names.filter((n) => !LIBRARIES.includes(n as Library));
  if (unknown.length) throw new Error(`bench: unknown libraries ${unknown.join(', ')}; known: ${LIBRARIES.join(', ')}`);
  return names as Library[];
}
