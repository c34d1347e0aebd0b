#!/usr/bin/env node
// The test command: runs every test/**/*.test.ts as its own uvu process (isolation: one
// file's leaked socket or timer cannot hang or poison another), each under a time limit that
// kills and fails it. Timing-sensitive files run serially (2-core machines: they must not fight
// each other); the pure-computation ones then run two at a time, their output printed whole when
// each ends: the folders under PARALLEL (the ST compiler's, the physics models', the KPI
// formulas', the planning schedules' and the model validation's tests) and the compute-only
// files of other folders in PARALLEL_FILES. Prints uvu's summary per file, a combined summary,
// and the closing line `N passed, N failed`.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const FILE_TIMEOUT_MS = Number(process.env.TEST_FILE_TIMEOUT_MS ?? 240_000);
// After uvu printed its summary, a file has this long to exit on its own.
const EXIT_GRACE_MS = 10_000;

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...find(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const args = process.argv.slice(2);
const roots = args.length ? args.map((a) => resolve(a)) : [join(root, 'test')];
const files = roots.flatMap((r) => (statSync(r).isDirectory() ? find(r) : [r]));

/** Folders whose tests compute only (no servers, no pacing, no wall-clock bounds of note). */
const PARALLEL = ['st', 'physics', 'kpi', 'planning', 'validation'].map((d) => join(root, 'test', d) + '/');
/** ... except these: a run in the loop, a browser, a broker. */
const SERIAL_IN_PARALLEL_FOLDERS = ['st-in-the-loop.test.ts', 'assembly-mimic.test.ts', 'kpi-sparkplug.test.ts'];
/** Compute-only files in the other folders: in-thread runs, virtual clocks, pure functions. */
const PARALLEL_FILES = [
  'core/alarm-comment', 'core/alarm-kpi', 'core/alarm-manager', 'core/alarm-state', 'core/cli-validate', 'core/deadline-grid', 'core/lockstep', 'core/pace-keeping', 'core/pacing',
  'hmi/client-message', 'hmi/format', 'hmi/frame-encoder', 'hmi/publish-on-change', 'hmi/publisher', 'hmi/scenario-progress', 'hmi/security-users', 'hmi/trend-scale',
  'model/calibration-nelder-mead', 'model/calibration-strokes', 'model/calibration-thermal', 'model/sign-off-gating',
  'plc-adapters/opcua-values', 'plc-adapters/sim-adapter', 'queue/plan-job', 'recording/csv', 'recording/roundtrip',
  'scenario/expression', 'scenario/scenario-file', 'scenario/steps',
  'shadow/compare-engine', 'shadow/in-thread-rig', 'shadow/item-resync', 'shadow/maintenance-engine',
].map((n) => join(root, 'test', `${n}.test.ts`));
const PARALLEL_JOBS = 2;
const isParallel = (f) => PARALLEL_FILES.includes(f) || (PARALLEL.some((p) => f.startsWith(p)) && !SERIAL_IN_PARALLEL_FOLDERS.some((n) => f.endsWith(n)));

function runFile(file, buffered = false) {
  return new Promise((done) => {
    const write = (d) => {
      if (buffered) held += d;
      else process.stdout.write(d);
    };
    let held = '';
    const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
    let out = '';
    let killedFor = '';
    let graceTimer;
    const kill = (why) => {
      if (killedFor) return;
      killedFor = why;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => kill(`did not finish within ${FILE_TIMEOUT_MS / 1000} s`), FILE_TIMEOUT_MS);
    child.stdout.on('data', (d) => {
      write(d);
      out += d;
      if (!graceTimer && /Duration:/.test(out)) {
        graceTimer = setTimeout(() => kill(`finished its tests but did not exit within ${EXIT_GRACE_MS / 1000} s (a leaked socket, timer or worker)`), EXIT_GRACE_MS);
      }
    });
    child.stderr.on('data', (d) => (buffered ? (held += d) : process.stderr.write(d)));
    child.on('close', (code) => {
      clearTimeout(timer);
      clearTimeout(graceTimer);
      const num = (label) => {
        const m = out.match(new RegExp(`${label}:\\s+(\\d+)`));
        return m ? Number(m[1]) : undefined;
      };
      const total = num('Total');
      const passed = num('Passed') ?? 0;
      const skipped = num('Skipped') ?? 0;
      let failed = total === undefined ? 0 : total - passed - skipped;
      let reason = killedFor;
      if (!reason && total === undefined) reason = `exited with code ${code} before printing a summary`;
      if (!reason && code !== 0 && failed === 0) reason = `exited with code ${code}`;
      if (reason && failed === 0) failed = 1;
      done({ file, total: total ?? failed, passed, skipped, failed, reason, held });
    });
  });
}

const started = Date.now();
const results = [];
for (const file of files.filter((f) => !isParallel(f))) {
  process.stdout.write(`\n# ${relative(root, file)}\n`);
  const r = await runFile(file);
  if (r.reason) process.stdout.write(`\n! ${relative(root, file)}: ${r.reason}\n`);
  results.push(r);
}
const parallel = files.filter(isParallel);
let next = 0;
await Promise.all(
  Array.from({ length: Math.min(PARALLEL_JOBS, parallel.length) }, async () => {
    while (next < parallel.length) {
      const file = parallel[next++];
      const r = await runFile(file, true);
      process.stdout.write(`\n# ${relative(root, file)}\n${r.held}`);
      if (r.reason) process.stdout.write(`\n! ${relative(root, file)}: ${r.reason}\n`);
      results.push(r);
    }
  }),
);

const sum = (k) => results.reduce((a, r) => a + r[k], 0);
const failedFiles = results.filter((r) => r.failed > 0);
process.stdout.write(`\n# ${files.length} test files in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
for (const r of failedFiles) process.stdout.write(`# FAILED ${relative(root, r.file)}${r.reason ? `: ${r.reason}` : ''}\n`);
process.stdout.write(`\n  Total:     ${sum('total')}\n  Passed:    ${sum('passed')}\n  Skipped:   ${sum('skipped')}\n\n`);
process.stdout.write(`${sum('passed')} passed, ${sum('failed')} failed${sum('skipped') ? `, ${sum('skipped')} skipped` : ''}\n`);
process.exitCode = sum('failed') > 0 || files.length === 0 ? 1 : 0;
