// Backend choice for the command line: the WebAssembly SIMD kernels when the engine has them (the default),
// or the reference kernels with --backend js.
import { getBackend, ready, setBackend } from 'convkit';

export const BACKEND_CHOICES = ['auto', 'wasm', 'js'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** Select the backend (and wait for the kernels and worker threads); returns the name of the one in use. */
export async function selectBackend(choice: BackendChoice): Promise<string> {
  if (!BACKEND_CHOICES.includes(choice)) throw new Error(`--backend must be one of ${BACKEND_CHOICES.join(', ')}, got '${choice}'`);
  if (choice === 'js') {
    setBackend('js');
    return 'js';
  }
  await ready();
  if (choice === 'wasm') setBackend('wasm');
  return getBackend().name;
}
