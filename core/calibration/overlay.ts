// Parameter overlays: a YAML file of line parameters by path that a line file includes
// (`overlay: fitted.yaml`, relative to the line file), as `model calibrate` writes them:
//
//   parameters:
//     sorter.beltSpeed: 0.5702
//     pu1.extendTime: 0.4801
//
// A path is `<component id>.<parameter>[.<sub>...]`; the component must exist in the line and
// the parameter must be one its type's schema knows; values are numbers. The line file is then
// validated with the overlay applied, so a value out of the schema's range is refused as well.
// Problems are reported with the overlay file, the path and its line.

import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ConfigIssue } from '../config/config-error.ts';
import { readYaml, type YamlSource } from '../config/yaml-document.ts';

/** `<component>.<param>` → value. */
export type ParameterValues = ReadonlyMap<string, number>;

interface ComponentLike {
  id?: unknown;
  type?: unknown;
  [k: string]: unknown;
}

/** Properties the schema allows for a component type (from line.schema.json definitions). */
export type KnownParams = (type: string) => ReadonlySet<string> | undefined;

/** Split a parameter path; undefined when it is not `<id>.<param>...`. */
export function splitPath(path: string): { id: string; keys: string[] } | undefined {
  const parts = path.split('.');
  if (parts.length < 2 || parts.some((p) => p === '')) return undefined;
  return { id: parts[0]!, keys: parts.slice(1) };
}

/** Check a path against a line's components; returns the problem or the current value (undefined when unset). */
export function checkPath(components: readonly ComponentLike[], path: string, known: KnownParams): { error: string } | { current: number | undefined } {
  const p = splitPath(path);
  if (p === undefined) return { error: `expected a parameter path <component>.<parameter>, e.g. sorter.beltSpeed, got ${JSON.stringify(path)}` };
  const c = components.find((x) => x.id === p.id);
  if (c === undefined) return { error: `no component ${JSON.stringify(p.id)} in the line (components: ${components.map((x) => String(x.id)).join(', ')})` };
  const props = known(String(c.type));
  if (props !== undefined && !props.has(p.keys[0]!)) return { error: `a ${String(c.type)} has no parameter ${JSON.stringify(p.keys[0])} (it has: ${[...props].filter((k) => k !== 'id' && k !== 'type' && k !== 'layout').join(', ')})` };
  let v: unknown = c;
  for (const k of p.keys) v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined;
  if (v !== undefined && typeof v !== 'number') return { error: `${path} is not a number in the line (it is ${JSON.stringify(v)})` };
  return { current: v as number | undefined };
}

/** Set a parameter in a line's components (in place; intermediate objects are created). */
export function setParam(components: ComponentLike[], path: string, value: number): void {
  const p = splitPath(path)!;
  let o = components.find((x) => x.id === p.id) as Record<string, unknown>;
  for (let i = 0; i < p.keys.length - 1; i++) {
    const k = p.keys[i]!;
    if (typeof o[k] !== 'object' || o[k] === null) o[k] = /^\d+$/.test(p.keys[i + 1]!) ? [] : {};
    o = o[k] as Record<string, unknown>;
  }
  o[p.keys.at(-1)!] = value;
}

/**
 * Read an overlay file and apply it to the line document `data` (in place). Returns the issues
 * (file, path, line) — none when it applied cleanly.
 */
export function applyOverlayFile(lineFile: string, data: Record<string, unknown>, known: KnownParams): ConfigIssue[] {
  const ref = data['overlay'];
  if (ref === undefined) return [];
  if (typeof ref !== 'string' || ref === '') return [{ file: lineFile, path: 'overlay', message: `expected the path of a parameter overlay file (YAML), got ${JSON.stringify(ref)}` }];
  const file = resolve(dirname(resolve(lineFile)), ref);
  let src: YamlSource;
  try {
    src = readYaml(file);
  } catch (err) {
    return [{ file: lineFile, path: 'overlay', message: `cannot read the overlay ${file}: ${(err as Error).message}` }];
  }
  return applyOverlaySource(src, data, known);
}

/** Apply an already parsed overlay. */
export function applyOverlaySource(src: YamlSource, data: Record<string, unknown>, known: KnownParams): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const at = (segs: (string | number)[]): { line?: number } => {
    const l = src.lineOf(segs);
    return l !== undefined ? { line: l } : {};
  };
  const doc = src.data as Record<string, unknown> | null;
  const params = typeof doc === 'object' && doc !== null ? doc['parameters'] : undefined;
  if (typeof doc !== 'object' || doc === null || typeof params !== 'object' || params === null || Array.isArray(params)) {
    return [{ file: src.file, path: 'parameters', ...at([]), message: 'expected a mapping `parameters:` of <component>.<parameter>: number' }];
  }
  for (const k of Object.keys(doc)) if (k !== 'parameters' && k !== 'source') issues.push({ file: src.file, path: k, ...at([k]), message: 'unknown key (an overlay has `parameters:` and an optional `source:`)' });
  const components = Array.isArray(data['components']) ? (data['components'] as ComponentLike[]) : [];
  for (const [path, value] of Object.entries(params as Record<string, unknown>)) {
    const where = { file: src.file, path: `parameters.${path}`, ...at(['parameters', path]) };
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      issues.push({ ...where, message: `expected a number, got ${JSON.stringify(value)}` });
      continue;
    }
    const c = checkPath(components, path, known);
    if ('error' in c) issues.push({ ...where, message: c.error });
    else setParam(components, path, value);
  }
  return issues;
}

/** Write an overlay file: the fitted values, and where they came from as a comment and a `source:` map. */
export function writeOverlay(file: string, values: ParameterValues, source: Readonly<Record<string, string | number>>): void {
  const lines = ['# Parameter overlay written by `twinloop model calibrate`; include it from a line file with', `#   overlay: ${file.split('/').at(-1)}`, 'source:'];
  for (const [k, v] of Object.entries(source)) lines.push(`  ${k}: ${JSON.stringify(v)}`);
  lines.push('parameters:');
  for (const [k, v] of values) lines.push(`  ${k}: ${v}`);
  writeFileSync(file, `${lines.join('\n')}\n`);
}

/** The overlay a line file includes (absolute), or undefined; an unreadable line file includes none here (its loader says why). */
export function lineOverlayPath(lineFile: string): string | undefined {
  try {
    const data = readYaml(lineFile).data as Record<string, unknown> | null;
    const ref = typeof data === 'object' && data !== null ? data['overlay'] : undefined;
    return typeof ref === 'string' && ref !== '' ? resolve(dirname(resolve(lineFile)), ref) : undefined;
  } catch {
    return undefined;
  }
}
