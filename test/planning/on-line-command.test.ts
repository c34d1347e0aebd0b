// `twinloop plan FILE --on-line`: the order book on the virtual line from the command line, two
// rules serially and in the pool (the same figures: runs are pure functions of file, rule and
// seed), the report marked "on the virtual line", and the usage errors.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { planCommand } from '../../core/cli/plan-command.ts';

const dir = mkdtempSync(join(tmpdir(), 'twinloop-online-cmd-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function sink(): { stream: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const w = new Writable({ write(chunk: Buffer, _e, cb) { text += chunk.toString(); cb(); } });
  return { stream: w as unknown as NodeJS.WriteStream, text: () => text };
}

writeFileSync(join(dir, 'line.yaml'), `name: small
dt: 0.01
components:
  - { id: src, type: ordersource, next: m1 }
  - { id: m1, type: machine, next: buf }
  - { id: buf, type: buffer, capacity: 500, next: m2 }
  - { id: m2, type: machine }
`);
const PLAN = join(dir, 'small.yaml');
writeFileSync(PLAN, `name: small
line: line.yaml
rules: [edd, family]
operators: 1
calendar: { days: 5, shifts: [{ start: "06:00", end: "14:00" }], breaks: [{ start: "10:00", length: 30min }] }
stations:
  - { id: m1, spread: 0.05, changeover: { default: 20min } }
  - { id: m2, changeover: { default: 5min } }
products:
  - { name: a, family: A, cycleTime: { m1: 6, m2: 4 } }
  - { name: b, family: B, cycleTime: { m1: 8, m2: 3 } }
orders:
  - { id: O1, product: a, quantity: 600, release: "06:00", due: "12:00" }
  - { id: O2, product: b, quantity: 400, release: "06:00", due: "16:00" }
  - { id: O3, product: a, quantity: 500, release: "06:00", due: "1d 10:00" }
  - { id: O4, product: b, quantity: 300, release: "06:00", due: "1d 14:00" }
`);

const json = (d: string): { mode: string; rules: { rule: string; runs: Record<string, unknown>[] }[] } => JSON.parse(readFileSync(join(d, 'plan.json'), 'utf8'));

test('two rules on the virtual line, serially and in the pool: the same figures, the report marked', async () => {
  const a = sink(), b = sink();
  assert.is(await planCommand([PLAN, '--on-line', '--serial', '--out', join(dir, 'serial')], a.stream), 0);
  assert.is(await planCommand([PLAN, '--on-line', '--threads', '2', '--out', join(dir, 'pool')], b.stream), 0);
  assert.match(a.text(), /twinloop plan small on the virtual line: 4 orders on 2 stations, rules edd, family/);
  assert.match(a.text(), /makespan \(h\)/);
  const s = json(join(dir, 'serial')), p = json(join(dir, 'pool'));
  assert.match(s.mode, /^on the virtual line/);
  assert.equal(s.rules, p.rules);
  // family groups O1 with O3: fewer changeovers than edd at the first station.
  const co = (rule: string): number => (s.rules.find((r) => r.rule === rule)!.runs[0]!['changeoverTime'] as number);
  assert.ok(co('family') < co('edd'), `family ${co('family')} edd ${co('edd')}`);
  const html = readFileSync(join(dir, 'serial', 'plan.html'), 'utf8');
  assert.match(html, /<h1>small: production plan on the virtual line<\/h1>/);
  assert.match(html, /<svg/);
});

test('--line goes with --on-line', async () => {
  try {
    await planCommand([PLAN, '--line', join(dir, 'line.yaml')], sink().stream);
    assert.unreachable('should throw');
  } catch (e) {
    assert.match((e as Error).message, /--line goes with --on-line/);
  }
});

test.run();
