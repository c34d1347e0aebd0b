// The Modbus TCP adapter (modbus-serial) against an independent server: Debian's
// python3-pymodbus (test/fixtures/modbus-server.py) on 127.0.0.1. Every type and order both
// ways, checked on the server's side of the wire without Modbus; coils, discrete inputs and
// input registers; unit ids; 1,000 registers each way in protocol-sized requests; partial
// writes; bad addresses refused with the exception code and the tag; read-only couplings.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ModbusAdapter } from '../../plc-adapters/modbus/modbus-adapter.ts';
import { isTwinloopError } from '../../core/errors.ts';
import type { TagSpec } from '../../plc-adapters/adapter.ts';
import { startModbusPeer, type ModbusPeer } from '../fixtures/modbus-peer.ts';

type Spec = TagSpec & { readonly plcType?: string };

let peer: ModbusPeer;

test.before(async () => {
  peer = await startModbusPeer({ size: 4096, units: [1, 2] });
});

test.after(async () => {
  await peer.stop();
});

async function withAdapter<T>(fn: (plc: ModbusAdapter) => Promise<T>, options: { unit?: number; maxInFlight?: number; readOnly?: boolean } = {}): Promise<T> {
  const plc = new ModbusAdapter({ endpoint: `modbus://127.0.0.1:${peer.port}?unit=${options.unit ?? 1}`, maxInFlight: options.maxInFlight ?? 1, readOnly: options.readOnly ?? false });
  await plc.connect();
  try {
    return await fn(plc);
  } finally {
    await plc.close();
  }
}

/** Register words (hex) as the server holds them. */
async function words(table: 'hr' | 'ir', address: number, count: number, unit = 1): Promise<string> {
  return (await peer.get(table, address, count, unit)).map((w) => w.toString(16).padStart(4, '0')).join('');
}

test('every register type in every order: written bytes on the server, read back exact', async () => {
  const cases: [string, string, number, string][] = [
    // address, plcType, value, server words (hex)
    ['hr:0', 'INT16', -2, 'fffe'],
    ['hr:1:BADC', 'INT16', -2, 'feff'],
    ['hr:2', 'UINT16', 0xbeef, 'beef'],
    ['hr:3:BADC', 'UINT16', 0x1234, '3412'],
    ['hr:10', 'INT32', -123456789, 'f8a432eb'],
    ['hr:12:CDAB', 'INT32', 0x01020304, '03040102'],
    ['hr:14:BADC', 'INT32', 0x01020304, '02010403'],
    ['hr:16:DCBA', 'INT32', 0x01020304, '04030201'],
    ['hr:20', 'UINT32', 4000000000, 'ee6b2800'],
    ['hr:22:CDAB', 'UINT32', 4000000000, '2800ee6b'],
    ['hr:30', 'FLOAT32', 1.5, '3fc00000'],
    ['hr:32:CDAB', 'FLOAT32', 1.5, '00003fc0'],
    ['hr:34:BADC', 'FLOAT32', 1.5, 'c03f0000'],
    ['hr:36:DCBA', 'FLOAT32', 1.5, '0000c03f'],
    ['hr:40', 'FLOAT64', 1 / 3, '3fd5555555555555'],
    ['hr:44:CDAB', 'FLOAT64', 1 / 3, '555555555555' + '3fd5'],
    ['hr:48:BADC', 'FLOAT64', 1 / 3, 'd53f555555555555'],
    ['hr:52:DCBA', 'FLOAT64', 1 / 3, '555555555555d53f'],
  ];
  await withAdapter(async (plc) => {
    const specs = (direction: 'read' | 'write'): Spec[] => cases.map(([address, plcType]) => ({ address, plcType, direction, type: plcType.startsWith('FLOAT') ? 'real' : 'int' }));
    const wb = await plc.prepare(specs('write'));
    await plc.write(wb, Float64Array.from(cases, (c) => c[2]));
    for (const [address, plcType, , hex] of cases) {
      const offset = Number(address.split(':')[1]);
      const n = plcType === 'FLOAT64' ? 4 : plcType.endsWith('32') ? 2 : 1;
      assert.is(await words('hr', offset, n), hex, `${address} ${plcType}`);
    }
    const rb = await plc.prepare(specs('read'));
    const out = new Float64Array(cases.length);
    const q = new Uint8Array(cases.length).fill(9);
    await plc.read(rb, out, q);
    assert.equal([...out], cases.map((c) => (c[1] === 'FLOAT32' ? Math.fround(c[2]) : c[2])));
    assert.ok(q.every((x) => x === 0));
  });
});

test('controller default order (CDAB) applies where a tag names none', async () => {
  const plc = new ModbusAdapter({ endpoint: `modbus://127.0.0.1:${peer.port}`, wordOrder: 'little' });
  await plc.connect();
  try {
    const wb = await plc.prepare([{ address: 'hr:60', type: 'real', direction: 'write' }]);
    await plc.write(wb, Float64Array.of(1.5));
    assert.is(await words('hr', 60, 2), '00003fc0');
  } finally {
    await plc.close();
  }
});

test('coils, discrete inputs, input registers, BOOL registers; unit ids are separate', async () => {
  await peer.set('di', 5, [1, 0, 1]);
  await peer.set('ir', 100, [0xfffe, 0x3fc0, 0x0000]);
  await peer.set('hr', 200, [0, 7]);
  await withAdapter(async (plc) => {
    const wb = await plc.prepare([
      { address: 'coil:0', type: 'bool', direction: 'write' },
      { address: 'coil:1', type: 'bool', direction: 'write' },
      { address: '00003', type: 'bool', direction: 'write' },
    ]);
    await plc.write(wb, Float64Array.of(1, 0, 1));
    assert.equal(await peer.get('co', 0, 3), [1, 0, 1]);
    const specs: Spec[] = [
      { address: 'di:5', type: 'bool', direction: 'read' },
      { address: '10007', type: 'bool', direction: 'read' },
      { address: 'di:7', type: 'bool', direction: 'read' },
      { address: 'ir:100', type: 'int', direction: 'read' },
      { address: '30102', type: 'real', direction: 'read', plcType: 'FLOAT32' },
      { address: 'coil:2', type: 'bool', direction: 'read' },
      { address: 'hr:200', type: 'bool', direction: 'read' },
      { address: '40202', type: 'bool', direction: 'read' },
    ];
    const rb = await plc.prepare(specs);
    const out = new Float64Array(specs.length);
    const q = new Uint8Array(specs.length);
    await plc.read(rb, out, q);
    assert.equal([...out], [1, 0, 1, -2, 1.5, 1, 0, 1]);
    const err = await plc.prepare([{ address: 'ir:0', type: 'int', direction: 'write' }]).catch((e: unknown) => e);
    assert.ok(isTwinloopError(err, 'PLC_TAG_TYPE'), String(err));
    assert.match((err as Error).message, /tag ir:0: input registers are read-only/);
  });
  await withAdapter(
    async (plc) => {
      const wb = await plc.prepare([{ address: 'hr:300', type: 'int', direction: 'write' }]);
      await plc.write(wb, Float64Array.of(42));
    },
    { unit: 2 },
  );
  assert.equal(await peer.get('hr', 300, 1, 2), [42]);
  assert.equal(await peer.get('hr', 300, 1, 1), [0], 'unit 1 untouched');
});

test('1,000 registers each way: 8 read and 9 write requests, values exact, pipelined or not', async () => {
  for (const maxInFlight of [1, 8]) {
    await withAdapter(
      async (plc) => {
        const n = 1000;
        const wb = await plc.prepare(Array.from({ length: n }, (_, k): Spec => ({ address: `hr:${1000 + k}`, type: 'int', direction: 'write', plcType: 'INT16' })));
        const values = Float64Array.from({ length: n }, (_, k) => k * 3 - 1500 + maxInFlight);
        await plc.write(wb, values);
        const server = await peer.get('hr', 1000, n);
        assert.equal(server.map((w) => (w >= 0x8000 ? w - 0x10000 : w)), [...values]);
        const rb = await plc.prepare(Array.from({ length: n }, (_, k): Spec => ({ address: `hr:${1000 + k}`, type: 'int', direction: 'read' })));
        const out = new Float64Array(n);
        const q = new Uint8Array(n).fill(2);
        await plc.read(rb, out, q);
        assert.equal([...out], [...values]);
        assert.ok(q.every((x) => x === 0));
        assert.equal(
          (rb as unknown as { requests: { count: number }[] }).requests.map((r) => r.count),
          [125, 125, 125, 125, 125, 125, 125, 125],
        );
        assert.is((wb as unknown as { requests: unknown[] }).requests.length, 9);
      },
      { maxInFlight },
    );
  }
});

test('partial writes send only the requests holding a changed tag', async () => {
  await withAdapter(async (plc) => {
    const specs = Array.from({ length: 300 }, (_, k): Spec => ({ address: `hr:${2000 + k}`, type: 'int', direction: 'write' }));
    const wb = await plc.prepare(specs);
    const v = new Float64Array(300).fill(5);
    await plc.write(wb, v);
    await peer.set('hr', 2000, new Array<number>(300).fill(9));
    v[200] = 6;
    const changed = new Uint8Array(300);
    changed[200] = 1;
    await plc.writeChanged(wb, v, changed);
    const server = await peer.get('hr', 2000, 300);
    assert.is(server[200], 6);
    // Requests of 123 registers: 0..122, 123..245, 246..299; tag 200 is in the second.
    assert.is(server[123], 5, 'the rest of the changed tag\'s request carries the last values');
    assert.is(server[245], 5);
    assert.is(server[0], 9, 'requests without a change were not sent');
    assert.is(server[246], 9);
  });
});

test('a bad address: the Modbus exception code and the tag are named; the link stays up', async () => {
  await withAdapter(async (plc) => {
    const specs: Spec[] = [
      { address: 'hr:4090', type: 'int', direction: 'read' },
      { address: 'hr:4095', type: 'int', direction: 'read' },
      { address: 'hr:4096', type: 'int', direction: 'read' }, // past the server's 4,096 registers
    ];
    const err = await plc.prepare(specs).catch((e: unknown) => e);
    assert.ok(isTwinloopError(err, 'PLC_TAG_UNKNOWN'), String(err));
    assert.match((err as Error).message, /^tag hr:4096: Modbus exception 2 \(ILLEGAL DATA ADDRESS\)/);
    const werr = await plc.prepare([{ address: 'coil:5000', type: 'bool', direction: 'write' }]).catch((e: unknown) => e);
    assert.match((werr as Error).message, /^tag coil:5000: Modbus exception 2 \(ILLEGAL DATA ADDRESS\)/);
    assert.is(plc.state, 'connected', 'an exception is an answer: the link stays up');
  });
  const plc = new ModbusAdapter({ endpoint: `modbus://127.0.0.1:${peer.port}?unit=1` });
  await plc.connect();
  try {
    const err = await plc.prepare([{ address: 'hr:x', type: 'int', direction: 'read' }]).catch((e: unknown) => e);
    assert.ok(isTwinloopError(err, 'PLC_TAG_UNKNOWN'));
    assert.match((err as Error).message, /^tag hr:x: not a Modbus address/);
    const terr = await plc.prepare([{ address: 'coil:1', type: 'real', direction: 'read' }]).catch((e: unknown) => e);
    assert.ok(isTwinloopError(terr, 'PLC_TAG_TYPE'), String(terr));
  } finally {
    await plc.close();
  }
});

test('a unit id the server does not have: no answer within the timeout, the message says so', async () => {
  const plc = new ModbusAdapter({ endpoint: `modbus://127.0.0.1:${peer.port}?unit=9`, timeoutMs: 300 });
  await plc.connect();
  try {
    const err = await plc.prepare([{ address: 'hr:0', type: 'int', direction: 'read' }]).catch((e: unknown) => e);
    assert.ok(isTwinloopError(err, 'PLC_NOT_CONNECTED'), String(err));
    assert.match((err as Error).message, /no answer within 300 ms .*unit 9/);
  } finally {
    await plc.close();
  }
});

test('read-only (shadow mode): reads work, write tags and writes are refused before the wire', async () => {
  await withAdapter(
    async (plc) => {
      const rb = await plc.prepare([{ address: 'hr:0', type: 'int', direction: 'read' }]);
      await plc.read(rb, new Float64Array(1), new Uint8Array(1));
      const err = await plc.prepare([{ address: 'hr:0', type: 'int', direction: 'write' }]).catch((e: unknown) => e);
      assert.ok(isTwinloopError(err, 'PLC_READ_ONLY'), String(err));
      const werr = await plc.write(rb, Float64Array.of(1)).catch((e: unknown) => e);
      assert.ok(isTwinloopError(werr, 'PLC_READ_ONLY'), String(werr));
    },
    { readOnly: true },
  );
});

test.run();
