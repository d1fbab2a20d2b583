// Runs the convkit CLI from source in a child process and collects its exit code and output, for the CLI tests.
import { execFile } from 'node:child_process';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunCliOptions {
  /** Variables added to the environment (e.g. CONVKIT_BACKEND). */
  env?: Record<string, string>;
  /** Node flags placed before the script. */
  nodeArgs?: string[];
  cwd?: string;
}

export function runConvkit(args: readonly string[], options: RunCliOptions = {}): Promise<CliResult> {
  const env = options.env ? { ...process.env, ...options.env } : process.env;
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', ...(options.nodeArgs ?? []), 'cli/main.ts', ...args], { env, cwd: options.cwd }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** The JSON object on the last line of stdout (the --json contract line). */
export function lastJson<T = Record<string, unknown>>(stdout: string): T {
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as T;
}
