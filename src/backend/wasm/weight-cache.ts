// Weights packed for the kernels (GEMM B panels, Winograd-transformed filters), kept in the kernels'
// memory between calls, so that repeated inference packs each weight once. An entry is keyed by the weight
// array and by its packing (the layout and everything else the packed values depend on), and is valid for
// one version of the array's storage (src/tensor/version.ts). Workers share the memory, so one packed copy
// serves every thread.
//   Admission: a Parameter's storage from its first use; any other array (a functional conv's filters, an
//   activation multiplied as a matmul's B) from its second use at one version, so fresh arrays never take
//   a block. An entry repacked without a single hit since its last packing (training: every step changes
//   the weights) gives its block back and goes through that second-use test again.
//   Bounds: entries take at most `limit` bytes (beyond it calls pack in their own arena, as without the
//   cache); an entry's block is freed when its array is garbage-collected, or all at once by setLimit.
import { isWeightStorage, storageVersion } from '../../tensor/version.js';
import { type MemoryArena, WasmMemoryExhausted } from './memory-arena.js';
import { countWeightCacheHit, recordWeightCacheBytes } from './stats.js';

/** Packed weights for one call: the runners pack into `ptr` unless `filled`, and then set `filled`. */
export interface PackedB {
  ptr: number;
  filled: boolean;
}

/** A packing of weights: its cache key (what the packed values depend on besides the weights) and size. */
export interface Packing {
  key: string;
  bytes: number;
}

/** A cache block for one call; done() once the call has packed into it (a call that throws leaves it invalid). */
export interface CachedWeights extends PackedB {
  done(): void;
}

interface Entry {
  /** 0: no block yet, the entry records the version of the array's first use (see admission). */
  ptr: number;
  bytes: number;
  /** The storage version the block holds (or was first used at); NaN while being packed. */
  version: number;
  hits: number;
}

/** An array's entries, by packing key (held by the finalizer: it must not reference the array). */
type Entries = Map<string, Entry>;

export const DEFAULT_WEIGHT_CACHE_BYTES = 512 << 20;

export class WeightCache {
  private readonly byArray = new WeakMap<Float32Array, Entries>();
  /** Arrays' entries that hold blocks (to free them all), and the finalizer that frees them with the array. */
  private readonly holding = new Set<Entries>();
  private readonly finalizer = new FinalizationRegistry<Entries>((entries) => this.release(entries));
  private bytes = 0;

  constructor(private readonly arena: MemoryArena, private limit = DEFAULT_WEIGHT_CACHE_BYTES) {}

  /** Bytes of packed weights held. */
  get size(): number {
    return this.bytes;
  }

  /** Cap the bytes held (0 turns the cache off); lowering it frees every block. Between ops. */
  setLimit(bytes: number): void {
    this.limit = bytes;
    if (this.bytes > bytes) for (const entries of [...this.holding]) this.release(entries);
  }

  /**
   * The cache block of `weights` packed as `packing`, or null: pack in the call's arena. Call it first in an
   * op (right after arena.reset()), since a new block is placed below the arena.
   */
  lookup(weights: Float32Array, packing: Packing): CachedWeights | null {
    const version = storageVersion(weights);
    let entries = this.byArray.get(weights);
    let entry = entries?.get(packing.key);
    if (entry && entry.ptr !== 0 && entry.version === version) {
      entry.hits++;
      countWeightCacheHit();
      return { ptr: entry.ptr, filled: true, done() {} };
    }
    if (entry && entry.ptr !== 0 && entry.hits === 0) {
      this.freeBlock(entry); // packed for nothing since its last packing: back to the second-use test
      entry.version = version;
      return null;
    }
    if (!entry || entry.ptr === 0) {
      const secondUse = entry !== undefined && entry.version === version;
      if (!(secondUse || (entry === undefined && isWeightStorage(weights))) || this.bytes + packing.bytes > this.limit) {
        if (!entries) this.byArray.set(weights, (entries = new Map()));
        entries.set(packing.key, { ptr: 0, bytes: 0, version, hits: 0 });
        return null;
      }
      let ptr: number;
      try {
        ptr = this.arena.reserve(packing.bytes);
      } catch (err) {
        if (err instanceof WasmMemoryExhausted) return null;
        throw err;
      }
      if (!entries) this.byArray.set(weights, (entries = new Map()));
      if (!this.holding.has(entries)) {
        this.holding.add(entries);
        this.finalizer.register(weights, entries, entries);
      }
      entry = { ptr, bytes: packing.bytes, version: NaN, hits: 0 };
      entries.set(packing.key, entry);
      this.bytes += packing.bytes;
      recordWeightCacheBytes(this.bytes);
    }
    const filling = entry;
    filling.version = NaN;
    filling.hits = 0;
    return { ptr: filling.ptr, filled: false, done: () => void (filling.version = version) };
  }

  private freeBlock(entry: Entry): void {
    this.arena.free(entry.ptr, entry.bytes);
    this.bytes -= entry.bytes;
    recordWeightCacheBytes(this.bytes);
    entry.ptr = 0;
    entry.bytes = 0;
  }

  private release(entries: Entries): void {
    for (const entry of entries.values()) if (entry.ptr !== 0) this.freeBlock(entry);
    entries.clear();
    this.holding.delete(entries);
    this.finalizer.unregister(entries);
  }
}
