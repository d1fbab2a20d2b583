// One multiply-add for both builds: a fused relaxed_madd where the relaxed-SIMD build allows it.
@inline
export function madd(a: v128, b: v128, acc: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(f32x4.mul(a, b), acc);
}

/** Stores the first `lanes` (1..4) floats of v at p. */
@inline
export function storeLanes(p: usize, v: v128, lanes: i32): void {
  if (lanes == 4) v128.store(p, v);
  else if (lanes == 1) v128.store32_lane(p, v, 0);
  else {
    v128.store64_lane(p, v, 0);
    if (lanes == 3) v128.store32_lane(p, v, 2, 8);
  }
}

/**
 * Stores the first nr (1..8) floats of the row lo:hi at p: the valid part of a tile row narrower than 8.
 * Loads of such rows may read past them (the arena keeps slack at its end); only stores must stay inside.
 */
@inline
export function storeRow(p: usize, lo: v128, hi: v128, nr: i32): void {
  if (nr == 8) {
    v128.store(p, lo);
    v128.store(p, hi, 16);
  } else if (nr > 4) {
    v128.store(p, lo);
    storeLanes(p + 16, hi, nr - 4);
  } else storeLanes(p, lo, nr);
}
