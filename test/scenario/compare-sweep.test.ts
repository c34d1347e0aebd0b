// `twinloop compare` finds a planted divergence at its simulated time; a tiny what-if sweep
// runs its grid in the pool (2 threads) and writes its table, plot and point directories;
// line overrides by path fail loudly on typos.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { writeResultDir } from '../../core/scenario/result-dir.ts';
import { compareRuns } from '../../core/scenario/compare.ts';
import { compareCommand } from '../../core/cli/compare-command.ts';
import { sweepCommand } from '../../core/cli/sweep-command.ts';
import { expandGrid, parseParamArg } from '../../core/scenario/sweep.ts';
import { applyOverrides } from '../../core/scenario/line-overrides.ts';
import { loadLineFile } from '../../core/config/line-file.ts';
import { runText, DEMO_LINE } from './helpers.ts';

const tmp = mkdtempSync(join(tmpdir(), 'twinloop-compare-'));

function sink(): { out: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  return { out, text: () => text };
}

test('compare: identical runs agree; a planted force shows as the first divergence at its time', async () => {
  const base = await runText('steps:\n  - wait: 20\n  - expect: { condition: "m1.setpoint >= 0" }\n');
  const same = await runText('steps:\n  - wait: 20\n  - expect: { condition: "m1.setpoint >= 0" }\n');
  const planted = await runText('steps:\n  - wait: 12.345\n  - force: { signal: m1.setpoint, value: 40 }\n  - wait: 7.655\n  - expect: { condition: "m1.setpoint >= 0" }\n');
  const a = writeResultDir(join(tmp, 'a'), base, 'scenario');
  const b = writeResultDir(join(tmp, 'b'), same, 'scenario');
  const c = writeResultDir(join(tmp, 'c'), planted, 'scenario');
  const ab = compareRuns(a, b);
  assert.ok(ab.signals.length >= 5 && ab.signals.every((s) => s.time === null), 'identical traces');
  assert.ok(ab.kpis.every((k) => k.delta === null || k.delta === 0));
  const ac = compareRuns(a, c);
  const sp = ac.signals.find((s) => s.signal === 'm1.setpoint')!;
  assert.is(sp.time, 12.35, 'first sample after the force (10 ms grid)');
  assert.is(sp.baseline, 50);
  assert.is(sp.candidate, 40);
  assert.is(ac.signals[0]!.time, 12.35, 'sorted: earliest divergence first');
  assert.ok(ac.signals.every((s) => s.time === null || s.time >= 12.35), 'nothing diverges before the force');
  const energy = ac.signals.find((s) => s.signal === 'line.energy')!;
  assert.ok(energy.time! >= 12.35 && energy.time! < 13, `energy follows at ${energy.time}`);
  assert.is.not(ac.kpis.find((k) => k.name === 'energy')!.delta, 0, 'the energy KPI differs');

  const { out, text } = sink();
  assert.is(await compareCommand([a, c], out), 1);
  assert.match(text(), /m1\.setpoint\s+t=12\.350 s  baseline 50, candidate 40/);
  assert.match(text(), /energy\s+[\d.e-]+\s+[\d.e-]+\s+[-+][\d.e-]+/);
  const s2 = sink();
  assert.is(await compareCommand([a, b], s2.out), 0);
  assert.match(s2.text(), /m1\.setpoint\s+identical/);
  assert.throws(() => compareRuns(a, join(tmp, 'nope')), /not a run's result directory/);
});

test('sweep: grid expansion, --param ranges, a 2-point sweep in a pool of 2', async () => {
  assert.equal(parseParamArg('components[src].rate=0.2:0.6:0.2'), ['components[src].rate', [0.2, 0.4, 0.6]]);
  assert.equal(parseParamArg('seed=1,2'), ['seed', [1, 2]]);
  const pts = expandGrid({ name: 'g', line: DEMO_LINE, program: 'furnace', duration: 1, sampleMs: 100, grid: { a: [1, 2], 'program.hearthHz': [20, 30, 40] } });
  assert.is(pts.length, 6);
  assert.equal(pts[4]!.params, { a: 2, 'program.hearthHz': 30 });
  assert.equal(pts[4]!.task.programParams, { hearthHz: 30 });
  assert.equal(pts[4]!.task.overrides, { a: 2 });

  const { out, text } = sink();
  const dir = join(tmp, 'sweep');
  const code = await sweepCommand(['--param', 'components[src].rate=0.2,0.5', '--duration', '60', '--threads', '2', '--out', dir, '--name', 'rate'], out);
  assert.is(code, 0, text());
  assert.match(text(), /twinloop sweep rate: 2 point\(s\) x 60 s simulated, program sorting\.st, pool of 2 threads/);
  const csv = readFileSync(join(dir, 'sweep.csv'), 'utf8').trim().split('\n');
  assert.is(csv[0], 'point,components[src].rate,throughput,cycleTime,energy,rejectRate,wear,controllerFaults,items,status');
  assert.is(csv.length, 3);
  const thr = csv.slice(1).map((l) => Number(l.split(',')[2]));
  assert.ok(thr[1]! > thr[0]!, `more items offered, more sorted: ${thr}`);
  assert.match(readFileSync(join(dir, 'sweep.svg'), 'utf8'), /^<svg [^>]*>.*throughput.*energy.*reject rate.*wear/s);
  assert.ok(existsSync(join(dir, 'points', 'rate-1', 'result.json')));
  const cmp = compareRuns(join(dir, 'points', 'rate-1'), join(dir, 'points', 'rate-2'));
  assert.is(cmp.candidate.params!['components[src].rate'], 0.5);
  assert.ok(cmp.signals.some((s) => s.time !== null), 'the two points diverge');
});

test('a bad sweep point is an error row, not a crash; overrides fail loudly on typos', async () => {
  const { out, text } = sink();
  const code = await sweepCommand(['--param', 'program.nope=1', '--duration', '1', '--serial', '--out', join(tmp, 'bad')], out);
  assert.is(code, 1);
  assert.match(text(), /point 1: program sorting has no numeric parameter nope \(a scalar variable of one of its PROGRAMs\)/);
  const line = loadLineFile(DEMO_LINE);
  assert.throws(() => applyOverrides(line, { 'components[srcx].rate': 1 }), /override components\[srcx\]\.rate: components\.srcx does not exist in line sorting/);
  assert.throws(() => applyOverrides(line, { 'components[src].rate': -1 }), /components\[\d+\]\.rate/);
  assert.throws(() => applyOverrides(line, { 'components[src].ratee': 1 }), /ratee/);
  assert.is(applyOverrides(line, { 'components[2].beltSpeed': 0.5 }).components[2]!['beltSpeed' as never], 0.5);
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));
test.run();
