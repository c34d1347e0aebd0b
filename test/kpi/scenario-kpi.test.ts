// The production KPIs in scenario results: the assembly line run for two minutes with a 20 s
// breakdown of its machine gives per-station OEE and shares in the result, result.json, kpi.csv
// beside it and the HTML report; the breakdown shows as mc1's down share.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KPI_CSV_COLUMNS } from '../../core/kpi/kpi-csv.ts';
import { htmlReport } from '../../core/scenario/html-report.ts';
import { KPI_CSV_FILE, RESULT_FILE, writeResultDir } from '../../core/scenario/result-dir.ts';
import { prepareScenario } from '../../core/scenario/scenario-compile.ts';
import { parseScenarioFile } from '../../core/scenario/scenario-file.ts';
import { runScenario } from '../../core/scenario/runner.ts';

const LINE = fileURLToPath(new URL('../../examples/assembly.yaml', import.meta.url));

test('assembly line, 20 s breakdown of mc1: KPIs in the result, result.json, kpi.csv and the HTML report', async () => {
  const text = `name: assembly kpis\nline: ${LINE}\nseed: 21\nsteps:\n  - wait: 60\n  - inject: { component: mc1, kind: breakdown, as: bd }\n  - wait: 20\n  - clear: bd\n  - wait: 40\n`;
  const r = await runScenario(await prepareScenario(parseScenarioFile('t.yaml', text)));
  assert.is(r.status, 'passed', r.message);
  const p = r.production!;
  assert.ok(p, 'production KPIs in the result');
  assert.equal(p.stations.map((s) => s.id), ['mc1', 'pp1']);
  const mc1 = p.stations[0]!;
  // The breakdown: 20 s of 120 s down (sampled at 10 ms, the fault acts from its step on).
  assert.ok(Math.abs(mc1.adot - 20) < 0.02, `mc1 ADOT ${mc1.adot}`);
  assert.ok(Math.abs(mc1.shares.down - 20 / 120) < 0.001, `down share ${mc1.shares.down}`);
  const sum = Object.values(mc1.shares).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - 1) < 1e-9, `shares sum to ${sum}`);
  // mc1 (6 s cycle, PRI 6) is the line's constraint by design and, with items arriving at
  // 0.14/s (one per 7.1 s), works most of its up time.
  assert.is(p.line.constraint, 'mc1');
  assert.ok(p.line.pq > 5 && p.line.gq <= p.line.pq, `line PQ ${p.line.pq} GQ ${p.line.gq}`);
  assert.ok(p.line.oee !== null && p.line.oee > 0 && p.line.oee <= 1, `line OEE ${p.line.oee}`);
  assert.ok(p.line.energyPerUnit !== null && p.line.energyPerUnit > 0, 'kWh per good item');
  assert.ok(p.bottleneck === 'mc1', `bottleneck ${p.bottleneck}`);
  // Files beside the result.
  const dir = mkdtempSync(join(tmpdir(), 'twinloop-kpi-'));
  try {
    writeResultDir(dir, r, 'scenario');
    const json = JSON.parse(readFileSync(join(dir, RESULT_FILE), 'utf8')) as { production: { stations: { id: string; oee: number }[] } };
    assert.is(json.production.stations[0]!.id, 'mc1');
    const csv = readFileSync(join(dir, KPI_CSV_FILE), 'utf8').trim().split('\r\n');
    assert.is(csv[0], KPI_CSV_COLUMNS.join(','));
    assert.is(csv.length, 4, 'header, line, mc1, pp1');
    assert.ok(csv[2]!.startsWith('station,mc1,machine,'), csv[2]);
    const cols = csv[2]!.split(',');
    assert.is(Number(cols[KPI_CSV_COLUMNS.indexOf('adot_s')]), mc1.adot);
    assert.is(cols[KPI_CSV_COLUMNS.indexOf('bottleneck')], '1');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const html = htmlReport([r], 'kpi', 1);
  assert.ok(html.includes('Production KPIs') && html.includes('mc1 <b>bottleneck</b>'), 'HTML report section');
});

test.run();
