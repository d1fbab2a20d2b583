// The texts' arithmetic, written out independently of ConvKit: slide an f x f filter over a 2-D image
// and sum the elementwise products (cross-correlation, as CNNs and the texts define convolution).
export function handConvolve(image: number[][], filter: number[][], stride = 1): number[][] {
  const f = filter.length;
  const rows = Math.floor((image.length - f) / stride) + 1;
  const cols = Math.floor((image[0].length - f) / stride) + 1;
  const out: number[][] = [];
  for (let r = 0; r < rows; r++) {
    const row: number[] = [];
    for (let c = 0; c < cols; c++) {
      let total = 0;
      for (let i = 0; i < f; i++) for (let j = 0; j < f; j++) total += image[r * stride + i][c * stride + j] * filter[i][j];
      row.push(total);
    }
    out.push(row);
  }
  return out;
}
