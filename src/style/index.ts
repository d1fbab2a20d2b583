// convkit/style: neural style transfer (Gatys et al.) with the course texts' costs.
import '../backend/fast-default.js'; // the WebAssembly kernels are the default, whichever entry point comes first
export {
  contentCost, gramMatrix, gramStyleCost, layerStyleCost, styleCost, weightedSum, totalVariation, totalCost, activationDims,
  type StyleLayer, type TotalCostOptions,
} from './costs.js';
