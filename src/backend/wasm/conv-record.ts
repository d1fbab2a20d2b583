// Writes the conv geometry record the kernels read, and names the special shapes that get their own path.
import type { Conv2dParams } from '../backend.js';
import { CONV_RECORD_BYTES, ConvField } from './layout.js';
import type { MemoryArena } from './memory-arena.js';

/** Pointers and per-call fields of the record; everything else comes from the params. */
export interface ConvRecordExtras {
  chOff?: number;
  x?: number;
  w?: number;
  y?: number;
  bias?: number;
  ldCol?: number;
  image0?: number;
  offsets?: number;
  slices?: number;
}

export function writeConvRecord(arena: MemoryArena, p: Conv2dParams, extras: ConvRecordExtras = {}): number {
  const record = arena.alloc(CONV_RECORD_BYTES);
  const values: Record<keyof typeof ConvField, number> = {
    batch: p.batch,
    inH: p.inH,
    inW: p.inW,
    inC: p.inC,
    outH: p.outH,
    outW: p.outW,
    outC: p.outC,
    kH: p.kH,
    kW: p.kW,
    strideH: p.strideH,
    strideW: p.strideW,
    dilationH: p.dilationH,
    dilationW: p.dilationW,
    padTop: p.padTop,
    padLeft: p.padLeft,
    cinG: p.inC / p.groups,
    chOff: extras.chOff ?? 0,
    x: extras.x ?? 0,
    w: extras.w ?? 0,
    y: extras.y ?? 0,
    bias: extras.bias ?? 0,
    ldCol: extras.ldCol ?? 0,
    image0: extras.image0 ?? 0,
    offsets: extras.offsets ?? 0,
    slices: extras.slices ?? 0,
  };
  for (const key of Object.keys(ConvField) as (keyof typeof ConvField)[]) arena.setI32(record, ConvField[key], values[key]);
  return record;
}

/** A 1x1, stride-1, unpadded conv is a plain matrix product in NHWC: [N*H*W, inC] · [inC, outC]. */
export function isPointwise(p: Conv2dParams): boolean {
  return (
    p.kH === 1 && p.kW === 1 && p.strideH === 1 && p.strideW === 1 &&
    p.padTop === 0 && p.padLeft === 0 && p.outH === p.inH && p.outW === p.inW
  );
}

/** One filter per channel (groups == inC == outC): its own kernel, vectorised over channels. */
export function isDepthwise(p: Conv2dParams): boolean {
  return p.groups > 1 && p.groups === p.inC && p.outC === p.inC;
}
