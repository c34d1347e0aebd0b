// Edge times of discrete signals in `model validate` (core/validation/edge-times.ts), by hand.
// A pusher with 0.4 s strokes (dt 1 ms) is driven by a recorded valve command; the measured end
// switch `pu1.extended` is written with its edges placed against the model's own: 1 ms and 30 ms
// late and early, on time, a stroke the line did not make (two missing edges) and a pulse the
// model does not have (two extra edges). Recorded on change with a 1 s keep-alive (a historian's
// form), the reported edge errors are exactly those offsets; sampled every 10 ms, both sides'
// edges are read at the first sample after them (the regular path, as before).

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { LineFile } from '../../physics/model.ts';
import type { History, TagSeries } from '../../core/history/history.ts';
import { Quality } from '../../core/signals.ts';
import { validateModel, type SignalResult } from '../../core/validation/validate.ts';
import { replay } from '../../core/validation/replay.ts';
import { edgesInKept, recordedOnChange } from '../../core/validation/edge-times.ts';
import { DEFAULT_THRESHOLDS } from '../../core/validation/thresholds.ts';

const close = (a: number | null | undefined, b: number, what: string): void => assert.ok(a !== null && a !== undefined && Math.abs(a - b) < 1e-9, `${what}: ${a} != ${b}`);

const line: LineFile = {
  name: 'edge-times',
  dt: 0.001,
  components: [
    { id: 'm', type: 'drive' },
    { id: 'belt', type: 'conveyor', length: 3, beltSpeed: 0.5, drive: 'm' },
    { id: 'b', type: 'bin' },
    { id: 'pu1', type: 'pusher', conveyor: 'belt', position: 2, extendTime: 0.4, retractTime: 0.4, bin: 'b' },
  ],
} as unknown as LineFile;

// Valve command, ms: on at 1000, 5000, 9000, 13000; off 2 s later each. The model's extended
// switch makes at the end of the stroke's last step, cmd + 400 ms, and breaks at the end of the
// first step back, off + 1 ms (the command, sampled at or before a step, acts from that step).
const CMD: readonly (readonly [number, number])[] = [[1000, 3000], [5000, 7000], [9000, 11000], [13000, 15000]];
const MODEL_RISE = CMD.map(([on]) => (on + 400) / 1000);
const MODEL_FALL = CMD.map(([, off]) => (off + 1) / 1000);
// The line's extended switch, ms: stroke 1 made 1 ms late (the model 1 ms early), on time back;
// stroke 2 30 ms early (model 30 ms late), back 30 ms late (model early); stroke 3 1 ms early
// (model 1 ms late), on time back; stroke 4 never made; a pulse 17 500..17 800 with no command.
const LINE_ON: readonly (readonly [number, number])[] = [[1401, 3001], [5370, 7031], [9399, 11001], [17500, 17800]];
const SPAN_MS = 20000;

function series(signal: string, role: 'input' | 'compared', t: number[], v: number[]): TagSeries {
  return { signal, tag: signal, role, type: 'bool', unit: '', t: Float64Array.from(t), v: Float64Array.from(v), q: new Uint8Array(t.length).fill(Quality.GOOD), clockSteps: [] };
}

/** A switching signal as a historian records it: at each change and when 1 s has passed since the last sample; times in ms. */
function onChange(on: readonly (readonly [number, number])[]): { t: number[]; v: number[] } {
  const t: number[] = [];
  const v: number[] = [];
  let last = NaN;
  let lastAt = -Infinity;
  for (let ms = 0; ms <= SPAN_MS; ms++) {
    const x = on.some(([a, b]) => ms >= a && ms < b) ? 1 : 0;
    if (x === last && ms - lastAt < 1000) continue;
    t.push(ms / 1000);
    v.push(x);
    last = x;
    lastAt = ms;
  }
  return { t, v };
}

/** The same signal sampled every `every` ms (a sample reads the value at its own time). */
function sampled(on: readonly (readonly [number, number])[], every: number): { t: number[]; v: number[] } {
  const t: number[] = [];
  const v: number[] = [];
  for (let ms = 0; ms <= SPAN_MS; ms += every) {
    t.push(ms / 1000);
    v.push(on.some(([a, b]) => ms >= a && ms < b) ? 1 : 0);
  }
  return { t, v };
}

function history(measured: { t: number[]; v: number[] }): History {
  const cmd = onChange(CMD);
  return {
    source: 'edge-times.test',
    format: 'csv-long',
    timeFormat: 'seconds',
    startWall: NaN,
    span: SPAN_MS / 1000,
    series: new Map([
      ['pu1.extend', series('pu1.extend', 'input', cmd.t, cmd.v)],
      ['pu1.extended', series('pu1.extended', 'compared', measured.t, measured.v)],
    ]),
    unmapped: [],
    notes: [],
  };
}

async function extended(h: History): Promise<SignalResult> {
  const r = await validateModel({ line, history: h, thresholds: { ...DEFAULT_THRESHOLDS, settle: 0 } });
  const s = r.signals.find((x) => x.signal === 'pu1.extended');
  assert.ok(s, `pu1.extended in ${r.signals.map((x) => `${x.signal}: ${x.status} ${x.reason}`).join('; ')}`);
  return s;
}

test('the replay keeps the model edges at step resolution: cmd + 0.4 s on, off + 1 ms off', async () => {
  const r = await replay({ line, history: history(onChange(LINE_ON)), inputs: ['pu1.extend'], compared: ['pu1.extended'], to: SPAN_MS / 1000, edgesOf: ['pu1.extended'] });
  const e = r.edges.get('pu1.extended')!;
  assert.is(e.rising.length, 4);
  assert.is(e.falling.length, 4);
  MODEL_RISE.forEach((x, k) => close(e.rising[k], x, `rising ${k}`));
  MODEL_FALL.forEach((x, k) => close(e.falling[k], x, `falling ${k}`));
});

test('recorded on change (1 s keep-alive): edge errors are the offsets to the step, not the keep-alive', async () => {
  const m = onChange(LINE_ON);
  assert.ok(recordedOnChange(m.t));
  const s = await extended(history(m));
  const x = s.metrics!;
  assert.is(x.edgeTiming, 'step');
  assert.is(x.edgesModel, 8);
  assert.is(x.edgesMeasured, 8);
  // Paired: rising +1, -30, -1 ms; falling 0, +30, 0 ms (measured - model).
  assert.is(x.matched, 6);
  // |errors| sorted 0, 0, 1, 1, 30, 30 ms: nearest rank p50 = 3rd, p95 = 6th.
  close(x.edgeP50, 0.001, 'p50');
  close(x.edgeP95, 0.03, 'p95');
  close(x.edgeMax, 0.03, 'max');
  close(x.meanLag, 0, 'mean lag');
  // Stroke 4: its two model edges are missing; the line's pulse gives two extra edges.
  assert.is(x.missing, 2);
  assert.is(x.extra, 2);
  close(x.missingShare, 2 / 8, 'missing share');
  close(x.extraShare, 2 / 8, 'extra share');
  // The first unpaired edge is where the report zooms: the model's rise of stroke 4.
  close(x.edgeWorstAt, 13.4, 'worst at');
});

test('recorded on change: a model edge 1 ms late alone reads 1 ms (sampled at the keep-alive it read 1 s)', async () => {
  const s = await extended(history(onChange([[1399, 3001], [5399, 7001], [9399, 11001], [13399, 15001]])));
  // Each stroke made 1 ms before the model's (model 1 ms late), each back on time.
  const x = s.metrics!;
  assert.is(x.matched, 8);
  assert.is(x.missing, 0);
  assert.is(x.extra, 0);
  close(x.edgeMax, 0.001, 'max');
  close(x.meanLag, -0.0005, 'mean lag (four -1 ms, four 0)');
  assert.is(s.status, 'passed', s.reason);
});

test('regularly sampled (10 ms): both sides read at the first sample at or after the edge', async () => {
  const m = sampled(LINE_ON, 10);
  assert.not.ok(recordedOnChange(m.t));
  const s = await extended(history(m));
  const x = s.metrics!;
  assert.is(x.edgeTiming, 'sample');
  // Line 1.401 -> 1.41, model 1.400 -> 1.40: +10 ms; 5.370 vs 5.40: -30 ms; 9.399 -> 9.40 vs 9.40: 0.
  // Back: 3.001 -> 3.01 both: 0; 7.031 -> 7.04 vs 7.001 -> 7.01: +30 ms; 11.001 -> 11.01 both: 0.
  assert.is(x.matched, 6);
  close(x.edgeP50, 0, 'p50 (|errors| 0, 0, 0, 10, 30, 30 ms)');
  close(x.edgeMax, 0.03, 'max');
  close(x.meanLag, (0.01 - 0.03 + 0.03) / 6, 'mean lag');
  assert.is(x.missing, 2);
  assert.is(x.extra, 2);
});

test('recordedOnChange: median interval above 0.1 s', () => {
  assert.ok(recordedOnChange([0, 1, 2, 2.05, 3]));  // intervals 1, 1, 0.05, 0.95: median (3rd sorted) 1
  assert.not.ok(recordedOnChange([0, 0.01, 0.02, 0.03, 1.03])); // 0.01, 0.01, 0.01, 1: median 0.01
  assert.not.ok(recordedOnChange([0, 0.1, 0.2])); // exactly 0.1 is regular
  assert.not.ok(recordedOnChange([0]));
});

test('edgesInKept: an edge counts when the measured interval that holds it is kept at both ends', () => {
  const t = [0, 1, 2, 3, 4];
  const keep = Uint8Array.from([1, 1, 0, 1, 1]);
  // 0.5 in (0,1] kept; 1 (at a sample) in (0,1] kept; 1.5 in (1,2] not; 2.5 in (2,3] not; 3.5 kept; 4.5 after the last sample; -1 before the first.
  const r = edgesInKept({ rising: [-1, 0.5, 1, 1.5, 2.5, 3.5, 4.5], falling: [] }, t, keep);
  assert.equal(r.rising, [0.5, 1, 3.5]);
});

test.run();
