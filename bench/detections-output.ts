// Detections as one array for the benchmark's cross-library check: [x1, y1, x2, y2, score] per box, best
// first, in the photo's pixels (a different count makes the check fail outright).
export function detectionsOutput(found: readonly { box: readonly number[]; score: number }[]): Float32Array {
  return Float32Array.from(found.flatMap((d) => [...d.box, d.score]));
}
