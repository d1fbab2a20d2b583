// Blocks of the kernels' memory that outlive an op (the weight cache's packed weights). They sit below the
// per-op arena, which starts where the highest block ends: a block is placed in the lowest hole it fits
// (first fit), else at the end, and a freed block merges with its neighbouring holes.
export class ResidentBlocks {
  private top: number;
  /** Holes below `top`, by address, never adjacent to each other. */
  private readonly holes: { ptr: number; bytes: number }[] = [];

  constructor(private readonly base: number) {
    this.top = base;
  }

  /** First byte past the highest block: where the per-op arena starts. */
  get end(): number {
    return this.top;
  }

  allocate(bytes: number): number {
    const i = this.holes.findIndex((h) => h.bytes >= bytes);
    if (i < 0) {
      const ptr = this.top;
      this.top += bytes;
      return ptr;
    }
    const hole = this.holes[i];
    const ptr = hole.ptr;
    if (hole.bytes === bytes) this.holes.splice(i, 1);
    else this.holes[i] = { ptr: ptr + bytes, bytes: hole.bytes - bytes };
    return ptr;
  }

  free(ptr: number, bytes: number): void {
    if (ptr < this.base || ptr + bytes > this.top) throw new Error(`ResidentBlocks.free: [${ptr}, ${ptr + bytes}) was never allocated`);
    let i = this.holes.findIndex((h) => h.ptr > ptr);
    if (i < 0) i = this.holes.length;
    let hole = { ptr, bytes };
    const before = this.holes[i - 1];
    if (before && before.ptr + before.bytes === ptr) {
      hole = { ptr: before.ptr, bytes: before.bytes + bytes };
      this.holes.splice(--i, 1);
    }
    const after = this.holes[i];
    if (after && hole.ptr + hole.bytes === after.ptr) {
      hole = { ptr: hole.ptr, bytes: hole.bytes + after.bytes };
      this.holes.splice(i, 1);
    }
    if (hole.ptr + hole.bytes === this.top) this.top = hole.ptr;
    else this.holes.splice(i, 0, hole);
  }
}
