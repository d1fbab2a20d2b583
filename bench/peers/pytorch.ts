// PyTorch CPU (an optional peer) with 1 and 2 threads: bench/peers/torch_case.py in a Python process of its
// own per row, fed the case's tensors once, then asked for one run at a time over its stdin/stdout. A timed
// run includes that round trip (a line each way through two pipes): a 4x4 matmul took 0.14-0.19 ms a run
// so at load 15, against 0.045 ms for onnxruntime-node in-process; about 1-2% of a 10 ms LeNet-5 step.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchCase } from '../cases.js';
import type { CaseData } from '../case-data.js';
import { type Implementation, type Prepared, skip } from '../implementation.js';
import { nchwToNhwc } from './onnx-graphs.js';
import { torchPayload, type TorchPayload } from './torch-payload.js';

/** Debian's torch is built for the system Python; a plain `python3` may be a pyenv shim without it. */
export const TORCH_PYTHON = '/usr/bin/python3';
export const TORCH_HOW_TO_GET = 'apt install python3-torch python3-torchvision';
const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'torch_case.py');

let cachedVersion: string | null | undefined;

/** torch's version, or null where `import torch` fails (checked once a process). */
export function torchVersion(): string | null {
  if (cachedVersion === undefined) {
    try {
      cachedVersion = execFileSync(TORCH_PYTHON, ['-c', 'import torch, torchvision; print(torch.__version__)'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      cachedVersion = null;
    }
  }
  return cachedVersion;
}

interface Reply {
  line: string;
  /** The float32 values after an 'output' line. */
  values?: Float32Array;
}

/** One torch_case.py process: replies are read off its stdout in order, one per request. */
class TorchProcess {
  private buffered = Buffer.alloc(0);
  private readonly waiting: { resolve: (r: Reply) => void; reject: (e: Error) => void }[] = [];
  private exited: string | null = null;
  private readonly stderr: string[] = [];

  constructor(private readonly child: ChildProcess) {
    child.stdout!.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.deliver();
    });
    child.stderr!.on('data', (chunk: Buffer) => this.stderr.push(chunk.toString()));
    child.on('exit', (code) => {
      this.exited = `torch_case.py exited with ${code}: ${this.stderr.join('').trim().split('\n').at(-1) ?? ''}`;
      for (const w of this.waiting.splice(0)) w.reject(new Error(this.exited));
    });
    this.idle();
  }

  /** Between requests nothing here keeps the bench process alive (it must not wait on an idle Python). */
  private idle(): void {
    this.child.unref();
    (this.child.stdout as unknown as { unref(): void }).unref();
    (this.child.stderr as unknown as { unref(): void }).unref();
    (this.child.stdin as unknown as { unref(): void }).unref();
  }

  private busy(): void {
    this.child.ref();
    (this.child.stdout as unknown as { ref(): void }).ref();
  }

  private deliver(): void {
    while (this.waiting.length) {
      const end = this.buffered.indexOf(10);
      if (end < 0) return;
      const line = this.buffered.subarray(0, end).toString();
      let size = 0;
      if (line.startsWith('output ')) size = 4 * (JSON.parse(line.slice(7)) as number[]).reduce((a, b) => a * b, 1);
      if (this.buffered.length < end + 1 + size) return;
      let values: Float32Array | undefined;
      if (size) {
        values = new Float32Array(size / 4);
        new Uint8Array(values.buffer).set(this.buffered.subarray(end + 1, end + 1 + size));
      }
      this.buffered = this.buffered.subarray(end + 1 + size);
      this.waiting.shift()!.resolve({ line, values });
      if (!this.waiting.length) this.idle();
    }
  }

  request(text: string | Uint8Array[]): Promise<Reply> {
    if (this.exited) return Promise.reject(new Error(this.exited));
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.busy();
      for (const part of typeof text === 'string' ? [text] : text) this.child.stdin!.write(part);
    });
  }
}

function startTorch(payload: TorchPayload, threads: number): Promise<{ torch: TorchProcess; reply: Reply }> {
  const specs = payload.tensors.map((t) => ({ name: t.name, shape: t.shape, dtype: t.data instanceof Int32Array ? 'int32' : 'float32' }));
  const header = JSON.stringify({ ...payload.header, threads, tensors: specs }) + '\n';
  const child = spawn(TORCH_PYTHON, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
  const torch = new TorchProcess(child);
  const bytes = payload.tensors.map((t) => new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  return torch.request([new TextEncoder().encode(header), ...bytes]).then((reply) => ({ torch, reply }));
}

function torchRow(threads: number): Implementation {
  return {
    name: `pytorch ${threads}t`,
    library: 'pytorch',
    slow: false,
    async prepare(_c: BenchCase, data: CaseData): Promise<Prepared> {
      const version = torchVersion();
      if (!version) return skip(`PyTorch not found (${TORCH_PYTHON} cannot import torch and torchvision; Debian: ${TORCH_HOW_TO_GET})`);
      const payload = torchPayload(data);
      if (!payload) return skip('no PyTorch version of the tiny face detector is written here');
      const { torch, reply } = await startTorch(payload, threads);
      if (reply.line !== 'ready') return skip(`torch ${version} could not build the case: ${reply.line.replace(/^error /, '')}`);
      const run = async () => {
        const r = await torch.request('run\n');
        if (r.line !== 'done') throw new Error(`torch_case.py: expected 'done', got '${r.line}'`);
      };
      const training = data.kind === 'trainLenet' || data.kind === 'trainModel';
      const output = async (): Promise<Float32Array> => {
        const r = await torch.request('output\n');
        const dims = JSON.parse(r.line.slice('output '.length)) as number[];
        return dims.length === 4 ? nchwToNhwc(r.values!, dims) : r.values!;
      };
      return { runner: { run, output: training ? undefined : output } };
    },
  };
}

export async function pytorchImplementations(): Promise<Implementation[]> {
  return [torchRow(1), torchRow(2)];
}
