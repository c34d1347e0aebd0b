// `twinloop import` against an address space shaped like a real PLC's: 2,000+ variables in
// folders of 1,000 objects, a server that answers 100 references per Browse (continuation
// points), takes 20 nodes per Browse and 100 per Read, and opens secure channels only. Every
// variable arrives, named by its browse path; each skipped variable is listed with its reason.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importCommand } from '../../core/cli/import-command.ts';
import { parseCli } from '../../core/cli/args.ts';
import { loadPlantFile } from '../../core/config/plant-file.ts';
import { signalNames } from '../../plc-adapters/opcua/opcua-browse.ts';
import { startPlcLike, type PlcLike } from './opcua-plc-like.ts';

const MOTORS = 1000;
const dir = mkdtempSync(join(tmpdir(), 'twinloop-import-plclike-'));
let plc: PlcLike;

test.before(async () => {
  plc = await startPlcLike({ motors: MOTORS, referencesPerCall: 100, maxNodesPerBrowse: 20, maxNodesPerRead: 100, secureOnly: true, acceptUnknownClients: true });
});
test.after(async () => {
  await plc.close();
  rmSync(dir, { recursive: true, force: true });
});

test('import from a secure-only server with continuation points and limits: every variable, browse-path names, skips listed', async () => {
  const out = join(dir, 'plant.yaml');
  const pki = join(dir, 'pki');
  const args = parseCli(['import', plc.endpoint, '--out', out, '--security-mode', 'SignAndEncrypt', '--security-policy', 'Basic256Sha256', '--certificate-folder', pki, '--server-certificate', plc.server.certificateFile]);
  assert.is(args.command, 'import');
  // The import's client trusts this server's certificate (the option names it).
  plc.requests.clear();
  assert.is(await importCommand(args as Parameters<typeof importCommand>[0]), 0);
  const plant = loadPlantFile(out);
  const c = plant.controllers[0]!;
  assert.is(c.opcua?.securityMode, 'SignAndEncrypt', 'the plant file connects the same way');
  const bySignal = new Map(c.tags.map((t) => [t.signal, t]));
  assert.is(bySignal.size, c.tags.length, 'signal names are unique');
  for (let i = 1; i <= MOTORS; i++) {
    assert.ok(bySignal.get(`Line.Motor${i}.Run`)?.direction === 'write', `Line.Motor${i}.Run`);
    assert.ok(bySignal.get(`Line.Motor${i}.Speed`)?.direction === 'read', `Line.Motor${i}.Speed`);
  }
  assert.equal(
    ['Types.I64', 'Types.U64', 'Types.Str', 'Types.Mode', 'Types.Dur', 'Types.Time'].map((s) => [s, bySignal.get(s)?.type, bySignal.get(s)?.plcType]),
    [
      ['Types.I64', 'int', 'Int64'],
      ['Types.U64', 'int', 'UInt64'],
      ['Types.Str', 'int', 'String'],
      ['Types.Mode', 'int', 'MotorMode'],
      ['Types.Dur', 'real', 'Duration'],
      ['Types.Time', 'real', 'UtcTime'],
    ],
  );
  const text = readFileSync(out, 'utf8');
  assert.match(text, /#   ns=1;s=Arr \(Types\.Arr\): array of Double \(ValueRank 1\): add its elements as tags by hand, e\.g\. ns=1;s=Arr\[0\]/);
  assert.match(text, /#   ns=1;s=Info \(Types\.Info\): DataType .* is a structure/);
  const sizes = (name: string) => plc.requests.get(name) ?? [];
  assert.ok(sizes('BrowseNextRequest').length >= MOTORS / 100 - 1, `continuation points followed (${sizes('BrowseNextRequest').length} BrowseNext)`);
  assert.ok(Math.max(...sizes('BrowseRequest')) <= 20, 'MaxNodesPerBrowse honoured');
  assert.ok(Math.max(...sizes('ReadRequest')) <= 100, 'MaxNodesPerRead honoured');
});

test('browse-path names drop the shared prefix, clean odd characters and stay unique', () => {
  assert.equal(signalNames([['PLC', 'Motor1', 'Run'], ['PLC', 'Motor2', 'Run']]), ['Motor1.Run', 'Motor2.Run']);
  assert.equal(signalNames([['"DB1"', 'speed set'], ['"DB1"', 'speed set'], ['X', 'a']]), ['_DB1_.speed_set', '_DB1_.speed_set_2', 'X.a']);
  assert.equal(signalNames([['Only', 'One']]), ['Only.One']);
});

test('import options are checked: a wrong security mode is refused with the allowed ones', () => {
  try {
    parseCli(['import', 'opc.tcp://127.0.0.1:4840', '--security-mode', 'Encrypt']);
    assert.unreachable('should throw');
  } catch (err) {
    assert.match((err as Error).message, '--security-mode must be None | Sign | SignAndEncrypt, got "Encrypt"');
  }
});

test.run();
