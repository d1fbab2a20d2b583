// Import Keras MobileNetV2 from the nsfwjs package (layers up to block_10 hold ImageNet weights) into
// ConvKit, summarise it, and look at the block_10 feature maps of a synthetic image.
// Run: node --import tsx examples/import-mobilenetv2.ts
import { Tensor, noGrad } from '../src/index.js';
import { formatSummary, getLayerOutputs, summary } from '../src/nn/index.js';
import { loadNsfwjsMobileNetV2 } from '../src/node/import-files.js';

/** A 224x224 RGB test card in [-1, 1] (the range Keras's MobileNetV2 expects): colour ramps, a disc and stripes. */
function syntheticImage(size = 224): Tensor {
  const data = new Float32Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const inDisc = (x - 150) ** 2 + (y - 80) ** 2 < 40 ** 2;
      const stripe = y > 150 && Math.floor(x / 12) % 2 === 0;
      const rgb = inDisc ? [1, 0.85, 0.1] : stripe ? [0.1, 0.1, 0.1] : [x / size, 0.4 + 0.4 * (y / size), 1 - x / size];
      rgb.forEach((v, c) => (data[(y * size + x) * 3 + c] = v * 2 - 1));
    }
  }
  return new Tensor(data, [1, size, size, 3]);
}

function stats(values: ArrayLike<number>): { mean: number; std: number; min: number; max: number; positive: number } {
  let sum = 0, sq = 0, min = Infinity, max = -Infinity, positive = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    sum += v;
    sq += v * v;
    min = Math.min(min, v);
    max = Math.max(max, v);
    if (v > 0) positive++;
  }
  const mean = sum / values.length;
  return { mean, std: Math.sqrt(sq / values.length - mean * mean), min, max, positive: positive / values.length };
}

let start = performance.now();
const model = loadNsfwjsMobileNetV2();
console.log(`Loaded '${model.modelName}' from nsfwjs in ${Math.round(performance.now() - start)} ms: ${model.nodes.length} Keras layers, ${model.weightTargets.length} weight tensors`);
const classes = new Map<string, number>();
for (const node of model.nodes) classes.set(node.className, (classes.get(node.className) ?? 0) + 1);
console.log(`Layer classes: ${[...classes].map(([name, n]) => `${name} ${n}`).join(', ')}`);

const table = formatSummary(summary(model, [224, 224, 3])).split('\n');
console.log([...table.slice(0, 14), '  ...', ...table.slice(-9)].join('\n'));

start = performance.now();
const names = ['block_3_project_BN', 'block_10_project_BN'];
const features = noGrad(() => getLayerOutputs(model, syntheticImage(), names));
console.log(`\nFeature maps of a synthetic test card (${Math.round(performance.now() - start)} ms):`);
for (const name of names) {
  const f = features[name];
  const s = stats(f.data);
  console.log(
    `  ${name} [${f.shape.join(', ')}]: mean ${s.mean.toFixed(3)}, std ${s.std.toFixed(3)}, min ${s.min.toFixed(2)}, max ${s.max.toFixed(2)}, ` +
      `${(100 * s.positive).toFixed(1)}% positive`,
  );
}
// The channels of block_10 that respond most strongly on average over the image.
const block10 = features.block_10_project_BN;
const channelMeans = noGrad(() => block10.mean([0, 1, 2])).data;
const top = Array.from(channelMeans, (v, c) => [c, v] as const).sort((a, b) => b[1] - a[1]).slice(0, 5);
console.log(`  strongest block_10 channels (mean response): ${top.map(([c, v]) => `#${c} ${v.toFixed(2)}`).join(', ')}`);
