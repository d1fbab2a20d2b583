// Kernels by name. Every kernel has a reference implementation (plain loops, the living spec): the built-in
// ones from src/backend/js/, the rest registered by the op that defines them; a backend registers fast kernels for any subset of names, each saying which calls
// it supports. runKernel(name, ...) runs the active backend's kernel where it has one and takes the call,
// else the reference kernel: a call a fast kernel declined is reported to its backend (counted as a fallback).
import type { KernelArgs, KernelName } from './backend.js';
import { builtInReferenceKernels } from './js/index.js';

export type KernelFn<K extends KernelName> = (...args: KernelArgs<K>) => void;

export interface FastKernel<K extends KernelName> {
  /** null when this kernel takes the call, else why not (the reference kernel runs it, counted). */
  supports?(...args: KernelArgs<K>): string | null;
  /** Runs the call; may throw KernelDeclined to hand it to the reference kernel after all. */
  run(...args: KernelArgs<K>): void;
}

/** Thrown by a fast kernel that finds it cannot finish a call (e.g. out of memory): the reference runs it. */
export class KernelDeclined extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

export interface BackendOptions {
  /** The highest priority registered backend is active unless the user chose one with setBackend. */
  priority: number;
  /** Told about every call one of this backend's kernels declined. */
  onFallback?: (kernel: KernelName, reason: string) => void;
}

export interface Backend {
  readonly name: string;
  readonly priority: number;
  readonly onFallback: ((kernel: KernelName, reason: string) => void) | null;
  /** This backend's fast kernels; names not here run the reference kernels. */
  readonly kernels: Map<KernelName, FastKernel<KernelName>>;
}

/** Told of a call a fast kernel declined: which backend, which kernel, why. */
export type FallbackListener = (backend: string, kernel: KernelName, reason: string) => void;
const fallbackListeners = new Set<FallbackListener>();

/**
 * Be told of every declined call on any backend, whatever its own counters say (the test suite's check that
 * no op ran on the reference kernels unnoticed: counters can be reset). Returns the function that stops it.
 */
export function watchFallbacks(listener: FallbackListener): () => void {
  fallbackListeners.add(listener);
  return () => fallbackListeners.delete(listener);
}

const referenceKernels = new Map<KernelName, KernelFn<KernelName>>(
  Object.entries(builtInReferenceKernels) as [KernelName, KernelFn<KernelName>][],
);
const jsBackend: Backend = { name: 'js', priority: 0, onFallback: null, kernels: new Map() };
const backends = new Map<string, Backend>([['js', jsBackend]]);
let active: Backend = jsBackend;
let chosenByUser = false;

/** Register the reference kernel for a name (once: a second definition is a programming error). */
export function defineReferenceKernel<K extends KernelName>(name: K, kernel: KernelFn<K>): void {
  if (referenceKernels.has(name)) throw new Error(`defineReferenceKernel: '${name}' is already defined`);
  referenceKernels.set(name, kernel as unknown as KernelFn<KernelName>);
}

/** Add a backend (no kernels yet: registerKernels adds them). Returns the existing one if already added. */
export function registerBackend(name: string, options: BackendOptions): Backend {
  let backend = backends.get(name);
  if (!backend) {
    backend = { name, priority: options.priority, onFallback: options.onFallback ?? null, kernels: new Map() };
    backends.set(name, backend);
  }
  if (!chosenByUser && backend.priority > active.priority) active = backend;
  return backend;
}

/** Give a backend fast kernels for some names (a partial table). */
export function registerKernels(backendName: string, table: { [K in KernelName]?: FastKernel<K> }): void {
  const backend = backends.get(backendName);
  if (!backend) throw new Error(`registerKernels: unknown backend '${backendName}'; registered: ${listBackends().join(', ')}`);
  for (const [name, kernel] of Object.entries(table)) {
    backend.kernels.set(name as KernelName, kernel as FastKernel<KernelName>);
  }
}

function reference<K extends KernelName>(name: K): KernelFn<K> {
  const kernel = referenceKernels.get(name);
  if (!kernel) throw new Error(`runKernel: no kernel named '${name}' is defined (is the op's module imported?)`);
  return kernel as unknown as KernelFn<K>;
}

function runOn<K extends KernelName>(backend: Backend, name: K, args: KernelArgs<K>): void {
  const fast = backend.kernels.get(name) as FastKernel<K> | undefined;
  if (fast) {
    let reason = fast.supports ? fast.supports(...args) : null;
    if (reason === null) {
      try {
        fast.run(...args);
        return;
      } catch (err) {
        if (!(err instanceof KernelDeclined)) throw err;
        reason = err.reason;
      }
    }
    backend.onFallback?.(name, reason);
    for (const listener of fallbackListeners) listener(backend.name, name, reason);
  }
  reference(name)(...args);
}

/** Run a kernel on the active backend (its reference kernel where the backend has none or declines). */
export function runKernel<K extends KernelName>(name: K, ...args: KernelArgs<K>): void {
  runOn(active, name, args);
}

export type KernelTable = { [K in KernelName]: KernelFn<K> };

/** Every kernel as run on one named backend, whatever is active (for tests and benchmarks that compare). */
export function kernelsOn(backendName: string): KernelTable {
  const backend = backends.get(backendName);
  if (!backend) throw new Error(`kernelsOn: unknown backend '${backendName}'; registered: ${listBackends().join(', ')}`);
  return new Proxy({} as KernelTable, {
    get: (_target, name: string) => (...args: unknown[]) => runOn(backend, name as KernelName, args as KernelArgs<KernelName>),
  });
}

/** Select a backend by name ('js' is the reference backend, always available). */
export function setBackend(name: string): void {
  const backend = backends.get(name);
  if (!backend) {
    throw new Error(`setBackend: unknown backend '${name}'; available: ${listBackends().join(', ')}`);
  }
  active = backend;
  chosenByUser = true;
}

/** The active backend. */
export function getBackend(): Backend {
  return active;
}

export function listBackends(): string[] {
  return [...backends.keys()];
}

export function getBackendByName(name: string): Backend | undefined {
  return backends.get(name);
}
