// Parameter overrides on a parsed line file, by path: `components[src].rate`,
// `components[3].beltSpeed`, `seed`. A component is addressed by its id or its index. The result
// is validated again (schema + references), so a sweep cannot run a line the loader would refuse.

import { TwinloopError } from '../errors.ts';
import { ConfigError } from '../config/config-error.ts';
import { validateLine } from '../config/line-file.ts';
import type { LineFile } from '../../physics/model.ts';

export type OverrideValue = number | string | boolean;

/** `components[src].rate` -> ['components', 'src', 'rate']. */
export function overrideSegments(path: string): string[] {
  const segs: string[] = [];
  const re = /([^.[\]]+)|\[([^\]]+)\]/g;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(path)) !== null) {
    segs.push(m[1] ?? m[2]!);
    consumed += m[0].length;
  }
  const dots = (path.match(/\./g) ?? []).length;
  if (segs.length === 0 || consumed + dots !== path.length) throw new TwinloopError('CFG_INVALID', `override path ${JSON.stringify(path)} is malformed; e.g. components[src].rate or seed`);
  return segs;
}

/**
 * A copy of `line` with every override applied, validated again.
 * @throws TwinloopError CFG_INVALID for a path that does not name an existing parameter (typos
 * must fail loudly, not add an ignored key), ConfigError when the result is not a valid line
 */
export function applyOverrides(line: LineFile, overrides: Readonly<Record<string, OverrideValue>>, file = 'overrides'): LineFile {
  const out = structuredClone(line) as unknown as Record<string, unknown>;
  for (const [path, value] of Object.entries(overrides)) {
    const segs = overrideSegments(path);
    let node: unknown = out;
    for (let k = 0; k < segs.length - 1; k++) {
      const seg = segs[k]!;
      if (Array.isArray(node)) {
        const byIndex = /^\d+$/.test(seg) ? node[Number(seg)] : undefined;
        node = byIndex ?? node.find((c: unknown) => (c as { id?: unknown } | null)?.id === seg);
      } else node = (node as Record<string, unknown> | null)?.[seg];
      if (node === undefined || node === null || typeof node !== 'object') {
        throw new TwinloopError('CFG_INVALID', `override ${path}: ${segs.slice(0, k + 1).join('.')} does not exist in line ${line.name}`);
      }
    }
    const last = segs[segs.length - 1]!;
    const parent = node as Record<string, unknown>;
    // A parameter the file leaves at its default is absent: allow setting it when the parent is
    // a component (the schema then checks the name); elsewhere it must exist.
    if (!(last in parent) && !('type' in parent && 'id' in parent) && !(parent === out && (last === 'seed' || last === 'dt'))) {
      throw new TwinloopError('CFG_INVALID', `override ${path}: no parameter ${last} there`);
    }
    parent[last] = value;
  }
  const lineFile = out as unknown as LineFile;
  try {
    return validateLine({ file, data: lineFile, lineOf: () => undefined });
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError('CFG_INVALID', err.issues.map((i) => ({ ...i, message: `${i.message} (after overrides ${JSON.stringify(overrides)})` })));
    throw err;
  }
}
