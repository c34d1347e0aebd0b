// A loop-back control program for protocol tests and benchmarks: output `out.<name>` copies
// input `in.<name>` at every scan, so a value written through a protocol comes back through
// a real scan and a real read. Not a demo program: it is not in the sim programs map.

import type { SignalType } from '../../core/signals.ts';
import type { ControlProgram, ImageEntry } from '../sim/program.ts';

export function echoProgram(entries: readonly { name: string; type: SignalType }[]): ControlProgram {
  const inputs: ImageEntry[] = entries.map((e) => ({ address: `in.${e.name}`, type: e.type }));
  const outputs: ImageEntry[] = entries.map((e) => ({ address: `out.${e.name}`, type: e.type }));
  return {
    name: 'echo',
    io: { inputs, outputs },
    scan(i, q) {
      q.set(i);
    },
    reset() {},
  };
}

/** `n` tags t0..t(n-1) cycling through bool, int, real. */
export function manyTags(n: number): { name: string; type: SignalType }[] {
  const types: SignalType[] = ['bool', 'int', 'real'];
  return Array.from({ length: n }, (_, k) => ({ name: `t${k}`, type: types[k % 3]! }));
}
