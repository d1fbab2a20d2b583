// convkit/detect: object detection (boxes, IoU, non-max suppression; YOLO heads, targets and loss build on these).
import '../backend/fast-default.js'; // the WebAssembly kernels are the default, whichever entry point comes first
export { BOX_FORMATS, convertBoxes, scaleBoxes, clipBoxes, boxArea, type BoxFormat } from './boxes.js';
export { iou, pairedIou, type IouKind, type IouOptions } from './iou.js';
export { nms, softNms, batchedNms, type NmsOptions, type SoftNmsOptions, type SoftNmsResult, type BatchedNmsOptions, type Detection } from './nms.js';
export { decodeYolo, valuesPerAnchor, type YoloScale, type YoloSpec, type DecodedYolo } from './yolo-decode.js';
export { encodeYoloTargets, type GroundTruth, type YoloTargets, type EncodedGroundTruth } from './yolo-targets.js';
export { YoloLoss, type YoloLossOptions, type YoloLossTerms, type YoloLossResult } from './yolo-loss.js';
export {
  meanAveragePrecision, COCO_IOU_THRESHOLDS, COCO_RECALL_POINTS,
  type MeanAveragePrecision, type MeanAveragePrecisionOptions, type ClassAveragePrecision, type ImageDetections, type ImageGroundTruth,
} from './average-precision.js';
export { precisionRecallChart, type PrecisionRecallChartOptions } from './precision-recall-chart.js';
export { kmeansAnchors, anchorFitness, shapeIou, type KmeansAnchors, type KmeansAnchorsOptions, type AnchorFitness, type AnchorFitnessOptions } from './anchors.js';
export { TinyYolo, TINY_YOLO_VOC_ANCHORS, type TinyYoloOptions } from './tiny-yolo.js';
export { batchObjects, type ImageObjects } from './batch-objects.js';
export { yoloDetections, type YoloDetectionOptions, type YoloImageDetections } from './yolo-detections.js';
export { evaluateDetector, type EvaluateDetectorOptions } from './evaluate-detector.js';
export { detectionLoss, detectionValidation, trainDetector, type DetectionLoss, type TrainDetectorOptions } from './train-detector.js';
export { detectionSchedule, detectionLrFactor, type DetectionScheduleOptions } from './training-schedule.js';
export {
  DETECTOR_METADATA_KEY, detectorInfoOf, serializeDetector, checkDetectorInfo, detectorInfo, unpackDetector, parseDetector,
  type DetectorInfo, type LoadedDetector,
} from './detector-bundle.js';
export { parseYoloLabels, formatYoloLabels, normalisePixelBox, type ImageLabels, type AnnotatedImage } from './yolo-labels.js';
export { parseDatasetYaml, type DatasetYaml } from './dataset-yaml.js';
export { parseCocoJson, type CocoDetection } from './coco-json.js';
export { parseVocXml, type VocOptions } from './voc-xml.js';
export { letterbox, letterboxTransform, letterboxBoxes, unletterboxBoxes, type LetterboxTransform, type LetterboxOptions, type LetterboxBoxesOptions } from './letterbox.js';
export {
  DetectionDataset, type DetectionRecord, type DetectionDatasetOptions, type DetectionSample, type DetectionBatch,
} from './detection-dataset.js';
export { boxSizes, datasetAnchors, type BoxSizeOptions } from './dataset-anchors.js';
export { digitScene, digitSceneOptions, type DigitScene, type DigitSceneOptions } from './digit-scenes.js';
export { proceduralTexture, TEXTURE_KINDS, type TextureKind } from './procedural-texture.js';
export { detect, type DetectOptions, type DetectedBox } from './detect.js';
export type { YoloDetector, DetectorInput } from './detector.js';
export { tileOrigins, cropImage } from './tiles.js';
export { FaceApiTinyYolov2, type FaceApiTinyYolov2Kind, type FaceApiTinyYolov2Options } from './pretrained/face-api-tiny-yolov2.js';
export { tinyFaceDetector, TINY_FACE_DETECTOR_ANCHORS, TINY_FACE_DETECTOR_MEAN_RGB, TINY_FACE_DETECTOR_MODEL } from './pretrained/tiny-face-detector.js';
export { augmentDetection, detectionAugmentOptions, type BoxedImage, type DetectionAugmentOptions } from './detection-augment.js';
export { AugmentedDetectionDataset, type AugmentedDetectionOptions } from './augmented-detection-dataset.js';
export { drawDetections, type DrawDetectionsOptions } from './draw-detections.js';
export { trainedDetector } from './trained-detector.js';
export { tinyYolov2FaceDetector, tinyYolov2FaceNet, tinyYolov2FaceLength, TINY_YOLOV2_FACE_ANCHORS, TINY_YOLOV2_FACE_FILTERS } from './pretrained/tiny-yolov2-face.js';
