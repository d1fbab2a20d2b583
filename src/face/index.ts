// convkit/face: face verification and recognition (detection, landmarks, alignment, descriptors, galleries of enrolled people).
import '../backend/fast-default.js'; // the WebAssembly kernels are the default, whichever entry point comes first
export type { FaceGallery, GalleryMatch, GalleryMatchBy, GalleryQueryOptions, DescriptorMetric } from './gallery.js';
export { MemoryFaceGallery } from './memory-gallery.js';
export { euclideanDistance, cosineDistance, descriptorDistance, meanDescriptor } from './descriptor-distance.js';
export type { FaceStore, FaceInput, FaceBox, PersonRecord, StoredFace, FaceStoreExport } from './face-store.js';
export { verify, DEFAULT_THRESHOLDS, type VerifyOptions, type Verification } from './verify.js';
export { identify, matchFaces, type IdentifyOptions, type IdentifiedFace, type IdentifiedMatch, type MatchOptions } from './identify.js';
export {
  describeFaces, faceLandmarks, descriptorInput, FACE_ALIGNMENTS,
  type FaceModels, type FaceAlignment, type DescribeFacesOptions, type DescribedFace,
} from './describe-faces.js';
export { detectFacesSsd, ssdFaceCandidates, type DetectFacesSsdOptions, type DetectedFace } from './detect-faces-ssd.js';
export { SsdMobilenetV1, decodeSsd, SSD_INPUT_SIZE, SSD_ANCHORS, type SsdOutputs, type SsdCandidate } from './ssd-mobilenet.js';
export { FaceLandmark68Net, LANDMARK_INPUT_SIZE, type FaceLandmark68NetOptions } from './landmark-net.js';
export { FaceRecognitionNet, DESCRIPTOR_INPUT_SIZE, DESCRIPTOR_LENGTH } from './recognition-net.js';
export { faceChip, faceChipTransform, faceChipTemplate, similarityTransform, alignedBox, type FaceChipOptions, type SimilarityTransform, type Point } from './face-chip.js';
export { squareCrop, clipToImage, cropToImage, type SquareCrop, type PixelRect, type PadPlacement } from './face-crop.js';
export { FACE_API_MEAN_RGB } from './face-api-weights.js';
export { detectFaces, loadTinyFaceDetector, type DetectFacesOptions } from './detect-faces.js';
export { readFaceApiModel, setFaceApiWeightsReader, getFaceApiWeightsReader, faceApiWeightsFromUrl, type FaceApiWeightsReader } from './face-api-reader.js';
export { calibrateThreshold, type Calibration, type LabelledPair, type RocPoint } from './calibration.js';
export { plattScaling, confidenceAt, type PlattScaling } from './distance-confidence.js';
export { calibrationRecord, parseCalibrationRecord, calibratedConfidence, type CalibrationRecord } from './calibration-record.js';
export { rocChart } from './roc-chart.js';
export { parsePairsCsv, type PairsCsvRow } from './pairs-csv.js';
export { tripletLoss, contrastiveLoss, squaredDistance, type TripletLossOptions, type ContrastiveLossOptions } from './metric-losses.js';
export { mineTriplets, batchTripletLoss, pairwiseSquaredDistances, TRIPLET_MININGS, type TripletMining, type Triplets, type BatchTripletLossOptions } from './triplet-mining.js';
export { SiameseNetwork, SiameseBinaryHead } from './siamese.js';
export { batchPairs, type BatchPairs } from './batch-pairs.js';
