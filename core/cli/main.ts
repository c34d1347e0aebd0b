// The `twinloop` command: start a run with its HMI, or validate line files.

import { browsableUrl } from './page-url.ts';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pino } from 'pino';
import { commandHelp, parseCli, USAGE, UsageError, type StartArgs } from './args.ts';
import { loadLineFile } from '../config/line-file.ts';
import { loadPlantFile } from '../config/plant-file.ts';
import { parse as parseYamlText } from 'yaml';
import { ConfigError, formatIssue } from '../config/config-error.ts';
import { isTwinloopError, TwinloopError } from '../errors.ts';
import { lineSignals } from '../../physics/model.ts';
import { startRun } from '../engine/engine.ts';
import { absoluteSpec } from '../../plc-adapters/sim/program-source.ts';
import { createServer } from '../../hmi/server/server.ts';
import type { MetricsOptions } from '../../hmi/server/metrics-routes.ts';
import { userCommand } from './user-command.ts';
import { startLiveRecording, takeFlag } from '../recording/live-recording.ts';
import { alarmConfiguration, startLiveAlarms } from './live-alarms.ts';
import { planSparkplug, startSparkplug, statusMetrics, takeSparkplugArgs } from '../integration/sparkplug/index.ts';
import { kpiStatusMetrics } from '../kpi/kpi-metrics.ts';
import { planOpcuaServer, startOpcuaServer, takeOpcuaServerArgs } from '../integration/opcua-server/index.ts';
import { gateForPlant } from '../model/run-gate.ts';
import { MODEL_SUBCOMMANDS } from '../model/model-command.ts';

// `start` records the live run into <data dir>/recordings unless --no-record (issue 8); the flag
// is taken out of argv here because args.ts knows only the shared options.
const NO_RECORD = takeFlag(process.argv, '--no-record');
// `--sparkplug URL --group G --node N [--host-id H]` (issue 21), taken out the same way.
const SPARKPLUG = takeSparkplugArgs(process.argv);
// `--opcua-server PORT [--opcua-server-allow-none]`: the twin's OPC UA server (issue 21), the same way.
const OPCUA_SERVER = takeOpcuaServerArgs(process.argv);

/** Which file a configuration error is about, as the user knows it: the plant file or the line file. */
function configKind(err: ConfigError, args: StartArgs): string {
  // Settings given as options (--opcua-server, --sparkplug) name the command line as their file.
  if (err.issues.length > 0 && err.issues.every((i) => i.file === 'command line')) return 'command line';
  const plant = args.plant !== undefined ? resolve(args.plant) : undefined;
  return plant !== undefined && err.issues.some((i) => resolve(i.file) === plant) ? 'plant file' : 'line file';
}

function validate(files: readonly string[]): number {
  let bad = 0;
  for (const file of files) {
    const kind = isPlantFileText(file) ? 'plant file' : 'line file';
    try {
      if (kind === 'plant file') {
        const plant = loadPlantFile(file);
        const tags = plant.controllers.reduce((n, c) => n + c.tags.length, 0);
        const line = plant.line !== undefined ? loadLineFile(plant.line) : undefined;
        const n = plant.controllers.length;
        console.log(`${file}: ok, plant file (${n} ${n === 1 ? 'controller' : 'controllers'}, ${tags} tags${line ? `; line ${plant.line}: ${line.components.length} components` : ''})`);
      } else {
        const line = loadLineFile(file);
        console.log(`${file}: ok, line file (${line.components.length} components, ${lineSignals(line).length} signals)`);
      }
    } catch (err) {
      bad++;
      console.error(`${file}: not a valid ${kind}:`);
      if (err instanceof ConfigError) for (const issue of err.issues) console.error(`  ${formatIssue(issue)}`);
      else console.error(`  ${(err as Error).message}`);
    }
  }
  return bad > 0 ? 1 : 0;
}

/** A plant file names controllers and no components (a line file the other way round). */
function isPlantFileText(file: string): boolean {
  try {
    const doc = parseYamlText(readFileSync(file, 'utf8')) as unknown;
    return typeof doc === 'object' && doc !== null && 'controllers' in doc && !('components' in doc);
  } catch {
    return false; // unreadable or not YAML: the line file loader says what is wrong
  }
}

/** --metrics-token-file / --metrics-public as the server takes them; the token file is read now. */
function metricsAccess(m: StartArgs['metrics']): MetricsOptions | undefined {
  if (m?.tokenFile === undefined) return m?.public === true ? { public: true } : undefined;
  let text: string;
  try {
    text = readFileSync(m.tokenFile, 'utf8');
  } catch (err) {
    throw new TwinloopError('CFG_READ', `--metrics-token-file ${m.tokenFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return { token: text.split(/\r?\n/)[0]!.trim() };
}

async function start(args: StartArgs): Promise<void> {
  const log = pino({ level: args.logLevel });
  // Resolved before the run starts, so a bad sparkplug setting refuses the start.
  const sparkplugPlan = planSparkplug(SPARKPLUG, args.plant, args.data);
  const opcuaServerPlan = planOpcuaServer(OPCUA_SERVER, args.plant, args.data);
  const metrics = metricsAccess(args.metrics);
  const alarms = startLiveAlarms(args.data, log, alarmConfiguration(args.plant ?? args.line ?? 'examples/sorting.yaml'));
  // A shadow plant's model gate (issue 20): deviations are advisories until the model version is signed off.
  const model = args.plant !== undefined ? gateForPlant(args.plant, args.data) : undefined;
  if (model !== undefined) log.info({ model: model.info() }, model.signedOff ? 'model version signed off: deviations raise alarms' : 'model version not signed off: deviations are advisories');
  const run = await startRun({
    ...(args.line !== undefined ? { linePath: args.line } : {}),
    ...(args.plant !== undefined ? { plantPath: args.plant } : {}),
    ...(args.program !== undefined ? { controller: { name: 'plc1', protocol: 'sim', program: absoluteSpec(args.program, process.cwd()), cycleMs: 10 } } : {}),
    pace: args.pace,
    ...(args.pacing !== undefined ? { pacing: args.pacing } : {}),
    ...(args.publishMs !== undefined ? { publishMs: args.publishMs } : {}),
    autoStart: !args.paused,
    logger: log,
    alarmSink: alarms.manager,
    ...(model !== undefined ? { model } : {}),
  });
  const recorder = startLiveRecording(run, args.data, log, NO_RECORD);
  const server = await createServer({ run, host: args.host, port: args.port, ...(args.frameHz !== undefined ? { frameHz: args.frameHz } : {}), logger: log, dataDir: args.data, alarms: alarms.manager, ...(model !== undefined ? { model } : {}), ...(args.tls ? { tls: args.tls } : {}), ...(metrics ? { metrics } : {}), ...(args.trustProxy ? { trustProxy: [...args.trustProxy] } : {}) });
  const opcuaServer = opcuaServerPlan !== undefined ? await startOpcuaServer(run, opcuaServerPlan, { users: server.auth.users, audit: server.audit, alarms: alarms.manager }, log) : undefined;
  if (opcuaServer !== undefined) console.log(`twinloop: OPC UA server on ${opcuaServer.endpoint}`);
  const pageUrl = browsableUrl(server.url, args.host);
  // Started once the HMI's address is known: a plant overview links each line's node to it.
  const sparkplug = sparkplugPlan !== undefined ? startSparkplug(run, sparkplugPlan, log, statusMetrics({ status: () => run.status(), alarms: alarms.manager, hmiUrl: pageUrl, extra: kpiStatusMetrics(server.kpi) })) : undefined;
  const everywhere = pageUrl !== server.url ? ` (listening on all interfaces, ${args.host})` : '';
  console.log(`twinloop: ${run.lineName} ${args.paused ? 'paused' : 'running'} (${args.pace.kind === 'fast' ? 'fast' : `${args.pace.factor}x`}); HMI on ${pageUrl}${everywhere}`);
  if (server.setupToken !== undefined) {
    // First start: no users. The token is in the fragment, which browsers never send to a server.
    console.log(`twinloop: no users yet. Create the first admin within this run at:\n  ${pageUrl}/#setup=${server.setupToken}\n  (or: twinloop user add NAME --role admin --data ${args.data})`);
  }
  let closing = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down');
    await server.close();
    await opcuaServer?.close();
    await sparkplug?.close();
    await recorder?.close();
    await run.close();
    alarms.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

async function main(): Promise<void> {
  // `twinloop <command> --help`: that command's part of the usage (commands with a usage text of
  // their own print that one themselves).
  const topic = process.argv[2] ?? '';
  const OWN_HELP = ['test', 'sweep', 'compare', 'export-csv', 'worker', 'plant', 'history', 'model', 'plan'];
  const help = (process.argv.includes('--help') || process.argv.includes('-h')) && !OWN_HELP.includes(topic) ? commandHelp(topic) : undefined;
  if (help !== undefined) {
    console.log(help);
    return;
  }
  // Scenario commands parse their own options; loaded on demand (issue 8).
  const scenarioCommands: Record<string, () => Promise<(argv: readonly string[]) => Promise<number>>> = {
    test: async () => (await import('./test-command.ts')).testCommand,
    sweep: async () => (await import('./sweep-command.ts')).sweepCommand,
    compare: async () => (await import('./compare-command.ts')).compareCommand,
    check: async () => (await import('./check-command.ts')).checkCommand,
    worker: async () => (await import('./worker-command.ts')).workerCommand,
    plant: async () => (await import('./plant-command.ts')).plantCommand,
    plan: async () => (await import('./plan-command.ts')).planCommand,
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
  if (process.argv[2] === 'model' && MODEL_SUBCOMMANDS.includes(process.argv[3] ?? '')) {
    // `model sign-off | status | calibrate` (issue 20), loaded on demand like export-csv.
    try {
      process.exitCode = await (await import('../model/model-command.ts')).modelCommand(process.argv.slice(3));
    } catch (err) {
      if (err instanceof ConfigError) for (const issue of err.issues) console.error(formatIssue(issue));
      else console.error(`twinloop: ${(err as Error).message}${isTwinloopError(err) ? ` [${err.code}]` : ''}`);
      process.exitCode = 2;
    }
    return;
  }
  // Issue 20: `history check` and `model validate` (other `model` subcommands fall through to their own handlers).
  if (process.argv[2] === 'history') {
    const { historyCommand } = await import('../history/history-command.ts');
    process.exitCode = await historyCommand(process.argv.slice(3));
    return;
  }
  if (process.argv[2] === 'model' && process.argv[3] === 'validate') {
    const { validateCommand } = await import('../validation/validate-command.ts');
    process.exitCode = await validateCommand(process.argv.slice(4));
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
  if (args.command === 'audit') {
    try {
      const { auditCommand } = await import('./audit-command.ts');
      process.exitCode = auditCommand(args);
    } catch (err) {
      console.error(`twinloop: ${(err as Error).message}`);
      process.exitCode = 2;
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
      console.error(`twinloop: refused to start: the ${configKind(err, args)} has errors`);
    } else if (err instanceof UsageError) {
      console.error(`twinloop: ${err.message}`);
    } else if (isTwinloopError(err)) {
      // An expected error (a program that does not compile, a binding that does not fit, a tag
      // the PLC does not have, a refused certificate): its code and message say it all, no stack.
      console.error(`twinloop: ${err.message} [${err.code}]`);
      console.error('twinloop: refused to start');
    } else {
      console.error(`twinloop: ${(err as Error).stack ?? String(err)}`);
    }
    process.exit(1);
  }
}

await main();
