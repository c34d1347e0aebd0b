// Plant files are refused before anything connects, with every problem at once: the file, the
// path inside it, what was expected and the line. The demo plant loads and normalises.
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolve } from 'node:path';
import { loadPlantFile, parsePlantFile, checkPlantSignals, plantSchema } from '../../core/config/plant-file.ts';
import { loadLineFile } from '../../core/config/line-file.ts';
import { lineSignals } from '../../physics/model.ts';
import { ConfigError, type ConfigIssue } from '../../core/config/config-error.ts';
import type { ControllerConfig } from '../../plc-adapters/factory.ts';
import type { NetworkTag } from '../../core/network-exchange.ts';

const FILE = 'plant.yaml';

function refuse(text: string): ConfigError {
  try {
    parsePlantFile(FILE, text);
  } catch (err) {
    assert.instance(err, ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected the file to be refused');
}

function lineOf(text: string, needle: string): number {
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `text has ${needle}`);
  return text.slice(0, at).split('\n').length;
}

function issue(err: ConfigError, path: string): ConfigIssue {
  const found = err.issues.find((i) => i.path === path);
  assert.ok(found, `an issue at ${path}; got:\n${err.message}`);
  return found!;
}

test('the demo plant loads, with defaults and scaling normalised', () => {
  const p = loadPlantFile('examples/sorting-opcua.yaml');
  assert.is(p.line, resolve('examples/sorting.yaml'));
  const c = p.controllers[0]!;
  assert.is(c.protocol, 'opcua');
  assert.is(c.cycleMs, 10);
  assert.is(c.readOnly, false);
  assert.is(c.opcua?.securityMode, 'None');
  assert.is(c.tags.length, 12);
  assert.equal(c.tags[0]!.scale, { gain: 1, offset: 0 });
  assert.is(c.tags.filter((t) => t.direction === 'read').length, 6);
  // The loaded controller is what the adapter factory and the exchange take, as is.
  const config: ControllerConfig = c;
  const tags: readonly NetworkTag[] = c.tags;
  assert.is(config.endpoint, 'opc.tcp://127.0.0.1:4840');
  assert.is(tags[1]!.plcType, 'Double');
});

test('the schema is published JSON Schema', () => {
  const s = plantSchema();
  assert.is(s.$schema, 'http://json-schema.org/draft-07/schema#');
  assert.ok(s.definitions.tag.properties.deadband);
});

test('scaling: gain/offset kept, raw/eng ranges turned into gain/offset', () => {
  const p = parsePlantFile(
    FILE,
    `controllers:
  - name: plc1
    protocol: s7
    endpoint: 127.0.0.1
    s7: { rack: 0, slot: 1 }
    tags:
      - { signal: m1.setpoint, address: "DB1,INT0", direction: read, type: real, plcType: INT, scale: { raw: [0, 27648], eng: [0, 50] } }
      - { signal: pe1.pos, address: "DB1,REAL2", direction: write, type: real, scale: { gain: 0.001, offset: 2 }, deadband: 0.01 }
`,
  );
  const [a, b] = p.controllers[0]!.tags;
  assert.ok(Math.abs(a!.scale.gain - 50 / 27648) < 1e-15);
  assert.is(a!.scale.offset, 0);
  assert.equal(b!.scale, { gain: 0.001, offset: 2 });
  assert.is(b!.deadband, 0.01);
  assert.equal(p.controllers[0]!.s7, { rack: 0, slot: 1, port: 102, blockWrites: false });
});

test('a bad file: every schema problem at once, each with path, expectation and line', () => {
  const text = `controllers:
  - name: plc1
    protocol: profinet
    cycleMs: -5
    tags:
      - { signal: m1.run, address: ns=1;s=m1.run, direction: sideways, type: bool }
      - { signal: m1.sp, address: ns=1;s=m1.sp, direction: read, type: float }
      - { signal: pe1.blocked, direction: write, type: bool }
      - { signal: pe2.blocked, address: ns=1;s=pe2, direction: write, type: bool, dedband: 1 }
  - name: plc2
    protocol: opcua
    endpoint: http://127.0.0.1:4840
    opcua: { securityMode: Encrypt }
    tags: []
`;
  const err = refuse(text);
  assert.is(err.code, 'CFG_INVALID');
  const proto = issue(err, 'controllers[0].protocol');
  assert.match(proto.message, 'must be one of "sim", "opcua", "ads", "s7", "modbus", got "profinet"');
  assert.is(proto.line, lineOf(text, 'profinet'));
  const cycle = issue(err, 'controllers[0].cycleMs');
  assert.match(cycle.message, 'got -5');
  assert.is(cycle.line, lineOf(text, 'cycleMs'));
  const dir = issue(err, 'controllers[0].tags[0].direction');
  assert.match(dir.message, 'got "sideways"');
  assert.is(dir.line, lineOf(text, 'sideways'));
  assert.match(issue(err, 'controllers[0].tags[1].type').message, 'got "float"');
  const missing = issue(err, 'controllers[0].tags[2].address');
  assert.is(missing.message, 'is required');
  assert.is(missing.line, lineOf(text, 'pe1.blocked'));
  const typo = issue(err, 'controllers[0].tags[3].dedband');
  assert.match(typo.message, 'is not a known parameter here; known: address, deadband');
  const endpoint = issue(err, 'controllers[1].endpoint');
  assert.match(endpoint.message, 'opc');
  assert.is(endpoint.line, lineOf(text, 'http://'));
  assert.match(issue(err, 'controllers[1].opcua.securityMode').message, 'got "Encrypt"');
  assert.ok(err.issues.length >= 8, `all problems reported (${err.issues.length})`);
  // The formatted message has one line per problem: file: path: message (line N)
  assert.match(err.message, `plant.yaml: controllers[0].protocol: must be one of "sim", "opcua", "ads", "s7", "modbus", got "profinet" (line ${proto.line})`);
});

test('a bad file: cross-checks the schema cannot express', () => {
  const text = `controllers:
  - name: plc1
    protocol: opcua
    endpoint: opc.tcp://127.0.0.1:4840
    opcua: { securityMode: SignAndEncrypt, password: x }
    ads: { targetAdsPort: 851 }
    tags:
      - { signal: m1.run, address: ns=1;s=m1.run, direction: read, type: bool, scale: { gain: 2 } }
      - { signal: m1.run, address: ns=1;s=m1.run2, direction: read, type: bool }
      - { signal: m1.sp, address: ns=1;s=m1.run2, direction: read, type: real, scale: { raw: [5, 5], eng: [0, 50] } }
      - { signal: s.x, address: ns=1;s=x, direction: write, type: real, scale: { gain: 0 } }
  - name: plc1
    protocol: opcua
    endpoint: opc.tcp://127.0.0.1:4841
    readOnly: true
    tags:
      - { signal: pe1.blocked, address: ns=1;s=pe1, direction: write, type: bool }
`;
  const err = refuse(text);
  const need = issue(err, 'controllers[0].opcua.securityMode');
  assert.match(need.message, 'needs opcua.certificateFolder');
  assert.is(need.line, lineOf(text, 'securityMode'));
  assert.match(issue(err, 'controllers[0].opcua.password').message, 'needs a username');
  assert.match(issue(err, 'controllers[0].ads').message, 'ads options on a opcua controller');
  assert.match(issue(err, 'controllers[0].tags[0].scale').message, 'bool tag cannot be scaled');
  const driven = issue(err, 'controllers[0].tags[1].signal');
  assert.match(driven.message, 'actuator m1.run is already driven by plc1 ns=1;s=m1.run');
  assert.is(driven.line, lineOf(text, 'signal: m1.run, address: ns=1;s=m1.run2'));
  assert.match(issue(err, 'controllers[0].tags[2].address').message, 'mapped twice');
  assert.match(issue(err, 'controllers[0].tags[2].scale.raw').message, 'raw range is empty');
  assert.match(issue(err, 'controllers[0].tags[3].scale.gain').message, 'must not be 0');
  assert.match(issue(err, 'controllers[1].name').message, 'controller plc1 is defined twice');
  assert.match(issue(err, 'controllers[1].tags[0].direction').message, 'readOnly (shadow mode)');
});

test('unreadable and malformed files are CFG_READ with the line', () => {
  try {
    loadPlantFile('examples/does-not-exist.yaml');
    assert.unreachable();
  } catch (err) {
    assert.instance(err, ConfigError);
    assert.is((err as ConfigError).code, 'CFG_READ');
    assert.match((err as Error).message, 'file not found');
  }
  const err = (() => {
    try {
      parsePlantFile(FILE, 'controllers:\n  - name: [unclosed\n');
    } catch (e) {
      return e as ConfigError;
    }
    throw new Error('expected refusal');
  })();
  assert.is(err.code, 'CFG_READ');
  assert.ok(err.issues[0]!.line! >= 2);
});

test('checkPlantSignals names tags whose signal the line does not have', () => {
  const p = loadPlantFile('examples/sorting-opcua.yaml');
  const known = new Set(p.controllers[0]!.tags.map((t) => t.signal));
  known.delete('hs1.high');
  const issues = checkPlantSignals('examples/sorting-opcua.yaml', p, (s) => known.has(s));
  assert.is(issues.length, 1);
  assert.match(issues[0]!.path, 'controllers[0].tags[');
  assert.match(issues[0]!.message, 'unknown signal "hs1.high"');
});

test('checkPlantSignals refuses a read tag onto a signal the model writes (the examples map none)', () => {
  const line = loadLineFile('examples/sorting.yaml');
  const kinds = new Map(lineSignals(line).map((d) => [d.name, d.kind] as const));
  for (const f of ['examples/sorting-opcua.yaml', 'examples/sorting-s7.yaml', 'examples/sorting-ads.yaml', 'examples/sorting-modbus.yaml']) {
    const p = loadPlantFile(f);
    assert.equal(checkPlantSignals(f, p, () => true, (s) => kinds.get(s)), [], f);
  }
  const p = parsePlantFile('plant.yaml', readFileSync('examples/sorting-opcua.yaml', 'utf8').replace(/signal: m1\.run\b/, 'signal: m1.speed'), 'examples');
  const issues = checkPlantSignals('plant.yaml', p, () => true, (s) => kinds.get(s));
  assert.is(issues.length, 1);
  assert.match(issues[0]!.message, "read tags drive the model's actuators; m1.speed is a model sensor");
});

test.run();
