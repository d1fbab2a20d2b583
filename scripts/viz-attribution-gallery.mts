// The README's attribution figure: MNIST test digits (rows) through a trained LeNet-5, each with its
// Grad-CAM at features.conv2, SmoothGrad (50 copies) and occlusion by black 5x5 windows (stride 1), as one grid.
//
//   npx convkit train lenet5 --epochs 3 --limit 12000 --out lenet5.safetensors
//   node --import tsx scripts/viz-attribution-gallery.mts lenet5.safetensors docs/images/viz-attribution-mnist.png
import { zeros } from '../src/index.js';
import { loadMnist, loadModelArgument, writeImageGrid } from '../src/node/index.js';
import { gradCam, imageGrid, occlusion, overlayHeatMap, smoothGrad } from '../src/viz/index.js';

const [modelFile, out, count = '4'] = process.argv.slice(2);
if (!modelFile || !out) throw new Error('usage: viz-attribution-gallery.mts <trained lenet5 file> <out.png> [digits, default 4]');
const model = await loadModelArgument(modelFile);
const { x } = loadMnist({ split: 'test', limit: Number(count) });
const black = model.prepare(zeros([1, 1, 1, 1])).item(); // a black pixel in the model's input units
const rows = [];
const rowLabels = [];
for (let i = 0; i < x.shape[0]; i++) {
  const image = x.narrow(0, i, 1).reshape([28, 28, 1]);
  const input = model.prepare(image.unsqueeze(0));
  const cam = gradCam(model.module, input, 'features.conv2');
  const smooth = smoothGrad(model.module, input, { samples: 50 });
  const occluded = occlusion(model.module, input, { window: 5, stride: 1, baseline: black });
  rows.push([image, overlayHeatMap(image, cam.map), overlayHeatMap(image, smooth.map, { clipPercentile: 99 }), overlayHeatMap(image, occluded.map)]);
  rowLabels.push(`class ${cam.target}`);
}
await writeImageGrid(out, imageGrid(rows, { title: 'digit | Grad-CAM conv2 | SmoothGrad | occlusion', rowLabels, scale: 3 }));
console.log(`wrote ${out}`);
