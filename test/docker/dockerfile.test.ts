// docker/Dockerfile, checked the one way this machine allows: no image can be pulled here, so
// its steps run on the host in a scratch copy of /app. What is substituted, and why:
//   - `npm ci` (build stage): node_modules is linked from this checkout, which `.ci/run` has just
//     installed from the same package-lock.json with `npm ci`; `npm prune --omit=dev` runs as a
//     dry run (it would delete from the linked tree) and its list is checked instead;
//   - `chown node:node` and `USER node`: the host has no user `node`; nobody (65534) stands in,
//     when the test runs as root (else the server runs as the test's own non-root user);
//   - `setcap ... /usr/bin/chrt`: applied to a copy of the host's chrt put first on PATH;
//   - the port 8080 of CMD and HEALTHCHECK: a free port; `--log-level info` is added to read
//     the scheduling line.
// What it shows: the build and runtime stages' COPY lists hold everything the server needs, the
// HMI bundle builds from them, the pruned runtime keeps what the server and the S7 demo load, the
// server starts from them as a non-root user, gets SCHED_FIFO through the file capability (where
// the host lets a root test set one), prints an address a browser can open (not 0.0.0.0), and
// the image's health check passes. docs/deployment.md says what it does not show.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../plc-adapters/soft-plc/free-port.ts';
import { execForm, parseDockerfile, type Stage } from './dockerfile.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const stages: Stage[] = parseDockerfile(readFileSync(join(repo, 'docker/Dockerfile'), 'utf8'));
const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

const scratch = mkdtempSync(join(tmpdir(), 'twinloop-docker-'));
chmodSync(scratch, 0o755); // the unprivileged server reads the copy
const app = join(scratch, 'app');
const bin = join(scratch, 'bin');
mkdirSync(app);
mkdirSync(bin);
let server: ChildProcess | undefined;

test.after(() => {
  server?.kill('SIGKILL');
  rmSync(scratch, { recursive: true, force: true });
});

test('two stages: compilers in the build stage only; a slim, non-root runtime with a health check', () => {
  assert.is(stages.length, 2);
  const [build, runtime] = stages as [Stage, Stage];
  assert.is(build.name, 'build');
  assert.match(build.from, /^node:20-bookworm$/, 'the full image has python3, make and g++ for the native modules');
  assert.match(runtime.from, /^node:20-bookworm-slim$/);
  const runtimeRuns = runtime.steps.filter((s) => s.op === 'RUN').map((s) => s.text).join('\n');
  assert.not.match(runtimeRuns, /npm (ci|install)|g\+\+|build-essential|python3/, 'nothing is built in the runtime stage');
  const users = runtime.steps.filter((s) => s.op === 'USER');
  assert.is(users.at(-1)?.text, 'node');
  assert.ok(runtime.steps.some((s) => s.op === 'HEALTHCHECK' && /api\/live/.test(s.text)));
  assert.ok(runtime.steps.some((s) => s.op === 'COPY' && /^--from=build \/app \/app$/.test(s.text)));
});

test('the build stage runs on the host: its COPY list builds the HMI bundle; prune keeps what runs', () => {
  const build = stages[0]!;
  for (const step of build.steps) {
    if (step.op === 'COPY') {
      const parts = step.text.split(/\s+/);
      const dest = parts.pop()!;
      for (const src of parts) {
        const target = dest.endsWith('/') || parts.length > 1 ? join(app, dest, src.split('/').pop()!) : join(app, dest);
        mkdirSync(dirname(target), { recursive: true });
        cpSync(join(repo, src), target, { recursive: true });
      }
    } else if (step.op === 'RUN' && /npm ci/.test(step.text)) {
      symlinkSync(join(repo, 'node_modules'), join(app, 'node_modules'));
    } else if (step.op === 'RUN' && /npm prune/.test(step.text)) {
      const r = spawnSync('sh', ['-c', `${step.text} --dry-run`], { cwd: app, encoding: 'utf8', timeout: 120_000 });
      assert.is(r.status, 0, r.stderr);
      const removed = [...r.stdout.matchAll(/^remove (\S+)/gm)].map((m) => m[1]!);
      for (const dev of ['typescript', 'uvu', 'playwright-core']) assert.ok(removed.includes(dev), `prune removes ${dev}`);
      for (const kept of ['tsx', 'fastify', 'better-sqlite3', 'node-opcua', 'node-snap7']) assert.not.ok(removed.includes(kept), `prune keeps ${kept}`);
    } else if (step.op === 'RUN') {
      const r = spawnSync('sh', ['-c', step.text], { cwd: app, encoding: 'utf8', timeout: 120_000 });
      assert.is(r.status, 0, `Dockerfile:${step.line} ${step.text}: ${r.stderr}`);
    }
  }
  assert.ok(existsSync(join(app, 'hmi/web/dist')), 'the HMI bundle was built in the copy');
  assert.ok(existsSync(join(app, 'docker/sorting-opcua.yaml')), 'the compose plant file is in the image');
});

test('the runtime stage starts the server as a non-root user with real-time priority and a healthy check', async () => {
  const runtime = stages[1]!;
  for (const step of runtime.steps.filter((s) => s.op === 'RUN')) {
    if (/setcap/.test(step.text)) {
      copyFileSync('/usr/bin/chrt', join(bin, 'chrt'));
      chmodSync(join(bin, 'chrt'), 0o755);
      if (isRoot) {
        const r = spawnSync('setcap', ['cap_sys_nice+ep', join(bin, 'chrt')], { encoding: 'utf8' });
        assert.is(r.status, 0, `setcap: ${r.stderr}`);
      }
    } else if (/mkdir -p \/app\/data/.test(step.text)) {
      mkdirSync(join(app, 'data'), { recursive: true });
      if (isRoot) chownSync(join(app, 'data'), NOBODY, NOBODY);
    } else {
      assert.unreachable(`Dockerfile:${step.line}: a runtime RUN step this test does not know how to stand in for: ${step.text}`);
    }
  }
  const port = await freePort('127.0.0.1');
  const cmdStep = runtime.steps.find((s) => s.op === 'CMD')!;
  const argv = execForm(cmdStep.text).map((a) => (a === '8080' ? String(port) : a.replace(/^\/app\//, `${app}/`)));
  assert.is(argv[argv.indexOf('--host') + 1], '0.0.0.0');
  argv.push('--log-level', 'info');
  const asUser = isRoot ? ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--inh-caps=-all'] : [];
  const [cmd, ...args] = [...asUser, ...argv];
  server = spawn(cmd!, args, { cwd: app, env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, HOME: scratch }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  server.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  server.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 60_000;
  while (!/"scheduling"/.test(out) || !/HMI on /.test(out)) {
    if (Date.now() > deadline || server.exitCode !== null) assert.unreachable(`the server did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  // An address a browser can open, also in the first-admin link.
  assert.match(out, new RegExp(`HMI on http://127\\.0\\.0\\.1:${port} \\(listening on all interfaces, 0\\.0\\.0\\.0\\)`));
  assert.match(out, new RegExp(`http://127\\.0\\.0\\.1:${port}/#setup=`));
  assert.not.match(out, /http:\/\/0\.0\.0\.0/);
  const scheduling = /"scheduling":"([^"]*)"/.exec(out)![1]!;
  if (isRoot) assert.is(scheduling, 'SCHED_FIFO 10', 'the file capability on chrt gives the non-root server its priority');
  else assert.ok(scheduling.length > 0);

  const health = runtime.steps.find((s) => s.op === 'HEALTHCHECK')!;
  const check = execForm(health.text.slice(health.text.indexOf('CMD ') + 4)).map((a) => a.replace(':8080/', `:${port}/`));
  const r = spawnSync(check[0]!, check.slice(1), { encoding: 'utf8', timeout: 10_000 });
  assert.is(r.status, 0, `the image's health check failed: ${r.stderr}`);
});

test('without the capability (no setcap) the server still runs and says it is at normal priority', async () => {
  if (!isRoot) return; // the other test ran unprivileged already
  // The bounding set of a container without cap_add: SYS_NICE drops the file capability; here the
  // stand-in is an unmarked chrt first on PATH.
  server?.kill('SIGTERM');
  const plain = join(scratch, 'plain-bin');
  mkdirSync(plain);
  copyFileSync('/usr/bin/chrt', join(plain, 'chrt'));
  chmodSync(join(plain, 'chrt'), 0o755);
  const port = await freePort('127.0.0.1');
  const argv = execForm(stages[1]!.steps.find((s) => s.op === 'CMD')!.text).map((a) => (a === '8080' ? String(port) : a.replace(/^\/app\//, `${app}/`)));
  const child = spawn('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--inh-caps=-all', ...argv, '--log-level', 'info'], { cwd: app, env: { ...process.env, PATH: `${plain}:${process.env.PATH}`, HOME: scratch }, stdio: ['ignore', 'pipe', 'pipe'] });
  server = child;
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 60_000;
  while (!/"scheduling"/.test(out)) {
    if (Date.now() > deadline || child.exitCode !== null) assert.unreachable(`the server did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.match(/"scheduling":"([^"]*)"/.exec(out)![1]!, /^normal \(SCHED_FIFO refused: .*Operation not permitted/);
});

test.run();
