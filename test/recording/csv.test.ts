// CSV export of a time range and a subset of signals: the rows are exactly the frames inside
// the range, columns in the asked order, numbers that parse back to the same float64 (-0, NaN,
// Infinity spelled out), optional quality columns; unknown signals and inverted ranges are
// refused; and the `twinloop export-csv` command writes the same text to a file, without the item
// slots' columns unless asked.

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { exportCsv, Recording, RecordingWriter, type RecordedSignal } from '../../core/recording/index.ts';

const root = mkdtempSync(join(tmpdir(), 'twinloop-rec-csv-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

const signals: RecordedSignal[] = [
  { name: 'run', type: 'bool', kind: 'actuator', unit: '' },
  { name: 'speed', type: 'real', kind: 'sensor', unit: 'm/s' },
  { name: 'count', type: 'int', kind: 'state', unit: '' },
  { name: 'odd', type: 'real', kind: 'state', unit: '' },
];
const ODD = [-0, NaN, Infinity, -Infinity, 0.1 + 0.2];

test.before(async () => {
  let wall = 1_000_000;
  const w = RecordingWriter.create({ root, id: 'csv', signals, blockSeconds: 0.1, now: () => wall });
  const v = new Float64Array(4);
  const q = new Uint8Array(4);
  for (let k = 0; k < 100; k++) {
    v[0] = k % 2;
    v[1] = k / 7;
    v[2] = k * 3;
    v[3] = ODD[k % ODD.length]!;
    q[1] = k >= 50 ? 2 : 0;
    w.append(k * 10, k * 0.01, v, q);
    wall += 10;
  }
  await w.close();
});

const collect = (it: Iterable<string>): string => [...it].join('');

test('a range and a subset: exactly the frames inside, exact numbers', () => {
  const rec = Recording.open(join(root, 'csv'));
  try {
    const text = collect(exportCsv(rec, { from: 0.2, to: 0.3, signals: ['odd', 'speed'] }));
    const lines = text.trimEnd().split('\n');
    assert.is(lines[0], 't,time,tick,odd,speed');
    // Frames at t = 0.2 ... 0.3 (k = 20..30); float sums may put 0.3 just outside: compare with the writer's own times.
    const ks = Array.from({ length: 100 }, (_, k) => k).filter((k) => k * 0.01 >= 0.2 && k * 0.01 <= 0.3);
    assert.is(lines.length - 1, ks.length);
    lines.slice(1).forEach((line, j) => {
      const k = ks[j]!;
      const [t, time, tick, odd, speed] = line.split(',');
      assert.is(Number(t), k * 0.01);
      assert.is(Number(time), k * 0.01);
      assert.is(Number(tick), k * 10);
      assert.ok(Object.is(Number(odd), ODD[k % ODD.length]), `odd at ${k}: ${odd}`);
      assert.is(Number(speed), k / 7);
    });
    assert.ok(text.includes(',-0,'), '-0 is spelled -0');
  } finally {
    rec.close();
  }
});

test('quality columns; the whole recording by default', () => {
  const rec = Recording.open(join(root, 'csv'));
  try {
    const lines = collect(exportCsv(rec, { signals: ['speed'], quality: true })).trimEnd().split('\n');
    assert.is(lines[0], 't,time,tick,speed,q:speed');
    assert.is(lines.length, 101);
    assert.ok(lines[1]!.endsWith(',0'));
    assert.ok(lines[100]!.endsWith(',2'));
  } finally {
    rec.close();
  }
});

test('unknown signal and inverted range are refused (REC_QUERY)', () => {
  const rec = Recording.open(join(root, 'csv'));
  try {
    assert.throws(() => exportCsv(rec, { signals: ['nope'] }), (e: Error & { code?: string }) => e.code === 'REC_QUERY');
    assert.throws(() => exportCsv(rec, { from: 2, to: 1 }), (e: Error & { code?: string }) => e.code === 'REC_QUERY');
  } finally {
    rec.close();
  }
});

test('twinloop export-csv writes the same text to --out', async () => {
  const out = join(root, 'out.csv');
  const cli = new URL('../../core/cli/main.ts', import.meta.url).pathname;
  await promisify(execFile)(process.execPath, ['--import', 'tsx', cli, 'export-csv', join(root, 'csv'), '--from', '0.2', '--to', '0.3', '--signals', 'odd,speed', '--out', out], { timeout: 30_000 });
  const rec = Recording.open(join(root, 'csv'));
  try {
    assert.is(readFileSync(out, 'utf8'), collect(exportCsv(rec, { from: 0.2, to: 0.3, signals: ['odd', 'speed'] })));
  } finally {
    rec.close();
  }
  const bad = await promisify(execFile)(process.execPath, ['--import', 'tsx', cli, 'export-csv', join(root, 'csv'), '--signals', 'nope'], { timeout: 30_000 }).then(
    () => 0,
    (e: { code?: number }) => e.code ?? -1,
  );
  assert.is(bad, 1);
});

test('twinloop export-csv leaves the item slots out unless --items asks for them', async () => {
  const w = RecordingWriter.create({
    root,
    id: 'items',
    signals: [
      { name: 'm1.speed', type: 'real', kind: 'sensor', unit: 'Hz' },
      { name: 'items.0.x', type: 'real', kind: 'state', unit: 'm' },
      { name: 'items.0.alive', type: 'bool', kind: 'state', unit: '' },
    ],
    blockSeconds: 0.1,
  });
  for (let k = 0; k < 5; k++) w.append(k, k * 0.01, Float64Array.of(50, k * 0.1, 1), new Uint8Array(3));
  await w.close();
  const cli = new URL('../../core/cli/main.ts', import.meta.url).pathname;
  const header = async (...extra: string[]): Promise<string> => (await promisify(execFile)(process.execPath, ['--import', 'tsx', cli, 'export-csv', join(root, 'items'), ...extra], { timeout: 30_000 })).stdout.split('\n')[0]!;
  const plain = await header();
  assert.match(plain, /m1\.speed/);
  assert.not.match(plain, /items\./);
  assert.match(await header('--items'), /m1\.speed.*items\.0\.x.*items\.0\.alive/);
});

test.run();
