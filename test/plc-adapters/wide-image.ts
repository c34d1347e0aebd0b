// A process image of any width for protocol tests and benchmarks: `n` inputs and `n`
// outputs cycling through bool, int and real, behind a program whose scan does nothing (the
// tests set outputs and read inputs directly; the wire is what is under test).

import type { SignalType } from '../../core/signals.ts';
import type { ControlProgram, ImageEntry } from '../../plc-adapters/sim/program.ts';
import type { ProcessImage } from '../../plc-adapters/soft-plc/soft-plc-server.ts';

const TYPES: readonly SignalType[] = ['bool', 'int', 'real'];

export function wideImage(n: number): ProcessImage {
  const entries = (prefix: string): ImageEntry[] => Array.from({ length: n }, (_, k) => ({ address: `${prefix}${String(k).padStart(4, '0')}`, type: TYPES[k % 3]! }));
  const program: ControlProgram = {
    name: `wide${n}`,
    io: { inputs: entries('in'), outputs: entries('out') },
    scan: () => undefined,
    reset: () => undefined,
  };
  return { program, inputs: new Float64Array(n), outputs: new Float64Array(n) };
}

/** A value of the entry's type that differs per index and per `round`. */
export function sampleValue(type: SignalType, k: number, round: number): number {
  if (type === 'bool') return (k + round) % 2;
  if (type === 'int') return (k * 7 + round) * (k % 2 ? -1 : 1);
  return (k + round) * 0.5 + 0.25;
}

/** An image with exactly these entries (a "new program version" in reload tests). */
export function imageOf(inputs: readonly ImageEntry[], outputs: readonly ImageEntry[]): ProcessImage {
  const program: ControlProgram = { name: 'custom', io: { inputs, outputs }, scan: () => undefined, reset: () => undefined };
  return { program, inputs: new Float64Array(inputs.length), outputs: new Float64Array(outputs.length) };
}
