// Entry point of the convkit command line (bin/convkit.js runs the compiled form). Failures print one line
// on stderr, without a stack trace, and exit with code 1.
import { buildProgram } from './program.js';
import { failAndExit } from './errors.js';

try {
  await buildProgram().parseAsync(process.argv);
  // Exit now rather than when every handle is closed (a data set's or a progress bar's timers, for example).
  process.exit(0);
} catch (error) {
  failAndExit(error);
}
