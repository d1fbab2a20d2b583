// Entry point of the convkit command line (bin/convkit.js runs the compiled form). Failures print one line
// on stderr, without a stack trace, and exit with code 1.
import { buildProgram } from './program.js';
import { failAndExit } from './errors.js';

try {
  await buildProgram().parseAsync(process.argv);
  // The wasm backend's worker threads would keep the process alive after the command is done.
  process.exit(0);
} catch (error) {
  failAndExit(error);
}
