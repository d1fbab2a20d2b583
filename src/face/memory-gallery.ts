// A FaceGallery held in memory: for tests, scripts and small offices. Enrolling is adding a descriptor;
// nothing is retrained. The SQLite store (convkit/node) implements the same interface for real use.
import type { FaceGallery, GalleryMatch, GalleryQueryOptions } from './gallery.js';
import { checkDescriptor, checkMetric, descriptorDistance, meanDescriptor } from './descriptor-distance.js';

interface Person {
  name: string;
  descriptors: Float32Array[];
}

export class MemoryFaceGallery implements FaceGallery {
  private readonly people = new Map<string, Person>();
  private descriptorLength = 0;

  /** Adds one photo's descriptor to person `id` (created with `name` on their first photo). */
  add(id: string, name: string, descriptor: ArrayLike<number>): void {
    if (typeof id !== 'string' || id === '') throw new Error(`MemoryFaceGallery.add: id must be a non-empty string, got ${JSON.stringify(id)}`);
    checkDescriptor('MemoryFaceGallery.add', descriptor);
    if (this.descriptorLength !== 0 && descriptor.length !== this.descriptorLength) {
      throw new Error(`MemoryFaceGallery.add: descriptor of length ${descriptor.length}, but the gallery holds descriptors of length ${this.descriptorLength}`);
    }
    const person = this.people.get(id);
    if (person && person.name !== name) throw new Error(`MemoryFaceGallery.add: id '${id}' belongs to '${person.name}', not '${name}'`);
    this.descriptorLength = descriptor.length;
    const copy = Float32Array.from(descriptor);
    if (person) person.descriptors.push(copy);
    else this.people.set(id, { name, descriptors: [copy] });
  }

  /** Removes person `id` and all their descriptors; false when there was no such person. */
  remove(id: string): boolean {
    return this.people.delete(id);
  }

  get size(): number {
    return this.people.size;
  }

  async nearest(descriptor: Float32Array, k: number, options: GalleryQueryOptions = {}): Promise<GalleryMatch[]> {
    const { by = 'nearest-photo', metric = 'euclidean' } = options;
    const caller = 'MemoryFaceGallery.nearest';
    checkDescriptor(caller, descriptor);
    checkMetric(caller, metric);
    if (by !== 'nearest-photo' && by !== 'mean') throw new Error(`${caller}: by must be 'nearest-photo' or 'mean', got ${JSON.stringify(by)}`);
    if (!Number.isInteger(k) || k < 1) throw new Error(`${caller}: k must be a positive integer, got ${k}`);
    if (this.descriptorLength !== 0 && descriptor.length !== this.descriptorLength) {
      throw new Error(`${caller}: query descriptor of length ${descriptor.length}, but the gallery holds descriptors of length ${this.descriptorLength}`);
    }
    const matches = [...this.people].map(([id, person]) => ({
      id,
      name: person.name,
      distance: by === 'mean'
        ? descriptorDistance(descriptor, meanDescriptor(person.descriptors), metric)
        : Math.min(...person.descriptors.map((d) => descriptorDistance(descriptor, d, metric))),
    }));
    return matches.sort((a, b) => a.distance - b.distance).slice(0, k);
  }
}

