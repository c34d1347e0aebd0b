// Historian CSV reading (core/history/csv-history.ts) and the thresholds file
// (core/validation/thresholds.ts): long and wide forms, time formats detected and said (ISO 8601,
// epoch s, epoch ms, relative s), quality conventions, the plant's tag map (address and scaling),
// clock steps; and every malformed input refused with file:line:column (HIST_FORMAT) or its path
// and line (CFG_INVALID).

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseCsvHistory } from '../../core/history/csv-history.ts';
import { tagMapOf } from '../../core/history/tag-map.ts';
import { parsePlantFile } from '../../core/config/plant-file.ts';
import { ConfigError } from '../../core/config/config-error.ts';
import { isTwinloopError } from '../../core/errors.ts';
import { parseThresholds, DEFAULT_LIMITS, limitsOf } from '../../core/validation/thresholds.ts';
import { line, LINE_PATH } from './history-rig.ts';
import { checkHistory } from '../../core/history/readiness.ts';
import { historyCommand } from '../../core/history/history-command.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const plant = parsePlantFile(
  '/tmp/p.yaml',
  `line: ${LINE_PATH}
controllers:
  - name: plc1
    protocol: opcua
    endpoint: opc.tcp://127.0.0.1:4841
    mode: shadow
    tags:
      - { signal: m2.setpoint, address: "ns=2;s=Line.M2.Freq", direction: read, type: real, scale: { gain: 0.5, offset: 0 } }
      - { signal: pe1.blocked, address: "ns=2;s=Line.PE1", direction: read, type: bool }
`,
);
const map = tagMapOf(plant, line);

function refused(fn: () => unknown, where: RegExp): void {
  try {
    fn();
  } catch (err) {
    assert.ok(isTwinloopError(err, 'HIST_FORMAT'), String(err));
    assert.match((err as Error).message, where);
    return;
  }
  assert.unreachable(`accepted; expected ${where}`);
}

test('long form, ISO 8601 with zone and fraction: times from the first sample, addresses mapped and scaled', () => {
  const h = parseCsvHistory(
    'h.csv',
    `time,tag,value,quality
2026-12-07T04:00:00.000+01:00,ns=2;s=Line.M2.Freq,100,good
2026-12-07T03:00:00.250Z,ns=2;s=Line.PE1,true,Good
2026-12-07T03:00:00.500Z,ns=2;s=Line.M2.Freq,90,192
2026-12-07T03:00:01Z,ns=2;s=Line.PE1,0,bad
2026-12-07T03:00:01Z,other.tag,5,good
`,
    { tagMap: map },
  );
  assert.is(h.format, 'csv-long');
  assert.is(h.timeFormat, 'iso8601');
  assert.is(h.startWall, Date.UTC(2026, 11, 7, 3, 0, 0));
  assert.is(h.span, 1);
  const sp = h.series.get('m2.setpoint')!;
  assert.equal([...sp.t], [0, 0.5]);
  assert.equal([...sp.v], [50, 45], 'gain 0.5 applied');
  assert.is(sp.role, 'input');
  const pe = h.series.get('pe1.blocked')!;
  assert.equal([...pe.v], [1, 0]);
  assert.equal([...pe.q], [0, 2]);
  assert.is(pe.role, 'compared');
  assert.equal(h.unmapped, ['other.tag']);
  assert.match(h.notes.join(' '), /long CSV; times read as ISO 8601/);
});

test('wide form, epoch milliseconds and seconds detected; q: columns; empty cells are no sample', () => {
  const ms = parseCsvHistory('w.csv', `timestamp,pe1.blocked,q:pe1.blocked,m2.setpoint\n1796612400000,0,0,10\n1796612400010,1,2,\n1796612400020,1,0,11\n`, { tagMap: map });
  assert.is(ms.format, 'csv-wide');
  assert.is(ms.timeFormat, 'epoch-ms');
  const pe = ms.series.get('pe1.blocked')!;
  assert.equal([...pe.q], [0, 2, 0]);
  assert.ok(Math.abs(pe.t[2]! - 0.02) < 1e-9);
  assert.equal([...ms.series.get('m2.setpoint')!.v], [10, 11], 'by signal name: no scaling (model units)');
  const s = parseCsvHistory('w.csv', `time,pe1.blocked\n1796612400,0\n1796612401.5,1\n`, { tagMap: map });
  assert.is(s.timeFormat, 'epoch-s');
  assert.equal([...s.series.get('pe1.blocked')!.t], [0, 1.5]);
  const rel = parseCsvHistory('w.csv', `t,time,tick,pe1.blocked\n0,0,0,0\n0.01,0.01,10,1\n`, { tagMap: map });
  assert.is(rel.timeFormat, 'seconds');
  assert.match(rel.notes.join(' '), /seconds from the start/);
});

test('time going backwards: samples sorted, the step noted', () => {
  const h = parseCsvHistory('b.csv', `time,pe1.blocked\n10,0\n11,1\n10.5,0\n12,1\n`, { tagMap: map });
  const s = h.series.get('pe1.blocked')!;
  assert.equal([...s.t], [0, 0.5, 1, 2]);
  assert.equal([...s.v], [0, 0, 1, 1]);
  assert.equal(s.clockSteps, [{ at: 0.5, back: 0.5 }]);
});

test('bad files: file:line:column and what was expected', () => {
  refused(() => parseCsvHistory('x.csv', ''), /^x\.csv:1:1: the file is empty/);
  refused(() => parseCsvHistory('x.csv', 'time,tag,value\n2026-12-07T03:00:00Z,pe1.blocked,1\n2026-12-07 03:00:01,pe1.blocked,yes\n', { tagMap: map }), /^x\.csv:3:33: expected a number \(or true\/false\/on\/off\), got "yes"/);
  refused(() => parseCsvHistory('x.csv', 'time,tag,value\n2026-12-07T03:00:00Z,pe1.blocked,1\n1796612400,pe1.blocked,0\n', { tagMap: map }), /^x\.csv:3:1: expected an ISO 8601 time like the first row's/);
  refused(() => parseCsvHistory('x.csv', 'time,tag,value\n2026-13-07T03:00:00Z,pe1.blocked,1\n', { tagMap: map }), /^x\.csv:2:1: not a valid date and time/);
  refused(() => parseCsvHistory('x.csv', 'time,pe1.blocked,m2.setpoint\n0,1,2\n1,1\n', { tagMap: map }), /^x\.csv:3:3: expected 3 fields as the header has, got 2/);
  refused(() => parseCsvHistory('x.csv', 'time,pe1.blocked,q:pe1.blocked\n0,1,maybe\n', { tagMap: map }), /^x\.csv:2:5: expected a quality/);
  refused(() => parseCsvHistory('x.csv', 'time,tag,value\n0,"pe1.blocked,1\n', { tagMap: map }), /^x\.csv:2:3: quoted field is not closed/);
  refused(() => parseCsvHistory('x.csv', 'time,pe1.blocked,pe1.blocked\n0,1,1\n', { tagMap: map }), /^x\.csv:1:18: tag "pe1.blocked" has two columns/);
  refused(() => parseCsvHistory('x.csv', 'when,pe1.blocked\nnoon,1\n', { tagMap: map }), /^x\.csv:2:1: expected a time \(ISO 8601/);
  refused(() => parseCsvHistory('x.csv', 'time,pe1.blocked\n', { tagMap: map }), /^x\.csv:2:1: no data rows/);
});

test('thresholds file: defaults, per-signal limits, and precise errors', () => {
  const th = parseThresholds('v.yaml', 'analog: { cvRmse: 20 }\nsignals:\n  m2.temperature: { rmse: 0.2 }\nexclude: [m2.vibration]\n', (s) => s.startsWith('m2.'));
  assert.is(th.defaults.cvRmse, 20);
  assert.is(th.defaults.nmbe, DEFAULT_LIMITS.nmbe);
  assert.is(limitsOf(th, 'm2.temperature').rmse, 0.2);
  assert.is(limitsOf(th, 'm2.temperature').cvRmse, 20);
  assert.equal(th.exclude, ['m2.vibration']);
  const bad = (text: string, want: RegExp): void => {
    try {
      parseThresholds('v.yaml', text, (s) => s.startsWith('m2.'));
      assert.unreachable('accepted');
    } catch (err) {
      assert.ok(err instanceof ConfigError, String(err));
      assert.match((err as Error).message, want);
    }
  };
  bad('analog: { cvRmse: -1 }\n', /v\.yaml: analog\.cvRmse: .*>= 0.*\(line 1\)/);
  bad('discrete:\n  edgeP96: 0.1\n', /v\.yaml: discrete\.edgeP96: is not a known parameter here; known: edgeMax, edgeP50, edgeP95, extra, missing, window \(line 2\)/);
  bad('signals:\n  m2.speed: {}\n  pe9.blocked: { edgeP95: 0.1 }\n', /v\.yaml: signals\.pe9\.blocked: is not a signal of the line \(line 3\)/);
  bad('p: 1.5\n', /v\.yaml: p: must be integer/);
  bad('analog: [1\n', /v\.yaml: not valid YAML/);
});

test('a needed tag mostly bad and another missing: unfit, and history check exits 1', async () => {
  let text = 'time,tag,value,quality\n';
  for (let k = 0; k < 100; k++) text += `${k / 10},ns=2;s=Line.PE1,${k % 2},${k < 70 ? 'bad' : 'good'}\n`;
  const h = parseCsvHistory('u.csv', text, { tagMap: map });
  const r = checkHistory(h, map);
  const pe = r.tags.find((t) => t.signal === 'pe1.blocked')!;
  assert.is(pe.verdict, 'unfit');
  assert.match(pe.reasons.join('; '), /bad quality on 70 % of samples \(more than 50 %\)/);
  assert.equal(r.compared.map((c) => c.verdict), ['unfit']);
  assert.equal(r.inputs.map((c) => [c.signal, c.verdict]), [['m2.setpoint', 'missing']]);
  assert.equal(r.unfitNeeded, ['m2.setpoint', 'pe1.blocked']);
  assert.is(r.verdict, 'unfit');
  const dir = mkdtempSync(join(tmpdir(), 'twinloop-hc-'));
  try {
    writeFileSync(join(dir, 'u.csv'), text);
    writeFileSync(join(dir, 'p.yaml'), `line: ${LINE_PATH}\ncontrollers:\n  - name: plc1\n    protocol: opcua\n    endpoint: opc.tcp://127.0.0.1:4841\n    mode: shadow\n    tags:\n      - { signal: m2.setpoint, address: "ns=2;s=Line.M2.Freq", direction: read, type: real }\n      - { signal: pe1.blocked, address: "ns=2;s=Line.PE1", direction: read, type: bool }\n`);
    const out = { text: '' };
    const sink = { write: (s: string): boolean => ((out.text += s), true) } as unknown as NodeJS.WritableStream;
    assert.is(await historyCommand(['check', join(dir, 'u.csv'), '--plant', join(dir, 'p.yaml'), '--out', join(dir, 'out')], sink), 1);
    assert.match(out.text, /verdict: unfit \(needed tags unfit or missing: m2\.setpoint, pe1\.blocked\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
