// `npm run bench`: every benchmark, each printing its figures next to a baseline measured in
// the same run. Never run by the tests; figures are read, not asserted.

import { cpus } from 'node:os';
import { physicsBench } from './physics.ts';
import { hmiBench } from './hmi.ts';
import { tickBench } from './tick.ts';
import { opcuaBench } from './opcua.ts';
import { adsBench } from './ads.ts';
import { s7Bench } from './s7.ts';
import { recordingBench } from './recording.ts';
import { scenariosBench } from './scenarios.ts';
import { shadowBench } from './shadow.ts';

const log = (line: string): void => console.log(line);
log(`# twinloop benchmarks — node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${new Date().toISOString()}`);
const only = process.argv[2];
const suites: [string, (l: (s: string) => void) => Promise<void>][] = [
  ['physics', physicsBench],
  ['hmi', hmiBench],
  ['tick', tickBench],
  ['opcua', opcuaBench],
  ['ads', adsBench],
  ['s7', s7Bench],
  ['recording', recordingBench],
  ['scenarios', scenariosBench],
  ['shadow', shadowBench],
];
for (const [name, fn] of suites) {
  if (only && only !== name) continue;
  log(`\n# ${name}`);
  await fn(log);
}
