// Line files are refused before anything starts, with the file, the path inside it, what was
// expected and the line. Each bad file below differs from the demo line by one mistake.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { parseLineFile, loadLineFile } from '../../core/config/line-file.ts';
import { ConfigError } from '../../core/config/config-error.ts';

const FILE = 'examples/sorting.yaml';
const demo = readFileSync(FILE, 'utf8');
// Every component type the published schema discriminates on, sorted (the message lists them).
const schema = JSON.parse(readFileSync('physics/line.schema.json', 'utf8')) as { definitions: { component: { oneOf: { $ref: string }[] } } };
const knownTypes = schema.definitions.component.oneOf.map((r) => r.$ref.split('/').pop()!).sort().join(', ');
const index = (id: string) => loadLineFile(FILE).components.findIndex((c) => c.id === id);

/** Replace the first occurrence of `from` after the line `- id: <id>` with `to`. */
function mutate(id: string, from: string, to: string): string {
  const at = demo.indexOf(`- id: ${id}\n`);
  assert.ok(at >= 0, `demo has ${id}`);
  const hit = demo.indexOf(from, at);
  assert.ok(hit >= 0, `demo has ${from} after ${id}`);
  return demo.slice(0, hit) + to + demo.slice(hit + from.length);
}

function refuse(text: string): ConfigError {
  try {
    parseLineFile(FILE, text);
  } catch (err) {
    assert.instance(err, ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected the file to be refused');
}

function lineOf(text: string, needle: string): number {
  return text.slice(0, text.indexOf(needle)).split('\n').length;
}

test('the demo line is valid', () => {
  const line = loadLineFile(FILE);
  assert.is(line.name, 'sorting');
  assert.ok(line.components.length >= 10);
});

test('a negative length: path, bound, value and line', () => {
  const text = mutate('infeed', 'length: 4', 'length: -1');
  const err = refuse(text);
  assert.is(err.code, 'CFG_INVALID');
  assert.is(err.message, `${FILE}: components[${index('infeed')}].length: must be > 0, got -1 (line ${lineOf(text, 'length: -1')})`);
});

test('an unknown component type lists the known ones', () => {
  const text = mutate('hs1', 'type: classifier', 'type: laser');
  const err = refuse(text);
  assert.is(err.message, `${FILE}: components[${index('hs1')}].type: unknown component type "laser"; known: ${knownTypes} (line ${lineOf(text, 'type: laser')})`);
});

test('a string where a number belongs', () => {
  const err = refuse(mutate('sorter', 'beltSpeed: 0.6', 'beltSpeed: fast'));
  assert.match(err.message, new RegExp(`components\\[${index('sorter')}\\]\\.beltSpeed: must be number, got string "fast" \\(line \\d+\\)`));
});

test('a misspelt parameter names the known ones', () => {
  const err = refuse(mutate('pu1', 'extendTime: 0.4', 'extendTim: 0.4'));
  assert.match(err.message, new RegExp(`components\\[${index('pu1')}\\]\\.extendTim: is not a known parameter here; known: .*extendTime`));
});

test('a reference to a component that does not exist', () => {
  const err = refuse(mutate('sorter', 'drive: m2', 'drive: m9'));
  assert.match(err.message, new RegExp(`components\\[${index('sorter')}\\]\\.drive: .*m9`));
  assert.match(err.message, /m1, m2|m1/);
});

test('a missing required parameter', () => {
  const err = refuse(mutate('sorter', '    length: 3\n', ''));
  assert.match(err.message, new RegExp(`components\\[${index('sorter')}\\]\\.length: is required`));
});

test('not YAML at all: CFG_READ with the line', () => {
  const err = refuse(demo.replace('name: sorting', 'name: [sorting'));
  assert.is(err.code, 'CFG_READ');
  assert.match(err.message, /examples\/sorting\.yaml: not valid YAML: .*\(line \d+\)/);
});

test('a bad indent is reported once, at its root cause (line and column), the follow-on errors counted', () => {
  const err = refuse(mutate('infeed', '    length: 4', '     length: 4'));
  assert.is(err.code, 'CFG_READ');
  assert.is(err.issues.length, 1, err.message);
  assert.match(err.message, /not valid YAML: .* at column \d+( \(\d+ more errors? follows? from it\))? \(line \d+\)/);
});

test('a duplicated key is refused, not silently overwritten', () => {
  const err = refuse(mutate('infeed', 'length: 4', 'length: 4\n    length: 5'));
  assert.match(err.message, /not valid YAML: .*[Uu]nique/);
});

test('every problem of a file is reported at once', () => {
  const text = mutate('infeed', 'length: 4', 'length: -1').replace('type: classifier', 'type: laser');
  const err = refuse(text);
  assert.is(err.issues.length, 2);
});

test('twinloop validate: exit 0 for a good file, 1 and the errors for a bad one', () => {
  const ok = spawnSync(process.execPath, ['--import', 'tsx', 'core/cli/main.ts', 'validate', FILE], { encoding: 'utf8' });
  assert.is(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /examples\/sorting\.yaml: ok, line file \(\d+ components, \d+ signals\)/);
  const bad = spawnSync(process.execPath, ['--import', 'tsx', 'core/cli/main.ts', 'validate', 'test/fixtures/bad-length.yaml'], { encoding: 'utf8' });
  assert.is(bad.status, 1);
  assert.match(bad.stderr, /bad-length\.yaml: not a valid line file:\n  test\/fixtures\/bad-length\.yaml: components\[\d+\]\.length: must be > 0, got -1 \(line \d+\)/);
});

test.run();
