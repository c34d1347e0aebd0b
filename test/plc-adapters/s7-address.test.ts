// The S7 address parser with fixtures (pure, no PLC): every form the adapter accepts, the
// canonical nodes7 spelling it hands the driver, and the reasons it gives for bad ones; plus
// the soft PLC's DB layout and the endpoint / plant-block mapping.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseS7Address } from '../../plc-adapters/s7/s7-address.ts';
import { layoutDb, slotAddress } from '../../plc-adapters/s7/s7-soft-plc.ts';
import { parseS7Endpoint } from '../../plc-adapters/s7/s7-adapter.ts';
import { s7AdapterOptions } from '../../plc-adapters/s7/s7-config.ts';
import { adsAdapterOptions } from '../../plc-adapters/ads/ads-config.ts';
import { isTwinloopError } from '../../core/errors.ts';

const GOOD: [string, string, string, string, number, number, string][] = [
  // text, area, type, signal, byte, bit, nodes7
  ['DB1,REAL0', 'DB', 'REAL', 'real', 0, 0, 'DB1,REAL0'],
  ['DB1,X4.0', 'DB', 'X', 'bool', 4, 0, 'DB1,X4.0'],
  ['DB1,INT6', 'DB', 'INT', 'int', 6, 0, 'DB1,INT6'],
  ['DB1,DINT8', 'DB', 'DINT', 'int', 8, 0, 'DB1,DINT8'],
  ['db12,x3.7', 'DB', 'X', 'bool', 3, 7, 'DB12,X3.7'],
  ['DB3,W10', 'DB', 'WORD', 'int', 10, 0, 'DB3,WORD10'],
  ['DB3,DW10', 'DB', 'DWORD', 'int', 10, 0, 'DB3,DWORD10'],
  ['DB3,B1', 'DB', 'BYTE', 'int', 1, 0, 'DB3,BYTE1'],
  ['DB3,LREAL16', 'DB', 'LREAL', 'real', 16, 0, 'DB3,LREAL16'],
  ['I0.0', 'I', 'X', 'bool', 0, 0, 'I0.0'],
  ['E1.3', 'I', 'X', 'bool', 1, 3, 'I1.3'],
  ['Q0.1', 'Q', 'X', 'bool', 0, 1, 'Q0.1'],
  ['A2.0', 'Q', 'X', 'bool', 2, 0, 'Q2.0'],
  ['M10.0', 'M', 'X', 'bool', 10, 0, 'M10.0'],
  ['MW12', 'M', 'WORD', 'int', 12, 0, 'MW12'],
  ['MI12', 'M', 'INT', 'int', 12, 0, 'MI12'],
  ['MD20', 'M', 'DWORD', 'int', 20, 0, 'MD20'],
  ['MDI20', 'M', 'DINT', 'int', 20, 0, 'MDI20'],
  ['MR4', 'M', 'REAL', 'real', 4, 0, 'MR4'],
  ['IB3', 'I', 'BYTE', 'int', 3, 0, 'IB3'],
  ['QR8', 'Q', 'REAL', 'real', 8, 0, 'QR8'],
];

test('accepted forms, with area, type, offsets and the nodes7 spelling', () => {
  for (const [text, area, type, signal, byte, bit, nodes7] of GOOD) {
    const a = parseS7Address(text);
    assert.type(a, 'object', text);
    if (typeof a === 'string') continue;
    assert.equal([a.area, a.type.name, a.type.signal, a.byte, a.bit, a.nodes7], [area, type, signal, byte, bit, nodes7], text);
  }
});

test('refused forms say why', () => {
  const BAD: [string, RegExp][] = [
    ['DB1,X4', /needs \.<bit>/],
    ['DB1,X4.8', /bit 8 > 7/],
    ['DB1,REAL0.1', /takes no bit/],
    ['DB0,INT0', /start at 1/],
    ['M10', /needs \.<bit>/],
    ['MW2.1', /takes no bit/],
    ['DB1,FOO3', /not an S7 address/],
    ['X0.0', /not an S7 address/],
    ['', /not an S7 address/],
    ['DB1;REAL0', /not an S7 address/],
  ];
  for (const [text, why] of BAD) {
    const r = parseS7Address(text);
    assert.type(r, 'string', text);
    assert.match(r as string, why, text);
  }
});

test('soft PLC DB layout: bits packed, DINT/REAL on even bytes', () => {
  const { slots, size } = layoutDb([
    { address: 'a', type: 'bool' },
    { address: 'b', type: 'bool' },
    { address: 'c', type: 'real' },
    { address: 'd', type: 'bool' },
    { address: 'e', type: 'int' },
  ]);
  assert.equal(
    slots.map((s) => slotAddress(1, s)),
    ['DB1,X0.0', 'DB1,X0.1', 'DB1,REAL2', 'DB1,X6.0', 'DB1,DINT8'],
  );
  assert.is(size, 12);
});

test('endpoints and plant blocks map to adapter options', () => {
  assert.equal(parseS7Endpoint('s7://10.0.0.5'), { host: '10.0.0.5', port: 102, rack: 0, slot: 1 });
  assert.equal(parseS7Endpoint('s7://10.0.0.5:1102?rack=0&slot=2'), { host: '10.0.0.5', port: 1102, rack: 0, slot: 2 });
  for (const bad of ['s7://h?slot=99', 'tcp://h', 's7://h?rack=x']) {
    let err: unknown;
    try {
      parseS7Endpoint(bad);
    } catch (e) {
      err = e;
    }
    assert.ok(isTwinloopError(err, 'CFG_INVALID'), bad);
  }
  assert.is(s7AdapterOptions({ name: 'p', endpoint: '10.0.0.5', s7: { rack: 0, slot: 2, port: 102 } }).endpoint, 's7://10.0.0.5:102?rack=0&slot=2');
  assert.is(adsAdapterOptions({ name: 'p', endpoint: '192.168.1.20' }).endpoint, 'ads://192.168.1.20:48898/192.168.1.20.1.1:851');
  assert.is(adsAdapterOptions({ name: 'p', endpoint: 'plc.local:48898', ads: { targetAmsNetId: '5.1.2.3.1.1', targetAdsPort: 852 } }).endpoint, 'ads://plc.local:48898/5.1.2.3.1.1:852');
  assert.is(adsAdapterOptions({ name: 'p', endpoint: 'ads://h/1.2.3.4.1.1', ads: { notifications: true } }).readMode, 'notify');
  assert.throws(() => adsAdapterOptions({ name: 'p', endpoint: 'plc.local' }), /targetAmsNetId/);
  assert.throws(() => adsAdapterOptions({ name: 'p', endpoint: '10.0.0.1', ads: { direct: true } }), /localAmsNetId/);
});

test.run();
