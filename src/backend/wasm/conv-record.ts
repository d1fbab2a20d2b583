// The conv geometry every conv record starts with, and the special shapes that get their own path.
import type { Conv2dParams } from '../backend.js';
import type { ConvGeometryRecord } from './records.generated.js';

export function convGeometry(p: Conv2dParams): ConvGeometryRecord {
  return {
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
  };
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
