// The ADS adapter against our AMS/TCP target (the soft PLC's ADS face) on 127.0.0.1: every
// supported type both ways, 1,000 tags per batch, type and address errors naming the tag,
// dead link detection, reconnection with the same adapter, link flaps, and writes that fail
// while disconnected and are not replayed.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AdsAdapter } from '../../plc-adapters/ads/ads-adapter.ts';
import { AdsSoftPlcServer, symbolNameOf } from '../../plc-adapters/ads/ads-soft-plc.ts';
import { isTwinloopError } from '../../core/errors.ts';
import type { TagSpec } from '../../plc-adapters/adapter.ts';
import type { ProcessImage } from '../../plc-adapters/soft-plc/soft-plc-server.ts';
import { sampleValue, wideImage } from './wide-image.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function specs(image: ProcessImage, side: 'input' | 'output', count = Infinity): TagSpec[] {
  const list = side === 'output' ? image.program.io.outputs : image.program.io.inputs;
  return list.slice(0, count).map((e) => ({ address: symbolNameOf(e), type: e.type, direction: side === 'output' ? 'read' : 'write' }));
}

/** Start a server on a fixed port (so a restart is reachable at the same endpoint). */
async function serve(image: ProcessImage, port = 0): Promise<{ server: AdsSoftPlcServer; endpoint: string; port: number }> {
  const server = new AdsSoftPlcServer();
  const { endpoint } = await server.start(image, { port });
  return { server, endpoint, port: Number(new URL(endpoint).port) };
}

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 3000): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < ms / 5; i++) {
    if (await ok()) return performance.now() - t0;
    await sleep(5);
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

test('reads and writes bool, int and real', async () => {
  const image = wideImage(6);
  const { server, endpoint } = await serve(image);
  const plc = new AdsAdapter({ endpoint });
  try {
    await plc.connect();
    assert.is(plc.state, 'connected');
    const outs = await plc.prepare(specs(image, 'output'));
    const ins = await plc.prepare(specs(image, 'input'));
    image.outputs.set([1, -123456, 3.25, 0, 2147483647, -1e-9]);
    const v = new Float64Array(6);
    const q = new Uint8Array(6).fill(9);
    await plc.read(outs, v, q);
    assert.equal([...v], [1, -123456, 3.25, 0, 2147483647, -1e-9]);
    assert.equal([...q], [0, 0, 0, 0, 0, 0]);
    await plc.write(ins, Float64Array.from([1, -7, 1.5, 0, 42, 2.5e300]));
    assert.equal([...image.inputs], [1, -7, 1.5, 0, 42, 2.5e300]);
    // Ints are truncated and saturated to DINT, never wrapped.
    await plc.write(ins, Float64Array.from([0, 3.9, 0, 1, 1e12, 0]));
    assert.equal([...image.inputs.slice(0, 5)], [0, 3, 0, 1, 2147483647]);
    assert.ok(server.counters.writes >= 2);
    assert.ok(server.counters.reads >= 1);
  } finally {
    await plc.close();
    await server.stop();
  }
});

test('read-only (shadow mode) and direct connection: reads work, writes never reach the wire', async () => {
  const image = wideImage(3);
  const { server, endpoint } = await serve(image);
  // Direct: a fixed AMS address of our own instead of a port from the router service.
  const plc = new AdsAdapter({ endpoint, readOnly: true, localAmsNetId: '127.0.0.1.1.30', localAdsPort: 32800 });
  try {
    await plc.connect();
    const outs = await plc.prepare(specs(image, 'output'));
    const ins = await plc.prepare(specs(image, 'input'));
    image.outputs[2] = 8.5;
    const v = new Float64Array(3);
    const q = new Uint8Array(3);
    await plc.read(outs, v, q);
    assert.is(v[2], 8.5);
    const err = await plc.write(ins, Float64Array.from([1, 2, 3])).catch((e: unknown) => e);
    assert.match(String(err), /read-only/);
    assert.is(server.counters.writes, 0);
    assert.equal([...image.inputs], [0, 0, 0]);
  } finally {
    await plc.close();
    await server.stop();
  }
});

test('a batch of 1,000 tags each way, in sum commands', async () => {
  const image = wideImage(1000);
  const { server, endpoint } = await serve(image);
  const plc = new AdsAdapter({ endpoint });
  try {
    await plc.connect();
    const outs = await plc.prepare(specs(image, 'output'));
    const ins = await plc.prepare(specs(image, 'input'));
    const io = image.program.io;
    for (let k = 0; k < 1000; k++) image.outputs[k] = sampleValue(io.outputs[k]!.type, k, 1);
    const v = new Float64Array(1000);
    const q = new Uint8Array(1000);
    const reads0 = server.counters.reads;
    await plc.read(outs, v, q);
    assert.equal([...v], [...image.outputs]);
    assert.ok(q.every((x) => x === 0));
    assert.is(server.counters.reads - reads0, 2, 'two sum reads of 500 (TwinCAT limit)');
    const w = Float64Array.from({ length: 1000 }, (_, k) => sampleValue(io.inputs[k]!.type, k, 2));
    await plc.write(ins, w);
    assert.equal([...image.inputs], [...w]);
  } finally {
    await plc.close();
    await server.stop();
  }
});

test('unknown symbol and type mismatch are refused naming the tag', async () => {
  const image = wideImage(3);
  const { server, endpoint } = await serve(image);
  const plc = new AdsAdapter({ endpoint });
  try {
    await plc.connect();
    const err1 = await plc.prepare([{ address: 'MAIN.nope', type: 'bool', direction: 'read' }]).catch((e: unknown) => e);
    assert.ok(isTwinloopError(err1, 'PLC_TAG_UNKNOWN'), String(err1));
    assert.match((err1 as Error).message, 'MAIN.nope');
    // out0000 is BOOL, out0002 is LREAL.
    const err2 = await plc.prepare([{ address: 'MAIN.out0002', type: 'bool', direction: 'read' }]).catch((e: unknown) => e);
    assert.ok(isTwinloopError(err2, 'PLC_TAG_TYPE'), String(err2));
    assert.match((err2 as Error).message, 'MAIN.out0002');
    assert.match((err2 as Error).message, 'LREAL');
    const spec = { address: 'MAIN.out0002', type: 'real', direction: 'read', plcType: 'REAL' } as TagSpec;
    const err3 = await plc.prepare([spec]).catch((e: unknown) => e);
    assert.ok(isTwinloopError(err3, 'PLC_TAG_TYPE'), 'a declared PLC type must match exactly');
    // Symbol names are case-insensitive, as in TwinCAT.
    await plc.prepare([{ address: 'main.OUT0001', type: 'int', direction: 'read' }]);
    // The symbol table as a tag list (what an import writes).
    const listed = await plc.listSymbols();
    assert.equal(
      listed.filter((s) => s.name.startsWith('MAIN.out')).map((s) => [s.name, s.plcType, s.type]),
      [
        ['MAIN.out0000', 'BOOL', 'bool'],
        ['MAIN.out0001', 'DINT', 'int'],
        ['MAIN.out0002', 'LREAL', 'real'],
      ],
    );
  } finally {
    await plc.close();
    await server.stop();
  }
});

test('peer killed: read fails with tags bad at once; restarted: same adapter reads again', async () => {
  const image = wideImage(3);
  let { server, endpoint, port } = await serve(image);
  const plc = new AdsAdapter({ endpoint, timeoutMs: 1000 });
  try {
    await plc.connect();
    const outs = await plc.prepare(specs(image, 'output'));
    const ins = await plc.prepare(specs(image, 'input'));
    const v = new Float64Array(3);
    const q = new Uint8Array(3);
    image.outputs[1] = 5;
    await plc.read(outs, v, q);
    assert.is(v[1], 5);
    await server.stop();
    const t0 = performance.now();
    const err = await plc.read(outs, v, q).catch((e: unknown) => e);
    const detectMs = performance.now() - t0;
    assert.ok(isTwinloopError(err, 'PLC_NOT_CONNECTED'), String(err));
    assert.equal([...q], [2, 2, 2]);
    assert.ok(detectMs < 2000, `detected in ${detectMs.toFixed(0)} ms`);
    assert.is.not(plc.state, 'connected');
    // A write while down fails at once and is not replayed after the reconnect.
    const werr = await plc.write(ins, Float64Array.from([1, 99, 9.5])).catch((e: unknown) => e);
    assert.ok(isTwinloopError(werr, 'PLC_NOT_CONNECTED'));
    const cerr = await plc.connect().catch((e: unknown) => e);
    assert.ok(isTwinloopError(cerr, 'PLC_NOT_CONNECTED'), 'connect to a dead peer fails, bounded');
    ({ server } = await serve(image, port));
    await plc.connect();
    image.outputs[1] = 6;
    await plc.read(outs, v, q);
    assert.is(v[1], 6);
    assert.equal([...q], [0, 0, 0]);
    await sleep(50);
    assert.equal([...image.inputs], [0, 0, 0], 'the failed write was not replayed');
    assert.is(server.counters.writes, 0);
  } finally {
    await plc.close();
    await server.stop();
  }
});

for (const readMode of ['poll', 'notify'] as const) {
  test(`a hung peer (no FIN) is detected within 2 s by the request timeout (${readMode})`, async () => {
    const image = wideImage(3);
    const { server, endpoint } = await serve(image);
    const plc = new AdsAdapter({ endpoint, timeoutMs: 1000, readMode, cycleMs: 5 });
    try {
      await plc.connect();
      const outs = await plc.prepare(specs(image, 'output'));
      const v = new Float64Array(3);
      const q = new Uint8Array(3);
      await until('first values', async () => {
        await plc.read(outs, v, q);
        return q.every((x) => x === 0);
      });
      server.target!.setPaused(true);
      // Read at a 10 ms cycle, as the exchange does, until the tags go bad.
      const ms = await until('tags bad', async () => {
        const err = await plc.read(outs, v, q).catch((e: unknown) => e);
        return isTwinloopError(err, 'PLC_NOT_CONNECTED') && q.every((x) => x === 2);
      });
      assert.ok(ms < 2000, `detected in ${ms.toFixed(0)} ms`);
      server.target!.setPaused(false);
      await plc.connect();
      await until('values again', async () => {
        await plc.read(outs, v, q);
        return q.every((x) => x === 0);
      });
    } finally {
      await plc.close();
      await server.stop();
    }
  });
}

for (const readMode of ['poll', 'notify'] as const) {
  test(`ten link flaps: values flow again after each (${readMode})`, async () => {
    const image = wideImage(30);
    let { server, endpoint, port } = await serve(image);
    const plc = new AdsAdapter({ endpoint, readMode, cycleMs: 5 });
    const v = new Float64Array(30);
    const q = new Uint8Array(30);
    try {
      await plc.connect();
      const outs = await plc.prepare(specs(image, 'output'));
      for (let flap = 0; flap < 10; flap++) {
        image.outputs[2] = flap + 0.5;
        await until(`value ${flap + 0.5} after flap ${flap}`, async () => {
          await plc.read(outs, v, q);
          return v[2] === flap + 0.5 && q.every((x) => x === 0);
        });
        await server.stop();
        await plc.read(outs, v, q).catch(() => undefined);
        await until('tags bad', async () => {
          await plc.read(outs, v, q).catch(() => undefined);
          return q.every((x) => x === 2);
        });
        ({ server } = await serve(image, port));
        await until('reconnect', async () => {
          try {
            await plc.connect();
            return true;
          } catch {
            return false;
          }
        });
      }
      image.outputs[2] = 77;
      await until('final value', async () => {
        await plc.read(outs, v, q);
        return v[2] === 77;
      });
    } finally {
      await plc.close();
      await server.stop();
    }
  });
}

test.run();
