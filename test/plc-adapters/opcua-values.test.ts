// The OPC UA value codec without a server: 64-bit words both ways (two's complement, high word
// unsigned as node-opcua carries it), array elements, String, DateTime, and values that are no
// number reading with bad quality instead of NaN with good quality.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { DataValue, Variant } from 'node-opcua';
import { decodeInto, newWriteVariant, setVariant } from '../../plc-adapters/opcua/opcua-values.ts';
import { DataType, fitsType, typeMismatch } from '../../plc-adapters/opcua/opcua-types.ts';
import { splitIndex } from '../../plc-adapters/opcua/opcua-address.ts';

const GOOD = { isGood: () => true, isBad: () => false };
const dv = (dataType: number, value: unknown, arrayType = 0): DataValue => ({ value: { dataType, arrayType, value }, statusCode: GOOD }) as unknown as DataValue;

function read(d: DataValue): [number, number] {
  const out = new Float64Array(1);
  const q = new Uint8Array(1);
  decodeInto(d, out, q, 0);
  return [out[0]!, q[0]!];
}

function words(t: DataType, v: number): number[] {
  const variant = newWriteVariant(t, false) as unknown as Variant;
  setVariant(variant, t, v);
  return variant.value as number[];
}

test('Int64 words: sign and magnitude both ways', () => {
  const cases: [number, number, number][] = [
    [0, 0, 0],
    [-1, 0xffffffff, 0xffffffff],
    [-2, 0xffffffff, 0xfffffffe],
    [-4294967296, 0xffffffff, 0],
    [4294967296, 1, 0],
    [Number.MAX_SAFE_INTEGER, 0x1fffff, 0xffffffff],
    [-Number.MAX_SAFE_INTEGER, 0xffe00000, 1],
  ];
  for (const [v, hi, lo] of cases) {
    assert.equal(words(DataType.Int64, v), [hi, lo], `encode ${v}`);
    assert.equal(read(dv(DataType.Int64, [hi, lo])), [v, 0], `decode ${v}`);
  }
  assert.equal(read(dv(DataType.UInt64, [0xffffffff, 0xfffffffe])), [18446744073709551614, 1], 'UInt64 beyond 2^53: rounded, uncertain');
  assert.equal(read(dv(DataType.UInt64, [0x1fffff, 0xffffffff])), [Number.MAX_SAFE_INTEGER, 0]);
  assert.ok(fitsType(DataType.Int64, -Number.MAX_SAFE_INTEGER));
  assert.not.ok(fitsType(DataType.Int64, 2 ** 53));
  assert.not.ok(fitsType(DataType.UInt64, -1));
});

test('an element of an array, a String, a DateTime; what is no number reads bad', () => {
  assert.equal(read(dv(DataType.Double, new Float64Array([4.5]), 1)), [4.5, 0]);
  assert.equal(read(dv(DataType.Int64, [[0xffffffff, 0xfffffffd]], 1)), [-3, 0]);
  assert.equal(read(dv(DataType.String, ' 12.5 ')), [12.5, 0]);
  assert.equal(read(dv(DataType.DateTime, new Date(86_400_000))), [86_400_000, 0]);
  assert.equal(read(dv(DataType.Double, new Float64Array([1, 2, 3, 4]), 1))[1], 2, 'a whole array is not a value');
  assert.equal(read(dv(DataType.String, 'open'))[1], 2);
  assert.equal(read(dv(DataType.String, ''))[1], 2);
  assert.equal(read(dv(DataType.Double, Number.NaN)), [Number.NaN, 0], "a PLC's own NaN stays good");
  const el = newWriteVariant(DataType.Double, true) as unknown as Variant;
  setVariant(el, DataType.Double, -7.25);
  assert.equal(el.value, [-7.25]);
  const s = newWriteVariant(DataType.String, false) as unknown as Variant;
  setVariant(s, DataType.String, 42);
  assert.is(s.value, '42');
});

test('type rules: subtypes by name or built-in; index suffixes', () => {
  assert.is(typeMismatch('real', { builtIn: DataType.Double, name: 'Duration' }, 'Duration'), undefined);
  assert.is(typeMismatch('real', { builtIn: DataType.Double, name: 'Duration' }, 'Double'), undefined);
  assert.match(typeMismatch('bool', { builtIn: DataType.Int32, name: 'MotorMode' }) ?? '', 'is MotorMode (Int32) on the server');
  assert.equal(splitIndex('ns=3;s=Arr[2]'), { node: 'ns=3;s=Arr', indexRange: '2' });
  assert.equal(splitIndex('ns=3;s=M[1,0]'), { node: 'ns=3;s=M', indexRange: '1,0' });
  assert.is(splitIndex('ns=3;s=Arr[2:4]'), undefined, 'a range is several values');
  assert.is(splitIndex('ns=3;s=Arr'), undefined);
});

test.run();
