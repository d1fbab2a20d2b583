// convkit/face: face verification and recognition (descriptors, distances, galleries of enrolled people).
import '../backend/fast-default.js'; // the WebAssembly kernels are the default, whichever entry point comes first
export type { FaceGallery, GalleryMatch, GalleryMatchBy, GalleryQueryOptions, DescriptorMetric } from './gallery.js';
export { MemoryFaceGallery } from './memory-gallery.js';
export { euclideanDistance, cosineDistance, descriptorDistance } from './descriptor-distance.js';
export type { FaceStore, FaceInput, FaceBox, PersonRecord, StoredFace, FaceStoreExport } from './face-store.js';
