// Alarms belong to the configuration that raised them (issue 19): a run of another line or
// plant file opens a journal of its own and shows none of them; the same configuration started
// again finds its standing alarms where it left them.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { alarmConfiguration, startLiveAlarms } from '../../core/cli/live-alarms.ts';

const data = mkdtempSync(join(tmpdir(), 'twinloop-live-alarms-'));
test.after(() => rmSync(data, { recursive: true, force: true }));
const log = pino({ level: 'silent' });

test('the configuration is the defining file\'s base name', () => {
  assert.is(alarmConfiguration('examples/sorting-shadow.yaml'), 'sorting-shadow');
  assert.is(alarmConfiguration('/plants/line 3/plant.yml'), 'plant');
  assert.is(alarmConfiguration('weird name!.yaml'), 'weird_name_');
});

test('a standing alarm of one configuration is not shown by another, and is back with its own', () => {
  const shadow = startLiveAlarms(data, log, 'sorting-shadow');
  shadow.manager.activate({ key: 'deviation:binShort.count', source: 'deviation', priority: 2, message: 'binShort.count: model 4, machine 3' }, Date.now());
  assert.is(shadow.manager.list().length, 1);
  shadow.close();

  const opcua = startLiveAlarms(data, log, 'sorting-opcua');
  assert.equal(opcua.manager.list(), [], 'the OPC UA demo starts without the shadow demo\'s alarm');
  opcua.close();

  const again = startLiveAlarms(data, log, 'sorting-shadow');
  assert.equal(again.manager.list().map((a) => a.key), ['deviation:binShort.count']);
  again.close();
  assert.ok(existsSync(join(data, 'alarms', 'sorting-shadow.db')));
  assert.ok(existsSync(join(data, 'alarms', 'sorting-opcua.db')));
});

test.run();
