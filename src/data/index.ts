// convkit/data: datasets, the DataLoader and IDX parsing (browser-safe; Node file loaders are in convkit/node).
import '../backend/fast-default.js'; // the WebAssembly kernels are the default, whichever entry point comes first
export {
  type Sample,
  type Batch,
  type Indices,
  type Dataset,
  type SampleTransform,
  TensorDataset,
  Subset,
  TransformDataset,
  randomSplit,
} from './dataset.js';
export { collate, type PlainSample, type SampleValue } from './collate.js';
export { DataLoader, type DataLoaderOptions, type BatchTransform } from './dataloader.js';
export { PKBatchSampler, type PKBatchSamplerOptions } from './pk-batch-sampler.js';
export { parseIdx, encodeIdx, type IdxArray, type IdxData, type IdxDType } from './idx.js';
export { imageClassificationFromIdx, type IdxImageOptions, type Normalization } from './idx-dataset.js';
export {
  type Split,
  idxFileNames,
  MNIST_CLASSES,
  FASHION_MNIST_CLASSES,
  MNIST_NORMALIZATION,
  FASHION_MNIST_NORMALIZATION,
} from './mnist-family.js';
export * from './image.js';
export * from './image-canvas.js';
export * from './transforms.js';
export * from './augment.js';
export { augmentPreview, defaultAugmentation, type AugmentPreviewOptions } from './augment-preview.js';
export { type NamedDataset } from './named-dataset.js';
export { EDGE_KERNELS, parseKernel, filterImage, type KernelRows, type ParseKernelOptions, type FilterImageOptions } from './edge-filter.js';
export { lineChartSpec, stackCharts, chartSvg, type ChartSpec, type LineSeries, type LineChartOptions, type LegendPlace, type RenderedChart } from './chart.js';
export { TAB10, rgbHex, type Rgb } from './palette.js';
export { parseTrainingLog, trainingLogOf, type TrainingLog, type LogPoint } from './training-log.js';
export { trainingCurves, type TrainingCurvesOptions, type CurveSeries, type CurvePanel } from './training-curves.js';
