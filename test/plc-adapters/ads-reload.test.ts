// A TwinCAT program that changes under a running coupling: an online change (symbol version
// notification, symbols moved), a configuration activation (TwinCAT restart seen in the
// system state), and a restarted runtime with a changed symbol table. The adapter must
// re-resolve its symbols (and re-subscribe) every time, and say so when a tag vanished.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AdsAdapter } from '../../plc-adapters/ads/ads-adapter.ts';
import { AdsSoftPlcServer } from '../../plc-adapters/ads/ads-soft-plc.ts';
import { isTwinloopError } from '../../core/errors.ts';
import type { TagSpec } from '../../plc-adapters/adapter.ts';
import type { ImageEntry } from '../../plc-adapters/sim/program.ts';
import { imageOf } from './wide-image.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const OUTS: ImageEntry[] = [
  { address: 'm1.run', type: 'bool' },
  { address: 'm1.setpoint', type: 'real' },
  { address: 'count', type: 'int' },
];
// Version 2 of the program: new variables declared first, so every old symbol moves.
const OUTS_V2: ImageEntry[] = [{ address: 'added.flag', type: 'bool' }, { address: 'added.speed', type: 'real' }, ...OUTS];
const TAGS: TagSpec[] = [
  { address: 'MAIN.m1_run', type: 'bool', direction: 'read' },
  { address: 'MAIN.m1_setpoint', type: 'real', direction: 'read' },
  { address: 'MAIN.count', type: 'int', direction: 'read' },
];

/** Read until the values are `want` with good quality, reconnecting like the exchange does. */
async function readUntil(plc: AdsAdapter, batch: Awaited<ReturnType<AdsAdapter['prepare']>>, want: number[], ms = 4000): Promise<number> {
  const v = new Float64Array(want.length);
  const q = new Uint8Array(want.length);
  const t0 = performance.now();
  let last = '';
  for (let i = 0; i < ms / 10; i++) {
    try {
      if (plc.state !== 'connected') await plc.connect();
      await plc.read(batch, v, q);
      if (q.every((x) => x === 0) && want.every((w, k) => v[k] === w)) return performance.now() - t0;
      last = `${[...v]} q=${[...q]}`;
    } catch (err) {
      last = String(err);
    }
    await sleep(10);
  }
  throw new Error(`values ${want} not read within ${ms} ms; last: ${last}`);
}

for (const readMode of ['poll', 'notify'] as const) {
  test(`online change: symbols moved, re-resolved without a reconnect (${readMode})`, async () => {
    const server = new AdsSoftPlcServer();
    const v1 = imageOf([], OUTS);
    const { endpoint } = await server.start(v1, {});
    const plc = new AdsAdapter({ endpoint, readMode, cycleMs: 5 });
    try {
      await plc.connect();
      const batch = await plc.prepare(TAGS);
      v1.outputs.set([1, 12.5, 42]);
      await readUntil(plc, batch, [1, 12.5, 42]);
      const version = plc.symbolVersion;
      const v2 = imageOf([], OUTS_V2);
      v2.outputs.set([1, 99.5, 0, 25.5, -3]);
      server.reload(v2);
      await readUntil(plc, batch, [0, 25.5, -3]);
      assert.is(plc.symbolVersion, (version ?? 0) + 1);
      assert.is(server.target!.connectionCount, 1, 'same connection: an online change is not a reconnect');
    } finally {
      await plc.close();
      await server.stop();
    }
  });
}

test('configuration activated (TwinCAT restart): link dropped, symbols reloaded on reconnect', async () => {
  const server = new AdsSoftPlcServer();
  const v1 = imageOf([], OUTS);
  const { endpoint } = await server.start(v1, {});
  const plc = new AdsAdapter({ endpoint, timeoutMs: 500 });
  try {
    await plc.connect();
    const batch = await plc.prepare(TAGS);
    v1.outputs.set([0, 1.5, 7]);
    await readUntil(plc, batch, [0, 1.5, 7]);
    const v2 = imageOf([], OUTS_V2);
    v2.outputs.set([0, 0, 1, 2.5, 8]);
    server.reload(v2, { restart: true });
    await readUntil(plc, batch, [1, 2.5, 8]);
  } finally {
    await plc.close();
    await server.stop();
  }
});

test('runtime restarted with a changed symbol table: reloaded; a vanished tag is named', async () => {
  const v1 = imageOf([], OUTS);
  let server = new AdsSoftPlcServer();
  const { endpoint } = await server.start(v1, {});
  const port = Number(new URL(endpoint).port);
  const plc = new AdsAdapter({ endpoint });
  try {
    await plc.connect();
    const batch = await plc.prepare(TAGS);
    v1.outputs.set([1, 3.5, 5]);
    await readUntil(plc, batch, [1, 3.5, 5]);
    await server.stop();
    server = new AdsSoftPlcServer();
    const v2 = imageOf([], OUTS_V2);
    v2.outputs.set([1, 1, 0, 4.5, 6]);
    await server.start(v2, { port });
    await readUntil(plc, batch, [0, 4.5, 6]);
    // Version 3 drops MAIN.count: the next read must name it, not read zero.
    await server.stop();
    server = new AdsSoftPlcServer();
    await server.start(imageOf([], OUTS.slice(0, 2)), { port });
    let err: unknown;
    for (let i = 0; i < 200 && !err; i++) {
      try {
        if (plc.state !== 'connected') await plc.connect();
        await plc.read(batch, new Float64Array(3), new Uint8Array(3));
      } catch (e) {
        if (isTwinloopError(e, 'PLC_TAG_UNKNOWN')) err = e;
      }
      await sleep(10);
    }
    assert.ok(isTwinloopError(err, 'PLC_TAG_UNKNOWN'), String(err));
    assert.match((err as Error).message, 'MAIN.count');
  } finally {
    await plc.close();
    await server.stop();
  }
});

test.run();
