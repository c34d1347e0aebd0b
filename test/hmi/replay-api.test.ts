// The recordings API on a real server (real engine on examples/sorting.yaml, recorded into the
// server's data folder, plus a hand-made recording with NaN/-0): who may read (anonymous no,
// every role yes), the list, one recording's catalog and layout, the frame at a time as msgpack
// (bit-exact) and JSON (non-finite and -0 spelled out), series, CSV of a range, and the errors
// (unknown id 404, malformed id, bad query 400).

import { decode } from '@msgpack/msgpack';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROLES } from '../../core/auth/roles.ts';
import type { RunControl } from '../../core/engine/run-control.ts';
import { Recording, recordRun, RecordingWriter } from '../../core/recording/index.ts';
import type { FrameJson, RecordedValuesFrame, RecordingDetail, SeriesJson } from '../../hmi/server/recording-routes.ts';
import { openRun, setupOnce } from './run-under-test.ts';
import { startSecured, tempDataDir, type Secured } from './secured-server.ts';

let run: RunControl;
let s: Secured;
let dataDir: string;
let liveId = '';
const ODD = new Float64Array([-0, NaN, Infinity, 1.5]);

setupOnce(test, async () => {
  dataDir = tempDataDir();
  const root = join(dataDir, 'recordings');
  ({ run } = await openRun());
  const rec = recordRun(run, { root, id: '20260101T000000000Z-sorting' });
  liveId = rec.id;
  await new Promise((r) => setTimeout(r, 1200));
  await rec.close();
  const w = RecordingWriter.create({ root, id: 'odd', signals: ['a', 'b', 'c', 'd'].map((name) => ({ name, type: 'real' as const, kind: 'state' as const, unit: '' })) });
  w.append(1, 0.5, ODD, Uint8Array.of(0, 1, 2, 0));
  w.append(2, 1.0, ODD.map((x) => x * 2), Uint8Array.of(0, 0, 0, 0));
  await w.close();
  s = await startSecured({ run, dataDir });
});

test.after(async () => {
  await s?.close();
  await run?.close();
  if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
});

const get = (path: string, role: (typeof ROLES)[number] | null = 'viewer', headers: Record<string, string> = {}): Promise<Response> =>
  fetch(s.server.url + path, { headers: { ...(role ? s.bearer(role) : {}), ...headers } });

test('anonymous is refused on every recordings route; every role may read', async () => {
  const paths = ['/api/recordings', `/api/recordings/${liveId}`, `/api/recordings/${liveId}/frame?t=0.5`, `/api/recordings/${liveId}/series?signals=m1.speed`, `/api/recordings/${liveId}/csv?signals=m1.speed`];
  for (const p of paths) {
    const anon = await get(p, null);
    assert.is(anon.status, 401, `anonymous ${p}`);
    await anon.text();
    for (const role of ROLES) {
      const res = await get(p, role);
      assert.is(res.status, 200, `${role} ${p}`);
      await res.arrayBuffer();
    }
  }
});

test('list and detail', async () => {
  const list = (await (await get('/api/recordings')).json()) as { recordings: { id: string; signals: number; bytes: number; from: number; to: number; frames: number }[] };
  assert.equal(list.recordings.map((r) => r.id).sort(), [liveId, 'odd'].sort());
  const live = list.recordings.find((r) => r.id === liveId)!;
  assert.is(live.signals, run.table.size);
  assert.ok(live.bytes > 0 && live.frames > 10 && live.to > live.from);
  const d = (await (await get(`/api/recordings/${liveId}`)).json()) as RecordingDetail;
  assert.is(d.line, 'sorting');
  assert.is(d.signalList.length, run.table.size);
  assert.is(d.signalList[run.table.id('m1.speed')]!.name, 'm1.speed');
  assert.ok(d.layout.length > 0);
  assert.is(d.rateHz, 50);
});

test('frame as msgpack is the recorded state, bit for bit', async () => {
  const res = await get(`/api/recordings/${liveId}/frame?t=0.7&format=msgpack`);
  assert.is(res.headers.get('content-type'), 'application/msgpack');
  const f = decode(new Uint8Array(await res.arrayBuffer())) as RecordedValuesFrame;
  assert.is(f.t, 'values');
  assert.ok(f.key);
  const rec = Recording.open(join(dataDir, 'recordings', liveId));
  try {
    const want = rec.frameAt(0.7)!;
    assert.is(f.tick, want.tick);
    assert.is(f.rt, want.t);
    assert.ok(Buffer.from(f.values).equals(Buffer.from(want.values.buffer, want.values.byteOffset, want.values.byteLength)));
    assert.ok(Buffer.from(f.quality).equals(Buffer.from(want.quality)));
  } finally {
    rec.close();
  }
  // Accept header chooses msgpack too.
  const viaAccept = await get(`/api/recordings/${liveId}/frame?t=0.7`, 'viewer', { accept: 'application/msgpack' });
  assert.is(viaAccept.headers.get('content-type'), 'application/msgpack');
  await viaAccept.arrayBuffer();
});

test('frame as JSON spells out -0, NaN and Infinity; msgpack keeps them', async () => {
  const j = (await (await get('/api/recordings/odd/frame?t=0.6')).json()) as FrameJson;
  assert.equal(j.values, ['-0', 'NaN', 'Infinity', 1.5]);
  assert.equal(j.quality, [0, 1, 2, 0]);
  assert.is(j.tick, 1);
  const m = decode(new Uint8Array(await (await get('/api/recordings/odd/frame?t=5&format=msgpack')).arrayBuffer())) as RecordedValuesFrame;
  const v = new Float64Array(new Uint8Array(m.values).buffer);
  assert.ok(Object.is(v[0], -0) && Number.isNaN(v[1]) && v[2] === Infinity && v[3] === 3);
});

test('series: at most max points, within the range', async () => {
  const sr = (await (await get(`/api/recordings/${liveId}/series?signals=m1.speed,line.energy&from=0.2&to=1&max=10`)).json()) as SeriesJson;
  assert.ok(sr.t.length > 0 && sr.t.length <= 10, `points ${sr.t.length}`);
  assert.equal(sr.series.map((x) => x.name), ['m1.speed', 'line.energy']);
  assert.is(sr.series[0]!.values.length, sr.t.length);
  for (const t of sr.t) assert.ok(t <= 1);
});

test('csv of a range and two signals', async () => {
  const res = await get(`/api/recordings/${liveId}/csv?from=0.2&to=0.6&signals=m1.speed,pe1.blocked`);
  assert.match(res.headers.get('content-type') ?? '', /text\/csv/);
  assert.match(res.headers.get('content-disposition') ?? '', /attachment; filename=".*\.csv"/);
  const lines = (await res.text()).trimEnd().split('\n');
  assert.is(lines[0], 't,time,tick,m1.speed,pe1.blocked');
  assert.ok(lines.length > 5);
  for (const l of lines.slice(1)) {
    const t = Number(l.split(',')[0]);
    assert.ok(t >= 0.2 && t <= 0.6, l);
  }
});

test('errors: unknown recording 404, malformed id 404, unknown signal and bad query 400', async () => {
  const cases: [string, number][] = [
    ['/api/recordings/nope', 404],
    ['/api/recordings/nope/frame?t=1', 404],
    ['/api/recordings/..%2F..%2Fetc/frame?t=1', 404],
    [`/api/recordings/${liveId}/frame`, 400],
    [`/api/recordings/${liveId}/frame?t=abc`, 400],
    [`/api/recordings/${liveId}/series?signals=no.such`, 400],
    [`/api/recordings/${liveId}/csv?signals=no.such`, 400],
    [`/api/recordings/${liveId}/csv?from=2&to=1`, 400],
    [`/api/recordings/${liveId}/csv?extra=1`, 400],
  ];
  for (const [path, status] of cases) {
    const res = await get(path);
    const body = (await res.json()) as { error: string };
    assert.is(res.status, status, `${path}: ${res.status} ${body.error}`);
  }
});

test.run();
