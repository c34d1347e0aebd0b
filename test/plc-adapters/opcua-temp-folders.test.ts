// The OPC UA client's temporary certificate folders (issue 17): removed at close, removed when
// the process exits, and swept at the next start when a process died without exiting. Folder
// names carry the owner's pid; only folders of processes that are gone are swept.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sweepStaleTempFolders } from '../../plc-adapters/opcua/temp-folders.ts';
import { OpcuaAdapter } from '../../plc-adapters/opcua/opcua-adapter.ts';
import { startPlcLike } from './opcua-plc-like.ts';

const root = mkdtempSync(join(tmpdir(), 'twinloop-sweep-test-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

/** The pid of a process that has exited (a short child). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

test('the sweep removes folders of dead processes and old legacy ones, nothing else', () => {
  const dead = join(root, `twinloop-opcua-client-${deadPid()}-AbC123`);
  const mine = join(root, `twinloop-opcua-client-${process.pid}-XyZ789`);
  const parent = join(root, `twinloop-opcua-server-${process.ppid}-QwE456`);
  const oldLegacy = join(root, 'twinloop-opcua-client-OlD111');
  const newLegacy = join(root, 'twinloop-opcua-client-NeW222');
  const other = join(root, 'twinloop-import-AAAAAA');
  for (const d of [dead, mine, parent, oldLegacy, newLegacy, other]) mkdirSync(d);
  const twoDaysAgo = (Date.now() - 48 * 3600 * 1000) / 1000;
  utimesSync(oldLegacy, twoDaysAgo, twoDaysAgo);
  const removed = sweepStaleTempFolders(root);
  assert.equal(removed.sort(), [dead, oldLegacy].sort());
  for (const d of [mine, parent, newLegacy, other]) assert.ok(existsSync(d), `${d} kept`);
});

test('a temporary folder is removed when its process exits without closing', () => {
  const script = `import { tempPkiFolder } from './plc-adapters/opcua/temp-folders.ts'; process.stdout.write(tempPkiFolder('opcua-client'));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  const folder = r.stdout.trim().split('\n').pop()!;
  assert.match(folder, /twinloop-opcua-client-\d+-/);
  assert.ok(!existsSync(folder), `${folder} removed at exit`);
});

test("an adapter's temporary folder lives while it is open and is gone after close", async () => {
  const plc = await startPlcLike({ minIntervalMs: 50 });
  const a = new OpcuaAdapter({ endpoint: plc.endpoint, readMode: 'poll' });
  try {
    await a.connect();
    const file = a.certificateFile;
    assert.match(file, /twinloop-opcua-client-\d+-.*client_certificate\.pem$/);
    assert.ok(existsSync(file));
    await a.close();
    assert.ok(!existsSync(file), 'removed at close');
  } finally {
    await a.close();
    await plc.close();
  }
});

test.run();
