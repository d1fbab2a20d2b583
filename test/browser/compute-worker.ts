// A dedicated worker that runs the conv cases: where applications should run ConvKit, since there
// Atomics.wait may block and the kernels compile synchronously (both differ from the main thread).
import { runCasesHere } from './run-cases.js';
import { describeError } from './page-result.js';

runCasesHere().then(
  (result) => self.postMessage({ result }),
  (err: unknown) => self.postMessage({ error: describeError(err) }),
);
