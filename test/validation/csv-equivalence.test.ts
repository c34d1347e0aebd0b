// The same history as a twinloop recording, a wide historian CSV (epoch milliseconds, q:<tag>
// quality columns, tags named by their PLC addresses and scaled) and a long one (ISO 8601 times,
// quality as text) gives the same readiness findings and the same validation results. History:
// the stand-in line (history-rig.ts), 5 simulated minutes, belt and stroke departures, noise, a
// gap, a flat line and bad quality.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePlantFile } from '../../core/config/plant-file.ts';
import { loadHistory } from '../../core/history/load-history.ts';
import { checkHistory, type ReadinessReport } from '../../core/history/readiness.ts';
import { tagMapOf } from '../../core/history/tag-map.ts';
import type { History } from '../../core/history/history.ts';
import { validateModel, type ValidationReport } from '../../core/validation/validate.ts';
import { line, LINE_PATH, makeHistory, NOISE, plant } from './history-rig.ts';

const root = mkdtempSync(join(tmpdir(), 'twinloop-csv-eq-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

// The historian's view of the same plant: PLC addresses as tag names, m2.power in W (gain 0.001 to kW).
const tags = plant.controllers[0]!.tags;
const historianPlant = parsePlantFile(
  join(root, 'historian.yaml'),
  `line: ${LINE_PATH}
controllers:
  - name: plc1
    protocol: opcua
    endpoint: opc.tcp://127.0.0.1:4841
    mode: shadow
    tags:
${tags.map((t) => `      - { signal: ${t.signal}, address: "hist/${t.signal}", direction: read, type: ${t.type}${t.signal === 'm2.power' ? ', scale: { gain: 0.001, offset: 0 }' : ''} }`).join('\n')}
shadow:
  resync:
    - { kind: item, sensor: pe1.blocked, component: pe1, capture: 0.3 }
    - { kind: stroke, sensor: pu1.retracted, component: pu1, stroke: 0 }
`,
);
const raw = (signal: string, v: number): number => (signal === 'm2.power' ? v * 1000 : v);
const START = Date.UTC(2026, 11, 7, 3, 0, 0);
const QTEXT = ['good', 'uncertain', 'bad'];

function writeCsvs(h: History): { wide: string; long: string } {
  const series = [...h.series.values()];
  const t = series[0]!.t;
  let wide = `time,${series.map((s) => `hist/${s.signal}`).join(',')},${series.map((s) => `q:hist/${s.signal}`).join(',')}\n`;
  const long: string[] = ['time,tag,value,quality\n'];
  for (let k = 0; k < t.length; k++) {
    const ms = START + Math.round(t[k]! * 1000);
    wide += `${ms},${series.map((s) => String(raw(s.signal, s.v[k]!))).join(',')},${series.map((s) => s.q[k]).join(',')}\n`;
    const iso = new Date(ms).toISOString();
    let rows = '';
    for (const s of series) rows += `${iso},hist/${s.signal},${raw(s.signal, s.v[k]!)},${QTEXT[s.q[k]!]}\n`;
    long.push(rows);
  }
  const wp = join(root, 'wide.csv');
  const lp = join(root, 'long.csv');
  writeFileSync(wp, wide);
  writeFileSync(lp, long.join(''));
  return { wide: wp, long: lp };
}

/** What must agree: per tag the verdict and every finding; per signal the status and metrics. */
function findings(r: ReadinessReport): unknown {
  const round = (x: number): number => Math.round(x * 1000) / 1000;
  return r.tags.map((t) => ({ signal: t.signal, role: t.role, verdict: t.verdict, samples: t.samples, rate: round(t.rateHz), gaps: t.gaps.map((g) => [round(g.from), round(g.to)]), flat: t.flat.map((g) => [round(g.from), round(g.to)]), bad: t.badQuality.map((g) => [round(g.from), round(g.to)]), stale: t.stale.length, outliers: t.outliers.count, oor: t.outOfRange.count })).sort((a, b) => a.signal.localeCompare(b.signal));
}

function results(r: ValidationReport): unknown {
  const round = (x: number | null | undefined): number | null => (x === null || x === undefined ? null : Math.round(x * 1e6) / 1e6);
  return r.signals.map((s) => ({ signal: s.signal, status: s.status, included: s.metrics?.included, rmse: round(s.metrics?.rmse), cv: round(s.metrics?.cvRmse), p95: round(s.metrics?.edgeP95), missing: s.metrics?.missing, extra: s.metrics?.extra, rate: round(s.metrics?.rateError) }));
}

test('recording, wide CSV and long CSV: the same findings and the same validation', async () => {
  const made = await makeHistory(join(root, 'rec'), 300, { belt: 0.05, stroke: 0.2 }, { noise: NOISE, gap: { after: 100, seconds: 4 }, flat: { signal: 'm2.vibration', from: 150, to: 240 }, bad: { signal: 'm2.power', from: 50, to: 80 } }, 3);
  const fromRec = loadHistory(made.dir, { plant, line });
  const csv = writeCsvs(fromRec);
  const wide = loadHistory(csv.wide, { plant: historianPlant, line });
  const long = loadHistory(csv.long, { plant: historianPlant, line });
  assert.is(wide.format, 'csv-wide');
  assert.is(wide.timeFormat, 'epoch-ms');
  assert.is(long.format, 'csv-long');
  assert.is(long.timeFormat, 'iso8601');
  assert.is(wide.startWall, START);
  assert.equal(wide.unmapped, []);
  const map = tagMapOf(plant, line);
  const rRec = checkHistory(fromRec, map);
  const rWide = checkHistory(wide, tagMapOf(historianPlant, line));
  const rLong = checkHistory(long, tagMapOf(historianPlant, line));
  assert.equal(findings(rWide), findings(rRec));
  assert.equal(findings(rLong), findings(rRec));
  assert.ok((findings(rRec) as { gaps: unknown[] }[]).every((t) => t.gaps.length === 1));
  const vRec = await validateModel({ line, plant, history: fromRec, readiness: rRec });
  const vWide = await validateModel({ line, plant: historianPlant, history: wide, readiness: rWide });
  const vLong = await validateModel({ line, plant: historianPlant, history: long, readiness: rLong });
  assert.equal(results(vWide), results(vRec));
  assert.equal(results(vLong), results(vRec));
  assert.ok(vRec.signals.some((s) => s.status === 'failed') && vRec.signals.some((s) => s.status === 'passed'));
  assert.ok(vWide.model.resync && vWide.model.corrections === vRec.model.corrections);
});

test.run();
