// matplotlib's tab10 colours, the default cycle of the charts and of drawn detections.

export type Rgb = readonly [number, number, number];

export const TAB10: readonly Rgb[] = [
  [31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189],
  [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207],
];

/** '#rrggbb' for an RGB triple of 0..255 values. */
export function rgbHex([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;
}
