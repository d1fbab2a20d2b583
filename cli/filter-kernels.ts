// The edge-detection filters of the course texts, and parsing of a custom kernel written "a,b,c;d,e,f;...".
// Kernels are rows of numbers (row 0 on top), applied as cross-correlation like every CNN library.

export type KernelRows = number[][];

const VERTICAL: KernelRows = [
  [1, 0, -1],
  [1, 0, -1],
  [1, 0, -1],
];
const SOBEL_X: KernelRows = [
  [1, 0, -1],
  [2, 0, -2],
  [1, 0, -1],
];
const SCHARR_X: KernelRows = [
  [3, 0, -3],
  [10, 0, -10],
  [3, 0, -3],
];

function transpose(rows: KernelRows): KernelRows {
  return rows[0].map((_, c) => rows.map((row) => row[c]));
}

/** Named kernels: the x versions find vertical edges, their transposes (y) horizontal ones. */
export const NAMED_KERNELS: Readonly<Record<string, KernelRows>> = {
  vertical: VERTICAL,
  horizontal: transpose(VERTICAL),
  'sobel-x': SOBEL_X,
  'sobel-y': transpose(SOBEL_X),
  'scharr-x': SCHARR_X,
  'scharr-y': transpose(SCHARR_X),
};

const FORM = `a name (${Object.keys(NAMED_KERNELS).join(', ')}) or rows of numbers like "1,0,-1;1,0,-1;1,0,-1" (commas between values, semicolons between rows)`;

/** A named kernel or a custom "a,b,c;d,e,f;..." one; errors say what was parsed and the expected form. */
export function parseKernel(text: string): KernelRows {
  const named = Object.hasOwn(NAMED_KERNELS, text) ? NAMED_KERNELS[text] : undefined;
  if (named) return named;
  if (!/[\d;,]/.test(text)) throw new Error(`--kernel: unknown kernel '${text}'; expected ${FORM}`);
  const cells = text.split(';').map((row) => row.split(',').map((cell) => cell.trim()));
  const parsed = cells.map((row) => row.map((cell) => (cell === '' ? NaN : Number(cell))));
  cells.forEach((row, r) =>
    row.forEach((cell, c) => {
      if (!Number.isFinite(parsed[r][c])) {
        throw new Error(`--kernel: row ${r + 1}, value ${c + 1} is ${cell === '' ? 'empty' : `'${cell}'`}, not a number (parsed "${text}"); expected ${FORM}`);
      }
    }),
  );
  const widths = parsed.map((row) => row.length);
  if (widths.some((w) => w !== widths[0])) {
    throw new Error(`--kernel: rows have different lengths (${widths.join(', ')} values in "${text}"); every row needs the same number of values; expected ${FORM}`);
  }
  return parsed;
}
