// `twinloop validate` as a user runs it: a line file and a plant file are each checked as what
// they are and named so ("plant file"), and a broken plant file is refused with its path and
// line, exit code 1.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const ROOT = new URL('../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'twinloop-validate-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

async function validate(...files: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const r = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'core/cli/main.ts', 'validate', ...files], { cwd: ROOT });
    return { code: 0, out: r.stdout, err: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: x.stdout, err: x.stderr };
  }
}

test('a line file and a plant file are each named as what they are', async () => {
  const r = await validate('examples/sorting.yaml', 'examples/sorting-opcua.yaml');
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /examples\/sorting\.yaml: ok, line file \(11 components, \d+ signals\)/);
  assert.match(r.out, /examples\/sorting-opcua\.yaml: ok, plant file \(1 controller, 12 tags; line .*sorting\.yaml: 11 components\)/);
});

test('a broken plant file says plant file, with path and line; exit 1', async () => {
  const bad = join(dir, 'plant.yaml');
  writeFileSync(bad, 'controllers:\n  - name: plc1\n    protocol: opcua\n');
  const r = await validate(bad);
  assert.is(r.code, 1);
  assert.match(r.err, /plant\.yaml: not a valid plant file:/);
  assert.match(r.err, /controllers\[0\]\.endpoint: is required \(line 2\)/);
  assert.not.match(r.err, /components: is required/, 'not judged as a line file');
});

test.run();
