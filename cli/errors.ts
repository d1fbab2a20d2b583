// How the command line reports failure: one message on stderr, no stack trace, exit code 1.

/** The message a user sees for an error: the error's own message, without a stack. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

export function failAndExit(error: unknown): never {
  process.stderr.write(`convkit: ${describeError(error)}\n`);
  process.exit(1);
}
