// convkit/viz: seeing what a CNN learns.
import '../backend/fast-default.js'; // the WebAssembly kernels are the default, whichever entry point comes first
export { receptiveField, type ReceptiveField } from './receptive-field.js';
export { applyColormap, COLORMAP_NAMES, type ColormapName } from './colormap.js';
export { overlayHeatMap, normalizeMap, type OverlayOptions } from './overlay.js';
