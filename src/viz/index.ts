// convkit/viz: seeing what a CNN learns.
import '../backend/fast-default.js'; // the WebAssembly kernels are the default, whichever entry point comes first
export { receptiveField, type ReceptiveField } from './receptive-field.js';
export { applyColormap, COLORMAP_NAMES, type ColormapName } from './colormap.js';
export type { Attribution, AttributionOptions } from './attribution.js';
export { saliency, smoothGrad, type SmoothGradOptions } from './saliency.js';
export { gradCam, type GradCamResult } from './grad-cam.js';
export { occlusion, type OcclusionOptions } from './occlusion.js';
export { overlayHeatMap, normalizeMap, type OverlayOptions } from './overlay.js';
export { vizModel, layerActivations, type VizModel } from './viz-model.js';
export { listLayers, type LayerInfo } from './list-layers.js';
export { imageGrid, type ImageGrid, type GridLabel, type ImageGridOptions } from './image-grid.js';
export { topPatches, cropReceptiveField, topPatchesGrid, type TopPatch, type LayerTopPatches, type TopPatchesOptions } from './top-patches.js';
export { featureMaps, filters, type FeatureMapsOptions, type ChannelStats } from './feature-maps.js';
export { maximizeActivation, type MaximizeOptions, type MaximizeResult } from './maximize.js';
export { ImageParametrization, realFourierBasis, type ImageParametrizationOptions } from './image-parametrization.js';
export { affineWarp } from './affine-warp.js';
