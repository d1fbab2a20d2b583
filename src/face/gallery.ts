// The gallery that identify() searches: whatever holds the enrolled people (an in-memory list, the SQLite
// store, a server database) answers one question, "who is nearest to this descriptor?".

/** One enrolled person and how far the query is from them. */
export interface GalleryMatch {
  id: string;
  name: string;
  /** In the query's metric: to the person's nearest photo, or to the mean of their photos' descriptors. */
  distance: number;
}

/** How a person enrolled with several photos is compared with a query. */
export type GalleryMatchBy = 'nearest-photo' | 'mean';

/** 'euclidean' (dlib's, threshold 0.6) or 'cosine' (1 - cos of the angle between the descriptors). */
export type DescriptorMetric = 'euclidean' | 'cosine';

export interface GalleryQueryOptions {
  /** 'nearest-photo' (default): the distance to the person's closest photo; 'mean': to their mean descriptor. */
  by?: GalleryMatchBy;
  /** Default 'euclidean'. */
  metric?: DescriptorMetric;
}

export interface FaceGallery {
  /** The k people nearest to `descriptor`, nearest first, each person at most once (fewer when fewer are enrolled). */
  nearest(descriptor: Float32Array, k: number, options?: GalleryQueryOptions): Promise<GalleryMatch[]>;
}
