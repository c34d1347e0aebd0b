// The unobserved scan against the observed one, scan by scan (plc-adapters/st/unobserved/):
//   - every demo program (examples/programs/*.st) in a twin (unobserved-twin.ts) fed the same
//     pseudo-random input images for 6 000 scans: equal output images, run state and persistent
//     memory after every scan;
//   - test/st/fixtures/unobserved-hard-cases.st, the analysis's hard cases, for 20 000 scans;
//   - the whole conformance suite (test/st/conformance/*.test.ts) run with ST_SCAN=differential,
//     where every program a case compiles is such a twin (one child process per file, in turn).
// The demo lines against the TypeScript programs with the unobserved scan from the first cycle:
// `ST_SCAN=unobserved node --import tsx test/st/demo-equivalence.test.ts`.

import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readSources } from '../../plc-adapters/sim/program-source.ts';
import { compileSt } from '../../plc-adapters/st/compile.ts';
import { twin } from './unobserved-twin.ts';

const PROGRAMS = fileURLToPath(new URL('../../examples/programs/', import.meta.url));
const CONFORMANCE = fileURLToPath(new URL('./conformance/', import.meta.url));

/** A small deterministic generator (mulberry32), so a failure repeats. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

for (const file of readdirSync(PROGRAMS).filter((f) => f.endsWith('.st'))) {
  test(`${file}: 6 000 scans of random inputs, the unobserved scan equals the observed one`, () => {
    const { sources } = readSources(PROGRAMS + file);
    const r = compileSt(sources, { checkUnobserved: true });
    assert.ok(r.instantiate, `${file} compiles`);
    const probe = r.instantiate!();
    // The comparison only means something if the unobserved scan keeps variables in locals.
    assert.ok(probe.unobservedLocals.length > 0, `${file}: the unobserved scan keeps no variable in a local`);
    const p = twin(r.instantiate!);
    const next = random(file.length * 7919);
    const i = new Float64Array(p.io.inputs.length);
    const q = new Float64Array(p.io.outputs.length);
    for (let k = 0; k < 6000; k++) {
      // Inputs hold for a while (a sensor does), so timers and edges run through their states.
      p.io.inputs.forEach((e, n) => {
        if (next() > 0.05) return;
        i[n] = e.type === 'bool' ? (next() < 0.5 ? 1 : 0) : e.type === 'int' ? Math.floor(next() * 200) - 50 : next() * 1000 - 100;
      });
      p.scan(i, q, 10); // throws at the first difference
    }
  });
}

test('fixtures/unobserved-hard-cases.st: 20 000 scans of random inputs, the unobserved scan equals the observed one', () => {
  const file = fileURLToPath(new URL('./fixtures/unobserved-hard-cases.st', import.meta.url));
  const r = compileSt([{ file, text: readFileSync(file, 'utf8') }], { checkUnobserved: true });
  assert.ok(r.instantiate, 'the fixture compiles');
  const locals = new Set(r.instantiate!().unobservedLocals);
  // What the analysis must find: dead in locals, carried or partly set in memory.
  for (const v of ['MAIN.outer.a.k', 'MAIN.outer.a.w', 'MAIN.outer.t.ET', 'MAIN.tmp', 'MAIN.clipped']) assert.ok(locals.has(v), `${v} in a local`);
  for (const v of ['MAIN.outer.b.go', 'MAIN.outer.a.hits', 'MAIN.outer.a.mem', 'MAIN.total', 'MAIN.last', 'MAIN.pair.a']) assert.not.ok(locals.has(v), `${v} in memory`);
  const p = twin(r.instantiate!);
  const next = random(20_000);
  const i = new Float64Array(p.io.inputs.length);
  const q = new Float64Array(p.io.outputs.length);
  for (let k = 0; k < 20_000; k++) {
    if (next() < 0.1) i[0] = next() < 0.5 ? 1 : 0;
    if (next() < 0.1) i[1] = Math.floor(next() * 12) - 3;
    if (next() < 0.2) i[2] = Math.floor(next() * 20);
    p.scan(i, q, 10);
  }
  assert.ok((p.read('MAIN.total') as number) > 0, 'the timer edge counted through VAR_IN_OUT');
});

for (const file of readdirSync(CONFORMANCE).filter((f) => f.endsWith('.test.ts'))) {
  test(`conformance/${file} with every program a twin of its two scans (ST_SCAN=differential)`, () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', CONFORMANCE + file], { env: { ...process.env, ST_SCAN: 'differential' }, encoding: 'utf8', timeout: 300_000 });
    const out = `${run.stdout}\n${run.stderr}`;
    assert.ok(run.status === 0 && /Passed:\s+\d+/.test(out) && !/FAIL/.test(out), `${file} failed in differential mode:\n${out.slice(-3000)}`);
  });
}

test.run();
