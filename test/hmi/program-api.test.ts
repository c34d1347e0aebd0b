// The ST program's online view over REST, against real runs of small ST programs
// (test/hmi/fixtures: online.st bound to a one-belt line, divzero.st that stops in its 200th scan)
// and of the built-in TypeScript sorting program (no online view: 501). Roles (401/403), the
// confirmation (428), audit records written before the action, write / force / release / release
// all, bad paths and values (400 with the program's own message), and STOP with its fault.

import { join } from 'node:path';
import { pino } from 'pino';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readAudit } from '../../core/audit/audit-export.ts';
import type { AuditRecord } from '../../core/audit/audit-record.ts';
import { startRun, type StartedRun } from '../../core/engine/engine.ts';
import type { ProgramResponse } from '../../hmi/server/program-routes.ts';
import { parentPath } from '../../hmi/server/program-routes.ts';
import type { OnlineVar } from '../../plc-adapters/st/st-program.ts';
import { SORTING_LINE, setupOnce } from './run-under-test.ts';
import { startSecured, type Secured } from './secured-server.ts';

const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;
const quiet = { logger: pino({ level: 'silent' }), statsLogMs: 0, realtimePriority: 0, nice: 0 } as const;

let run: StartedRun;
let s: Secured;

interface Answer<T = unknown> {
  status: number;
  body: T & { error?: string; message?: string };
}

async function call<T = unknown>(on: Secured, method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<Answer<T>> {
  const h: Record<string, string> = { ...headers };
  if (body !== undefined) h['content-type'] = 'application/json';
  const res = await fetch(on.server.url + path, { method, headers: h, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: (await res.json()) as Answer<T>['body'] };
}

const engineer = (): Record<string, string> => s.bearer('engineer');
const vars = async (path: string): Promise<OnlineVar[]> => {
  const r = await call<OnlineVar[]>(s, 'GET', `/api/program/vars?path=${encodeURIComponent(path)}`, s.bearer('viewer'));
  assert.is(r.status, 200, `vars ${path}: ${r.body.message}`);
  return r.body;
};
const row = async (path: string): Promise<OnlineVar> => {
  const rows = await vars(parentPath(path)!);
  const found = rows.find((r) => r.path === path);
  assert.ok(found, `${path} listed`);
  return found!;
};
const audit = (): AuditRecord[] => readAudit(join(s.dataDir, 'audit.jsonl')).records;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

setupOnce(test, async () => {
  run = await startRun({ linePath: join(FIXTURES, 'online.yaml'), ...quiet });
  s = await startSecured({ run });
});

test.after(async () => {
  await s?.close();
  await run?.close();
});

test('parentPath: the listing a path is a row of', () => {
  assert.is(parentPath('MAIN'), undefined);
  assert.is(parentPath('MAIN.t1'), 'MAIN');
  assert.is(parentPath('MAIN.t1.PT'), 'MAIN.t1');
  assert.is(parentPath('MAIN.levels[2]'), 'MAIN.levels');
  assert.is(parentPath('MAIN.grid[1, 2].x'), 'MAIN.grid[1, 2]');
  assert.is(parentPath('MAIN.counter.3'), 'MAIN.counter');
});

test('roles: anonymous 401 everywhere; viewers and operators read but may not write (403)', async () => {
  const routes: Array<[string, string, unknown?]> = [
    ['GET', '/api/program'],
    ['GET', '/api/program/vars?path=MAIN'],
    ['POST', '/api/program/vars', { path: 'MAIN.recipe.batch', value: '1', confirm: true }],
    ['DELETE', '/api/program/forces', { confirm: true }],
  ];
  for (const [method, path, body] of routes) {
    const anon = await call(s, method, path, {}, body);
    assert.is(anon.status, 401, `${method} ${path} anonymous`);
    assert.is(anon.body.error, 'AUTH_REQUIRED');
    for (const role of ['viewer', 'operator'] as const) {
      const r = await call(s, method, path, s.bearer(role), body);
      if (method === 'GET') assert.is(r.status, 200, `${method} ${path} as ${role}`);
      else {
        assert.is(r.status, 403, `${method} ${path} as ${role}`);
        assert.is(r.body.error, 'AUTH_FORBIDDEN');
      }
    }
  }
  assert.is((await row('MAIN.recipe.batch')).value, '7', 'no refused write reached the program');
  const denied = audit().filter((r) => r.result === 'denied' && r.action.startsWith('program.'));
  assert.equal(new Set(denied.map((r) => r.action)), new Set(['program.write', 'program.release']));
  assert.is(denied.length, 6, 'anonymous, viewer and operator, for each of the two writing routes');
});

test('GET /api/program: RUN, no fault, no forces; the instance tree with values as text', async () => {
  const p = await call<ProgramResponse>(s, 'GET', '/api/program', s.bearer('viewer'));
  assert.is(p.status, 200);
  assert.is(p.body.program?.status, 'run');
  assert.is(p.body.program?.fault, null);
  assert.equal(p.body.forces, []);

  const root = await call<OnlineVar[]>(s, 'GET', '/api/program/vars', s.bearer('viewer'));
  assert.equal(root.body.map((r) => [r.name, r.kind]), [['MAIN', 'program']]);
  const main = await vars('MAIN');
  const kinds = Object.fromEntries(main.map((r) => [r.name, r.kind]));
  assert.equal(kinds, { pe1: 'scalar', m1Run: 'scalar', counter: 'scalar', enable: 'scalar', latch: 'scalar', t1: 'fb', wait: 'scalar', levels: 'array', recipe: 'struct', mode: 'scalar' });
  assert.is(main.find((r) => r.name === 'pe1')?.section, 'VAR_INPUT');
  assert.is(main.find((r) => r.name === 'wait')?.value, 'T#500ms');
  assert.is(main.find((r) => r.name === 'mode')?.value, 'Running');
  assert.ok(main.every((r) => r.forced === false));
  assert.ok(main.filter((r) => r.kind !== 'scalar').every((r) => r.value === undefined), 'only scalars carry a value');

  const c1 = Number((await row('MAIN.counter')).value);
  await sleep(150);
  const c2 = Number((await row('MAIN.counter')).value);
  assert.ok(c2 > c1, `the scan counter moves (${c1} -> ${c2})`);

  assert.equal((await vars('MAIN.t1')).map((r) => r.name).slice(0, 4), ['IN', 'PT', 'Q', 'ET']);
  assert.is((await row('MAIN.t1.PT')).value, 'T#500ms');
  assert.equal((await vars('MAIN.levels')).map((r) => r.path), ['MAIN.levels[1]', 'MAIN.levels[2]', 'MAIN.levels[3]']);
  assert.equal((await vars('MAIN.recipe')).map((r) => `${r.name}=${r.value}`), ['speed=1.5', 'batch=7', "label='demo'"]);
  // Names are IEC: case does not matter.
  assert.is((await vars('main.RECIPE')).length, 3);
  // Several at once (the page polls every expanded node): each gets its own answer.
  const all = await Promise.all(['MAIN', 'MAIN.t1', 'MAIN.levels', 'MAIN.recipe'].map((p) => vars(p)));
  assert.equal(all.map((r) => r.length), [10, 6, 3, 3]);
});

test('write and force need confirm: true (428), audited as denied, nothing written', async () => {
  const w = await call(s, 'POST', '/api/program/vars', engineer(), { path: 'MAIN.recipe.batch', value: '99' });
  assert.is(w.status, 428);
  assert.is(w.body.error, 'HMI_CONFIRM_REQUIRED');
  const f = await call(s, 'POST', '/api/program/vars', engineer(), { path: 'MAIN.enable', value: 'FALSE', force: true, confirm: false });
  assert.is(f.status, 428);
  const d = await call(s, 'DELETE', '/api/program/forces', engineer(), {});
  assert.is(d.status, 428);
  assert.is((await row('MAIN.recipe.batch')).value, '7');
  assert.is((await row('MAIN.enable')).forced, false);
  const denied = audit().filter((r) => r.result === 'denied' && r.code === 'HMI_CONFIRM_REQUIRED');
  assert.equal(denied.map((r) => r.action), ['program.write', 'program.force', 'program.release']);
  assert.is(denied[0]!.target, 'MAIN.recipe.batch');
});

test('write: audited before it acts (old value read first), then the value is there', async () => {
  const before = audit().length;
  const r = await call(s, 'POST', '/api/program/vars', engineer(), { path: 'main.recipe.BATCH', value: ' 42 ', confirm: true });
  assert.is(r.status, 200, r.body.message);
  assert.equal(r.body, { path: 'main.recipe.BATCH', value: '42', forced: false });
  assert.is((await row('MAIN.recipe.batch')).value, '42');
  const recs = audit().slice(before);
  assert.equal(recs.map((x) => `${x.action} ${x.result}`), ['program.write attempt', 'program.write ok']);
  assert.is(recs[0]!.user, 'engineer1');
  assert.is(recs[0]!.target, 'main.recipe.BATCH', 'the path as the engineer sent it');
  assert.is(recs[0]!.old, '7');
  assert.is(recs[0]!.new, '42');
  assert.is(recs[1]!.ref, recs[0]!.seq);
  // Typed values: a TIME, an enum, a STRING (as a literal or plain), an array element.
  for (const [path, value, shown] of [
    ['MAIN.wait', 'T#1s500ms', 'T#1s500ms'],
    ['MAIN.mode', 'Stopped', 'Stopped'],
    ['MAIN.recipe.label', "'hello'", "'hello'"], // typed as the literal it reads as
    ['MAIN.recipe.label', ' two words', "' two words'"], // or as its characters
    ['MAIN.levels[3]', '-5', '-5'],
  ] as const) {
    const w = await call(s, 'POST', '/api/program/vars', engineer(), { path, value, confirm: true });
    assert.is(w.status, 200, `${path}: ${w.body.message}`);
    assert.is((await row(path)).value, shown, path);
  }
});

test('force: held every scan, marked forced, listed, drives the bound output; release one', async () => {
  const before = audit().length;
  const f = await call(s, 'POST', '/api/program/vars', engineer(), { path: 'MAIN.enable', value: 'FALSE', force: true, confirm: true });
  assert.is(f.status, 200, f.body.message);
  const recs = audit().slice(before);
  assert.equal(recs.map((x) => `${x.action} ${x.result} ${x.target} ${String(x.old)} ${String(x.new)}`), ['program.force attempt MAIN.enable TRUE FALSE', 'program.force ok MAIN.enable TRUE FALSE']);
  await sleep(100);
  const en = await row('MAIN.enable');
  assert.is(en.value, 'FALSE');
  assert.is(en.forced, true);
  assert.is((await row('MAIN.m1Run')).value, 'FALSE', 'the program computes with the forced value');
  const p = await call<ProgramResponse>(s, 'GET', '/api/program', s.bearer('viewer'));
  assert.equal(p.body.forces, [{ path: 'MAIN.enable', text: 'FALSE' }]);
  // The bound output reaches the line: m1.run is the program's m1Run.
  const sig = await call<{ signals: { name: string; value: number }[] }>(s, 'GET', '/api/signals?prefix=m1.run', s.bearer('viewer'));
  assert.is(sig.body.signals.find((x) => x.name === 'm1.run')?.value, 0);
  // A write to a forced variable does not outlast the scan: the force wins.
  await call(s, 'POST', '/api/program/vars', engineer(), { path: 'MAIN.enable', value: 'TRUE', confirm: true });
  await sleep(60);
  assert.is((await row('MAIN.enable')).value, 'FALSE');

  const rel = await call(s, 'DELETE', '/api/program/forces', engineer(), { path: 'main.enable', confirm: true });
  assert.is(rel.status, 200, rel.body.message);
  assert.equal(rel.body, { released: ['MAIN.enable'] });
  assert.is((await row('MAIN.enable')).forced, false);
  assert.equal((await call<ProgramResponse>(s, 'GET', '/api/program', s.bearer('viewer'))).body.forces, []);
  const last = audit().at(-2)!;
  assert.equal([last.action, last.result, last.target, last.old], ['program.release', 'attempt', 'main.enable', 'FALSE']);
  await call(s, 'POST', '/api/program/vars', engineer(), { path: 'MAIN.enable', value: 'TRUE', confirm: true });
  await sleep(60);
  assert.is((await row('MAIN.m1Run')).value, 'TRUE', 'released: the program runs the belt again');
});

test('release all: every force goes, confirmed by header, audited with what was forced', async () => {
  for (const [path, value] of [['MAIN.latch', 'TRUE'], ['MAIN.levels[2]', '77']] as const) {
    const r = await call(s, 'POST', '/api/program/vars', engineer(), { path, value, force: true, confirm: true });
    assert.is(r.status, 200);
  }
  assert.is((await call<ProgramResponse>(s, 'GET', '/api/program', s.bearer('viewer'))).body.forces.length, 2);
  const res = await fetch(`${s.server.url}/api/program/forces`, { method: 'DELETE', headers: { ...engineer(), 'x-twinloop-confirm': 'true' } });
  assert.is(res.status, 200);
  assert.equal(((await res.json()) as { released: string[] }).released.sort(), ['MAIN.latch', 'MAIN.levels[2]']);
  assert.equal((await call<ProgramResponse>(s, 'GET', '/api/program', s.bearer('viewer'))).body.forces, []);
  assert.ok((await vars('MAIN')).every((r) => !r.forced));
  const attempt = audit().filter((r) => r.action === 'program.release' && r.result === 'attempt').at(-1)!;
  assert.is(attempt.target, '(all)');
  assert.equal(attempt.old, ['MAIN.latch := TRUE', 'MAIN.levels[2] := 77']);
  assert.is(readAudit(join(s.dataDir, 'audit.jsonl')).chainBrokenAt, undefined, 'hash chain intact');
});

test('bad paths and values: 400 with the program\'s code and message; a bad path is not audited', async () => {
  const before = audit().length;
  const unknown = await call(s, 'POST', '/api/program/vars', engineer(), { path: 'MAIN.countr', value: '1', confirm: true });
  assert.is(unknown.status, 400);
  assert.is(unknown.body.error, 'PLC_TAG_UNKNOWN');
  assert.match(unknown.body.message!, /MAIN\.countr: unknown name countr; did you mean counter\?/);
  const notPath = await call(s, 'GET', '/api/program/vars?path=MAIN..x', s.bearer('viewer'));
  assert.is(notPath.status, 400);
  assert.is(notPath.body.error, 'PLC_TAG_UNKNOWN');
  const relUnknown = await call(s, 'DELETE', '/api/program/forces', engineer(), { path: 'NOPE.x', confirm: true });
  assert.is(relUnknown.status, 400);
  assert.is(relUnknown.body.error, 'PLC_TAG_UNKNOWN');
  const fb = await call(s, 'POST', '/api/program/vars', engineer(), { path: 'MAIN.t1', value: 'TRUE', confirm: true });
  assert.is(fb.status, 400);
  assert.is(fb.body.error, 'PLC_TAG_TYPE');
  assert.match(fb.body.message!, /MAIN\.t1 is an instance of TON \(fb\): write or force its elements/);
  assert.is(audit().length, before, 'refused before the audit: nothing to record');

  const badValue = await call(s, 'POST', '/api/program/vars', engineer(), { path: 'MAIN.enable', value: '7', force: true, confirm: true });
  assert.is(badValue.status, 400);
  assert.is(badValue.body.error, 'PLC_TAG_TYPE');
  assert.match(badValue.body.message!, /MAIN\.enable is BOOL: expected TRUE or FALSE, got "7"/);
  assert.is((await row('MAIN.enable')).forced, false, 'a refused force is not kept');
  const recs = audit().slice(before);
  assert.equal(recs.map((r) => `${r.action} ${r.result} ${r.code ?? ''}`), ['program.force attempt ', 'program.force failed PLC_TAG_TYPE']);

  // Bodies by schema: value is text, bounded; nothing unknown.
  for (const body of [
    { path: 'MAIN.counter', value: 42, confirm: true },
    { path: 'MAIN.counter', value: '1', confirm: true, extra: 1 },
    { path: 'x'.repeat(201), value: '1', confirm: true },
    { path: 'MAIN.recipe.label', value: `'${'x'.repeat(400)}'`, confirm: true },
    { path: '', value: '1', confirm: true },
    { value: '1', confirm: true },
  ]) {
    const r = await call(s, 'POST', '/api/program/vars', engineer(), body);
    assert.is(r.status, 400, JSON.stringify(body).slice(0, 80));
    assert.is(r.body.error, 'HMI_BAD_REQUEST');
  }
  const q = await call(s, 'GET', '/api/program/vars?path=MAIN&depth=2', s.bearer('viewer'));
  assert.is(q.status, 400);
});

test('a run whose controller is not an ST program: program null, 501 HMI_UNSUPPORTED elsewhere', async () => {
  const other = await startRun({ linePath: SORTING_LINE, controller: { name: 'plc1', protocol: 'sim', program: 'sorting', cycleMs: 10 }, ...quiet });
  const o = await startSecured({ run: other });
  try {
    const p = await call<ProgramResponse>(o, 'GET', '/api/program', o.bearer('viewer'));
    assert.is(p.status, 200);
    assert.equal(p.body, { program: null, forces: [] });
    for (const [method, path, body] of [
      ['GET', '/api/program/vars?path=MAIN'],
      ['POST', '/api/program/vars', { path: 'MAIN.x', value: '1', confirm: true }],
      ['DELETE', '/api/program/forces', { confirm: true }],
    ] as const) {
      const r = await call(o, method, path, o.bearer('engineer'), body);
      assert.is(r.status, 501, `${method} ${path}`);
      assert.is(r.body.error, 'HMI_UNSUPPORTED');
      assert.match(r.body.message!, /not a Structured Text program.*--program FILE\.st/);
    }
  } finally {
    await o.close();
    await other.close();
  }
});

test('a program that divides by zero: STOP with the fault in /api/program and /api/health', async () => {
  const stopping = await startRun({ linePath: join(FIXTURES, 'divzero.yaml'), ...quiet });
  const o = await startSecured({ run: stopping });
  try {
    let p: Answer<ProgramResponse> | undefined;
    const until = Date.now() + 8000;
    while (Date.now() < until) {
      p = await call<ProgramResponse>(o, 'GET', '/api/program', o.bearer('viewer'));
      if (p.body.program?.status === 'stop') break;
      await sleep(50);
    }
    assert.is(p!.body.program?.status, 'stop');
    const f = p!.body.program!.fault!;
    assert.equal({ ...f, file: f.file.slice(f.file.lastIndexOf('/') + 1) }, { kind: 'divzero', message: 'integer division by zero', file: 'divzero.st', line: 10, col: 14, pou: 'MAIN', scan: 199 });
    const health = await call<{ controllers: { program?: unknown }[] }>(o, 'GET', '/api/health', o.bearer('viewer'));
    assert.equal(health.body.controllers[0]!.program, p!.body.program);
    // In STOP the variables keep the values of the scan that faulted: still readable.
    const left = (await call<OnlineVar[]>(o, 'GET', '/api/program/vars?path=MAIN', o.bearer('viewer'))).body.find((r) => r.name === 'left');
    assert.is(left?.value, '0');
  } finally {
    await o.close();
    await stopping.close();
  }
});

test.run();
