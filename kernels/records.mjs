// The task records the JS glue writes into the kernels' memory before it runs a kernel, defined once.
// kernels/build.mjs generates from this file both the AssemblyScript offsets the kernels read
// (kernels/assembly/layout.generated.ts) and the TypeScript record types and writers the glue calls
// (src/backend/wasm/records.generated.ts); the loaded module's exported offsets are compared with the
// TypeScript side before any kernel runs.
//
// A record is a list of fields, 4-byte i32 values in order unless the field gives `count` (a u32 array)
// or `type: 'f64'` (float64 values, 8-byte aligned). `extends` starts a record with another record's
// fields, so code that reads the shared part (the conv geometry, Winograd's tile blocks) takes either.
// `optional` fields may be left out by the writer: records are zeroed, and 0 means "none" or "no".
// AssemblyScript names are `${prefix}_${FIELD}` (FIELD in upper snake case); every field is named for
// what it holds in the kernels that read that record.

/** Register tile width and cache blocking shared by the GEMM kernels and their planners (in floats). */
export const tiling = {
  NR: { value: 8, doc: 'columns of a micro-tile and of a packed B panel' },
  KC: { value: 256, doc: 'depth of a packed block' },
  NC: { value: 512, doc: 'columns of a packed B block (SPLIT_K) and most columns of a SPLIT_N chunk' },
};

/** i32 codes some fields take. */
export const enums = {
  AKind: {
    prefix: 'A',
    doc: 'what op(A) of a GEMM is',
    values: { matrix: 0, im2col: 1, im2colT: 2 },
    docs: {
      matrix: 'a matrix (lda, transA)',
      im2col: 'A[p, k] = column k of output position p\'s window, read from the padded input on the fly',
      im2colT: 'its transpose (filter gradient: dW = im2col(x)^T · dy)',
    },
  },
  BKind: {
    prefix: 'B',
    doc: 'what packWeights reads',
    values: { matrix: 0, flipped: 1 },
    docs: {
      matrix: 'B is a matrix (ldb, transB)',
      flipped: 'B[(t, oc), ci] = W[taps-1-t, ci, oc]: the forward conv weights W [taps, n, ldb] of an input gradient',
    },
  },
  Split: {
    prefix: 'SPLIT',
    doc: 'how threads share a GEMM: chunks of rows, of columns, or fixed depth slices (each into its own partial C)',
    values: { m: 0, n: 1, k: 2 },
  },
  SgdFlag: {
    prefix: 'PW',
    doc: 'sgdStep flags',
    values: { nesterov: 1, firstStep: 2 },
  },
};

export const records = {
  gemm: {
    prefix: 'G',
    doc: 'GEMM C[M,N] = op(A)[M,K] · op(B)[K,N] (+ bias[N]) (gemm)',
    fields: {
      m: 'rows of C',
      n: 'columns of C',
      k: 'depth',
      aKind: 'AKind',
      a: 'A, or the padded conv input for the im2col kinds',
      lda: { doc: 'A\'s row stride in floats (AKind.matrix)', optional: true },
      transA: { doc: '1: A stored [K, M]', optional: true },
      b: { doc: 'B, read by SPLIT_K slices that pack it themselves', optional: true },
      ldb: { doc: 'B\'s row stride in floats', optional: true },
      transB: { doc: '1: B stored [N, K]', optional: true },
      c: 'C',
      ldc: 'C\'s row stride in floats',
      bias: { doc: 'bias[N] added to every row', optional: true },
      split: 'Split',
      partial: { doc: 'SPLIT_K: slice s writes its M*N partial sum at partial + s*M*N*4', optional: true },
      scratch: 'per-thread packing buffers at scratch + t*scratchStride',
      scratchStride: 'bytes',
      conv: { doc: 'the convGroup record of the im2col kinds', optional: true },
      packed: { doc: 'B packed whole (packWeights); for SPLIT_K 0 (slices pack their own) or the weight cache\'s copy', optional: true },
      chunk: 'SPLIT_M: rows per chunk (a multiple of MR); SPLIT_N: columns (of NR); SPLIT_K: depth per slice',
      next: { doc: 'the next unclaimed chunk (atomic counter, 0 at dispatch)', optional: true },
    },
  },
  packWeights: {
    prefix: 'PK',
    doc: 'B packed whole into 8-column panels of K steps (packWeights), shared by the threads',
    fields: {
      n: 'columns of B',
      k: 'depth of B',
      b: 'B',
      ldb: 'B\'s row stride in floats',
      transB: { doc: '1: B stored [N, K]', optional: true },
      bKind: 'BKind',
      taps: { doc: 'BKind.flipped: kH * kW of the conv', optional: true },
      packed: 'the panels, ceil(N/NR) * K * NR floats',
    },
  },
  igemm: {
    prefix: 'IG',
    doc: 'convolution as an indirect GEMM: y[M = N*outH*outW, n] = im2col(x) · W, W packed (igemm)',
    fields: {
      m: 'output positions',
      n: 'output channels of the group',
      k: 'taps * input channels of the group',
      x: 'the conv input',
      conv: 'the convGroup record',
      zero: 'cinG zero floats that padding taps read',
      packed: 'W packed by packWeights',
      y: 'the output',
      ldy: 'the output\'s row stride in floats',
      bias: { doc: 'bias[n]', optional: true },
      split: 'Split (m or n)',
      scratch: 'per-thread indirection buffers at scratch + t*scratchStride',
      scratchStride: 'bytes',
      chunk: 'rows (SPLIT_M) or columns (SPLIT_N) per chunk',
      next: { doc: 'the next unclaimed chunk (atomic counter, 0 at dispatch)', optional: true },
    },
  },
  gemmReduce: {
    prefix: 'GR',
    doc: 'C = bias + the sum of `parts` partial [M, N] matrices, added in order (gemmReduce)',
    fields: {
      m: 'rows',
      n: 'columns',
      c: 'C',
      ldc: 'C\'s row stride in floats',
      bias: { doc: 'bias[N]', optional: true },
      partial: 'the partials, M*N floats each, end to end',
      parts: 'how many',
    },
  },
  convGeometry: {
    prefix: 'C',
    doc: 'conv geometry, the start of every conv record',
    fields: {
      batch: 'images',
      inH: 'input height',
      inW: 'input width',
      inC: 'input channels',
      outH: 'output height',
      outW: 'output width',
      outC: 'output channels',
      kH: 'filter height',
      kW: 'filter width',
      strideH: 'vertical stride',
      strideW: 'horizontal stride',
      dilationH: 'vertical dilation',
      dilationW: 'horizontal dilation',
      padTop: 'rows of zeros above the input',
      padLeft: 'columns of zeros left of the input',
      cinG: 'input channels per group',
    },
  },
  convGroup: {
    prefix: 'CG',
    extends: 'convGeometry',
    doc: 'one group of a conv, as the im2col packers and the indirect GEMM read it',
    fields: {
      chOff: { doc: 'the group\'s first input channel', optional: true },
      offsets: { doc: 'im2col packers: i32 byte offset of each column (ky, kx, ci) from a window\'s corner', optional: true },
    },
  },
  depthwise: {
    prefix: 'DW',
    extends: 'convGeometry',
    doc: 'depthwise conv forward (depthwiseForward)',
    fields: {
      x: 'input', w: 'filters [kH, kW, C]', y: 'output', bias: { doc: 'bias[C]', optional: true },
      next: { doc: 'the next unclaimed chunk of output rows (atomic counter, 0 at dispatch)', optional: true },
    },
  },
  depthwiseBackwardInput: {
    prefix: 'DWI',
    extends: 'convGeometry',
    doc: 'depthwise conv input gradient (depthwiseBackwardInput)',
    fields: {
      dy: 'output gradient', w: 'filters [kH, kW, C]', dx: 'input gradient',
      next: { doc: 'the next unclaimed chunk of input rows (atomic counter, 0 at dispatch)', optional: true },
    },
  },
  depthwiseBackwardFilter: {
    prefix: 'DWF',
    extends: 'convGeometry',
    doc: 'depthwise conv filter gradient (depthwiseBackwardFilter), one partial dW per slice of output rows',
    fields: { x: 'input', dy: 'output gradient', partials: 'slices partial dW [kH, kW, C] (dW itself for one slice)', slices: 'how many' },
  },
  col2im: {
    prefix: 'CI',
    extends: 'convGeometry',
    doc: 'dx gathered from the input-gradient columns dCol (col2im), for a chunk of images and one group',
    fields: {
      dCol: 'the columns, [images * outH * outW, kH * kW * cinG]',
      dx: 'input gradient (whole batch)',
      ldCol: 'dCol\'s row stride in floats',
      image0: { doc: 'the chunk\'s first image', optional: true },
      chOff: { doc: 'the group\'s first input channel', optional: true },
    },
  },
  padInput: {
    prefix: 'PI',
    doc: 'a conv input copied into a zero-padded buffer (padInput)',
    fields: {
      batch: 'images',
      inH: 'input height',
      inW: 'input width',
      inC: 'channels',
      paddedH: 'padded height',
      paddedW: 'padded width',
      padTop: 'zero rows above',
      padLeft: 'zero columns to the left',
      x: 'input',
      padded: 'the padded copy',
    },
  },
  filterGradDirect: {
    prefix: 'FD',
    extends: 'convGeometry',
    doc: 'filter gradient straight from the padded input, for narrow windows (filterGradDirect); geometry of the padded conv',
    fields: { x: 'padded input', dy: 'output gradient', dw: 'filter gradient' },
  },
  poolGeometry: {
    prefix: 'P',
    doc: 'pooling geometry, the start of every pooling record',
    fields: {
      batch: 'images',
      inH: 'input height',
      inW: 'input width',
      channels: 'channels',
      outH: 'output height',
      outW: 'output width',
      kH: 'window height',
      kW: 'window width',
      strideH: 'vertical stride',
      strideW: 'horizontal stride',
      padTop: 'padding rows above',
      padLeft: 'padding columns to the left',
      countIncludePad: { doc: 'average: padding cells count in the divisor', optional: true },
      sum: { doc: '1: sum pooling (no divisor)', optional: true },
    },
  },
  pool2d: {
    prefix: 'PF',
    extends: 'poolGeometry',
    doc: 'pooling forward (maxPool2d, avgPool2d)',
    fields: {
      x: 'input', y: 'output', argmax: { doc: 'max: i32 flat input index of each output', optional: true },
      next: { doc: 'the next unclaimed chunk of output rows (atomic counter, 0 at dispatch)', optional: true },
    },
  },
  pool2dBackward: {
    prefix: 'PB',
    extends: 'poolGeometry',
    doc: 'pooling input gradient (maxPool2dBackward, avgPool2dBackward)',
    fields: { dy: 'output gradient', dx: 'input gradient', argmax: { doc: 'max: the forward\'s argmax', optional: true } },
  },
  channelAffine: {
    prefix: 'A',
    doc: 'y = (x - center) * scale + shift (+ (x2 - center2) * scale2) (then ReLU) per channel of [rows, C] (channelAffine)',
    fields: {
      rows: 'rows',
      channels: 'channels',
      x: 'input',
      center: 'f32[C]',
      scale: 'f32[C]',
      shift: 'f32[C]',
      x2: { doc: 'second input, 0 for none', optional: true },
      center2: { doc: 'f32[C]', optional: true },
      scale2: { doc: 'f32[C]', optional: true },
      y: 'output',
      relu: { doc: '1: ReLU after', optional: true },
    },
  },
  channelSums: {
    prefix: 'S',
    doc: 'per-channel sums of a and dots of (a - aCenter)(b - bCenter) over [rows, C] (channelSums)',
    fields: {
      rows: 'rows',
      channels: 'channels',
      a: 'first input',
      aCenter: { doc: 'f64[C] or 0', optional: true },
      b: { doc: 'second input, 0: sums of a only', optional: true },
      bCenter: { doc: 'f64[C] or 0', optional: true },
      partial: 'f64 [slices][sums C, dots C]',
      slices: 'slices of rows summed separately',
    },
  },
  winogradFilter: {
    prefix: 'WF',
    doc: 'Winograd filter transform U = G g G^T of every 3x3 piece (winogradFilter)',
    fields: {
      conv: 'the convGeometry record',
      w: 'filters [k, k, Cin, Cout] (flipped: the forward conv\'s [k, k, Cout, Cin])',
      flipped: { doc: '1: input gradient of a stride-1 conv, weights rotated and swapped', optional: true },
      u: 'transformed filters, f32 [16][Cout/8][pieces^2 * Cin][8]',
      pieces: '3x3 pieces per side: (k - 1) / 2',
    },
  },
  winogradTiles: {
    prefix: 'WT',
    doc: 'Winograd F(2x2, 3x3) over blocks of output tiles, the start of both passes\' records',
    fields: {
      conv: 'the convGeometry record',
      x: 'the conv input',
      offsets: 'u32 [pieces^2 * Cin]: byte offset in V of column (piece, ci)',
      zero: 'Cin rounded to 4 zero floats: pixels outside the input',
      scratch: 'per-thread scratch at scratch + t*scratchStride',
      scratchStride: 'bytes',
      block: 'output tiles per block, a multiple of MR',
      next: { doc: 'the next unclaimed work item (atomic counter, 0 at dispatch)', optional: true },
      pieces: '3x3 pieces per side: (k - 1) / 2',
      vRows: 'input tiles a block\'s V holds at most',
    },
  },
  winogradConv: {
    prefix: 'WC',
    extends: 'winogradTiles',
    doc: 'Winograd convolution (winogradConv)',
    fields: { u: 'the transformed filters (winogradFilter)', y: 'output', bias: { doc: 'bias[Cout]', optional: true } },
  },
  winogradFilterGrad: {
    prefix: 'WG',
    extends: 'winogradTiles',
    doc: 'Winograd filter gradient (winogradFilterGrad, then winogradFilterGradOut)',
    fields: {
      dy: 'output gradient',
      dw: 'filter gradient [k, k, Cin, Cout]',
      slices: 'fixed slices of output tiles, each summed into its own partial dU',
      sliceTiles: 'tiles per slice',
      partial: 'f32 [slices][16][depth rounded to MR][Cout rounded to 8] (slabStride apart)',
      rowChunks: 'work items per slice: each sums the slice into its own rows of dU',
    },
  },
  pointwise: {
    prefix: 'PW',
    doc: 'a pointwise kernel over arrays of n elements (optimiser steps, activations)',
    fields: {
      n: 'elements',
      arrays: { doc: 'the kernel\'s arrays in its order (0 = absent)', count: 6 },
      flags: { doc: 'SgdFlag bits', optional: true },
      h: { doc: 'float64 factors, in the order of each kernel\'s', type: 'f64', count: 10 },
    },
  },
};
