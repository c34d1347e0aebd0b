// `twinloop plan` on the example week: the rules side by side, the same figures from the piscina
// pool as from the serial loop (runs are pure functions of file, rule and seed), several seeds
// as ranges, and a self-contained HTML report (Gantt per station, order table, no script).

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { planCommand } from '../../core/cli/plan-command.ts';

const dir = mkdtempSync(join(tmpdir(), 'twinloop-plancmd-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function sink(): { stream: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const w = new Writable({ write(chunk: Buffer, _e, cb) { text += chunk.toString(); cb(); } });
  return { stream: w as unknown as NodeJS.WriteStream, text: () => text };
}

interface Json { rules: { rule: string; best: string[]; runs: Record<string, unknown>[]; summary: Record<string, { mean: number; min: number; max: number }> }[] }
const json = (d: string): Json => JSON.parse(readFileSync(join(d, 'plan.json'), 'utf8')) as Json;

test('three rules in the pool give what the serial loop gives; the report has a Gantt chart and the orders', async () => {
  const a = sink(), b = sink();
  assert.is(await planCommand(['examples/planning/week.yaml', '--rule', 'edd,spt,family', '--serial', '--out', join(dir, 'serial')], a.stream), 0);
  assert.is(await planCommand(['examples/planning/week.yaml', '--rule', 'edd,spt,family', '--threads', '2', '--out', join(dir, 'pool')], b.stream), 0);
  assert.match(b.text(), /pool of 2 threads/);
  const s = json(join(dir, 'serial')), p = json(join(dir, 'pool'));
  assert.equal(p.rules.map((r) => r.runs), s.rules.map((r) => r.runs));
  assert.equal(s.rules.map((r) => r.rule), ['edd', 'spt', 'family']);
  // Each KPI has a best rule; family grouping saves changeover time on this book.
  assert.ok(s.rules.find((r) => r.rule === 'family')!.best.includes('changeoverTime'));
  assert.ok(s.rules.find((r) => r.rule === 'edd')!.best.includes('totalTardiness') || s.rules.find((r) => r.rule === 'edd')!.best.includes('ordersLate'));
  const html = readFileSync(join(dir, 'serial', 'plan.html'), 'utf8');
  assert.not.match(html, /<script/i);
  assert.not.match(html, /https?:\/\/(?!www\.w3\.org)/);
  assert.is((html.match(/<h3>Gantt chart per station<\/h3><svg/g) ?? []).length, 3);
  assert.match(html, /<td>W01<\/td><td>shaft-s<\/td>/);
  assert.match(html, /★/);
  assert.match(a.text(), /makespan \(h\)/);
});

test('several seeds are reported as ranges; a seed repeats its figures', async () => {
  const o = sink();
  assert.is(await planCommand(['examples/planning/week.yaml', '--rule', 'edd', '--seeds', '3', '--serial', '--out', join(dir, 'seeds')], o.stream), 0);
  const r = json(join(dir, 'seeds')).rules[0]!;
  assert.is(r.runs.length, 3);
  const m = r.summary['makespan']!;
  assert.ok(m.min < m.max, 'breakdowns and spread differ across seeds');
  assert.ok(m.min <= m.mean && m.mean <= m.max);
  assert.match(o.text(), /\(\d+\.\d+–\d+\.\d+\)/);
  const again = sink();
  await planCommand(['examples/planning/week.yaml', '--rule', 'edd', '--seed', '2', '--serial', '--out', join(dir, 'seed2')], again.stream);
  assert.equal(json(join(dir, 'seed2')).rules[0]!.runs[0], r.runs[1]);
});

test('--operators: a second operator cuts the waits for one', async () => {
  const o = sink();
  await planCommand(['examples/planning/week.yaml', '--rule', 'edd', '--operators', '2', '--threads', '2', '--seeds', '2', '--out', join(dir, 'ops2')], o.stream);
  await planCommand(['examples/planning/week.yaml', '--rule', 'edd', '--seeds', '2', '--serial', '--out', join(dir, 'ops1')], o.stream);
  const wait = (d: string): number => json(join(dir, d)).rules[0]!.summary['operatorWait']!.mean;
  assert.ok(wait('ops2') < wait('ops1'), `${wait('ops2')} vs ${wait('ops1')}`);
});

test('bad arguments are refused with the usage', async () => {
  const o = sink();
  try {
    await planCommand(['examples/planning/week.yaml', '--rule', 'lifo'], o.stream);
    assert.unreachable();
  } catch (err) {
    assert.match((err as Error).message, /unknown rule "lifo"; known: fifo, edd, spt, family, fixed/);
  }
  try {
    await planCommand(['examples/planning/week.yaml', '--rule', 'fixed'], o.stream);
    assert.unreachable();
  } catch (err) {
    assert.match((err as Error).message, /rule fixed needs a sequence/);
  }
});

test.run();
