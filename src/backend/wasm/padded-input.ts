// The im2col packers read a copy of the conv input with its padding made explicit, so they need no
// bounds checks: column k = (ky, kx, ci) of any window is a fixed offset from the window's corner.
import type { Conv2dParams } from '../backend.js';
import { convGeometry } from './conv-record.js';
import { writeConvGroup, writePadInput } from './records.generated.js';
import { threadsFor } from './work-split.js';
import type { WasmRuntime } from './wasm-runtime.js';

export interface PaddedInput {
  ptr: number;
  /** The conv with the padded input: padding 0, inH/inW the padded sizes. */
  conv: Conv2dParams;
}

/** Copies x (already in memory) into a zero-padded buffer covering every window of the conv. */
export function padInput(rt: WasmRuntime, p: Conv2dParams, xPtr: number): PaddedInput {
  const height = p.padTop + Math.max(p.inH, (p.outH - 1) * p.strideH + (p.kH - 1) * p.dilationH + 1 - p.padTop);
  const width = p.padLeft + Math.max(p.inW, (p.outW - 1) * p.strideW + (p.kW - 1) * p.dilationW + 1 - p.padLeft);
  const ptr = rt.arena.alloc(p.batch * height * width * p.inC * 4);
  const mark = rt.arena.mark();
  const record = writePadInput(rt.arena, {
    batch: p.batch, inH: p.inH, inW: p.inW, inC: p.inC, paddedH: height, paddedW: width,
    padTop: p.padTop, padLeft: p.padLeft, x: xPtr, padded: ptr,
  });
  rt.run('padInput', record, threadsFor(rt, p.batch * height * width * p.inC));
  rt.arena.release(mark);
  return { ptr, conv: { ...p, inH: height, inW: width, padTop: 0, padLeft: 0 } };
}

/**
 * The conv record the im2col packers read for group channels [chOff, chOff + inC/groups): the padded
 * geometry plus the byte offset of each column (ky, kx, ci) from a window's corner.
 */
export function im2colRecord(rt: WasmRuntime, padded: PaddedInput, chOff: number): number {
  const p = padded.conv;
  const cinG = p.inC / p.groups;
  const offsets = new Int32Array(p.kH * p.kW * cinG);
  let k = 0;
  for (let ky = 0; ky < p.kH; ky++) {
    for (let kx = 0; kx < p.kW; kx++) {
      const tap = (ky * p.dilationH * p.inW + kx * p.dilationW) * p.inC + chOff;
      for (let ci = 0; ci < cinG; ci++) offsets[k++] = (tap + ci) * 4;
    }
  }
  const offsetsPtr = rt.arena.copyIn(offsets);
  return writeConvGroup(rt.arena, { ...convGeometry(p), chOff, offsets: offsetsPtr });
}
