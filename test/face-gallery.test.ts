// The in-memory FaceGallery and the descriptor distances: hand-computed distances, nearest-photo against
// mean-of-photos matching, and the errors for bad input.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryFaceGallery, euclideanDistance, cosineDistance } from '../src/face/index.js';

const d = (...values: number[]): Float32Array => Float32Array.from(values);

describe('descriptor distances', () => {
  it('Euclidean and cosine distances of hand-computed pairs', () => {
    assert.equal(euclideanDistance(d(0, 0), d(3, 4)), 5);
    assert.equal(cosineDistance(d(1, 0), d(0, 2)), 1); // orthogonal
    assert.ok(Math.abs(cosineDistance(d(1, 1), d(2, 2))) < 1e-15); // same direction
    assert.equal(cosineDistance(d(1, 0), d(-3, 0)), 2); // opposite
    assert.equal(cosineDistance(d(0, 0), d(1, 0)), 1, 'a zero descriptor has no direction');
  });
});

describe('MemoryFaceGallery', () => {
  // ann: two photos at (0,0) and (4,0), mean (2,0); bob: one photo at (3,0).
  const gallery = new MemoryFaceGallery();
  gallery.add('1', 'ann', d(0, 0));
  gallery.add('1', 'ann', d(4, 0));
  gallery.add('2', 'bob', d(3, 0));

  it('nearest-photo (default): each person once, nearest first, k of them', async () => {
    assert.deepEqual(await gallery.nearest(d(1, 0), 5), [
      { id: '1', name: 'ann', distance: 1 },
      { id: '2', name: 'bob', distance: 2 },
    ]);
    assert.deepEqual(await gallery.nearest(d(1, 0), 1), [{ id: '1', name: 'ann', distance: 1 }]);
  });

  it('mean: the distance to the mean of the person\'s descriptors, which can change the winner', async () => {
    assert.deepEqual(await gallery.nearest(d(3.5, 0), 2, { by: 'mean' }), [
      { id: '2', name: 'bob', distance: 0.5 },
      { id: '1', name: 'ann', distance: 1.5 },
    ]);
    assert.deepEqual((await gallery.nearest(d(3.9, 0), 1)).map((m) => m.name), ['ann'], 'her photo at (4,0) is nearer than bob');
    assert.deepEqual((await gallery.nearest(d(3.9, 0), 1, { by: 'mean' })).map((m) => m.name), ['bob']);
  });

  it('cosine metric', async () => {
    const g = new MemoryFaceGallery();
    g.add('a', 'a', d(1, 0));
    g.add('b', 'b', d(0, 1));
    const [best] = await g.nearest(d(10, 1), 1, { metric: 'cosine' });
    assert.equal(best.name, 'a');
    assert.ok(Math.abs(best.distance - (1 - 10 / Math.sqrt(101))) < 1e-12);
  });

  it('removing a person takes their descriptors with them; an empty gallery has no matches', async () => {
    const g = new MemoryFaceGallery();
    g.add('a', 'a', d(1, 0));
    assert.equal(g.remove('a'), true);
    assert.equal(g.remove('a'), false);
    assert.deepEqual(await g.nearest(d(1, 0), 3), []);
  });

  it('bad input is refused with the function, the values received and what is valid', async () => {
    assert.throws(() => gallery.add('3', 'cy', d(1, 2, 3)), /MemoryFaceGallery\.add: descriptor of length 3, but the gallery holds descriptors of length 2/);
    assert.throws(() => gallery.add('1', 'zed', d(1, 2)), /id '1' belongs to 'ann', not 'zed'/);
    assert.throws(() => gallery.add('3', 'cy', d(1, NaN)), /element 1 is NaN/);
    assert.throws(() => gallery.add('', 'cy', d(1, 2)), /id must be a non-empty string/);
    await assert.rejects(gallery.nearest(d(1, 0), 0), /MemoryFaceGallery\.nearest: k must be a positive integer, got 0/);
    await assert.rejects(gallery.nearest(d(1, 0, 0), 1), /query descriptor of length 3/);
    await assert.rejects(gallery.nearest(d(1, 0), 1, { metric: 'manhattan' as never }), /metric must be 'euclidean' or 'cosine', got "manhattan"/);
    await assert.rejects(gallery.nearest(d(1, 0), 1, { by: 'median' as never }), /by must be 'nearest-photo' or 'mean'/);
  });
});
