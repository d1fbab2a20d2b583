// The error function, which JavaScript's Math lacks (GELU needs it), to a few float64 ulps.

const TWO_OVER_SQRT_PI = 1.1283791670955126;
/** Below it the series converges in under 60 terms; above it the continued fraction does. */
const SERIES_LIMIT = 2.5;

/**
 * erf(x) = 2/sqrt(pi) * integral of exp(-t^2) from 0 to x. For |x| < 2.5 the series
 * erf(x) = 2/sqrt(pi) exp(-x^2) sum_n (2x^2)^n x / (1 3 5 ... (2n+1)), whose terms are all positive (no
 * cancellation); beyond, 1 - erfc(x) with erfc's continued fraction. NaN gives NaN, +-Infinity +-1.
 */
export function erf(x: number): number {
  const a = Math.abs(x);
  if (a < SERIES_LIMIT) {
    const twoX2 = 2 * x * x;
    let term = x;
    let total = x;
    for (let n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(total); n++) {
      term *= twoX2 / (2 * n + 1);
      total += term;
    }
    return TWO_OVER_SQRT_PI * Math.exp(-x * x) * total;
  }
  const result = 1 - erfcLarge(a);
  return x < 0 ? -result : result;
}

/**
 * erfc(a) for a >= 2.5: exp(-a^2)/sqrt(pi) / (a + (1/2)/(a + 1/(a + (3/2)/(a + 2/(a + ...))))), evaluated
 * from a fixed depth inward (enough for float64 at a = 2.5; deeper terms change nothing further out).
 */
function erfcLarge(a: number): number {
  let f = a;
  for (let k = 60; k >= 1; k--) f = a + k / 2 / f;
  return Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
}
