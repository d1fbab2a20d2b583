// convkit/style: neural style transfer (Gatys et al.) with the course texts' costs.
import '../backend/fast-default.js'; // the WebAssembly kernels are the default, whichever entry point comes first
export {
  contentCost, gramMatrix, gramStyleCost, layerStyleCost, styleCost, weightedSum, totalVariation, totalCost, activationDims,
  type StyleLayer, type TotalCostOptions,
} from './costs.js';
export { featureNetwork, softmaxFeatures, type FeatureNetwork, type FeatureNetworkOptions, type InputScaling } from './feature-network.js';
export {
  randomVgg19Features, randomVgg19Network, VGG19_LAYER_NAMES, VGG19_CONTENT_LAYER, VGG19_STYLE_LAYERS, type RandomVgg19Options,
} from './random-vgg19.js';
export { styleTransfer, type StyleTransferOptions, type StyleTransferResult, type StyleCosts, type StyleStepInfo } from './transfer.js';
export { preserveColors, rgbToYuv, yuvToRgb } from './colour.js';
