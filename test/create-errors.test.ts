import { it } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, manualSeed, randint, randn, tensor, zeros } from '../src/index.js';

it('creation functions reject bad shapes, bounds and seeds with messages that name the function and value', () => {
  assert.throws(() => zeros([-1, 2]), /zeros: invalid shape \[-1, 2\]/);
  assert.throws(() => randn([2, -3]), /random tensor: invalid shape \[2, -3\]/);
  assert.throws(() => randint(10, 0, [5]), /randint: low and high must be integers with low < high, got 10 and 0/);
  assert.throws(() => randint(0, 2.5, [5]), /randint: .* got 0 and 2\.5/);
  assert.throws(() => tensor([[1, 2], [3, 4]], [3]), /tensor: 4 values do not fill shape \[3\]/);
  assert.throws(() => new Generator(-3), /Generator: seed must be a non-negative integer, got -3/);
  assert.throws(() => manualSeed(NaN), /Generator: seed must be a non-negative integer, got NaN/);
  assert.throws(() => manualSeed(1.5), /got 1\.5/);
  assert.deepEqual(tensor([[1, 2], [3, 4]], [4]).shape, [4], 'a shape with the same number of values reshapes');
});
