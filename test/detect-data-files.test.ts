// Detection datasets on disk: an Ultralytics folder written here (images, labels, data.yaml) and its errors
// (label without image, no labels found, a bad line, a missing split), and Debian's labelme-examples: its
// PASCAL VOC XML and COCO JSON read against boxes worked out by hand from the files, then converted to YOLO
// label files and read back.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { formatYoloLabels } from '../src/detect/index.js';
import {
  labelPathFor, loadDetectionDataset, loadYoloDataset, readCocoDataset, readVocDataset, readYoloDataset, writeImage,
} from '../src/node/index.js';

const close = (a: readonly number[], b: readonly number[], tol: number, what: string): void =>
  assert.ok(a.length === b.length && a.every((v, i) => Math.abs(v - b[i]) <= tol), `${what}: [${a}] vs [${b}]`);

const gray = (width: number, height: number, value: number) => ({ width, height, channels: 3, data: new Uint8Array(width * height * 3).fill(value) });

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'convkit-detect-data-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A two-class dataset: a.png (2 objects), b.png (an empty label file) and c.png (no label file): both background. */
async function writeDataset(name: string): Promise<string> {
  const dir = join(root, name);
  for (const split of ['train', 'val']) {
    await mkdir(join(dir, 'images', split), { recursive: true });
    await mkdir(join(dir, 'labels', split), { recursive: true });
  }
  await writeImage(join(dir, 'images/train/a.png'), gray(8, 4, 200));
  await writeImage(join(dir, 'images/train/b.png'), gray(4, 4, 10));
  await writeImage(join(dir, 'images/train/c.jpg'), gray(4, 8, 100));
  await writeFile(join(dir, 'labels/train/a.txt'), '0 0.5 0.5 0.5 0.5\n1 0.25 0.25 0.25 0.5\n');
  await writeFile(join(dir, 'labels/train/b.txt'), '');
  await writeImage(join(dir, 'images/val/v.png'), gray(4, 4, 50));
  await writeFile(join(dir, 'labels/val/v.txt'), '1 0.5 0.5 1 1\n');
  await writeFile(join(dir, 'data.yaml'), 'path: .\ntrain: images/train\nval: images/val\nnames: {0: cat, 1: dog}\n');
  return dir;
}

describe('Ultralytics datasets on disk', () => {
  it("finds each image's labels by replacing the last /images/ with /labels/", () => {
    assert.equal(labelPathFor('/d/images/x/images/train/a.b.jpg'), '/d/images/x/labels/train/a.b.txt');
    assert.equal(labelPathFor('/d/pics/a.png'), '/d/pics/a.txt');
  });

  it('reads a split: objects, image sizes, and background images with an empty or no label file', async () => {
    const dir = await writeDataset('good');
    const train = await readYoloDataset(join(dir, 'data.yaml'), 'train');
    assert.deepEqual(train.labels, ['cat', 'dog']);
    assert.deepEqual(train.images.map((i) => [basename(i.path), i.width, i.height, i.classes]), [['a.png', 8, 4, [0, 1]], ['b.png', 4, 4, []], ['c.jpg', 4, 8, []]]);
    assert.deepEqual(train.images[0].boxes, [[0.5, 0.5, 0.5, 0.5], [0.25, 0.25, 0.25, 0.5]]);
    assert.equal((await readYoloDataset(join(dir, 'data.yaml'), 'train', { limit: 1 })).images.length, 1);
  });

  it('loads a split letterboxed, batching [M, 6] rows', async () => {
    const dir = await writeDataset('load');
    const dataset = await loadYoloDataset(join(dir, 'data.yaml'), 'train', { size: 8 });
    const batch = dataset.getBatch([0, 1, 2]);
    assert.deepEqual(batch.x.shape, [3, 8, 8, 3]);
    // a.png is 8 x 4 at scale 1 with 2 rows on top: y and h halve, then shift by 2 / 8.
    close(Array.from(batch.y.data), [0, 0, 0.5, 0.5, 0.5, 0.25, 0, 1, 0.25, 0.375, 0.25, 0.25], 1e-6, 'rows');
    assert.ok(Math.abs(batch.x.data[0] - 114 / 255) < 1e-6 && Math.abs(batch.x.data[2 * 8 * 3] - 200 / 255) < 1e-6, 'grey rows, then the image');
  });

  it('reads a .txt list of images (entries relative to the list)', async () => {
    const dir = await writeDataset('list');
    await writeFile(join(dir, 'train.txt'), './images/train/a.png\nimages/val/v.png\n');
    await writeFile(join(dir, 'list.yaml'), 'train: train.txt\nnames: [cat, dog]\n');
    const train = await readYoloDataset(join(dir, 'list.yaml'), 'train');
    assert.deepEqual(train.images.map((i) => [basename(i.path), i.classes]), [['a.png', [0, 1]], ['v.png', [1]]]);
  });

  it('names a label file that has no image, and the image it expected', async () => {
    const dir = await writeDataset('orphan');
    await writeFile(join(dir, 'labels/train/d.txt'), '0 0.5 0.5 0.1 0.1\n');
    await assert.rejects(readYoloDataset(join(dir, 'data.yaml'), 'train'), (error: Error) => {
      assert.match(error.message, /label file '.*\/orphan\/labels\/train\/d\.txt' has no image: expected '.*\/orphan\/images\/train\/d\.\*' \(\.png, \.jpg/);
      return true;
    });
  });

  it("'no labels found' says which folder was searched and what it expected", async () => {
    const dir = await writeDataset('nolabels');
    await rm(join(dir, 'labels'), { recursive: true });
    await assert.rejects(readYoloDataset(join(dir, 'data.yaml'), 'val'), (error: Error) => {
      assert.match(error.message, /no labels found for the 1 'val' images: looked for .*\/nolabels\/labels\/val\/\*\.txt \(e\.g\. '.*\/labels\/val\/v\.txt' for '.*\/images\/val\/v\.png'\)/);
      assert.match(error.message, /'\/images\/' replaced by '\/labels\/'.*one 'class cx cy w h' line per object/);
      return true;
    });
  });

  it('a bad label line is reported with its file and line; a missing split or folder is named', async () => {
    const dir = await writeDataset('bad');
    await writeFile(join(dir, 'labels/train/a.txt'), '0 0.5 0.5 0.5 0.5\n2 0.5 0.5 0.5 0.5\n');
    await assert.rejects(readYoloDataset(join(dir, 'data.yaml'), 'train'), /labels\/train\/a\.txt:2: class 2 is out of range: the dataset has 2 classes/);
    await assert.rejects(readYoloDataset(join(dir, 'data.yaml'), 'test'), /no 'test' split; it gives train, val/);
    await writeFile(join(dir, 'gone.yaml'), 'train: images/nothing\nnames: [a]\n');
    await assert.rejects(readYoloDataset(join(dir, 'gone.yaml'), 'train'), /'images\/nothing' \(resolved to '.*\/bad\/images\/nothing'\) does not exist/);
    await mkdir(join(dir, 'empty'));
    await writeFile(join(dir, 'empty.yaml'), 'train: empty\nnames: [a]\n');
    await assert.rejects(readYoloDataset(join(dir, 'empty.yaml'), 'train'), /no images found for 'train' in '.*\/bad\/empty' \(extensions read: \.png/);
    await assert.rejects(readYoloDataset(join(dir, 'none.yaml'), 'train'), /readDatasetYaml: cannot read '.*none\.yaml'/);
  });
});

const LABELME = '/usr/share/doc/labelme-examples/examples';
const VOC_DIR = join(LABELME, 'bbox_detection/data_dataset_voc');
const COCO_JSON = join(LABELME, 'instance_segmentation/data_dataset_coco/annotations.json');
const missing = existsSync(VOC_DIR) && existsSync(COCO_JSON) ? false : "Debian's labelme-examples is not installed (apt-get install labelme-examples)";

describe("labelme-examples' VOC XML and COCO JSON", { skip: missing }, () => {
  it('reads the VOC boxes as written in the XML, and the JPEGs they annotate', async () => {
    const labels = (await readFile(join(VOC_DIR, 'class_names.txt'), 'utf8')).trim().split('\n');
    const voc = await readVocDataset(join(VOC_DIR, 'Annotations'), { labels });
    assert.deepEqual(voc.images.map((i) => [i.file, i.width, i.height, i.classes.map((c) => labels[c])]), [
      ['2011_000003.jpg', 500, 338, ['person', 'person']],
      ['2011_000006.jpg', 500, 375, ['person', 'person', 'person', 'person']],
      ['2011_000025.jpg', 500, 375, ['bus', 'bus', 'car']],
    ]);
    // 2011_000003.xml, first person: x 191..313, y 107.369..329.369 of 500 x 338.
    close(voc.images[0].boxes[0], [252 / 500, 218.369 / 338, 122 / 500, 222 / 338], 1e-5, 'person');
    const dataset = await loadDetectionDataset(voc, { size: 320 });
    assert.equal(dataset.instances, 9);
    assert.deepEqual(dataset.getBatch([0, 1, 2]).x.shape, [3, 320, 320, 3]);
  });

  it('reads the COCO file: classes by category id, 12 boxes over the 3 images', async () => {
    const coco = await readCocoDataset(COCO_JSON);
    assert.equal(coco.labels[0], '_background_');
    assert.equal(coco.labels.length, 21);
    assert.deepEqual(coco.images.map((i) => [i.file, i.classes.length]), [['JPEGImages/2011_000003.jpg', 3], ['JPEGImages/2011_000025.jpg', 3], ['JPEGImages/2011_000006.jpg', 6]]);
    // The first annotation: bbox [191, 107, 123, 221] on the 500 x 338 image, category 15 (person).
    assert.equal(coco.labels[coco.images[0].classes[0]], 'person');
    close(coco.images[0].boxes[0], [252.5 / 500, 217.5 / 338, 123 / 500, 221 / 338], 1e-12, 'person');
    assert.equal((await loadDetectionDataset(coco)).length, 3);
  });

  it('VOC XML converted to YOLO label files reads back as the same boxes', async () => {
    const labels = (await readFile(join(VOC_DIR, 'class_names.txt'), 'utf8')).trim().split('\n');
    const voc = await readVocDataset(join(VOC_DIR, 'Annotations'), { labels });
    const dir = join(root, 'from-voc');
    await mkdir(join(dir, 'images'), { recursive: true });
    await mkdir(join(dir, 'labels'), { recursive: true });
    for (const image of voc.images) {
      await writeFile(join(dir, 'images', image.file), await readFile(image.path));
      await writeFile(join(dir, 'labels', image.file.replace(/\.jpg$/, '.txt')), formatYoloLabels(image));
    }
    await writeFile(join(dir, 'data.yaml'), `train: images\nnames: [${labels.map((l) => JSON.stringify(l)).join(', ')}]\n`);
    const yolo = await readYoloDataset(join(dir, 'data.yaml'), 'train');
    assert.deepEqual(yolo.images.map((i) => i.classes), voc.images.map((i) => i.classes));
    yolo.images.forEach((image, i) => image.boxes.forEach((box, k) => close(box, voc.images[i].boxes[k], 5e-7, `${image.file} box ${k}`)));
  });
});
