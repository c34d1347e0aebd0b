// What the checker knows about declared things: variables with their place in memory, POUs with
// their frames, and the diagnostics sink every phase writes to. The compiled program keeps the
// same tables at run time for the online view and read/write by path.

import type { Diagnostic, Initializer, Pos, Pou, VarSection } from './ast.ts';
import type { FbType, Type } from './types.ts';

export interface VarInfo {
  readonly name: string;
  readonly section: VarSection;
  readonly type: Type;
  /** Byte offset in its frame (POU) or in memory (globals). */
  readonly offset: number;
  readonly constant: boolean;
  readonly retain: boolean;
  /** VAR_IN_OUT: the frame holds the address of the caller's variable (4 bytes). */
  readonly byRef: boolean;
  /** VAR_EXTERNAL: no storage; refers to the global of the same name. */
  readonly external: boolean;
  readonly init: Initializer | null;
  /** Located address (`%IX0.0`) when declared AT one. */
  readonly at: string | null;
  readonly pos: Pos;
}

export type PouKind = 'program' | 'functionBlock' | 'function';

export interface PouInfo {
  readonly kind: PouKind;
  readonly name: string;
  readonly ast: Pou | null;
  /** Upper-cased name -> variable, in declaration order. */
  readonly vars: Map<string, VarInfo>;
  /** Formal parameters in declaration order (VAR_INPUT, VAR_IN_OUT, VAR_OUTPUT as declared). */
  readonly params: VarInfo[];
  returnType: Type;
  /** Size and alignment of the frame (an FB instance's layout). */
  readonly frame: { size: number; align: number };
  /** Address of the frame for programs and functions (static); -1 for FBs. */
  base: number;
  /** FB instance type (for function blocks). */
  fbType: FbType | null;
  /** Name of the generated JavaScript function. */
  readonly js: string;
  /** Called from another program (then it does not run on its own each scan). */
  calledByProgram: boolean;
  /** From the standard library prelude (hidden in the online view's source links). */
  readonly standard: boolean;
  laidOut: boolean;
}

export interface GlobalInfo extends VarInfo {
  /** The global variable list it belongs to (upper-cased), for `GVL.x`. */
  readonly list: string;
}

/** Collects diagnostics; phases never throw on bad input. */
export class Diagnostics {
  readonly list: Diagnostic[] = [];

  error(pos: Pos, code: string, message: string): void {
    this.list.push({ file: pos.file, line: pos.line, col: pos.col, code, message, severity: 'error' });
  }

  warning(pos: Pos, code: string, message: string): void {
    this.list.push({ file: pos.file, line: pos.line, col: pos.col, code, message, severity: 'warning' });
  }

  get errors(): number {
    return this.list.filter((d) => d.severity === 'error').length;
  }
}

/** The closest of `known` to `name` (case-insensitive), for "did you mean" hints; null if none is close. */
export function closest(name: string, known: Iterable<string>): string | null {
  const n = name.toUpperCase();
  let best: string | null = null;
  // At most a third of the name may differ (and never all of it): `x` suggests nothing.
  let bestD = Math.min(Math.max(1, Math.floor(n.length / 3)), n.length - 1) + 1;
  for (const k of known) {
    const d = distance(n, k.toUpperCase());
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}
