// `npm start -- --sparkplug URL --group lines --node sorting` end to end: the demo line's edge
// node births on a real mosquitto; killed with SIGKILL, the broker publishes its NDEATH (the
// MQTT Will, QoS 1) with the bdSeq of its NBIRTH; started again, it births with the next bdSeq.
// Killed while the broker is away, the next start forwards what it had stored on disk.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Broker, Host, num, until } from './sparkplug-fixtures.ts';

const test = suite('sparkplug edge node killed -9');
let broker: Broker;
let data: string;
const children: ChildProcess[] = [];

test.before(async () => {
  broker = await Broker.start();
  data = mkdtempSync(join(tmpdir(), 'twinloop-spb-kill-'));
});
/** SIGKILL every twinloop still running and wait for it to be gone (one store, one process). */
async function killAll(): Promise<void> {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          c.once('exit', () => resolve());
          c.kill('SIGKILL');
        }),
    ),
  );
}

test.after(async () => {
  await killAll();
  await broker.close();
  rmSync(data, { recursive: true, force: true });
});

function startTwinloop(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'core/cli/main.ts', 'start', '--line', 'examples/sorting.yaml', '--port', '0', '--no-record', '--data', data, '--log-level', 'warn', '--sparkplug', broker.url, '--group', 'lines', '--node', 'sorting'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  child.once('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGKILL') console.error(`twinloop exited with ${code ?? signal}: ${err}`);
  });
  children.push(child);
  return child;
}

const bdSeqOf = (m: { payload: { metrics?: { name?: string | null; value: unknown }[] | null } }): number => num(m.payload.metrics!.find((x) => x.name === 'bdSeq')!.value);

test('SIGKILL: the broker publishes NDEATH with the bdSeq of the NBIRTH; a restart takes the next bdSeq', async () => {
  const host = await Host.connect(broker.url, 'lines');
  try {
    const first = startTwinloop();
    await until(() => host.of('NBIRTH').length === 1, 20_000, 'NBIRTH of the demo line');
    await until(() => host.of('DDATA').length > 0, 5000, 'data of the running line');
    const birth = host.of('NBIRTH')[0]!;
    assert.ok(host.of('DBIRTH').some((m) => m.device === 'm1'), 'a device per component');
    first.kill('SIGKILL');
    await until(() => host.of('NDEATH').length === 1, 5000, 'NDEATH');
    const death = host.of('NDEATH')[0]!;
    assert.is(death.topic, 'spBv1.0/lines/NDEATH/sorting');
    assert.is(bdSeqOf(death), bdSeqOf(birth));
    startTwinloop();
    await until(() => host.of('NBIRTH').length === 2, 20_000, 'NBIRTH after the restart');
    assert.is(bdSeqOf(host.of('NBIRTH')[1]!), (bdSeqOf(birth) + 1) % 256);
  } finally {
    await host.close();
    await killAll();
  }
});

test('killed -9 while the broker is away: the next start forwards what the killed one stored', async () => {
  await broker.stop();
  const store = join(data, 'sparkplug', 'lines-sorting');
  const stored = (): number => (existsSync(store) ? readdirSync(store).filter((f) => f.endsWith('.spq')).reduce((n, f) => n + statSync(join(store, f)).size, 0) : 0);
  const before = stored();
  const child = startTwinloop();
  await until(() => stored() > before + 2000, 20_000, 'samples stored while the broker is away');
  const killedAt = Date.now();
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
  await broker.start();
  const host = await Host.connect(broker.url, 'lines');
  try {
    startTwinloop();
    const historical = (): number[] =>
      host.messages.filter((m) => m.type === 'DDATA' || m.type === 'NDATA').flatMap((m) => m.payload.metrics!.filter((x) => x.isHistorical === true).map((x) => num(x.timestamp)));
    await until(() => historical().some((t) => t < killedAt), 20_000, 'historical data from before the kill');
    const ts = historical();
    for (let i = 1; i < ts.length; i++) assert.ok(ts[i]! >= ts[i - 1]!, 'in time order');
  } finally {
    await host.close();
    await killAll();
  }
});

test.run();
