// `twinloop plant --broker mqtt://HOST:PORT`: the plant overview. A Sparkplug B primary host on
// the broker the lines publish to (each line: `twinloop start --sparkplug URL --group G --node N`)
// and a page with every line's state, KPIs and alarms, linking to each line's HMI. Runs until
// SIGINT or SIGTERM, then publishes its offline STATE.

import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { UsageError } from './args.ts';

export const PLANT_USAGE = `usage: twinloop plant --broker mqtt://HOST:PORT [--group G[,G...]] [--host-id H] [--host ADDR] [--port N] [--log-level L]

  --broker URL   the MQTT broker the lines' Sparkplug edge nodes publish to
  --group G      Sparkplug groups to show, comma separated (default: every group)
  --host-id H    this primary host application's id, its STATE topic spBv1.0/STATE/H
                 (default twinloop-plant; lines started with --host-id H wait for it)
  --host ADDR    address the page listens on (default 127.0.0.1: the page has no login)
  --port N       page port (default 8090; 0 = any free port)
  --log-level L  pino level (default warn)`;

export async function plantCommand(argv: readonly string[], out: NodeJS.WriteStream = process.stdout): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      broker: { type: 'string' },
      group: { type: 'string' },
      'host-id': { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    out.write(`${PLANT_USAGE}\n`);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`plant takes no file arguments\n${PLANT_USAGE}`);
  if (values.broker === undefined || !/^mqtts?:\/\/[^/\s]+/.test(values.broker)) throw new UsageError(`plant needs --broker mqtt://HOST:PORT${values.broker !== undefined ? `, got ${JSON.stringify(values.broker)}` : ''}\n${PLANT_USAGE}`);
  const port = values.port !== undefined ? Number(values.port) : 8090;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer 0..65535, got ${JSON.stringify(values.port)}`);
  const hostId = values['host-id'] ?? 'twinloop-plant';
  if (!/^[^/+#\s]+$/.test(hostId)) throw new UsageError(`--host-id must be a topic-safe name (no / + # or spaces), got ${JSON.stringify(hostId)}`);
  const groups = values.group?.split(',').map((g) => g.trim()).filter((g) => g !== '');
  if (groups?.some((g) => !/^[^/+#\s]+$/.test(g))) throw new UsageError(`--group takes topic-safe names, comma separated, got ${JSON.stringify(values.group)}`);
  const logger = pino({ level: values['log-level'] ?? 'warn' });
  const { startPlantServer } = await import('../../hmi/plant/plant-server.ts');
  const server = await startPlantServer({ brokerUrl: values.broker, hostId, host: values.host ?? '127.0.0.1', port, logger, ...(groups?.length ? { groups } : {}) });
  out.write(`twinloop: plant overview on ${server.url} (primary host ${hostId} on ${values.broker})\n`);
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await server.close();
  return 0;
}
