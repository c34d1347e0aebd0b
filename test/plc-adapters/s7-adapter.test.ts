// The S7 adapter (nodes7) against node-snap7's S7Server (the soft PLC's S7 face) on
// 127.0.0.1: every supported type both ways, DB and I/Q/M areas, 1,000 tags in PDU-sized
// requests, type and address errors naming the tag, dead link detection, reconnection with
// the same adapter, link flaps, and writes that fail while disconnected and are not replayed.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { S7Adapter } from '../../plc-adapters/s7/s7-adapter.ts';
import { S7SoftPlcServer } from '../../plc-adapters/s7/s7-soft-plc.ts';
import { isTwinloopError } from '../../core/errors.ts';
import type { TagSpec } from '../../plc-adapters/adapter.ts';
import type { ProcessImage } from '../../plc-adapters/soft-plc/soft-plc-server.ts';
import { imageOf, sampleValue, wideImage } from './wide-image.ts';
import { createServer, connect, type Server, type Socket } from 'node:net';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function specs(server: S7SoftPlcServer, image: ProcessImage, side: 'input' | 'output'): TagSpec[] {
  const list = side === 'output' ? image.program.io.outputs : image.program.io.inputs;
  return list.map((e) => ({ address: server.addressOf(e, side), type: e.type, direction: side === 'output' ? 'read' : 'write' }));
}

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 3000): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < ms / 5; i++) {
    if (await ok()) return performance.now() - t0;
    await sleep(5);
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

test('reads and writes bool, int and real in DBs; bits, bytes, words and reals in I, Q, M', async () => {
  const image = wideImage(6);
  const server = new S7SoftPlcServer();
  const { endpoint } = await server.start(image, {});
  const plc = new S7Adapter({ endpoint });
  try {
    await plc.connect();
    assert.ok(plc.pduSize >= 240, `PDU ${plc.pduSize}`);
    const outSpecs = specs(server, image, 'output');
    assert.equal(outSpecs.map((s) => s.address), ['DB2,X0.0', 'DB2,DINT2', 'DB2,REAL6', 'DB2,X10.0', 'DB2,DINT12', 'DB2,REAL16']);
    const outs = await plc.prepare(outSpecs);
    const ins = await plc.prepare(specs(server, image, 'input'));
    image.outputs.set([1, -123456, 3.25, 0, 2147483647, -0.5]);
    server.sync();
    const v = new Float64Array(6);
    const q = new Uint8Array(6).fill(9);
    await plc.read(outs, v, q);
    assert.equal([...v], [1, -123456, 3.25, 0, 2147483647, -0.5]);
    assert.equal([...q], [0, 0, 0, 0, 0, 0]);
    await plc.write(ins, Float64Array.from([1, -7, 1.5, 0, 1e12, 2.5]));
    await until('inputs written', () => image.inputs[4] === 2147483647);
    assert.equal([...image.inputs], [1, -7, 1.5, 0, 2147483647, 2.5], 'ints saturate to DINT');
    // Plain areas: the address forms of the issue.
    const areaTags: TagSpec[] = [
      { address: 'I0.0', type: 'bool', direction: 'read' },
      { address: 'Q0.1', type: 'bool', direction: 'read' },
      { address: 'M10.0', type: 'bool', direction: 'read' },
      { address: 'MW12', type: 'int', direction: 'read' },
      { address: 'MR16', type: 'real', direction: 'read' },
      { address: 'DB1,INT6', type: 'int', direction: 'read' },
    ];
    const m = Buffer.alloc(256);
    m[10] = 1;
    m.writeUInt16BE(54321, 12);
    m.writeFloatBE(-2.5, 16);
    server.setArea('M', m);
    server.setArea('I', Buffer.from([1]));
    server.setArea('Q', Buffer.from([2]));
    const areas = await plc.prepare(areaTags);
    const av = new Float64Array(6);
    const aq = new Uint8Array(6);
    await plc.read(areas, av, aq);
    // DB1,INT6 reads the high half of the DINT at DB1,DINT6? No: DB1 is the input DB; INT6 is bytes 6..7 of REAL6.
    assert.equal([...av.slice(0, 5)], [1, 1, 1, 54321, -2.5]);
    assert.equal([...aq], [0, 0, 0, 0, 0, 0]);
    const w = await plc.prepare([
      { address: 'Q0.1', type: 'bool', direction: 'write' },
      { address: 'MD20', type: 'int', direction: 'write' },
    ]);
    await plc.write(w, Float64Array.from([0, 4000000000]));
    await until('Q written', () => server.getArea('Q')[0] === 0);
    assert.is(server.getArea('M').readUInt32BE(20), 4000000000);
    assert.ok(server.counters.reads > 0 && server.counters.writes > 0);
  } finally {
    await plc.close();
    await server.stop();
  }
});

test('a batch of 1,000 tags each way, in PDU-sized requests', async () => {
  const image = wideImage(1000);
  const server = new S7SoftPlcServer();
  const { endpoint } = await server.start(image, {});
  const plc = new S7Adapter({ endpoint });
  try {
    await plc.connect();
    const outs = await plc.prepare(specs(server, image, 'output'));
    const ins = await plc.prepare(specs(server, image, 'input'));
    const io = image.program.io;
    // REAL holds ~7 digits: sample values are exact in float32.
    for (let k = 0; k < 1000; k++) image.outputs[k] = sampleValue(io.outputs[k]!.type, k, 1);
    server.sync();
    const v = new Float64Array(1000);
    const q = new Uint8Array(1000);
    const reads0 = server.counters.reads;
    await plc.read(outs, v, q);
    assert.equal([...v], [...image.outputs]);
    assert.ok(q.every((x) => x === 0));
    const items = server.counters.reads - reads0;
    assert.ok(items >= 1 && items < 20, `${items} area reads for 1,000 tags (nodes7 merges contiguous addresses)`);
    const w = Float64Array.from({ length: 1000 }, (_, k) => sampleValue(io.inputs[k]!.type, k, 2));
    await plc.write(ins, w);
    await until('1,000 inputs written', () => image.inputs.every((x, k) => x === w[k]));
  } finally {
    await plc.close();
    await server.stop();
  }
});

test('block writes: 1,000 write tags as one byte range of the DB, split by the PDU, values exact', async () => {
  const image = wideImage(1000);
  const server = new S7SoftPlcServer();
  const { endpoint } = await server.start(image, {});
  const plc = new S7Adapter({ endpoint, blockWrites: true });
  try {
    await plc.connect();
    const ins = await plc.prepare(specs(server, image, 'input'));
    const io = image.program.io;
    for (let round = 1; round <= 3; round++) {
      const w = Float64Array.from({ length: 1000 }, (_, k) => sampleValue(io.inputs[k]!.type, k, round));
      const writes0 = server.counters.writes;
      await plc.write(ins, w);
      await until(`1,000 inputs written (round ${round})`, () => image.inputs.every((x, k) => x === w[k]));
      const requests = server.counters.writes - writes0;
      // 3 340 bytes in PDU-sized parts (snap7 negotiates 480: 448 data bytes a request) instead
      // of 50 requests of <= 20 items.
      assert.ok(requests >= 1 && requests <= 10, `${requests} write requests for 1,000 tags`);
    }
    // The exchange's partial write goes out as the whole owned range too.
    const w = Float64Array.from({ length: 1000 }, (_, k) => sampleValue(io.inputs[k]!.type, k, 7));
    const changed = new Uint8Array(1000);
    changed[5] = 1;
    await plc.writeChanged(ins, w, changed);
    await until('the changed write', () => image.inputs.every((x, k) => x === w[k]));
  } finally {
    await plc.close();
    await server.stop();
  }
});

test('scattered addresses: more than 20 items are split into requests the PLC accepts', async () => {
  const image = wideImage(1);
  const server = new S7SoftPlcServer();
  const { endpoint } = await server.start(image, {});
  const plc = new S7Adapter({ endpoint });
  try {
    await plc.connect();
    // 25 words 10 bytes apart: too far apart for nodes7 to merge, too many for one request.
    const tags: TagSpec[] = Array.from({ length: 25 }, (_, k) => ({ address: `MW${k * 10}`, type: 'int', direction: 'read' }));
    const m = Buffer.alloc(256);
    for (let k = 0; k < 25; k++) m.writeUInt16BE(1000 + k, k * 10);
    server.setArea('M', m);
    const batch = await plc.prepare(tags);
    const v = new Float64Array(25);
    const q = new Uint8Array(25);
    await plc.read(batch, v, q);
    assert.equal([...v], Array.from({ length: 25 }, (_, k) => 1000 + k));
    assert.ok(q.every((x) => x === 0));
    await plc.write(
      await plc.prepare(tags.map((t) => ({ ...t, direction: 'write' as const }))),
      Float64Array.from({ length: 25 }, (_, k) => 2000 + k),
    );
    await plc.read(batch, v, q);
    assert.equal([...v], Array.from({ length: 25 }, (_, k) => 2000 + k));
  } finally {
    await plc.close();
    await server.stop();
  }
});

test('read-only (shadow mode): reads work, writes never reach the wire', async () => {
  const image = imageOf([{ address: 'a', type: 'int' }], [{ address: 'b', type: 'real' }]);
  const server = new S7SoftPlcServer();
  const { endpoint } = await server.start(image, {});
  const plc = new S7Adapter({ endpoint, readOnly: true });
  try {
    await plc.connect();
    const outs = await plc.prepare(specs(server, image, 'output'));
    const ins = await plc.prepare(specs(server, image, 'input'));
    image.outputs[0] = 1.25;
    server.sync();
    const v = new Float64Array(1);
    const q = new Uint8Array(1);
    await plc.read(outs, v, q);
    assert.is(v[0], 1.25);
    const err = await plc.write(ins, Float64Array.from([5])).catch((e: unknown) => e);
    assert.match(String(err), /read-only/);
    await sleep(20);
    assert.is(server.counters.writes, 0);
    assert.is(image.inputs[0], 0);
  } finally {
    await plc.close();
    await server.stop();
  }
});

test('malformed or missing address and type mismatch are refused naming the tag', async () => {
  const image = wideImage(3);
  const server = new S7SoftPlcServer();
  const { endpoint } = await server.start(image, {});
  const plc = new S7Adapter({ endpoint });
  try {
    await plc.connect();
    const cases: [TagSpec, string][] = [
      [{ address: 'DB1,FOO3', type: 'int', direction: 'read' }, 'PLC_TAG_UNKNOWN'],
      [{ address: 'DB9,DINT0', type: 'int', direction: 'read' }, 'PLC_TAG_UNKNOWN'],
      [{ address: 'DB2,REAL400', type: 'real', direction: 'read' }, 'PLC_TAG_UNKNOWN'],
      [{ address: 'DB2,REAL6', type: 'bool', direction: 'read' }, 'PLC_TAG_TYPE'],
      [{ address: 'M0.0', type: 'real', direction: 'write' }, 'PLC_TAG_TYPE'],
    ];
    for (const [spec, code] of cases) {
      const err = await plc.prepare([spec]).catch((e: unknown) => e);
      assert.ok(isTwinloopError(err), `${spec.address}: ${String(err)}`);
      assert.is((err as { code: string }).code, code, spec.address);
      assert.match((err as Error).message, spec.address);
    }
    // The link survived the refusals.
    const ok = await plc.prepare([{ address: 'DB2,REAL6', type: 'real', direction: 'read' }]);
    await plc.read(ok, new Float64Array(1), new Uint8Array(1));
    assert.is(plc.state, 'connected');
  } finally {
    await plc.close();
    await server.stop();
  }
});

test('peer stopped: tags bad within 2 s; restarted: same adapter reads again; failed write not replayed', async () => {
  const image = imageOf([{ address: 'a', type: 'int' }], [{ address: 'b', type: 'real' }]);
  let server = new S7SoftPlcServer();
  const { endpoint } = await server.start(image, {});
  const port = server.port;
  const plc = new S7Adapter({ endpoint, timeoutMs: 1000 });
  try {
    await plc.connect();
    const outs = await plc.prepare(specs(server, image, 'output'));
    const ins = await plc.prepare(specs(server, image, 'input'));
    const v = new Float64Array(1);
    const q = new Uint8Array(1);
    image.outputs[0] = 5;
    server.sync();
    await plc.read(outs, v, q);
    assert.is(v[0], 5);
    await server.stop();
    const t0 = performance.now();
    let err: unknown;
    for (let i = 0; i < 100 && !err; i++) {
      err = await plc.read(outs, v, q).then(() => undefined, (e: unknown) => e);
    }
    const ms = performance.now() - t0;
    assert.ok(isTwinloopError(err, 'PLC_NOT_CONNECTED'), String(err));
    assert.equal([...q], [2]);
    assert.ok(ms < 2000, `detected in ${ms.toFixed(0)} ms`);
    const werr = await plc.write(ins, Float64Array.from([99])).catch((e: unknown) => e);
    assert.ok(isTwinloopError(werr, 'PLC_NOT_CONNECTED'));
    assert.ok(isTwinloopError(await plc.connect().catch((e: unknown) => e), 'PLC_NOT_CONNECTED'), 'connect to a stopped peer fails, bounded');
    server = new S7SoftPlcServer();
    await server.start(image, { port });
    await plc.connect();
    image.outputs[0] = 6;
    server.sync();
    await plc.read(outs, v, q);
    assert.is(v[0], 6);
    assert.equal([...q], [0]);
    await sleep(50);
    assert.is(image.inputs[0], 0, 'the failed write was not replayed');
    assert.is(server.counters.writes, 0);
  } finally {
    await plc.close();
    await server.stop();
  }
});

/**
 * A TCP relay between adapter and PLC: real bytes both ways until frozen, then nothing at all
 * (a cable pulled or a PLC hung, without a FIN): what only a request timeout can detect.
 */
async function relay(port: number): Promise<{ port: number; freeze: (on: boolean) => void; close: () => Promise<void> }> {
  let frozen = false;
  const sockets = new Set<Socket>();
  const server: Server = createServer((a) => {
    const b = connect(port, '127.0.0.1');
    for (const s of [a, b]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        sockets.delete(s);
        a.destroy();
        b.destroy();
      });
    }
    a.on('data', (d) => void (frozen || b.write(d)));
    b.on('data', (d) => void (frozen || a.write(d)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as { port: number }).port,
    freeze: (on) => void (frozen = on),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

test('a hung link (no FIN) is detected within 2 s by the request timeout', async () => {
  const image = imageOf([], [{ address: 'b', type: 'real' }]);
  const server = new S7SoftPlcServer();
  await server.start(image, {});
  const r = await relay(server.port);
  const plc = new S7Adapter({ endpoint: `s7://127.0.0.1:${r.port}?rack=0&slot=1`, timeoutMs: 1000 });
  try {
    await plc.connect();
    const outs = await plc.prepare(specs(server, image, 'output'));
    const v = new Float64Array(1);
    const q = new Uint8Array(1);
    await plc.read(outs, v, q);
    r.freeze(true);
    const t0 = performance.now();
    const err = await plc.read(outs, v, q).catch((e: unknown) => e);
    const ms = performance.now() - t0;
    assert.ok(isTwinloopError(err, 'PLC_NOT_CONNECTED'), String(err));
    assert.equal([...q], [2]);
    assert.ok(ms < 2000, `detected in ${ms.toFixed(0)} ms`);
    r.freeze(false);
    image.outputs[0] = 4.5;
    server.sync();
    await until('reconnect', () => plc.connect().then(() => true, () => false));
    await plc.read(outs, v, q);
    assert.equal([v[0], q[0]], [4.5, 0]);
  } finally {
    await plc.close();
    await r.close();
    await server.stop();
  }
});

test('ten link flaps: values flow again after each', async () => {
  const image = wideImage(30);
  let server = new S7SoftPlcServer();
  const { endpoint } = await server.start(image, {});
  const port = server.port;
  const plc = new S7Adapter({ endpoint, timeoutMs: 500 });
  const v = new Float64Array(30);
  const q = new Uint8Array(30);
  try {
    await plc.connect();
    const outs = await plc.prepare(specs(server, image, 'output'));
    for (let flap = 0; flap < 10; flap++) {
      image.outputs[2] = flap + 0.5;
      await until(`value after flap ${flap}`, async () => {
        await plc.read(outs, v, q);
        return v[2] === flap + 0.5 && q.every((x) => x === 0);
      });
      await server.stop();
      await until('tags bad', async () => {
        await plc.read(outs, v, q).catch(() => undefined);
        return q.every((x) => x === 2);
      });
      server = new S7SoftPlcServer();
      await server.start(image, { port });
      await until('reconnect', () => plc.connect().then(() => true, () => false));
    }
  } finally {
    await plc.close();
    await server.stop();
  }
});

test.run();
