// How the command line reports failure: one message on stderr, no stack trace, exit code 1. Commander's
// argument-parsing errors get the same one line, with a pointer to --help.
import { CommanderError } from 'commander';

const HELP_HINT = '(add --help for usage)';
/** Commander's ways of ending after printing help or the version: not failures to report. */
const HELP_EXITS = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

/** The message a user sees for an error: the error's own message, without a stack. */
export function describeError(error: unknown): string {
  if (error instanceof CommanderError) return `${error.message.replace(/^error: /, '').replace(/\n/g, ' ')} ${HELP_HINT}`;
  if (error instanceof Error) return error.message;
  return String(error);
}

export function failAndExit(error: unknown): never {
  if (error instanceof CommanderError && HELP_EXITS.has(error.code)) process.exit(error.exitCode);
  process.stderr.write(`convkit: ${describeError(error)}\n`);
  process.exit(1);
}
