// The `twinloop` command: start a run with its HMI, or validate line files.

import { pino } from 'pino';
import { parseCli, USAGE, UsageError, type StartArgs } from './args.ts';
import { loadLineFile } from '../config/line-file.ts';
import { ConfigError, formatIssue } from '../config/config-error.ts';
import { lineSignals } from '../../physics/model.ts';
import { startRun } from '../engine/engine.ts';
import { createServer } from '../../hmi/server/server.ts';
import { userCommand } from './user-command.ts';

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
  const run = await startRun({
    ...(args.line !== undefined ? { linePath: args.line } : {}),
    ...(args.plant !== undefined ? { plantPath: args.plant } : {}),
    ...(args.program !== undefined ? { controller: { name: 'plc1', protocol: 'sim', program: args.program, cycleMs: 10 } } : {}),
    pace: args.pace,
    autoStart: !args.paused,
    logger: log,
  });
  const server = await createServer({ run, host: args.host, port: args.port, logger: log, dataDir: args.data, ...(args.tls ? { tls: args.tls } : {}) });
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
    await run.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

async function main(): Promise<void> {
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
    } else {
      console.error(`twinloop: ${(err as Error).stack ?? String(err)}`);
    }
    process.exit(1);
  }
}

await main();
