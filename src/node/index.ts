// convkit/node: the Node-only adapters (files, image codecs, terminal progress) over the browser-safe core.
import '../backend/fast-default.js'; // the WebAssembly kernels are the default, whichever entry point comes first
export { atomicWriteFile } from './atomic-write.js';
export { saveSafetensors, loadSafetensors, saveWeights, loadWeights, saveCheckpoint, loadCheckpoint, type LoadWeightsResult } from './weights-files.js';
export { readIdxFile } from './idx-files.js';
export {
  loadMnist,
  loadFashionMnist,
  loadIdxDataset,
  FASHION_MNIST_DEBIAN_DIR,
  MNIST_CLASSES,
  FASHION_MNIST_CLASSES,
  MNIST_NORMALIZATION,
  FASHION_MNIST_NORMALIZATION,
  type MnistOptions,
  type FashionMnistOptions,
  type IdxDatasetOptions,
} from './datasets.js';
export * from './image-io.js';
export { ImageFolder, IMAGE_EXTENSIONS, type ImageFolderOptions, type ImageFolderSample } from './image-folder.js';
export { loadTfjsWeights, loadKerasLayersModel, loadNsfwjsMobileNetV2, readNsfwjsMobileNetV2, loadNsfwjsInceptionV3, readNsfwjsInceptionV3 } from './import-files.js';
export { ProgressBar, formatDuration, formatValues } from './progress.js';
export { ModelCheckpoint, saveTrainingState, loadTrainingState } from './model-checkpoint.js';
export { jsonLog } from './json-log.js';
export { writeChart, chartFormatOf, readTrainingLog, plotTrainingLog, type WriteChartOptions, type WrittenChart, type PlotResult } from './chart-files.js';
export { datasetNames, getDataset, openDataset, type OpenDatasetOptions } from './dataset-registry.js';
export { saveTrainedModel, loadTrainedModel, loadTrainedModelInfo } from './trained-model-files.js';
export { readDatasetYaml, readYoloDataset, labelPathFor, type DetectionSplit, type AnnotatedImageFile, type DetectionAnnotations, type ReadYoloOptions } from './yolo-dataset-files.js';
export { readCocoDataset, readVocDataset, type ReadCocoOptions, type ReadVocOptions } from './coco-voc-files.js';
export { loadDetectionDataset, loadYoloDataset, type LoadDetectionOptions } from './load-detection-dataset.js';
export { openSqliteFaceStore, SqliteFaceStore, type SqliteFaceStoreOptions } from './sqlite-face-store.js';
export { saveDetector, loadDetector } from './detector-files.js';
export { loadFaceModels, loadFaceApiWeights, faceApiModelDir, FACE_API_MODELS, type FaceApiModelName, type LoadFaceModelsOptions } from './face-api-models.js';
export { makeMnistDetectionDataset, type MnistDetectionOptions, type MnistDetectionSummary } from './mnist-detection-dataset.js';
export { PRETRAINED_DETECTORS, loadYoloDetector } from './detector-zoo.js';
export { decodePhoto, enrollPhoto, addPhoto, identifyPhoto, onlyFace, faceDescriber, sha256Hex, FacePhotoError, DEFAULT_MAX_PIXELS, type PhotoFace, type FaceDescriber, type FacePhotoProblem, type IdentifyPhotoOptions, type PickOptions, type PhotoOptions } from './face-photos.js';
export { createFaceServer, type FaceServiceOptions } from './face-service/face-server.js';
export { loadOrCreateToken } from './face-service/auth-token.js';
export { parseByteSize } from './face-service/request-body.js';
export { annotateFaces, type FaceLabel } from './annotate-faces.js';
export { readLabelledPairs, type PairsFileOptions } from './calibration-pairs.js';
export { saveCalibration, loadCalibration } from './calibration-file.js';
export { loadStyleNetwork, STYLE_NETWORK_NAMES, type StyleNetworkOptions } from './style-networks.js';
export { styleTransferFiles, type StyleFilesOptions, type StyleFilesResult } from './style-files.js';
export { tinyYolov2FaceWeightsPath, loadTinyYolov2FaceDetector } from './tiny-yolov2-face-file.js';
export { loadModelArgument, KERAS_MOBILENET_V2, type ModelArgumentOptions } from './load-model-argument.js';
export { encodeImageGrid, writeImageGrid } from './image-grid-files.js';
export { loadVizImages, type VizImages } from './viz-images.js';
export { attributionFiles, ATTRIBUTION_METHODS, type AttributionMethod, type AttributionFilesOptions, type AttributionFigures } from './attribution-files.js';
