// A relay in its own process, so a test can measure its memory (VmHWM) apart from the test's clients.
// argv[2]: JSON of RelayOptions fields (port, dataDir, limits). Prints "listening URL" once ready.
import { startRelay, type RelayOptions } from '../src/index.js';

const opts = JSON.parse(process.argv[2] ?? '{}') as Partial<RelayOptions>;
// Only warnings (refusals, limits) reach stderr: the flood's thousands of info lines would be the test's load.
const relay = await startRelay({ port: 0, ...opts, log: (line) => {
  if ((JSON.parse(line) as { level?: unknown }).level !== 'info') process.stderr.write(`${line}\n`);
} });
process.stdout.write(`listening ${relay.url}\n`);
process.on('SIGTERM', () => {
  void relay.close().then(() => process.exit(0));
});
