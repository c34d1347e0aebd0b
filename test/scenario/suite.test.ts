// The example suite (examples/scenarios/): all pass with the demo program; with the broken
// variant (supervision timeouts removed) exactly the supervision scenarios fail; the pool (2
// threads) gives the serial verdicts; the reports are written and the JUnit XML is well-formed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { runSuite, scenarioFiles, type SuiteResult } from '../../core/scenario/suite.ts';
import { testCommand } from '../../core/cli/test-command.ts';
import { SUITE } from './helpers.ts';

const tmp = mkdtempSync(join(tmpdir(), 'twinloop-suite-'));
const files = scenarioFiles([SUITE]);
/** The scenarios the broken program must fail: each needs a supervision timeout. */
const EXPECTED_BROKEN = ['pusher jam detected', 'extended switch wire break', 'sorter running feedback stuck'];

const verdicts = (s: SuiteResult): string[] => s.results.map((r) => `${r.name}: ${r.status} ${r.steps.map((x) => x.status[0]).join('')} ${r.message ?? ''}`);

let brokenSerial: SuiteResult;
/** The candidate under test: the demo's program with its supervision timeouts commented out. */
const BROKEN = resolve('examples/programs/sorting-broken.st');

test('the suite has at least eight scenarios and passes with the demo program', async () => {
  assert.ok(files.length >= 8);
  const s = await runSuite(files, { threads: 1, outDir: join(tmp, 'good') });
  assert.is(s.failed + s.errors, 0, verdicts(s).join('\n'));
  assert.is(s.passed, files.length);
});

test('the broken program fails exactly the supervision scenarios, at the expected step', async () => {
  brokenSerial = await runSuite(files, { threads: 1, program: BROKEN, outDir: join(tmp, 'broken') });
  const failed = brokenSerial.results.filter((r) => r.status !== 'passed').map((r) => r.name).sort();
  assert.equal(failed, [...EXPECTED_BROKEN].sort(), verdicts(brokenSerial).join('\n'));
  for (const r of brokenSerial.results.filter((x) => x.status === 'failed')) {
    assert.match(r.message!, /expected ctl\.fault == 1 within 60 s/);
    assert.ok(r.failure && r.failure.trend.signals.includes('ctl.fault'));
  }
});

test('serial and parallel (pool of 2) give identical verdicts, KPIs and traces', async () => {
  const pooled = await runSuite(files, { threads: 2, program: BROKEN });
  assert.equal(verdicts(pooled), verdicts(brokenSerial));
  pooled.results.forEach((r, k) => {
    const s = brokenSerial.results[k]!;
    assert.equal(r.kpiValues, s.kpiValues, r.name);
    assert.ok(Buffer.from(r.trace!).equals(Buffer.from(s.trace!)), `${r.name}: same trace bytes`);
  });
});

test('JUnit XML is well-formed and names the failed step; the HTML report has trends', () => {
  const xml = readFileSync(join(tmp, 'broken', 'junit.xml'), 'utf8');
  checkWellFormed(xml);
  assert.is((xml.match(/<testcase /g) ?? []).length, files.length);
  assert.is((xml.match(/<failure /g) ?? []).length, EXPECTED_BROKEN.length);
  assert.match(xml, /<testsuite name="twinloop scenarios \(program sorting-broken\.st\)" tests="\d+" failures="3" errors="0"/);
  assert.match(xml, /<failure message="step 3 \(line \d+\): a tall item arrives and the stroke times out: expect ctl.fault == 1 within 60 s: expected ctl.fault == 1 within 60 s; at t=65.000 s: ctl.fault = 0"/);
  const html = readFileSync(join(tmp, 'broken', 'report.html'), 'utf8');
  assert.is((html.match(/<svg /g) ?? []).length, EXPECTED_BROKEN.length, 'one trend figure per failure');
  assert.not.match(html, /<script|src=|href="http/, 'self-contained');
  assert.ok(existsSync(join(tmp, 'broken', 'runs', 'pusher_jam_detected', 'result.json')));
  assert.ok(existsSync(join(tmp, 'good', 'runs', 'tall_item_diverted', 'after-first-divert.snap')), 'snapshot step writes into the run directory');
});

test('twinloop test: progress lines, summary, exit code 1 on failure and 0 on success', async () => {
  let text = '';
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  const three = files.filter((f) => /0[345]-/.test(f));
  const code = await testCommand([...three, '--program', 'sorting-broken', '--serial', '--out', join(tmp, 'cli')], out);
  assert.is(code, 1);
  assert.match(text, /twinloop test: 3 scenario\(s\), serial, program sorting-broken/);
  assert.match(text, /  FAIL  pusher jam detected  \(66\.0 s simulated, \d+ ms\)\n        expected ctl\.fault == 1 within 60 s/);
  assert.match(text, /0 passed, 3 failed, 0 errors in [\d.]+ s wall/);
  assert.match(text, /reports: .*junit\.xml\n\s+.*report\.html/);
  text = '';
  assert.is(await testCommand([three[0]!, '--serial', '--quiet', '--out', join(tmp, 'cli2')], out), 0);
  assert.match(text, /^twinloop test: 1 scenario\(s\), serial\n\n1 passed, 0 failed, 0 errors/);
});

/** A small XML 1.0 well-formedness check: one root, balanced tags, quoted attributes, known entities. */
function checkWellFormed(xml: string): void {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  let roots = 0;
  const re = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(body)) !== null) {
    if (m[6]) throw new Error(`malformed markup at ${m.index}: ${body.slice(m.index, m.index + 40)}`);
    if (m[5] !== undefined) {
      const bad = /&(?!(amp|lt|gt|quot|apos|#\d+);)/.exec(m[5]);
      if (bad) throw new Error(`bad entity at ${m.index + bad.index}`);
      if (stack.length === 0 && m[5].trim()) throw new Error('text outside the root');
      continue;
    }
    const [, close, name, attrs, self] = m;
    if (/&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(attrs ?? '')) throw new Error(`bad entity in attributes of <${name}>`);
    if (close) {
      if (stack.pop() !== name) throw new Error(`</${name}> does not close the open element`);
    } else if (!self) {
      if (stack.length === 0) roots++;
      stack.push(name!);
    } else if (stack.length === 0) roots++;
  }
  if (stack.length) throw new Error(`unclosed: ${stack.join(', ')}`);
  if (roots !== 1) throw new Error(`${roots} root elements`);
}

test.after(() => rmSync(tmp, { recursive: true, force: true }));
test.run();
