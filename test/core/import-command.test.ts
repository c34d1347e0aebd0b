// `twinloop import`: an OPC UA server is browsed and an ADS target's symbol table read into a
// plant file that loads and validates. Both peers are soft PLCs running the sorting program.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSoftPlc } from '../../plc-adapters/soft-plc/soft-plc.ts';
import { importCommand } from '../../core/cli/import-command.ts';
import { loadPlantFile } from '../../core/config/plant-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'twinloop-import-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

for (const protocol of ['opcua', 'ads']) {
  test(`import from a ${protocol} soft PLC writes a valid plant file with every tag`, async () => {
    const plc = await startSoftPlc({ program: 'sorting', protocol, port: 0 });
    try {
      const out = join(dir, `${protocol}.yaml`);
      assert.is(await importCommand({ command: 'import', url: plc.endpoint, name: 'plc1', out }), 0);
      const plant = loadPlantFile(out);
      const c = plant.controllers[0]!;
      assert.is(c.protocol, protocol);
      const addresses = new Set(c.tags.map((t) => t.address));
      for (const a of plc.addresses.values()) assert.ok(addresses.has(a), `${a} imported`);
    } finally {
      await plc.close();
    }
  });
}

test('an unknown scheme is refused with the known ones', async () => {
  await importCommand({ command: 'import', url: 'modbus://127.0.0.1', name: 'plc1' }).then(
    () => assert.unreachable(),
    (e: Error) => assert.match(e.message, /unknown scheme modbus:; known: opc\.tcp:, ads:/),
  );
});

test.run();
