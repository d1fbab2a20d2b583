// Byte offsets of the task records that the JS glue writes into memory before calling a kernel.
// Every field is an i32. Mirrored in src/backend/wasm/layout.ts: change both together.

// GEMM: C[M,N] = op(A)[M,K] · op(B)[K,N] (+ bias[N]).
export const G_M: usize = 0;
export const G_N: usize = 4;
export const G_K: usize = 8;
export const G_A_KIND: usize = 12; // A_MATRIX | A_IM2COL | A_IM2COL_T
export const G_A: usize = 16;
export const G_LDA: usize = 20;
export const G_TRANS_A: usize = 24;
export const G_B: usize = 28;
export const G_LDB: usize = 32;
export const G_TRANS_B: usize = 36;
export const G_C: usize = 40;
export const G_LDC: usize = 44;
export const G_BIAS: usize = 48; // 0 = no bias
export const G_SPLIT: usize = 52; // SPLIT_M | SPLIT_N | SPLIT_K: how threads share the work
export const G_PARTIAL: usize = 56; // SPLIT_K: depth slice s writes its M*N partial sum at PARTIAL + s*M*N*4
export const G_SCRATCH: usize = 60; // per-thread packing buffers at SCRATCH + t*SCRATCH_STRIDE
export const G_SCRATCH_STRIDE: usize = 64;
export const G_CONV: usize = 68; // conv geometry record, for the im2col kinds of A
export const G_PARTS: usize = 72; // SPLIT_K: number of depth slices (partial sums) to add up
export const G_ZERO: usize = 76; // igemm: cinG zero floats that padding taps read
export const G_PACKED: usize = 80; // igemm: B packed whole, 8-column panels of K steps (packWeights)
export const G_B_KIND: usize = 84; // packWeights: B_MATRIX | B_FLIPPED
export const G_CHUNK: usize = 88; // SPLIT_M: rows per chunk (a multiple of MR); SPLIT_N: columns (of NR); SPLIT_K: depth per slice
export const G_NEXT: usize = 92; // the next unclaimed chunk (atomic counter, 0 at dispatch)

export const B_MATRIX: i32 = 0; // B is a matrix (ldb, transB)
// B[(t, oc), ci] = W[taps-1-t, ci, oc]: the weights of the input-gradient conv (stride 1), built from the
// forward weights W [taps, N = cinG, ldb] (group column offset already in G_B).
export const B_FLIPPED: i32 = 1;

export const A_MATRIX: i32 = 0; // A is a matrix (lda, transA)
export const A_IM2COL: i32 = 1; // A[p, k] = patch k of output position p, read from x on the fly
export const A_IM2COL_T: i32 = 2; // A[k, p] = the transpose (filter gradient: dW = im2col(x)^T · dy)

// Threads claim chunks from G_NEXT, so a thread that gets less CPU takes fewer: rows (SPLIT_M), columns
// (SPLIT_N) or depth slices (SPLIT_K, each into its own partial C). Which thread computes a chunk never
// changes its result, and SPLIT_K's slices do not depend on the thread count.
export const SPLIT_M: i32 = 0;
export const SPLIT_N: i32 = 1;
export const SPLIT_K: i32 = 2;

// Conv geometry (also used by the depthwise and col2im kernels).
export const C_BATCH: usize = 0;
export const C_IN_H: usize = 4;
export const C_IN_W: usize = 8;
export const C_IN_C: usize = 12;
export const C_OUT_H: usize = 16;
export const C_OUT_W: usize = 20;
export const C_OUT_C: usize = 24;
export const C_K_H: usize = 28;
export const C_K_W: usize = 32;
export const C_STRIDE_H: usize = 36;
export const C_STRIDE_W: usize = 40;
export const C_DIL_H: usize = 44;
export const C_DIL_W: usize = 48;
export const C_PAD_T: usize = 52;
export const C_PAD_L: usize = 56;
export const C_CIN_G: usize = 60; // input channels per group
export const C_CH_OFF: usize = 64; // first input channel of the group being computed
export const C_X: usize = 68; // depthwise / col2im: input (or dCol) pointer
export const C_W: usize = 72; // depthwise: weights [kH, kW, C]
export const C_Y: usize = 76; // depthwise / col2im: output pointer
export const C_BIAS: usize = 80; // depthwise: bias or 0
export const C_LDCOL: usize = 84; // col2im: row stride of dCol, in floats
export const C_IMAGE0: usize = 88; // col2im: first image of this chunk
export const C_OFFSETS: usize = 92; // im2col packers: i32 byte offset of each column (ky, kx, ci) in a window
export const C_SLICES: usize = 96; // depthwise filter gradient: slices of output rows, one partial dW each

// Pooling.
export const P_BATCH: usize = 0;
export const P_IN_H: usize = 4;
export const P_IN_W: usize = 8;
export const P_C: usize = 12;
export const P_OUT_H: usize = 16;
export const P_OUT_W: usize = 20;
export const P_K_H: usize = 24;
export const P_K_W: usize = 28;
export const P_STRIDE_H: usize = 32;
export const P_STRIDE_W: usize = 36;
export const P_PAD_T: usize = 40;
export const P_PAD_L: usize = 44;
export const P_COUNT_PAD: usize = 48; // avg: count padding cells in the divisor
export const P_SUM: usize = 52; // 1 = sum pooling, 0 = average
export const P_X: usize = 56;
export const P_Y: usize = 60;
export const P_ARGMAX: usize = 64;

// Per-channel affine map over [rows, C] (channelAffine).
export const A_ROWS: usize = 0;
export const A_C: usize = 4;
export const A_X: usize = 8;
export const A_CENTER: usize = 12; // f32[C]
export const A_SCALE: usize = 16; // f32[C]
export const A_SHIFT: usize = 20; // f32[C]
export const A_X2: usize = 24; // 0 = no second term
export const A_CENTER2: usize = 28; // f32[C]
export const A_SCALE2: usize = 32; // f32[C]
export const A_Y: usize = 36;
export const A_RELU: usize = 40;

// Per-channel sums over [rows, C] (channelSums).
export const S_ROWS: usize = 0;
export const S_C: usize = 4;
export const S_A: usize = 8;
export const S_A_CENTER: usize = 12; // f64[C] or 0
export const S_B: usize = 16; // 0 = sums of a only
export const S_B_CENTER: usize = 20; // f64[C] or 0
export const S_PARTIAL: usize = 24; // f64 [slices][sums C, dots C]
export const S_SLICES: usize = 28;

// Winograd F(2x2, 3x3) convolution, k x k filters split into 3x3 pieces (winogradFilter, winogradConv).
export const W_CONV: usize = 0; // conv geometry record
export const W_X: usize = 4;
export const W_W: usize = 8; // the filters [k, k, Cin, Cout] (W_FLIPPED: the forward conv's [k, k, Cout, Cin])
export const W_FLIPPED: usize = 12; // 1: input gradient of a stride-1 conv, weights rotated and swapped
export const W_U: usize = 16; // transformed filters, f32 [16][Cout/8][pieces^2 * Cin][8]
export const W_Y: usize = 20;
export const W_BIAS: usize = 24; // 0 = no bias
export const W_OFFSETS: usize = 28; // u32 [pieces^2 * Cin]: byte offset in V of column (piece, ci)
export const W_ZERO: usize = 32; // Cin rounded to 4 zero floats: pixels outside the input
export const W_SCRATCH: usize = 36; // per-thread scratch at SCRATCH + t*SCRATCH_STRIDE
export const W_SCRATCH_STRIDE: usize = 40;
export const W_BLOCK: usize = 44; // output tiles per block, a multiple of MR
export const W_NEXT: usize = 48; // the next unclaimed block (atomic counter, 0 at dispatch)
export const W_PIECES: usize = 52; // 3x3 pieces per side: (k - 1) / 2
export const W_V_ROWS: usize = 56; // input tiles a block's V holds at most

// Pointwise kernels over arrays of PW_N elements (optimiser steps, ReLU): i32 fields, then float64 factors.
export const PW_N: usize = 0;
export const PW_ARRAYS: usize = 4; // u32 [6]: the kernel's arrays in its order (0 = absent)
export const PW_FLAGS: usize = 28;
export const PW_H: usize = 32; // f64 [10], in the order of each kernel's factors
export const PW_NESTEROV: i32 = 1; // sgdStep flags
export const PW_FIRST_STEP: i32 = 2;
// Winograd filter gradient (winogradFilterGrad, winogradFilterGradOut); W_Y holds dy, W_W receives dW.
export const W_SLICES: usize = 60; // fixed slices of output tiles, each summed into its own partial dU
export const W_SLICE_TILES: usize = 64;
export const W_PARTIAL: usize = 68; // f32 [slices][16][depth rounded to MR][Cout rounded to 8] (slabStride apart)
export const W_ROW_CHUNKS: usize = 72; // work items per slice: each sums the slice into its own rows of dU
