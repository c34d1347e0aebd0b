// The `twinloop` command: start a run with its HMI, or validate line files.

import { pino } from 'pino';
import { parseCli, USAGE, UsageError, type StartArgs } from './args.ts';
import { loadLineFile } from '../config/line-file.ts';
import { ConfigError, formatIssue } from '../config/config-error.ts';
import { isTwinloopError } from '../errors.ts';
import { lineSignals } from '../../physics/model.ts';
import { startRun } from '../engine/engine.ts';
import { absoluteSpec } from '../../plc-adapters/sim/program-source.ts';
import { createServer } from '../../hmi/server/server.ts';
import { userCommand } from './user-command.ts';
import { startLiveRecording, takeFlag } from '../recording/live-recording.ts';
import { startLiveAlarms } from './live-alarms.ts';

// `start` records the live run into <data dir>/recordings unless --no-record (issue 8); the flag
// is taken out of argv here because args.ts knows only the shared options.
const NO_RECORD = takeFlag(process.argv, '--no-record');

function validate(files: readonly string[]): number {
  let bad = 0;
  for (const file of files) {
    try {
      const line = loadLineFile(file);
      console.log(`${file}: ok (${line.components.length} components, ${lineSignals(line).length} signals)`);
    } catch (err) {
      bad++;
      if (err instanceof ConfigError) for (const issue of err.issues) console.error(formatIssue(issue));
      else console.error(`${file}: ${(err as Error).message}`);
    }
  }
  return bad > 0 ? 1 : 0;
}

async function start(args: StartArgs): Promise<void> {
  const log = pino({ level: args.logLevel });
  const alarms = startLiveAlarms(args.data, log);
  const run = await startRun({
    ...(args.line !== undefined ? { linePath: args.line } : {}),
    ...(args.plant !== undefined ? { plantPath: args.plant } : {}),
    ...(args.program !== undefined ? { controller: { name: 'plc1', protocol: 'sim', program: absoluteSpec(args.program, process.cwd()), cycleMs: 10 } } : {}),
    pace: args.pace,
    autoStart: !args.paused,
    logger: log,
    alarmSink: alarms.manager,
  });
  const recorder = startLiveRecording(run, args.data, log, NO_RECORD);
  const server = await createServer({ run, host: args.host, port: args.port, logger: log, dataDir: args.data, alarms: alarms.manager, ...(args.tls ? { tls: args.tls } : {}) });
  console.log(`twinloop: ${run.lineName} running (${args.pace.kind === 'fast' ? 'fast' : `${args.pace.factor}x`}); HMI on ${server.url}`);
  if (server.setupToken !== undefined) {
    // First start: no users. The token is in the fragment, which browsers never send to a server.
    console.log(`twinloop: no users yet. Create the first admin within this run at:\n  ${server.url}/#setup=${server.setupToken}\n  (or: twinloop user add NAME --role admin --data ${args.data})`);
  }
  let closing = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down');
    await server.close();
    await recorder?.close();
    await run.close();
    alarms.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

async function main(): Promise<void> {
  // Scenario commands parse their own options; loaded on demand (issue 8).
  const scenarioCommands: Record<string, () => Promise<(argv: readonly string[]) => Promise<number>>> = {
    test: async () => (await import('./test-command.ts')).testCommand,
    sweep: async () => (await import('./sweep-command.ts')).sweepCommand,
    compare: async () => (await import('./compare-command.ts')).compareCommand,
    check: async () => (await import('./check-command.ts')).checkCommand,
  };
  const scenarioCommand = scenarioCommands[process.argv[2] ?? ''];
  if (scenarioCommand) {
    try {
      process.exitCode = await (await scenarioCommand())(process.argv.slice(3));
    } catch (err) {
      if (err instanceof ConfigError) for (const issue of err.issues) console.error(formatIssue(issue));
      else console.error(`twinloop: ${(err as Error).message}`);
      process.exitCode = 2;
    }
    return;
  }
  if (process.argv[2] === 'export-csv') {
    // Loaded on demand, like import: reading a recording needs nothing of the run.
    const { exportCsvCommand } = await import('../recording/export-csv-command.ts');
    process.exitCode = await exportCsvCommand(process.argv.slice(3));
    return;
  }
  let args;
  try {
    args = parseCli(process.argv.slice(2));
  } catch (err) {
    console.error(`twinloop: ${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (args.command === 'help') {
    console.log(USAGE);
    return;
  }
  if (args.command === 'validate') {
    process.exitCode = validate(args.files);
    return;
  }
  if (args.command === 'import') {
    try {
      // Loaded on demand: the protocol stacks are not needed to start a run.
      const { importCommand } = await import('./import-command.ts');
      process.exitCode = await importCommand(args);
    } catch (err) {
      console.error(`twinloop: ${(err as Error).message}`);
      process.exitCode = 1;
    }
    return;
  }
  if (args.command === 'user') {
    try {
      process.exitCode = await userCommand(args);
    } catch (err) {
      console.error(`twinloop: ${(err as Error).message}`);
      process.exitCode = 1;
    }
    return;
  }
  try {
    await start(args);
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const issue of err.issues) console.error(formatIssue(issue));
      console.error('twinloop: refused to start: the line file has errors');
    } else if (err instanceof UsageError) {
      console.error(`twinloop: ${err.message}`);
    } else if (isTwinloopError(err, 'ST_COMPILE') || isTwinloopError(err, 'CFG_INVALID') || isTwinloopError(err, 'CFG_READ')) {
      // A program that does not compile or a binding that does not fit: the message says it all.
      console.error(`twinloop: ${err.message}`);
      console.error('twinloop: refused to start');
    } else {
      console.error(`twinloop: ${(err as Error).stack ?? String(err)}`);
    }
    process.exit(1);
  }
}

await main();
