// `npm run bench`: every benchmark, each printing its figures next to a baseline measured in
// the same run. Never run by the tests; figures are read, not asserted.

import { cpus } from 'node:os';

const log = (line: string): void => console.log(line);
log(`# twinloop benchmarks — node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${new Date().toISOString()}`);
const only = process.argv[2];
type Suite = (l: (s: string) => void) => Promise<void>;
// Each suite's module is loaded only when it runs: loading node-opcua (the opcua, shadow and
// hmi suites pull it in) starts work of its own in the background, which made the physics rows
// measured beside it up to 2.5x slower (the demo line at 10k: 44 ns per component-step with it
// loaded, 17-18 ns without).
const suites: [string, () => Promise<Suite>][] = [
  ['physics', async () => (await import('./physics.ts')).physicsBench],
  ['hmi', async () => (await import('./hmi.ts')).hmiBench],
  ['tick', async () => (await import('./tick.ts')).tickBench],
  ['opcua', async () => (await import('./opcua.ts')).opcuaBench],
  ['ads', async () => (await import('./ads.ts')).adsBench],
  ['s7', async () => (await import('./s7.ts')).s7Bench],
  ['modbus', async () => (await import('./modbus.ts')).modbusBench],
  ['recording', async () => (await import('./recording.ts')).recordingBench],
  ['scenarios', async () => (await import('./scenarios.ts')).scenariosBench],
  ['st', async () => (await import('./st.ts')).stBench],
  ['shadow', async () => (await import('./shadow.ts')).shadowBench],
  ['sparkplug', async () => (await import('./sparkplug.ts')).sparkplugBench],
  ['opcua-server', async () => (await import('./opcua-server.ts')).opcuaServerBench],
  ['e2e', async () => (await import('./e2e.ts')).e2eBench],
  ['engine', async () => (await import('./engine.ts')).engineBench],
  ['queue', async () => (await import('./queue.ts')).queueBench],
  ['kpi', async () => (await import('./kpi.ts')).kpiBench],
  ['calibration', async () => (await import('./calibration.ts')).calibrationBench],
  ['validation', async () => (await import('./validation.ts')).validationBench],
  ['planning', async () => (await import('./planning.ts')).planningBench],
];
if (only && !suites.some(([name]) => name === only)) {
  console.error(`unknown benchmark ${only}; known: ${suites.map(([name]) => name).join(', ')}`);
  process.exitCode = 2;
}
for (const [name, load] of suites) {
  if (only && only !== name) continue;
  log(`\n# ${name}`);
  await (await load())(log);
}
