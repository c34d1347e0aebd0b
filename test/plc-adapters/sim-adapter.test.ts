// The built-in controller through the adapter interface: scan semantics, tag checks, and the
// sorting program's sequence driven input by input.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimAdapter } from '../../plc-adapters/sim/sim-adapter.ts';
import { isSteppable, type TagSpec } from '../../plc-adapters/adapter.ts';
import { createAdapter } from '../../plc-adapters/factory.ts';
import { isTwinloopError } from '../../core/errors.ts';

const inputs: TagSpec[] = ['pe1.blocked', 'hs1.high', 'pe2.blocked', 'm2.running', 'pu1.extended', 'pu1.retracted'].map((a) => ({ address: a, type: 'bool', direction: 'write' }));
const outputs: TagSpec[] = [
  { address: 'm1.run', type: 'bool', direction: 'read' },
  { address: 'm2.run', type: 'bool', direction: 'read' },
  { address: 'pu1.extend', type: 'bool', direction: 'read' },
  { address: 'ctl.fault', type: 'bool', direction: 'read' },
  { address: 'm2.setpoint', type: 'real', direction: 'read' },
];

async function rig() {
  const plc = new SimAdapter({ program: 'sorting', cycleMs: 10 });
  await plc.connect();
  const inB = await plc.prepare(inputs);
  const outB = await plc.prepare(outputs);
  const i = new Float64Array(inputs.length);
  const q = new Float64Array(outputs.length);
  const qq = new Uint8Array(outputs.length);
  const scan = (set: Partial<Record<string, number>>) => {
    inputs.forEach((t, k) => {
      if (set[t.address] !== undefined) i[k] = set[t.address]!;
    });
    plc.writeSync(inB, i);
    plc.scan();
    plc.readSync(outB, q, qq);
    return { m1: q[0], m2: q[1], extend: q[2], fault: q[3], sp: q[4] };
  };
  return { plc, scan };
}

test('the factory builds the built-in controller, and it is steppable', () => {
  const a = createAdapter({ name: 'plc1', protocol: 'sim', program: 'sorting' });
  assert.ok(isSteppable(a));
  assert.throws(() => createAdapter({ name: 'x', protocol: 'profinet' }), /unknown protocol "profinet"; known: sim/);
});

test('unknown tags and wrong types are refused, naming the tag', async () => {
  const plc = new SimAdapter({ program: 'sorting' });
  await plc.connect();
  try {
    await plc.prepare([{ address: 'pe9.blocked', type: 'bool', direction: 'write' }]);
    assert.unreachable();
  } catch (err) {
    assert.ok(isTwinloopError(err, 'PLC_TAG_UNKNOWN'));
    assert.match((err as Error).message, /tag pe9\.blocked: not an input of program sorting/);
  }
  try {
    await plc.prepare([{ address: 'm1.setpoint', type: 'bool', direction: 'read' }]);
    assert.unreachable();
  } catch (err) {
    assert.ok(isTwinloopError(err, 'PLC_TAG_TYPE'));
  }
});

test('outputs change only at a scan (inputs are frozen into the image)', async () => {
  const { plc, scan } = await rig();
  const first = scan({});
  assert.is(first.m1, 1);
  assert.is(first.sp, 50);
  assert.is(plc.scans, 1);
});

test('a tall item is tracked from the entry eye to the pusher and diverted', async () => {
  const { scan } = await rig();
  scan({ 'm2.running': 1, 'pu1.retracted': 1 });
  // Tall item passes the entry eye; the height curtain sees it mid-way.
  scan({ 'pe1.blocked': 1 });
  scan({ 'hs1.high': 1 });
  scan({ 'hs1.high': 0 });
  scan({ 'pe1.blocked': 0 });
  // It reaches the pusher eye: both drives stop.
  let o = scan({ 'pe2.blocked': 1 });
  assert.is(o.m1, 0);
  assert.is(o.m2, 0);
  assert.is(o.extend, 0, 'no stroke before the belt stands');
  o = scan({ 'm2.running': 0 });
  o = scan({});
  assert.is(o.extend, 1);
  o = scan({ 'pu1.retracted': 0, 'pu1.extended': 1 });
  assert.is(o.extend, 0);
  o = scan({ 'pu1.extended': 0, 'pu1.retracted': 1 });
  assert.is(o.m2, 1, 'restarted after the pusher is home');
  assert.is(o.fault, 0);
});

test('a short item rides through to the end without stopping the line', async () => {
  const { scan } = await rig();
  scan({ 'm2.running': 1, 'pu1.retracted': 1 });
  scan({ 'pe1.blocked': 1 });
  scan({ 'pe1.blocked': 0 });
  const o = scan({ 'pe2.blocked': 1 });
  assert.is(o.m2, 1);
  assert.is(o.extend, 0);
});

test('a pusher that never reaches its end switch latches a fault after 2 s', async () => {
  const { scan } = await rig();
  scan({ 'm2.running': 1, 'pu1.retracted': 1 });
  scan({ 'pe1.blocked': 1, 'hs1.high': 1 });
  scan({ 'pe1.blocked': 0, 'hs1.high': 0 });
  scan({ 'pe2.blocked': 1, 'm2.running': 0 });
  let o = scan({});
  for (let k = 0; k < 210; k++) o = scan({});
  assert.is(o.fault, 1);
  assert.is(o.m1, 0);
  assert.is(o.extend, 0);
});

test('saveState/restoreState: a restored controller continues a divert mid-sequence; a foreign state is refused', async () => {
  const a = await rig();
  a.scan({ 'm2.running': 1, 'pu1.retracted': 1 });
  // A tall item tracked in the FIFO, another short one behind it, then the tall one at the pusher.
  a.scan({ 'pe1.blocked': 1, 'hs1.high': 1 });
  a.scan({ 'pe1.blocked': 0, 'hs1.high': 0 });
  a.scan({ 'pe1.blocked': 1 });
  a.scan({ 'pe1.blocked': 0 });
  a.scan({ 'pe2.blocked': 1 });
  const saved = a.plc.saveState()!;
  assert.ok(saved.length > 0);
  const b = await rig();
  b.plc.restoreState(saved);
  assert.is(b.plc.scans, a.plc.scans);
  // Both continue the same way: stopped, extend once the belt stands, then the short item rides on.
  for (const step of [{ 'm2.running': 0 }, {}, { 'pu1.retracted': 0, 'pu1.extended': 1 }, { 'pu1.extended': 0, 'pu1.retracted': 1 }, { 'pe2.blocked': 0 }, { 'pe2.blocked': 1 }]) {
    assert.equal(b.scan(step), a.scan(step));
  }
  assert.equal([...b.plc.saveState()!], [...a.plc.saveState()!]);
  const furnace = new SimAdapter({ program: 'furnace', cycleMs: 10 });
  const before = [...furnace.saveState()!];
  try {
    furnace.restoreState(saved);
    assert.unreachable('restored a sorting state into the furnace program');
  } catch (err) {
    assert.ok(isTwinloopError(err) && err.code === 'SNAPSHOT_INVALID', String(err));
  }
  assert.equal([...furnace.saveState()!], before, 'unchanged');
});

test.run();
