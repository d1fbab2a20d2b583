// The task records between the JS glue and the kernels (kernels/records.mjs): the committed generated files
// match their generators (the records' schema, the micro-kernel template), the loaded module is checked
// against the glue (a module with one constant changed is refused when it loads, naming it), and records
// come zeroed, so a field a writer leaves out reads 0.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chooseKernelBinary } from '../src/backend/wasm/module-loader.js';
import { MemoryArena } from '../src/backend/wasm/memory-arena.js';
import { WasmRuntime } from '../src/backend/wasm/wasm-runtime.js';
import { LAYOUT_CONSTANTS, NR, writeGemm, writePointwise } from '../src/backend/wasm/records.generated.js';

describe('wasm records: one schema', () => {
  it('the committed offsets, writers and micro-kernels are what kernels/build.mjs generates', () => {
    const build = fileURLToPath(new URL('../kernels/build.mjs', import.meta.url));
    const check = spawnSync(process.execPath, [build, '--check'], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stderr);
  });
});

// -------------------------------------------------------------------------- the load-time layout check

function readLeb(bytes: Uint8Array, at: number): { value: number; next: number } {
  let value = 0;
  let shift = 0;
  let byte: number;
  do {
    byte = bytes[at++];
    value |= (byte & 0x7f) << shift;
    shift += 7;
  } while (byte & 0x80);
  return { value, next: at };
}

/**
 * A copy of a wasm binary whose exported i32 constant `name` holds `value` instead (both one-byte signed
 * LEB128, 0..63, so no size changes): a module built from another version of the schema, in miniature.
 */
function withConstant(bytes: Uint8Array, name: string, value: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(bytes);
  let importedGlobals = 0;
  let globalIndex = -1;
  let globalSection = -1;
  for (let at = 8; at < out.length; ) {
    const id = out[at];
    const size = readLeb(out, at + 1);
    const body = size.next;
    if (id === 2 || id === 7) {
      let p = readLeb(out, body).next; // entry count
      const end = body + size.value;
      while (p < end) {
        if (id === 2) p = readLeb(out, p).value + readLeb(out, p).next; // module name
        const field = readLeb(out, p);
        const fieldName = new TextDecoder().decode(out.subarray(field.next, field.next + field.value));
        p = field.next + field.value;
        const kind = out[p++];
        if (id === 7) {
          const index = readLeb(out, p);
          if (kind === 3 && fieldName === name) globalIndex = index.value;
          p = index.next;
        } else if (kind === 3) {
          importedGlobals++;
          p += 2;
        } else if (kind === 2) {
          const limits = out[p++];
          p = readLeb(out, p).next;
          if (limits & 1) p = readLeb(out, p).next;
        } else throw new Error(`withConstant: import kind ${kind} not handled`);
      }
    }
    if (id === 6) globalSection = body;
    at = body + size.value;
  }
  assert.ok(globalIndex >= importedGlobals && globalSection >= 0, `withConstant: no exported global ${name}`);
  let p = readLeb(out, globalSection).next;
  for (let g = importedGlobals; ; g++) {
    assert.equal(out[p + 2], 0x41, 'withConstant: globals initialised by i32.const');
    if (g === globalIndex) {
      assert.ok(out[p + 3] < 64 && value >= 0 && value < 64, 'withConstant: one-byte constants only');
      out[p + 3] = value;
      return out;
    }
    p = readLeb(out, p + 3).next + 1; // past the constant and `end`
  }
}

describe('wasm records: the module is checked when it loads', () => {
  const binary = chooseKernelBinary();

  it('the built module agrees with the glue', () => {
    const patched = withConstant(binary.bytes, 'NR', NR); // the same value: the patcher alone changes nothing
    new WasmRuntime(new WebAssembly.Module(patched), { ...binary, bytes: patched });
  });

  it('a module whose record offset differs from the glue is refused, naming the constant and both values', () => {
    const offset = LAYOUT_CONSTANTS.G_C;
    const patched = withConstant(binary.bytes, 'G_C', offset + 4);
    assert.throws(
      () => new WasmRuntime(new WebAssembly.Module(patched), { ...binary, bytes: patched }),
      (e: Error) => {
        assert.match(e.message, new RegExp(`1 of \\d+ layout constants differ: G_C: module ${offset + 4}, glue ${offset}\\)`));
        assert.match(e.message, /rebuild the kernels with `npm run build:kernels`/);
        return true;
      },
    );
  });

  it('so is a module with another tile width', () => {
    const patched = withConstant(binary.bytes, 'NR', NR / 2);
    assert.throws(() => new WasmRuntime(new WebAssembly.Module(patched), { ...binary, bytes: patched }), {
      message: new RegExp(`NR: module ${NR / 2}, glue ${NR}`),
    });
  });
});

// ------------------------------------------------------------------------------------- zeroed records

describe('wasm records: zeroed on allocation', () => {
  const i32At = (arena: MemoryArena, ptr: number, constant: string): number => arena.i32()[(ptr + LAYOUT_CONSTANTS[constant]) >> 2];

  it('fields a writer leaves out read 0, even where the arena held other values', () => {
    const arena = new MemoryArena(new WebAssembly.Memory({ initial: 1, maximum: 4 }));
    const mark = arena.mark();
    const garbage = arena.alloc(4096);
    arena.i32().fill(-1, garbage >> 2, (garbage + 4096) >> 2);
    arena.release(mark);
    const ptr = writeGemm(arena, {
      m: 6, n: 8, k: 3, aKind: 0, a: 2048, c: 3072, ldc: 8, split: 0, scratch: 4096, scratchStride: 64, chunk: 6,
    });
    assert.equal(ptr, garbage, 'the record reuses the dirty memory');
    assert.deepEqual(
      ['G_M', 'G_N', 'G_K', 'G_A', 'G_C', 'G_LDC', 'G_SCRATCH', 'G_SCRATCH_STRIDE', 'G_CHUNK'].map((c) => i32At(arena, ptr, c)),
      [6, 8, 3, 2048, 3072, 8, 4096, 64, 6],
    );
    for (const left of ['G_LDA', 'G_TRANS_A', 'G_B', 'G_LDB', 'G_TRANS_B', 'G_BIAS', 'G_PARTIAL', 'G_CONV', 'G_PACKED', 'G_NEXT']) {
      assert.equal(i32At(arena, ptr, left), 0, `${left} left out reads 0`);
    }
  });

  it('a short array field is padded with zeros; one longer than its room is refused, naming it', () => {
    const arena = new MemoryArena(new WebAssembly.Memory({ initial: 1, maximum: 4 }));
    const mark = arena.mark();
    const garbage = arena.alloc(1024);
    arena.f64().fill(Number.NaN, garbage >> 3, (garbage + 1024) >> 3);
    arena.release(mark);
    const ptr = writePointwise(arena, { n: 5, arrays: [1024, 2048], h: [0.5] });
    const arrays = LAYOUT_CONSTANTS.PW_ARRAYS >> 2;
    assert.deepEqual([...arena.i32().subarray((ptr >> 2) + arrays, (ptr >> 2) + arrays + 6)], [1024, 2048, 0, 0, 0, 0]);
    const h = (ptr + LAYOUT_CONSTANTS.PW_H) >> 3;
    assert.deepEqual([...arena.f64().subarray(h, h + 10)], [0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert.throws(() => writePointwise(arena, { n: 5, arrays: [1, 2, 3, 4, 5, 6, 7], h: [] }), {
      message: 'writePointwise: arrays holds at most 6 values, got 7',
    });
  });
});
