// Modbus addresses, codecs and request planning, with no socket: every address form (table
// prefixes, Modicon numbers, OpenPLC located variables, order suffixes), refusals with their
// reasons, register bytes for every type and order as hex, and batching within the limits.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseModbusAddress, type ModbusAddress, type ModbusOrder } from '../../plc-adapters/modbus/modbus-address.ts';
import { decodeBit, decodeRegisters, encodeRegisters } from '../../plc-adapters/modbus/modbus-codec.ts';
import { planRequests } from '../../plc-adapters/modbus/modbus-plan.ts';
import { parseModbusEndpoint } from '../../plc-adapters/modbus/modbus-config.ts';
import type { SignalType } from '../../core/signals.ts';
import { parsePlantFile } from '../../core/config/plant-file.ts';
import { createAdapter } from '../../plc-adapters/factory.ts';

const BIG: ModbusOrder = { wordOrder: 'big', byteOrder: 'big' };

function parse(text: string, type: SignalType = 'real', plcType?: string, order = BIG): ModbusAddress {
  const a = parseModbusAddress(text, type, plcType, order);
  if (typeof a === 'string') throw new Error(`${text}: ${a}`);
  return a;
}

function refusal(text: string, type: SignalType = 'real', plcType?: string): string {
  const a = parseModbusAddress(text, type, plcType, BIG);
  if (typeof a !== 'string') throw new Error(`${text} was accepted as ${a.text}`);
  return a;
}

test('table forms, Modicon numbers and OpenPLC located variables', () => {
  const at = (text: string, type: SignalType = 'real', plcType?: string): string => {
    const a = parse(text, type, plcType);
    return `${a.table}:${a.offset}/${a.type}/${a.words}`;
  };
  assert.is(at('coil:0', 'bool'), 'coil:0/BOOL/1');
  assert.is(at('CO:7', 'bool'), 'coil:7/BOOL/1');
  assert.is(at('di:10', 'bool'), 'di:10/BOOL/1');
  assert.is(at('hr:100'), 'hr:100/FLOAT32/2');
  assert.is(at('hr:100', 'int'), 'hr:100/INT16/1');
  assert.is(at('ir:5', 'int', 'uint32'), 'ir:5/UINT32/2');
  assert.is(at('00001', 'bool'), 'coil:0/BOOL/1');
  assert.is(at('10001', 'bool'), 'di:0/BOOL/1');
  assert.is(at('30010', 'int'), 'ir:9/INT16/1');
  assert.is(at('40001', 'real', 'FLOAT64'), 'hr:0/FLOAT64/4');
  assert.is(at('400101', 'int'), 'hr:100/INT16/1');
  assert.is(at('%QX0.0', 'bool'), 'coil:0/BOOL/1');
  assert.is(at('%QX1.2', 'bool'), 'coil:10/BOOL/1');
  assert.is(at('%IX100.7', 'bool'), 'di:807/BOOL/1');
  assert.is(at('%IW3', 'int'), 'ir:3/INT16/1');
  assert.is(at('%QW2'), 'hr:2/INT16/1'); // a real on a 16-bit word: INT16, scaled by the plant file
  assert.is(at('%MW0', 'int'), 'hr:1024/INT16/1');
  assert.is(at('%MD1'), 'hr:2050/FLOAT32/2');
  assert.is(at('%MD1', 'int'), 'hr:2050/INT32/2');
  assert.is(at('%ML1'), 'hr:4100/FLOAT64/4');
});

test('order: controller default, per-tag suffix; messages show non-standard orders', () => {
  const little: ModbusOrder = { wordOrder: 'little', byteOrder: 'big' };
  assert.is(parse('hr:0', 'real', undefined, little).text, 'hr:0 FLOAT32 CDAB');
  assert.is(parse('hr:0:ABCD', 'real', undefined, little).text, 'hr:0 FLOAT32');
  const a = parse('hr:0:dcba', 'real', 'FLOAT64');
  assert.equal([a.wordOrder, a.byteOrder], ['little', 'little']);
  assert.is(parse('40001:BADC', 'int').text, 'hr:0 INT16 BADC');
});

test('refusals say why', () => {
  assert.match(refusal('hr100'), /not a Modbus address/);
  assert.match(refusal('hr:70000'), /0\.\.65535/);
  assert.match(refusal('470000'), /end at 465536/);
  assert.match(refusal('40000', 'int'), /start at 1/);
  assert.match(refusal('coil:0', 'int', 'INT16'), /one bit: it holds a BOOL/);
  assert.match(refusal('hr:0', 'int', 'FLOAT32'), /int tag cannot be FLOAT32/);
  assert.match(refusal('hr:0', 'bool', 'INT16'), /bool tag needs BOOL/);
  assert.match(refusal('hr:0', 'real', 'REAL'), /not a Modbus type/);
  assert.match(refusal('hr:65535', 'real', 'FLOAT32'), /runs past the last Modbus address/);
  assert.match(refusal('%MD0', 'int', 'INT16'), /32 bits wide; INT16 is 16/);
  assert.match(refusal('%QX0', 'bool'), /needs \.<bit>/);
  assert.match(refusal('%IX200.0', 'bool'), /199\.7 only/);
  assert.match(refusal('hr:0:CDAB', 'int', 'INT16'), /has one word/);
});

function wire(a: ModbusAddress, v: number): string {
  const buf = Buffer.alloc(2 * a.words + 4, 0xee);
  encodeRegisters(buf, 2, a, v);
  assert.equal([buf[0], buf[1], buf[buf.length - 2], buf[buf.length - 1]], [0xee, 0xee, 0xee, 0xee], 'nothing written around the value');
  const got = decodeRegisters(buf, 2, a);
  assert.is(got, a.type === 'FLOAT32' ? Math.fround(v) : v, `${a.text} round trip of ${v}`);
  return buf.subarray(2, 2 + 2 * a.words).toString('hex');
}

test('register bytes of every type and order (hex as on the wire)', () => {
  assert.is(wire(parse('hr:0', 'int', 'INT16'), -2), 'fffe');
  assert.is(wire(parse('hr:0:BADC', 'int', 'INT16'), -2), 'feff');
  assert.is(wire(parse('hr:0', 'int', 'UINT16'), 0x1234), '1234');
  assert.is(wire(parse('hr:0:BADC', 'int', 'UINT16'), 0x1234), '3412');
  assert.is(wire(parse('hr:0', 'int', 'INT32'), 0x01020304), '01020304');
  assert.is(wire(parse('hr:0:CDAB', 'int', 'INT32'), 0x01020304), '03040102');
  assert.is(wire(parse('hr:0:BADC', 'int', 'INT32'), 0x01020304), '02010403');
  assert.is(wire(parse('hr:0:DCBA', 'int', 'INT32'), 0x01020304), '04030201');
  assert.is(wire(parse('hr:0', 'int', 'INT32'), -1), 'ffffffff');
  assert.is(wire(parse('hr:0', 'int', 'UINT32'), 4294967295), 'ffffffff');
  assert.is(wire(parse('hr:0', 'real', 'FLOAT32'), 1.5), '3fc00000');
  assert.is(wire(parse('hr:0:CDAB', 'real', 'FLOAT32'), 1.5), '00003fc0');
  assert.is(wire(parse('hr:0:BADC', 'real', 'FLOAT32'), 1.5), 'c03f0000');
  assert.is(wire(parse('hr:0:DCBA', 'real', 'FLOAT32'), 1.5), '0000c03f');
  assert.is(wire(parse('hr:0', 'real', 'FLOAT64'), -2.5), 'c004000000000000');
  assert.is(wire(parse('hr:0:CDAB', 'real', 'FLOAT64'), -2.5), '00000000' + '0000c004');
});

test('FLOAT64 in all four orders; integers saturate and truncate; BOOL registers', () => {
  const f64 = (order: string): string => wire(parse(`hr:0:${order}`, 'real', 'FLOAT64'), 1 / 3);
  const abcd = f64('ABCD');
  assert.is(abcd, '3fd5555555555555');
  assert.is(f64('CDAB'), '55555555' + '55553fd5');
  assert.is(f64('BADC'), 'd53f555555555555');
  assert.is(f64('DCBA'), '555555555555d53f');
  const buf = Buffer.alloc(4);
  const i16 = parse('hr:0', 'int', 'INT16');
  encodeRegisters(buf, 0, i16, 1e9);
  assert.is(decodeRegisters(buf, 0, i16), 32767);
  encodeRegisters(buf, 0, i16, -7.9);
  assert.is(decodeRegisters(buf, 0, i16), -7);
  encodeRegisters(buf, 0, i16, Number.NaN);
  assert.is(decodeRegisters(buf, 0, i16), 0);
  const u16 = parse('hr:0', 'int', 'UINT16');
  encodeRegisters(buf, 0, u16, -5);
  assert.is(decodeRegisters(buf, 0, u16), 0);
  const b = parse('hr:0', 'bool', 'BOOL');
  buf.writeUInt16BE(0x0100, 0);
  assert.is(decodeRegisters(buf, 0, b), 1);
  encodeRegisters(buf, 0, b, 0);
  assert.is(buf.readUInt16BE(0), 0);
  assert.is(decodeBit(Buffer.from([0b0000_0100, 0b1000_0000]), 2), 1);
  assert.is(decodeBit(Buffer.from([0b0000_0100, 0b1000_0000]), 15), 1);
  assert.is(decodeBit(Buffer.from([0b0000_0100, 0b1000_0000]), 3), 0);
});

test('batching: contiguous ranges within 125 registers / 2,000 bits; values never split; gaps split', () => {
  const regs = Array.from({ length: 1000 }, (_, k) => parse(`hr:${k}`, 'int', 'INT16'));
  const reads = planRequests(regs, 'read');
  assert.equal(reads.map((r) => r.count), [125, 125, 125, 125, 125, 125, 125, 125]);
  const writes = planRequests(regs, 'write');
  assert.is(writes.length, 9);
  assert.ok(writes.every((r) => r.count <= 123 && r.registers?.length === 2 * r.count));
  const coils = Array.from({ length: 4500 }, (_, k) => parse(`coil:${k}`, 'bool'));
  assert.equal(planRequests(coils, 'read').map((r) => r.count), [2000, 2000, 500]);
  assert.equal(planRequests(coils, 'write').map((r) => r.count), [1968, 1968, 564]);
  // 62 FLOAT32 = 124 registers; the 63rd would straddle the limit: it starts the next request.
  const floats = Array.from({ length: 64 }, (_, k) => parse(`hr:${2 * k}`, 'real', 'FLOAT32'));
  assert.equal(planRequests(floats, 'read').map((r) => [r.start, r.count]), [[0, 124], [124, 4]]);
  // Out of order tags, two tables, a gap: tag positions follow.
  const mixed = [parse('hr:10', 'int'), parse('coil:3', 'bool'), parse('hr:9', 'int'), parse('hr:20', 'int'), parse('coil:4', 'bool')];
  const plan = planRequests(mixed, 'read');
  assert.equal(
    plan.map((r) => [r.text, [...r.tags], [...r.pos]]),
    [
      ['coil:3..4', [1, 4], [0, 1]],
      ['hr:9..10', [2, 0], [0, 2]],
      ['hr:20..20', [3], [0]],
    ],
  );
  assert.equal(planRequests(mixed, 'read', 10).map((r) => r.text), ['coil:3..4', 'hr:9..20']);
  assert.equal(planRequests(mixed, 'write', 10).map((r) => r.text), ['coil:3..4', 'hr:9..10', 'hr:20..20'], 'writes never span gaps');
});

test('endpoints', () => {
  assert.equal(parseModbusEndpoint('modbus://10.0.0.5:1502?unit=3'), { host: '10.0.0.5', port: 1502, unitId: 3 });
  assert.equal(parseModbusEndpoint('10.0.0.5'), { host: '10.0.0.5', port: 502, unitId: 1 });
  assert.equal(parseModbusEndpoint('plc.local:5020', { unitId: 7 }), { host: 'plc.local', port: 5020, unitId: 7 });
  assert.throws(() => parseModbusEndpoint('modbus://h?unit=300'), /unit=300 out of range/);
  assert.throws(() => parseModbusEndpoint('opc.tcp://h:4840'), /scheme must be modbus/);
});

test('plant file: modbus block and tags validated at load, each error with its path, line and signal', () => {
  const text = [
    'controllers:',
    '  - name: plc1',
    '    protocol: modbus',
    '    endpoint: 127.0.0.1:1502',
    '    modbus: { unitId: 3, wordOrder: little, maxInFlight: 4 }',
    '    tags:',
    '      - { signal: a.ok, address: "hr:1", direction: read, type: real }',
    '      - { signal: a.bad, address: "hr:x", direction: read, type: real }',
    '      - { signal: a.ro, address: "ir:4", direction: write, type: int }',
    '      - { signal: a.wide, address: "coil:4", direction: write, type: int, plcType: INT16 }',
  ].join('\n');
  let message = '';
  try {
    parsePlantFile('plant.yaml', text);
  } catch (e) {
    message = (e as Error).message;
  }
  const lines = message.split('\n');
  assert.is(lines.length, 3, message);
  assert.match(lines[0]!, /^plant\.yaml: controllers\[0\]\.tags\[1\]\.address: Modbus tag hr:x \(signal a\.bad\) of the plant file: not a Modbus address.*\(line 8\)$/);
  assert.match(lines[1]!, /tags\[2\]\.address: .*input registers are read-only.*\(line 9\)$/);
  assert.match(lines[2]!, /tags\[3\]\.address: .*a coil is one bit.*\(line 10\)$/);
  const ok = parsePlantFile('plant.yaml', text.split('\n').slice(0, 7).join('\n'));
  const c = ok.controllers[0]!;
  assert.equal(c.modbus, { unitId: 3, wordOrder: 'little', maxInFlight: 4 });
  const adapter = createAdapter(c);
  assert.is(adapter.protocol, 'modbus');
  assert.equal((adapter as unknown as { endpoint: unknown }).endpoint, { host: '127.0.0.1', port: 1502, unitId: 3 });
  assert.throws(() => parsePlantFile('plant.yaml', text.replace('unitId: 3', 'unitId: 300').split('\n').slice(0, 7).join('\n')), /unitId/);
  assert.throws(() => parsePlantFile('plant.yaml', text.replace('protocol: modbus', 'protocol: s7').split('\n').slice(0, 7).join('\n')), /modbus options on a s7 controller/);
});

test.run();
