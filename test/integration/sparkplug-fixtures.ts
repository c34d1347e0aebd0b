// Fixtures of the Sparkplug tests: Debian's mosquitto started on 127.0.0.1 and a free port with
// a config of its own (killed, and restartable on the same port, by the test), and a primary
// host played by a plain mqtt.js client that decodes every Sparkplug payload it receives.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type MqttClient } from 'mqtt';
import { pino, type Logger } from 'pino';
import { decodePayload, type UPayload } from '../../core/integration/sparkplug/payloads.ts';
import { SignalTable, type SignalDef } from '../../core/signals.ts';
import type { SparkplugSettings } from '../../core/integration/sparkplug/settings.ts';

export const MOSQUITTO = '/usr/sbin/mosquitto';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Poll `cond` every 20 ms until true or `ms` passed; throws with `what` on timeout. */
export async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(20);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A mosquitto of the test's own: start(), stop() (SIGKILL, as a crash), start() again on the same port. */
export class Broker {
  readonly port: number;
  readonly url: string;
  readonly #dir: string;
  #proc: ChildProcess | undefined;

  private constructor(port: number) {
    this.port = port;
    this.url = `mqtt://127.0.0.1:${port}`;
    this.#dir = mkdtempSync(join(tmpdir(), 'twinloop-mosq-'));
    writeFileSync(join(this.#dir, 'mosquitto.conf'), `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest stderr\nlog_type error\n`);
  }

  static async start(): Promise<Broker> {
    const b = new Broker(await freePort());
    try {
      await b.start();
    } catch (err) {
      await b.close();
      throw err;
    }
    return b;
  }

  async start(): Promise<void> {
    const proc = spawn(MOSQUITTO, ['-c', join(this.#dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.#proc = proc;
    let err = '';
    proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    // Ready when a client can connect (bounded: 5 s).
    const t0 = Date.now();
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`mosquitto exited with ${proc.exitCode}: ${err}`);
      const ok = await new Promise<boolean>((resolve) => {
        const c = connect(this.url, { reconnectPeriod: 0, connectTimeout: 500 });
        c.once('connect', () => {
          resolve(true);
          c.end(true);
        });
        c.once('error', () => c.end(true, {}, () => resolve(false)));
        c.once('close', () => resolve(false));
      });
      if (ok) return;
      if (Date.now() - t0 > 5000) {
        await this.stop();
        throw new Error(`mosquitto did not accept connections on ${this.port}: ${err}`);
      }
      await sleep(50);
    }
  }

  /** Process id of the running broker (the benchmark reads its CPU time). */
  get pid(): number | undefined {
    return this.#proc?.pid;
  }

  /** Kill the broker at once (SIGKILL): no goodbye to anyone. */
  async stop(): Promise<void> {
    const p = this.#proc;
    this.#proc = undefined;
    if (p === undefined || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGKILL');
    });
  }

  async close(): Promise<void> {
    await this.stop();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

export interface Received {
  readonly topic: string;
  readonly type: string;
  readonly device?: string;
  readonly payload: UPayload;
}

/** The primary host: subscribes to a group, decodes everything, optionally owns a STATE topic. */
export class Host {
  readonly messages: Received[] = [];
  readonly client: MqttClient;
  readonly #hostId: string | undefined;

  private constructor(client: MqttClient, hostId: string | undefined) {
    this.client = client;
    this.#hostId = hostId;
    client.on('message', (topic, payload) => {
      const parts = topic.split('/');
      if (parts[1] === 'STATE') return;
      this.messages.push({ topic, type: parts[2]!, ...(parts[4] !== undefined ? { device: parts[4] } : {}), payload: decodePayload(payload) });
    });
  }

  /** Connect, subscribe to spBv1.0/<group>/#; with a hostId, its Will says offline (3.0). */
  static async connect(url: string, group: string, hostId?: string): Promise<Host> {
    const will = hostId !== undefined ? { will: { topic: `spBv1.0/STATE/${hostId}`, payload: Buffer.from(JSON.stringify({ online: false, timestamp: Date.now() })), qos: 1 as const, retain: true } } : {};
    const client = connect(url, { reconnectPeriod: 0, connectTimeout: 2000, clientId: `test-host-${Math.random().toString(16).slice(2)}`, ...will });
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    const host = new Host(client, hostId);
    await client.subscribeAsync(`spBv1.0/${group}/#`, { qos: 1 });
    return host;
  }

  async setOnline(online: boolean): Promise<void> {
    await this.client.publishAsync(`spBv1.0/STATE/${this.#hostId}`, JSON.stringify({ online, timestamp: Date.now() }), { qos: 1, retain: true });
  }

  of(type: string): Received[] {
    return this.messages.filter((m) => m.type === type);
  }

  async rebirth(group: string, node: string): Promise<void> {
    const { encodePayload } = await import('../../core/integration/sparkplug/payloads.ts');
    await this.client.publishAsync(`spBv1.0/${group}/NCMD/${node}`, Buffer.from(encodePayload({ timestamp: Date.now(), metrics: [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }] })), { qos: 0 });
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}

/** A Long or number metric value as a number. */
export function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v !== null && typeof v === 'object' && 'toNumber' in v) return (v as { toNumber(): number }).toNumber();
  throw new Error(`not a number: ${JSON.stringify(v)}`);
}

/** A small signal table the test writes itself: exact control over every value. */
export function testTable(): { table: SignalTable; work: Float64Array; publish(): void } {
  const defs: SignalDef[] = [
    { name: 'line.items', type: 'int', kind: 'state', unit: '' },
    { name: 'm1.run', type: 'bool', kind: 'actuator', unit: '' },
    { name: 'm1.speed', type: 'real', kind: 'sensor', unit: 'm/s' },
    { name: 'm1.current', type: 'real', kind: 'sensor', unit: 'A' },
    { name: 'pe1.blocked', type: 'bool', kind: 'sensor', unit: '' },
    { name: 'heartbeat', type: 'int', kind: 'state', unit: '' },
  ];
  const table = SignalTable.create(defs);
  const work = new Float64Array(defs.length);
  let tick = 0;
  return { table, work, publish: () => table.publish(work, ++tick, tick / 1000) };
}

export function settingsFor(url: string, storeDir: string, extra: Partial<SparkplugSettings> = {}): SparkplugSettings {
  return { url, group: 'lines', node: 'sorting', rateHz: 10, devices: 'component', deadband: 0, deadbands: {}, storeDir, storeMaxBytes: 4 * 1024 * 1024, keepaliveSeconds: 5, reconnectMaxMs: 1000, ...extra };
}

export const quietLog = (): Logger => pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
