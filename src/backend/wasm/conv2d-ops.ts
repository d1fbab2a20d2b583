// conv2d forward and both backward passes on the SIMD kernels. Each copies its inputs into the arena (the
// weights only where the weight cache does not hold them packed), runs, copies the result out, and returns
// the path it took (for the stats).
//   forward:         y  = im2col(x) · W            (indirect GEMM; 1x1: x · W; depthwise: own kernel;
//                                                   3x3 and 5x5 stride 1: Winograd F(2x2, 3x3), 16 GEMMs)
//   input gradient:  stride 1: the forward conv of dy with W rotated 180 degrees (1x1: dy · W^T);
//                    strided: dx = col2im(dy · W^T)
//   filter gradient: dW = im2col(x)^T · dy         (1x1: x^T · dy; 3x3 and 5x5 stride 1: Winograd)
// Groups run one GEMM per group on strided views (lda/ldb/ldc = the full channel counts).
import type { Conv2dParams, ConvActivation } from '../backend.js';
import { activateInArena } from './activation-ops.js';
import { convGeometry, isDepthwise, isPointwise } from './conv-record.js';
import { runGemm } from './gemm-runner.js';
import {
  BKind, writeConvGroup, writeCol2im, writeDepthwise, writeDepthwiseBackwardFilter, writeDepthwiseBackwardInput,
  writeFilterGradDirect, writeGemmReduce,
} from './records.generated.js';
import type { CachedWeights, Packing, PackedB } from './weight-cache.js';
import { gemmGroupBytes, gemmPacking, winogradPacking } from './weight-packing.js';
import { threadsFor } from './work-split.js';
import { runConvIgemm } from './igemm-runner.js';
import { runConvWinograd, runConvWinogradFilterGrad, usesWinograd, usesWinogradFilterGrad } from './winograd-runner.js';
import { im2colRecord, padInput, type PaddedInput } from './padded-input.js';
import type { WasmRuntime } from './wasm-runtime.js';

/** Floats of dCol (the input-gradient columns) kept in memory at once; larger batches go in chunks. */
const DCOL_CHUNK_FLOATS = 4 << 20;
/**
 * The indirect GEMM reloads the C tile once per tap, which pays off from about this many channels per
 * tap; below it (RGB input, LeNet) im2col is packed instead.
 */
const IGEMM_MIN_CHANNELS = 8;
/**
 * The indirection pointers (one per output position and tap) are built for every call; below this many
 * multiply-adds per position and tap (cinG x coutG) building them costs more than the padded copy the
 * im2col path makes. LeNet-5's conv2 input gradient (16 x 6) ran in 1.7-2.2 ms that way against 2.2-3.3.
 */
const IGEMM_MIN_PRODUCTS_PER_TAP = 256;

export function conv2dForward(
  rt: WasmRuntime, p: Conv2dParams, x: Float32Array, w: Float32Array, bias: Float32Array | null, y: Float32Array,
  activation: ConvActivation | null = null,
): string {
  const arena = rt.arena;
  arena.reset();
  const packed = isDepthwise(p) ? null : rt.weights.lookup(w, convPacking(p, false));
  const xPtr = arena.copyIn(x);
  const wPtr = packed?.filled ? 0 : arena.copyIn(w);
  const biasPtr = bias ? arena.copyIn(bias) : 0;
  const yPtr = arena.alloc(y.byteLength);
  let path: string;
  if (isDepthwise(p)) {
    const record = writeDepthwise(arena, { ...convGeometry(p), x: xPtr, w: wPtr, y: yPtr, bias: biasPtr });
    rt.run('depthwiseForward', record, threadsFor(rt, 2 * y.length * p.kH * p.kW));
    path = 'conv2d.depthwise';
  } else {
    path = `conv2d.${convGemms(rt, p, xPtr, { ptr: wPtr, flipped: false, packed }, yPtr, biasPtr)}`;
  }
  packed?.done();
  if (activation) activateInArena(rt, activation, yPtr, y.length);
  arena.copyOut(yPtr, y);
  return path;
}

/** The weights a conv multiplies by: its own, or those of the forward conv whose input gradient it is. */
interface ConvWeights {
  ptr: number;
  /**
   * true: `ptr` holds the forward conv's W [kH, kW, inC/g, outC]; this conv (stride 1, over dy) uses them
   * rotated 180 degrees with in/out channels swapped.
   */
  flipped: boolean;
  /** Where they are packed for this conv (the weight cache); null: each runner packs into the arena. */
  packed: CachedWeights | null;
}

/** How convGemms packs the weights of conv `p` (the same choice of path). */
function convPacking(p: Conv2dParams, flipped: boolean): Packing {
  if (usesWinograd(p)) return winogradPacking(p.kH, p.inC, p.outC, flipped);
  const cinG = p.inC / p.groups;
  const coutG = p.outC / p.groups;
  const ldw = flipped ? p.inC : p.outC;
  if (isPointwise(p)) return gemmPacking(p.groups, coutG, cinG, ldw, flipped, BKind.matrix, 1);
  const taps = p.kH * p.kW;
  return gemmPacking(p.groups, coutG, taps * cinG, ldw, false, flipped ? BKind.flipped : BKind.matrix, taps);
}

/** Group g's packed weights within a block holding every group's (gemmPacking). */
function groupPacked(packed: PackedB | null, g: number, n: number, k: number): PackedB | undefined {
  return packed ? { ptr: packed.ptr + g * gemmGroupBytes(n, k), filled: packed.filled } : undefined;
}

/**
 * y = conv(x, W) + bias through GEMMs: Winograd's 16 for 3x3 and 5x5 stride-1 convs that save enough; else one
 * per group: a plain product for 1x1 convs, an indirect GEMM when a tap has enough channels, else GEMM on
 * im2col panels packed from a padded copy of x.
 */
function convGemms(rt: WasmRuntime, p: Conv2dParams, xPtr: number, w: ConvWeights, yPtr: number, biasPtr: number): string {
  if (usesWinograd(p)) {
    runConvWinograd(rt, { p, x: xPtr, w: w.ptr, flipped: w.flipped, u: w.packed ?? undefined, y: yPtr, bias: biasPtr });
    return 'winograd';
  }
  const cinG = p.inC / p.groups;
  const coutG = p.outC / p.groups;
  const pointwise = isPointwise(p);
  const useIgemm = !pointwise && cinG >= IGEMM_MIN_CHANNELS && cinG * coutG >= IGEMM_MIN_PRODUCTS_PER_TAP;
  const padded: PaddedInput | null = pointwise || useIgemm ? null : padInput(rt, p, xPtr);
  // The forward layout [taps, cinG, ldw] with this group's columns; flipped weights index the forward
  // conv's own groups, whose output channels are this conv's input channels.
  const ldw = w.flipped ? p.inC : p.outC;
  for (let g = 0; g < p.groups; g++) {
    const wGroup = w.ptr + g * (w.flipped ? cinG : coutG) * 4;
    const y = yPtr + g * coutG * 4;
    const bias = biasPtr ? biasPtr + g * coutG * 4 : 0;
    const m = p.batch * p.outH * p.outW;
    const k = pointwise ? cinG : p.kH * p.kW * cinG;
    const packed = groupPacked(w.packed, g, coutG, k);
    if (pointwise) {
      runGemm(rt, {
        m, n: coutG, k,
        a: { kind: 'matrix', ptr: xPtr + g * cinG * 4, ld: p.inC, trans: false },
        b: { ptr: wGroup, ld: ldw, trans: w.flipped, packed },
        c: { ptr: y, ld: p.outC },
        bias,
      });
    } else if (padded === null) {
      const conv = writeConvGroup(rt.arena, { ...convGeometry(p), chOff: g * cinG });
      runConvIgemm(rt, {
        p, conv, x: xPtr, w: wGroup, ldw, weights: w.flipped ? 'flipped' : 'forward', packed, y, ldy: p.outC, bias,
      });
    } else {
      runGemm(rt, {
        m, n: coutG, k,
        a: { kind: 'im2col', ptr: padded.ptr, conv: im2colRecord(rt, padded, g * cinG) },
        b: { ptr: wGroup, ld: ldw, trans: false, flipped: w.flipped ? { taps: p.kH * p.kW } : undefined, packed },
        c: { ptr: y, ld: p.outC },
        bias,
      });
    }
  }
  return pointwise ? 'pointwise' : useIgemm ? 'igemm' : 'im2col';
}

export function conv2dBackwardInput(
  rt: WasmRuntime, p: Conv2dParams, dy: Float32Array, w: Float32Array, dx: Float32Array,
): string {
  const arena = rt.arena;
  arena.reset();
  const flipped = flippedConv(p);
  const packing = isDepthwise(p) ? null : flipped ? convPacking(flipped, true) : col2imPacking(p);
  const packed = packing && rt.weights.lookup(w, packing);
  const dyPtr = arena.copyIn(dy);
  const wPtr = packed?.filled ? 0 : arena.copyIn(w);
  const dxPtr = arena.alloc(dx.byteLength);
  let path: string;
  if (isDepthwise(p)) {
    const record = writeDepthwiseBackwardInput(arena, { ...convGeometry(p), dy: dyPtr, w: wPtr, dx: dxPtr });
    rt.run('depthwiseBackwardInput', record, threadsFor(rt, 2 * dy.length * p.kH * p.kW));
    path = 'conv2dBackwardInput.depthwise';
  } else if (flipped) {
    path = `conv2dBackwardInput.${convGemms(rt, flipped, dyPtr, { ptr: wPtr, flipped: true, packed }, dxPtr, 0)}`;
  } else {
    backwardInputCol2im(rt, p, dyPtr, wPtr, packed, dxPtr);
    path = 'conv2dBackwardInput.col2im';
  }
  packed?.done();
  arena.copyOut(dxPtr, dx);
  return path;
}

/**
 * For stride 1, dx[iy] = sum_ky dy[iy + padTop - ky*dH] * W[ky] is a forward conv of dy with the taps
 * reversed (ky' = kH-1-ky), padding dH*(kH-1) - padTop and in/out channels swapped. Null for strided
 * convs, or where that padding would be negative (padding wider than the kernel).
 */
function flippedConv(p: Conv2dParams): Conv2dParams | null {
  const padTop = p.dilationH * (p.kH - 1) - p.padTop;
  const padLeft = p.dilationW * (p.kW - 1) - p.padLeft;
  if (p.strideH !== 1 || p.strideW !== 1 || padTop < 0 || padLeft < 0) return null;
  return { ...p, inH: p.outH, inW: p.outW, inC: p.outC, outH: p.inH, outW: p.inW, outC: p.inC, padTop, padLeft };
}

/** How backwardInputCol2im packs W^T: per group, [coutG, kCols] read transposed from W. */
function col2imPacking(p: Conv2dParams): Packing {
  const coutG = p.outC / p.groups;
  return gemmPacking(p.groups, p.kH * p.kW * (p.inC / p.groups), coutG, p.outC, true, BKind.matrix, 1);
}

/** dCol = dy · W^T for a chunk of images, then gathered into dx; per group (W^T packed once per call). */
function backwardInputCol2im(rt: WasmRuntime, p: Conv2dParams, dyPtr: number, wPtr: number, cached: CachedWeights | null, dxPtr: number): void {
  const arena = rt.arena;
  const cinG = p.inC / p.groups;
  const coutG = p.outC / p.groups;
  const kCols = p.kH * p.kW * cinG;
  const positions = p.outH * p.outW;
  const imagesPerChunk = Math.max(1, Math.min(p.batch, Math.floor(DCOL_CHUNK_FLOATS / (positions * kCols))));
  const dCol = arena.alloc(imagesPerChunk * positions * kCols * 4);
  for (let g = 0; g < p.groups; g++) {
    const packed = groupPacked(cached, g, kCols, coutG);
    for (let image0 = 0; image0 < p.batch; image0 += imagesPerChunk) {
      const images = Math.min(imagesPerChunk, p.batch - image0);
      runGemm(rt, {
        m: images * positions,
        n: kCols,
        k: coutG,
        a: { kind: 'matrix', ptr: dyPtr + (image0 * positions * p.outC + g * coutG) * 4, ld: p.outC, trans: false },
        b: { ptr: wPtr + g * coutG * 4, ld: p.outC, trans: true, packed },
        c: { ptr: dCol, ld: kCols },
      });
      const mark = arena.mark();
      const chunk = { ...p, batch: images };
      const record = writeCol2im(arena, { ...convGeometry(chunk), dCol, dx: dxPtr, ldCol: kCols, image0, chOff: g * cinG });
      rt.run('col2im', record, threadsFor(rt, images * positions * kCols));
      arena.release(mark);
    }
  }
}

/**
 * One group, no dilation, window rows of at most 5 floats (kW * inC: grayscale first layers): dW straight
 * from the padded input (filter-grad-direct.ts), where packing im2col(x)^T costs more than the products.
 */
function usesDirectFilterGrad(p: Conv2dParams): boolean {
  return p.groups === 1 && p.dilationH === 1 && p.dilationW === 1 && p.kW * p.inC <= 5 && !isPointwise(p);
}

/** Slices of output rows the depthwise filter gradient sums separately (then adds in order): shape only. */
const DEPTHWISE_SLICES = 8;

/** Partial dW per slice of output rows, on as many threads as there are slices, then added up in order. */
function depthwiseFilterGrad(rt: WasmRuntime, p: Conv2dParams, xPtr: number, dyPtr: number, dwPtr: number, dySize: number): void {
  const arena = rt.arena;
  const mark = arena.mark();
  const slices = Math.min(DEPTHWISE_SLICES, p.batch * p.outH);
  const taps = p.kH * p.kW;
  const partials = slices === 1 ? dwPtr : arena.alloc(slices * taps * p.inC * 4);
  const record = writeDepthwiseBackwardFilter(arena, { ...convGeometry(p), x: xPtr, dy: dyPtr, partials, slices });
  rt.run('depthwiseBackwardFilter', record, Math.min(slices, threadsFor(rt, 2 * dySize * taps)));
  if (slices > 1) {
    const task = writeGemmReduce(arena, { m: taps, n: p.inC, c: dwPtr, ldc: p.inC, partial: partials, parts: slices });
    rt.run('gemmReduce', task, 1);
  }
  arena.release(mark);
}

export function conv2dBackwardFilter(
  rt: WasmRuntime, p: Conv2dParams, x: Float32Array, dy: Float32Array, dw: Float32Array,
): string {
  const arena = rt.arena;
  arena.reset();
  const xPtr = arena.copyIn(x);
  const dyPtr = arena.copyIn(dy);
  const dwPtr = arena.alloc(dw.byteLength);
  let path: string;
  if (isDepthwise(p)) {
    depthwiseFilterGrad(rt, p, xPtr, dyPtr, dwPtr, dy.length);
    path = 'conv2dBackwardFilter.depthwise';
  } else if (usesWinogradFilterGrad(p)) {
    runConvWinogradFilterGrad(rt, p, xPtr, dyPtr, dwPtr);
    path = 'conv2dBackwardFilter.winograd';
  } else if (usesDirectFilterGrad(p)) {
    const padded = padInput(rt, p, xPtr);
    const record = writeFilterGradDirect(arena, { ...convGeometry(padded.conv), x: padded.ptr, dy: dyPtr, dw: dwPtr });
    const tiles = p.kH * Math.ceil(p.outC / 8); // one 5-row block per window row
    rt.run('filterGradDirect', record, Math.min(tiles, threadsFor(rt, 2 * dy.length * p.kH * p.kW * p.inC)));
    path = 'conv2dBackwardFilter.direct';
  } else {
    const cinG = p.inC / p.groups;
    const coutG = p.outC / p.groups;
    const pointwise = isPointwise(p);
    const padded = pointwise ? null : padInput(rt, p, xPtr);
    for (let g = 0; g < p.groups; g++) {
      runGemm(rt, {
        m: p.kH * p.kW * cinG,
        n: coutG,
        k: p.batch * p.outH * p.outW,
        a: padded === null
          ? { kind: 'matrix', ptr: xPtr + g * cinG * 4, ld: p.inC, trans: true }
          : { kind: 'im2colT', ptr: padded.ptr, conv: im2colRecord(rt, padded, g * cinG) },
        b: { ptr: dyPtr + g * coutG * 4, ld: p.outC, trans: false },
        c: { ptr: dwPtr + g * coutG * 4, ld: p.outC },
      });
    }
    path = pointwise ? 'conv2dBackwardFilter.pointwise' : 'conv2dBackwardFilter.im2col';
  }
  arena.copyOut(dwPtr, dw);
  return path;
}
