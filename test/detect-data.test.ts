// The detection data formats and the dataset, on hand-written inputs with hand-computed results: YOLO label
// lines and their file:line errors, data.yaml, COCO JSON and VOC XML (pixel boxes normalised by hand),
// letterbox geometry (Ultralytics' rounding worked out by hand) and the [M, 6] batch rows.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { forEachBackend } from './helpers/backends.js';
import { assertAllClose } from './helpers/assert-close.js';
import { type Tensor, tensor } from '../src/index.js';
import {
  DetectionDataset, batchObjects, boxSizes, formatYoloLabels, letterbox, letterboxBoxes, letterboxTransform, parseCocoJson,
  parseDatasetYaml, parseVocXml, parseYoloLabels, unletterboxBoxes,
} from '../src/detect/index.js';

/** A tensor's shape and values against the expected one's (rtol 0: the tolerances below are absolute). */
function assertClose(actual: Tensor, expected: Tensor, { atol }: { atol: number }): void {
  assert.deepEqual(actual.shape, expected.shape);
  assertAllClose(actual.data, expected.data, { atol, rtol: 0 });
}

describe('parseYoloLabels', () => {
  it('reads class cx cy w h lines, skipping blank ones; an empty file is a background image', () => {
    const labels = parseYoloLabels('0 0.5 0.5 0.25 0.5\n\n  2 0.1 0.9 0.2 0.2  \r\n', 'a.txt', 3);
    assert.deepEqual(labels, { classes: [0, 2], boxes: [[0.5, 0.5, 0.25, 0.5], [0.1, 0.9, 0.2, 0.2]] });
    assert.deepEqual(parseYoloLabels('', 'empty.txt', 3), { classes: [], boxes: [] });
  });

  it('round-trips through formatYoloLabels (6 decimals, as Ultralytics writes)', () => {
    const labels = { classes: [1, 0], boxes: [[0.123456, 0.5, 0.25, 1] as [number, number, number, number], [0.1, 0.2, 0.3, 0.4] as [number, number, number, number]] };
    const text = formatYoloLabels(labels);
    assert.equal(text, '1 0.123456 0.500000 0.250000 1.000000\n0 0.100000 0.200000 0.300000 0.400000\n');
    assert.deepEqual(parseYoloLabels(text, 'x.txt', 2), labels);
  });

  it('names the file and line of each kind of bad line', () => {
    const bad = (text: string, pattern: RegExp): void => assert.throws(() => parseYoloLabels(text, 'labels/train/a.txt', 3), pattern);
    bad('0 0.5 0.5 0.2 0.2\n0 0.5 0.5 0.2', /^Error: labels\/train\/a\.txt:2: 4 columns, expected 5 \(class cx cy w h\)/);
    bad('0 0.1 0.1 0.2 0.1 0.2 0.2', /a\.txt:1: 7 columns, expected 5.*segmentation polygons/);
    bad('\n\n3 0.5 0.5 0.2 0.2', /a\.txt:3: class 3 is out of range: the dataset has 3 classes \(ids 0\.\.2\)/);
    bad('1.5 0.5 0.5 0.2 0.2', /a\.txt:1: class 1\.5 is out of range/);
    bad('-1 0.5 0.5 0.2 0.2', /a\.txt:1: class -1 is out of range/);
    bad('0 1.2 0.5 0.2 -0.1', /a\.txt:1: cx = 1\.2, h = -0\.1 outside \[0, 1\]; coordinates are normalised by the image size/);
    bad('0 0.5 0.5 0 0.2', /a\.txt:1: box size 0 x 0\.2; width and height must be positive/);
    bad('0 0.5 abc 0.2 0.2', /a\.txt:1: 'abc' is not a number/);
  });
});

describe('parseDatasetYaml', () => {
  it('reads path, train, val and names as a list or a map', () => {
    assert.deepEqual(parseDatasetYaml('path: ../data\ntrain: images/train\nval: [images/val, extra.txt]\nnames: [cat, dog]\n', 'd.yaml'), {
      path: '../data', train: ['images/train'], val: ['images/val', 'extra.txt'], test: [], names: ['cat', 'dog'],
    });
    assert.deepEqual(parseDatasetYaml('train: images\nnames:\n  0: person\n  1: bicycle\nnc: 2\n', 'd.yaml').names, ['person', 'bicycle']);
  });

  it('rejects what Ultralytics would misread, naming the file', () => {
    assert.throws(() => parseDatasetYaml('train: a\n', 'd.yaml'), /d\.yaml: no 'names'/);
    assert.throws(() => parseDatasetYaml('names: [a]\n', 'd.yaml'), /d\.yaml: neither 'train' nor 'val' is given/);
    assert.throws(() => parseDatasetYaml('train: a\nnames: {0: a, 2: c}\n', 'd.yaml'), /with none missing; missing: 1/);
    assert.throws(() => parseDatasetYaml('train: a\nnames: [a, b]\nnc: 3\n', 'd.yaml'), /nc is 3 but 'names' has 2 classes/);
    assert.throws(() => parseDatasetYaml('train: [1]\nnames: [a]\n', 'd.yaml'), /'train' must be a path or a list of paths/);
    assert.throws(() => parseDatasetYaml('train: [a\n', 'd.yaml'), /d\.yaml: not valid YAML/);
  });
});

describe('parseCocoJson', () => {
  const coco = {
    images: [{ id: 7, file_name: 'a.jpg', width: 200, height: 100 }, { id: 9, file_name: 'b.jpg', width: 50, height: 50 }],
    categories: [{ id: 18, name: 'dog' }, { id: 3, name: 'car' }],
    annotations: [
      { id: 1, image_id: 7, category_id: 18, bbox: [20, 10, 40, 30], iscrowd: 0 },
      { id: 2, image_id: 7, category_id: 3, bbox: [0, 0, 200, 100], iscrowd: 1 },
      { id: 3, image_id: 9, category_id: 3, bbox: [10, 20, 30, 10] },
    ],
  };

  it('numbers classes by category id, normalises pixel boxes and leaves crowd regions out', () => {
    const parsed = parseCocoJson(JSON.stringify(coco), 'ann.json');
    assert.deepEqual(parsed.labels, ['car', 'dog']);
    assert.deepEqual(parsed.categoryIds, [3, 18]);
    // a.jpg: x 20..60 of 200, y 10..40 of 100; b.jpg: x 10..40, y 20..30 of 50.
    assert.deepEqual(parsed.images, [
      { file: 'a.jpg', width: 200, height: 100, classes: [1], boxes: [[0.2, 0.25, 0.2, 0.3]] },
      { file: 'b.jpg', width: 50, height: 50, classes: [0], boxes: [[0.5, 0.5, 0.6, 0.2]] },
    ]);
  });

  it('names the annotation that is wrong', () => {
    const withAnnotation = (a: object): string => JSON.stringify({ ...coco, annotations: [a] });
    assert.throws(() => parseCocoJson(withAnnotation({ id: 5, image_id: 8, category_id: 3, bbox: [0, 0, 1, 1] }), 'ann.json'), /ann\.json: annotations\[0\] \(id 5\): image_id 8 is not in 'images'/);
    assert.throws(() => parseCocoJson(withAnnotation({ id: 5, image_id: 7, category_id: 4, bbox: [0, 0, 1, 1] }), 'ann.json'), /category_id 4 is not in 'categories' \(ids 3, 18\)/);
    assert.throws(() => parseCocoJson(withAnnotation({ id: 5, image_id: 7, category_id: 3, bbox: [0, 0, 0, 5] }), 'ann.json'), /annotations\[0\] \(id 5\) in 'a\.jpg': box x 0\.\.0, y 0\.\.5 has zero or negative size/);
    assert.throws(() => parseCocoJson(withAnnotation({ id: 5, image_id: 7, category_id: 3, bbox: [150, 0, 60, 5] }), 'ann.json'), /x 150\.\.210, y 0\.\.5 lies outside the 200 x 100 image/);
    assert.throws(() => parseCocoJson('{"images": []}', 'ann.json'), /ann\.json: 'annotations' must be a list/);
  });
});

describe('parseVocXml', () => {
  const xml = (objects: string): string =>
    `<annotation><filename>p.jpg</filename><size><width>100</width><height>50</height><depth>3</depth></size>${objects}</annotation>`;
  const object = (name: string, box: number[], difficult = 0): string =>
    `<object><name>${name}</name><difficult>${difficult}</difficult><bndbox><xmin>${box[0]}</xmin><ymin>${box[1]}</ymin><xmax>${box[2]}</xmax><ymax>${box[3]}</ymax></bndbox></object>`;

  it('reads one or several objects, and leaves difficult ones out when asked', () => {
    assert.deepEqual(parseVocXml(xml(object('dog', [10, 5, 30, 45])), 'p.xml', ['cat', 'dog']), {
      file: 'p.jpg', width: 100, height: 50, classes: [1], boxes: [[0.2, 0.5, 0.2, 0.8]],
    });
    const two = xml(object('cat', [0, 0, 100, 50]) + object('dog', [50, 25, 60, 30], 1));
    assert.deepEqual(parseVocXml(two, 'p.xml', ['cat', 'dog']).classes, [0, 1]);
    assert.deepEqual(parseVocXml(two, 'p.xml', ['cat', 'dog'], { skipDifficult: true }).classes, [0]);
    assert.deepEqual(parseVocXml(xml(''), 'p.xml', ['cat']).boxes, []);
  });

  it('names the file and object that is wrong', () => {
    assert.throws(() => parseVocXml(xml(object('bird', [1, 1, 5, 5])), 'p.xml', ['cat', 'dog']), /p\.xml: object 1 \('bird'\): class 'bird' is not one of the 2 labels \(cat, dog\)/);
    assert.throws(() => parseVocXml(xml(object('cat', [5, 1, 5, 5])), 'p.xml', ['cat']), /p\.xml: object 1 \('cat'\): box x 5\.\.5, y 1\.\.5 has zero or negative size/);
    assert.throws(() => parseVocXml('<annotation><filename>p.jpg</filename></annotation>', 'p.xml', ['cat']), /p\.xml: <size> must give a positive integer <width> and <height>/);
    assert.throws(() => parseVocXml('<foo/>', 'p.xml', ['cat']), /p\.xml: no <annotation> element/);
  });
});

describe('letterboxTransform', () => {
  it("follows Ultralytics' rounding: 500 x 338 into 416 is scaled by 0.832 to 416 x 281, 67 rows on top, 68 below", () => {
    const t = letterboxTransform(500, 338, 416);
    assert.deepEqual(t, { width: 500, height: 338, size: [416, 416], scale: 0.832, resizedWidth: 416, resizedHeight: 281, left: 0, top: 67 });
    // Halves round to even: 3 x 1 into 4 x 4 -> scale 4/3, 4 x 1.333 -> 4 x 1; 3 rows of padding split 1 above, 2 below.
    assert.deepEqual(letterboxTransform(3, 1, 4), { width: 3, height: 1, size: [4, 4], scale: 4 / 3, resizedWidth: 4, resizedHeight: 1, left: 0, top: 1 });
    assert.throws(() => letterboxTransform(0, 10, 416), /letterboxTransform: the image size must be positive integers, got 0 x 10/);
  });

  it('moves pixel boxes with the image and back, clipped to the original', () => {
    const t = letterboxTransform(500, 338, 416);
    assertClose(letterboxBoxes([[100, 50, 200, 150]], t), tensor([[83.2, 108.6, 166.4, 191.8]]), { atol: 1e-4 });
    assertClose(letterboxBoxes([[150, 100, 100, 100]], t, { format: 'cxcywh' }), tensor([[124.8, 150.2, 83.2, 83.2]]), { atol: 1e-4 });
    assertClose(unletterboxBoxes([[83.2, 108.6, 166.4, 191.8], [-10, 0, 500, 500]], t), tensor([[100, 50, 200, 150], [0, 0, 500, 338]]), { atol: 1e-3 });
  });
});

forEachBackend(() => {
  it('letterbox pads with grey 114 around the unscaled image', () => {
    // A 4 x 2 image into 4 x 4: scale 1, one row of grey above and below.
    const image = tensor([[[0.1], [0.2], [0.3], [0.4]], [[0.5], [0.6], [0.7], [0.8]]]);
    const { image: out, transform } = letterbox(image, 4);
    assert.equal(transform.top, 1);
    const g = 114 / 255;
    assertClose(out, tensor([[[g], [g], [g], [g]], [[0.1], [0.2], [0.3], [0.4]], [[0.5], [0.6], [0.7], [0.8]], [[g], [g], [g], [g]]]), { atol: 1e-7 });
  });

  it('DetectionDataset letterboxes images and boxes; batches give [M, 6] rows that batchObjects splits back', () => {
    const pixels = (w: number, h: number, v: number) => ({ width: w, height: h, channels: 1, data: new Uint8Array(w * h).fill(v) });
    const dataset = new DetectionDataset(
      [
        { file: 'wide.png', width: 4, height: 2, image: pixels(4, 2, 255), classes: [1], boxes: [[0.5, 0.5, 0.5, 1]] },
        { file: 'empty.png', width: 2, height: 2, image: pixels(2, 2, 0), classes: [], boxes: [] },
        { file: 'tall.png', width: 2, height: 4, image: pixels(2, 4, 51), classes: [0, 1], boxes: [[0.25, 0.5, 0.5, 0.5], [0.75, 0.25, 0.5, 0.5]] },
      ],
      { labels: ['a', 'b'], size: 4, channels: 1 },
    );
    assert.equal(dataset.length, 3);
    assert.equal(dataset.instances, 3);
    // wide.png: 4 x 2 at scale 1, top 1: the box (x 1..3, y 0..2) moves to y 1..3 of 4.
    const sample = dataset.get(0);
    assert.deepEqual(sample.x.shape, [4, 4, 1]);
    assertClose(sample.y, tensor([[1, 0.5, 0.5, 0.5, 0.5]]), { atol: 1e-7 });
    assertClose(sample.boxes, tensor([[0.5, 0.5, 0.5, 0.5]]), { atol: 1e-7 });
    assert.deepEqual([...sample.classes], [1]);
    assert.deepEqual(dataset.get(1).y.shape, [0, 5]);
    // tall.png: 2 x 4 into 4 x 4: scale 1, one column of padding on the left.
    const batch = dataset.getBatch([2, 1, 0]);
    assert.deepEqual(batch.x.shape, [3, 4, 4, 1]);
    assertClose(batch.y, tensor([[0, 0, 0.375, 0.5, 0.25, 0.5], [0, 1, 0.625, 0.25, 0.25, 0.5], [2, 1, 0.5, 0.5, 0.5, 0.5]]), { atol: 1e-7 });
    assert.ok(Math.abs(batch.x.data[0] - 114 / 255) < 1e-6 && Math.abs(batch.x.data[1] - 0.2) < 1e-6, 'tall.png: a grey column, then its pixels (51 / 255)');
    const truth = batchObjects(batch.y, 3, 'test');
    assert.deepEqual(truth.map((t) => t.classes), [[0, 1], [], [1]]);
    assertClose(tensor(truth[2].boxes), tensor([[0.5, 0.5, 0.5, 0.5]]), { atol: 1e-7 });
  });
});

describe('DetectionDataset errors and boxSizes', () => {
  const image = { width: 2, height: 2, channels: 3, data: new Uint8Array(12) };
  it('names the image whose annotation disagrees with it, and asks for a size to batch mixed sizes', () => {
    assert.throws(() => new DetectionDataset([{ file: 'a.png', width: 3, height: 2, image, classes: [], boxes: [] }], { labels: ['x'] }), /DetectionDataset: 'a\.png' is 2 x 2 pixels but its annotation says 3 x 2/);
    assert.throws(() => new DetectionDataset([{ file: 'a.png', width: 2, height: 2, image, classes: [1], boxes: [[0.5, 0.5, 0.1, 0.1]] }], { labels: ['x'] }), /'a\.png', object 0: class 1 is out of range for 1 labels/);
    const mixed = new DetectionDataset(
      [{ file: 'a.png', width: 2, height: 2, image, classes: [], boxes: [] }, { file: 'b.png', width: 1, height: 2, image: { ...image, width: 1, data: new Uint8Array(6) }, classes: [], boxes: [] }],
      { labels: ['x'] },
    );
    assert.throws(() => mixed.getBatch([0, 1]), /'b\.png' is 1 x 2 but 'a\.png' is 2 x 2; give the dataset a size/);
  });

  it('boxSizes gives each box in grid cells of the letterboxed input', () => {
    // 500 x 250 into 416: scale 0.832; a box 0.5 x 0.4 of it is 208 x 83.2 px = 6.5 x 2.6 cells of 32.
    const sizes = boxSizes([{ file: 'a', width: 500, height: 250, classes: [0], boxes: [[0.5, 0.5, 0.5, 0.4]] }]);
    assert.equal(sizes.length, 1);
    assert.ok(Math.abs(sizes[0][0] - 6.5) < 1e-9 && Math.abs(sizes[0][1] - 2.6) < 1e-9, `${sizes[0]}`);
  });
});
