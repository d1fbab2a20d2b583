// Backend registry: the reference backend is always present; faster ones register themselves and the
// best available becomes the default. Ops ask getBackend() for kernels on every call.
import type { Backend } from './backend.js';
import { jsBackend } from './js/index.js';

interface Registration {
  backend: Backend;
  priority: number;
}

const registry = new Map<string, Registration>([['js', { backend: jsBackend, priority: 0 }]]);
let active: Backend = jsBackend;
let chosenByUser = false;

/** Add a backend; the highest priority one becomes active unless the user chose one with setBackend. */
export function registerBackend(backend: Backend, priority: number): void {
  registry.set(backend.name, { backend, priority });
  if (!chosenByUser && priority > (registry.get(active.name)?.priority ?? -1)) active = backend;
}

/** Select a backend by name ('js' is the reference backend, always available). */
export function setBackend(name: string): void {
  const reg = registry.get(name);
  if (!reg) {
    throw new Error(`setBackend: unknown backend '${name}'; available: ${listBackends().join(', ')}`);
  }
  active = reg.backend;
  chosenByUser = true;
}

export function getBackend(): Backend {
  return active;
}

export function listBackends(): string[] {
  return [...registry.keys()];
}

export function getBackendByName(name: string): Backend | undefined {
  return registry.get(name)?.backend;
}
