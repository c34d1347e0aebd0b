// Model validation of one hour of the demo line's history (issue 20; target < 5 s): the stand-in
// line's recording (test/validation/history-rig.ts: 100 Hz, 18 tags, departures, noise and the
// planted defects) is loaded, checked for readiness, replayed through the model in lock-step and
// compared. Baseline in the same run: the bare model stepping the same hour with no history
// (what the replay cannot beat). Inputs are made before timing starts; 3 rounds, each printed.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lockstep } from '../core/engine/lockstep.ts';
import { loadHistory } from '../core/history/load-history.ts';
import { checkHistory } from '../core/history/readiness.ts';
import { tagMapOf } from '../core/history/tag-map.ts';
import { validateModel } from '../core/validation/validate.ts';
import { lineSignals } from '../physics/model.ts';
import { line, makeHistory, NOISE, plant } from '../test/validation/history-rig.ts';

export async function validationBench(log: (s: string) => void): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'twinloop-bench-validation-'));
  try {
    const t0 = performance.now();
    const made = await makeHistory(root, 3600, { belt: 0.05, stroke: 0.2, thermalTau: 0.15 }, { noise: NOISE, gap: { after: 1800, seconds: 5 }, flat: { signal: 'm2.vibration', from: 2400, to: 2700 }, bad: { signal: 'm2.power', from: 600, to: 660 } }, 1);
    log(`history: 1 h of the demo line at 100 Hz, ${made.frames} frames x 18 tags, made in ${((performance.now() - t0) / 1000).toFixed(1)} s (not timed below)`);
    log('| round | bare model 1 h (baseline) | load recording | readiness check | replay (3.6 M steps) | metrics + rest | validation total |');
    log('|---|---|---|---|---|---|---|');
    for (let round = 1; round <= 3; round++) {
      const b0 = performance.now();
      const bare = await Lockstep.create(line, lineSignals(line), null, []);
      bare.model.compileKernels();
      bare.run(3_600_000);
      const bareMs = performance.now() - b0;
      const v0 = performance.now();
      const h = loadHistory(made.dir, { plant, line });
      const v1 = performance.now();
      const readiness = checkHistory(h, tagMapOf(plant, line));
      const v2 = performance.now();
      const rep = await validateModel({ line, plant, history: h, readiness });
      const v3 = performance.now();
      const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
      log(`| ${round} | ${s(bareMs)} | ${s(v1 - v0)} | ${s(v2 - v1)} | ${s(rep.model.replayMs)} | ${s(v3 - v2 - rep.model.replayMs)} | **${s(v3 - v0)}** (${rep.summary.failed} of ${rep.signals.length} signals failed) |`);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
