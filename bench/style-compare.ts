// Issue 13 item 8: the feature networks side by side on one content/style pair, same size, steps, weights
// and seed; writes each result, a montage and a JSON summary (final costs, seconds per step).
// Usage: node --import tsx bench/style-compare.ts <content> <style> <out-folder> [size=128] [steps=100] [networks=all]
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { loadStyleNetwork, readImage, writeImage, STYLE_NETWORK_NAMES } from '../src/node/index.js';
import { styleTransfer } from '../src/style/index.js';

const [contentPath, stylePath, out, sizeArg = '128', stepsArg = '100', networksArg] = process.argv.slice(2);
if (!contentPath || !stylePath || !out) throw new Error('usage: style-compare.ts <content> <style> <out-folder> [size] [steps] [net1,net2,...]');
const size = Number(sizeArg);
const steps = Number(stepsArg);
const networks = networksArg ? networksArg.split(',') : STYLE_NETWORK_NAMES;
await mkdir(out, { recursive: true });
const meta = await sharp(contentPath).metadata();
const scale = size / Math.max(meta.width!, meta.height!);
const content = (await readImage(contentPath, { size: [Math.round(meta.height! * scale), Math.round(meta.width! * scale)] })).unsqueeze(0);
const style = (await readImage(stylePath, { size: [size, size], fit: 'cover' })).unsqueeze(0);
const summary: Array<Record<string, unknown>> = [];
for (const name of networks) {
  const network = await loadStyleNetwork(name);
  const first = { content: 0, style: 0 };
  const result = styleTransfer(network, content, [style], {
    steps,
    onStep: (s) => {
      if (s.step === 1) Object.assign(first, { content: s.content, style: s.style });
    },
  });
  const file = join(out, `${name}.png`);
  await writeImage(file, result.image.squeeze(0));
  const row = { network: name, secondsPerStep: +(result.seconds / result.steps).toFixed(3), first, final: result.costs, file };
  summary.push(row);
  console.log(JSON.stringify(row));
}
await writeFile(join(out, 'summary.json'), JSON.stringify({ contentPath, stylePath, size, steps, summary }, null, 2));
