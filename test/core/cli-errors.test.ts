// How `twinloop start` reports expected errors: a plant file's problems are said to be the plant
// file's (not "the line file"); two tags the PLC does not have are each named with their own
// signal; and none of it prints a stack trace. The CLI runs as a child process against a
// PLC-like OPC UA server on 127.0.0.1.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPlcLike, type PlcLike } from '../plc-adapters/opcua-plc-like.ts';

const dir = mkdtempSync(join(tmpdir(), 'twinloop-cli-errors-'));
let plc: PlcLike;

test.before(async () => {
  plc = await startPlcLike({ motors: 2, minIntervalMs: 50 });
});
test.after(async () => {
  await plc.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Run the CLI (async: the server in this process must keep answering); bounded to 60 s. */
function cli(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'core/cli/main.ts', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

const STACK = /^\s+at .+\(.*:\d+:\d+\)$/m;

function plantFile(name: string, tags: string): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    `name: t
line: ${join(process.cwd(), 'examples/sorting.yaml')}
controllers:
  - name: plc1
    protocol: opcua
    endpoint: ${plc.endpoint}
    cycleMs: 10
    opcua: { readMode: poll }
    tags:
${tags}`,
  );
  return file;
}

test('a plant file error says "plant file", without a stack trace', async () => {
  const file = plantFile('bad.yaml', '      - { signal: m1.run, address: ns=1;s=Motor1.Run, direction: sideways, type: bool }\n');
  const r = await cli(['start', '--plant', file, '--data', join(dir, 'data'), '--port', '0', '--no-record']);
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, 'refused to start: the plant file has errors');
  assert.ok(!STACK.test(r.stderr), r.stderr);
});

test('two tags the PLC does not have: each error names its own signal, no stack trace', async () => {
  const file = plantFile(
    'unknown.yaml',
    `      - { signal: m1.run, address: ns=1;s=Motor1.Run, direction: read, type: bool }
      - { signal: m2.run, address: ns=1;s=Nope.A, direction: read, type: bool }
      - { signal: pu1.extend, address: ns=1;s=Nope.B, direction: read, type: bool }
`,
  );
  const r = await cli(['start', '--plant', file, '--data', join(dir, 'data'), '--port', '0', '--no-record']);
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, 'signal m2.run (tag ns=1;s=Nope.A): unknown');
  assert.match(r.stderr, 'signal pu1.extend (tag ns=1;s=Nope.B): unknown');
  assert.not.match(r.stderr, 'signal m1.run');
  assert.match(r.stderr, '[PLC_TAG_UNKNOWN]');
  assert.ok(!STACK.test(r.stderr), r.stderr);
});

test.run();
