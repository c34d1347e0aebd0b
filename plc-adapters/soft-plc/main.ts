// The soft PLC as a separate process, so the demo (and a user) can run a built-in program
// behind a real protocol:
//   node --import tsx plc-adapters/soft-plc/main.ts --program sorting --protocol opcua --port 4840
// `--program echo --tags N` runs a loop-back program with N tags (benchmarks, tests).
// `--program line --line <file> [--faults <json array>] [--seed N]` runs the shadow test rig's
// "real line" stand-in (line-peer.ts); it then takes JSON lines on stdin, {"inject": <fault>},
// and answers each with {"injected": <fault info>} or {"error": "..."} on stdout; and
// {"counters": true}, answered with {"counters": {reads, writes}, "time": <line s>}.
// Prints one JSON line {"endpoint": ..., "addresses": {...}} on stdout once it serves (node-opcua
// may print its own warnings on stdout too: take the line that starts with `{"endpoint"`), and runs
// until SIGINT/SIGTERM (or stdin closes when started with --stdin-lifetime by a parent).

import { parseArgs } from 'node:util';
import { startSoftPlc } from './soft-plc.ts';
import { echoProgram, manyTags } from './echo-program.ts';

const { values } = parseArgs({
  options: {
    program: { type: 'string', default: 'sorting' },
    protocol: { type: 'string', default: 'opcua' },
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    cycle: { type: 'string', default: '10' },
    tags: { type: 'string', default: '100' },
    'stdin-lifetime': { type: 'boolean', default: false },
    line: { type: 'string' },
    faults: { type: 'string', default: '[]' },
    seed: { type: 'string' },
  },
});

const port = Number(values.port);
const cycleMs = Number(values.cycle);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`--port must be an integer 0..65535, got ${values.port}\n`);
  process.exit(2);
}
if (!(cycleMs > 0)) {
  process.stderr.write(`--cycle must be > 0 ms, got ${values.cycle}\n`);
  process.exit(2);
}

// The shadow rig's stand-in line has its own runner (line-main.ts); every other program is a soft PLC.
if (values.program === 'line') {
  const { serveLinePeer } = await import('./line-main.ts');
  await serveLinePeer({ line: values.line, protocol: values.protocol, host: values.host, port, cycleMs, faults: values.faults, seed: values.seed, stdinLifetime: values['stdin-lifetime'] });
} else try {
  const program = values.program === 'echo' ? echoProgram(manyTags(Math.max(1, Math.min(100_000, Number(values.tags) || 1)))) : values.program;
  const plc = await startSoftPlc({ program, protocol: values.protocol, host: values.host, port, cycleMs });
  process.stdout.write(`${JSON.stringify({ endpoint: plc.endpoint, addresses: Object.fromEntries(plc.addresses) })}\n`);
  let closing = false;
  const stop = (): void => {
    if (closing) return;
    closing = true;
    void plc.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // A parent that dies without signalling us closes our stdin: do not outlive it.
  if (values['stdin-lifetime']) {
    process.stdin.on('end', stop);
    process.stdin.resume();
  }
} catch (err) {
  process.stderr.write(`soft PLC failed to start: ${(err as Error).message}\n`);
  process.exit(1);
}
