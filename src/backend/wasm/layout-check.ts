// The kernels module and the glue must agree on every record offset, code and tile size, or kernels read
// the wrong fields and fail far from the cause. Both sides are generated from kernels/records.mjs; a module
// built from another version of it (a stale build) is refused when it loads, with what differs.
import { LAYOUT_CONSTANTS } from './records.generated.js';

export function checkLayout(exports: Record<string, unknown>): void {
  const wrong: string[] = [];
  for (const [name, value] of Object.entries(LAYOUT_CONSTANTS)) {
    const global = exports[name];
    const actual = global instanceof WebAssembly.Global ? (global.value as number) : undefined;
    if (actual !== value) wrong.push(`${name}: module ${actual ?? 'missing'}, glue ${value}`);
  }
  if (wrong.length > 0) {
    throw new Error(
      `wasm backend: the kernels module does not match src/backend/wasm/records.generated.ts (${wrong.length} of ` +
        `${Object.keys(LAYOUT_CONSTANTS).length} layout constants differ: ${wrong.slice(0, 4).join('; ')}` +
        `${wrong.length > 4 ? '; ...' : ''}); rebuild the kernels with \`npm run build:kernels\``,
    );
  }
}
