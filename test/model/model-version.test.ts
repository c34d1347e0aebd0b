// Model versions and sign-offs without a run: the version changes with each of the four files
// (line, plant, overlay, report) and says which one changed; `twinloop model sign-off` (the CLI,
// once as a user runs it, through main.ts; the other calls in this process) records who, when and the report's verdicts, writes the audit log (attempt
// then ok, hash chain intact), and `model status` says signed off until a file changes.

import { execFile } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { modelVersion, MODEL_PARTS } from '../../core/model/model-version.ts';
import { readSignOffs, signOffState } from '../../core/model/signoff-store.ts';
import { readReportVerdicts } from '../../core/model/report-verdicts.ts';
import { modelCommand } from '../../core/model/model-command.ts';
import { verifyAudit } from '../../core/audit/audit-verify.ts';
import { installationSecret } from '../../core/auth/data-dir.ts';

const run = promisify(execFile);
const root = new URL('../..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'twinloop-model-'));
const line = join(dir, 'sorting.yaml');
const plant = join(dir, 'sorting-shadow.yaml');
const overlay = join(dir, 'overlay.yaml');
const report = join(dir, 'report.json');
const data = join(dir, 'data');
copyFileSync(join(root, 'examples/sorting.yaml'), line);
copyFileSync(join(root, 'examples/sorting-shadow.yaml'), plant);
writeFileSync(overlay, 'parameters:\n  components.belt.speed: 0.5\n');
writeFileSync(report, JSON.stringify({ verdict: 'pass', signals: [{ signal: 'pe1.blocked', verdict: 'pass' }, { signal: 'pu1.extended', verdict: 'fail' }] }));

/** The command in this process (output captured); `spawn` runs it as a user does, through main.ts. */
async function cli(...args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const log = console.log;
  const err = console.error;
  console.log = (...a: unknown[]) => void (out += `${a.join(' ')}\n`);
  console.error = console.log;
  try {
    return { code: await modelCommand([...args, '--data', data]), out };
  } catch (e) {
    return { code: 2, out: out + (e as Error).message };
  } finally {
    console.log = log;
    console.error = err;
  }
}

async function spawn(...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const r = await run(process.execPath, ['--import', 'tsx', 'core/cli/main.ts', 'model', ...args, '--data', data], { cwd: root, encoding: 'utf8' });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

test('the version changes with each file, and each part says so', () => {
  const files = { line, plant, overlay, report };
  const v0 = modelVersion(files);
  assert.is(v0.version.length, 64);
  assert.equal(modelVersion(files), v0, 'deterministic');
  assert.is.not(modelVersion({ line, plant, report }).version, v0.version, 'without the overlay');
  const seen = new Set([v0.version]);
  for (const part of MODEL_PARTS) {
    const path = files[part];
    const before = readFileSync(path);
    appendFileSync(path, part === 'report' ? ' ' : '\n# edited\n');
    const v = modelVersion(files);
    assert.not.ok(seen.has(v.version), `${part} changed: a new version`);
    seen.add(v.version);
    for (const other of MODEL_PARTS) assert.is(v.parts[other]!.sha256 === v0.parts[other]!.sha256, other !== part, `${part} edited: ${other}'s hash`);
    writeFileSync(path, before);
  }
  assert.is(modelVersion(files).version, v0.version, 'restored bytes, the same version');
  // A part's name enters the hash: the same bytes as overlay or as report are different models.
  writeFileSync(join(dir, 'same.json'), '{"verdict":"pass"}');
  assert.is.not(modelVersion({ line, plant, overlay: join(dir, 'same.json') }).version, modelVersion({ line, plant, report: join(dir, 'same.json') }).version);
});

test('a report without a verdict is refused with the reason', () => {
  writeFileSync(join(dir, 'bad.json'), '{"signals": []}');
  assert.throws(() => readReportVerdicts(join(dir, 'bad.json')), /no overall verdict/);
  writeFileSync(join(dir, 'bad2.json'), 'not json');
  assert.throws(() => readReportVerdicts(join(dir, 'bad2.json')), /bad2\.json/);
  assert.equal(readReportVerdicts(report), { verdict: 'pass', signals: { 'pe1.blocked': 'pass', 'pu1.extended': 'fail' } });
});

test('CLI: status (not signed off), sign-off (audited), status (signed off), a changed file voids it', async () => {
  let r = await cli('status', '--line', line, '--plant', plant, '--overlay', overlay);
  assert.is(r.code, 1, r.out);
  assert.match(r.out, /NOT signed off: no sign-off/);
  r = await spawn('sign-off', '--line', line, '--plant', plant, '--overlay', overlay, '--report', report);
  assert.is(r.code, 0, r.out);
  assert.match(r.out, /signed off by os:/);
  assert.match(r.out, /failing signals accepted: pu1\.extended/);
  const recs = readSignOffs(data);
  assert.is(recs.length, 1);
  assert.is(recs[0]!.version, modelVersion({ line, plant, overlay, report }).version);
  assert.equal(recs[0]!.verdicts.signals, { 'pe1.blocked': 'pass', 'pu1.extended': 'fail' });
  assert.ok(Date.now() - Date.parse(recs[0]!.at) < 60_000);
  // The audit log: attempt then ok with the version and the verdicts, and the chain holds.
  const audit = readFileSync(join(data, 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { action: string; result: string; user: string; from: string; new?: { version: string; verdict: string; signals: Record<string, string> } });
  const mine = audit.filter((a) => a.action === 'model.sign-off');
  assert.equal(mine.map((a) => a.result), ['attempt', 'ok']);
  assert.is(mine[1]!.new!.version, recs[0]!.version);
  assert.is(mine[1]!.new!.signals['pu1.extended'], 'fail');
  assert.is(mine[1]!.from, 'cli');
  assert.ok(verifyAudit(join(data, 'audit.jsonl'), installationSecret(data)).ok);
  r = await cli('status', '--line', line, '--plant', plant);
  assert.is(r.code, 0, r.out);
  assert.match(r.out, /signed off by os:.*verdict pass/);
  // Editing the plant file voids it; status names the file.
  const before = readFileSync(plant);
  appendFileSync(plant, '\n# retuned\n');
  const s = signOffState(data, line, plant);
  assert.is(s.signedOff, false);
  assert.equal(s.changed, ['plant']);
  r = await cli('status', '--line', line, '--plant', plant);
  assert.is(r.code, 1);
  assert.match(r.out, /NOT signed off: plant changed since the sign-off/);
  writeFileSync(plant, before);
  assert.is(signOffState(data, line, plant).signedOff, true, 'the same bytes again: signed off again');
  // A bad report is refused, audited as failed, and nothing is recorded.
  r = await cli('sign-off', '--line', line, '--plant', plant, '--report', join(dir, 'bad.json'));
  assert.is(r.code, 2);
  assert.match(r.out, /no overall verdict/);
  assert.is(readSignOffs(data).length, 1);
  const last = JSON.parse(readFileSync(join(data, 'audit.jsonl'), 'utf8').trim().split('\n').at(-1)!) as { action: string; result: string };
  assert.equal([last.action, last.result], ['model.sign-off', 'failed']);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
