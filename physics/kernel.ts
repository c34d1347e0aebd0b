// Compiles a component type's step loop afresh for one model, so that V8 compiles it for that
// model's typed arrays alone.
//
// Why: a step loop that receives its typed arrays as parameters or fields makes TurboFan
// re-check each array's map and reload its length and data pointer on every access after any
// store (seen in the disassembly; a drive step does ~50 such accesses). Captured by a closure
// as immutable context slots, the arrays' headers are loaded once per call, outside the loop:
// the same loop measured 2.4x faster that way. That holds only while V8 has seen one closure
// of that code: a second closure created from the same compiled function was slower than the
// plain loop. So each model instantiates its kernels from their source text.
//
// Compiling costs tens of milliseconds per model (16 kernels, each optimised again from cold),
// which a short run never earns back: compiled at build, a scenario suite of small lines ran at
// half its rate. So a model starts on the kernels' shared code (its groups call their kernels
// directly, with their fields, as the step methods always did) and compiles its own copies once
// it has done enough work to repay them (Model: COMPILE_WORK component-steps). Values are the
// same either way. A group's step therefore reads: return at once when the group is empty (16
// kernel calls with their arguments for empty groups cost small lines 20-30 %), else call
// `slot.own` if set, else the kernel with the group's fields.
//
// A kernel is a plain function of its module: first the arrays and numbers it steps on (bound
// once per model), then what changes per call (the tick); on the shared path it runs as written.
// Compiled per model, its source is rewritten as a closure over the first group, and the module
// constants it uses (column and signal offsets) are handed in by name (its LAYOUT object). It may
// use nothing else of its module: tests step every component type on both paths, so a missing
// name fails there at once.

import { TwinloopError } from '../core/errors.ts';

/** The name-keeping helper some transpilers (esbuild with keepNames, as tsx runs it) insert around functions. */
function keepName<T>(fn: T): T {
  return fn;
}

/** Makes each instantiation's source text unique: V8 caches compiled code by source text, and two models sharing one compiled kernel would share its closure (and lose the gain). */
let instances = 0;

/**
 * A kernel: a plain function of the arrays and numbers it steps on, then the arguments of each
 * call (e.g. the tick). Typed loosely here: the slot that holds it names the per-call arguments,
 * and every kernel is stepped by the tests, which catch a mismatch at once.
 */
export type Kernel = (...args: never[]) => void;

/** The module-level constants a kernel uses (column and signal offsets), by name: re-evaluated outside its module, it finds them here. */
export type KernelEnv = Readonly<Record<string, number>>;

/**
 * Compile `kernel` afresh for `args`: from its source, rewritten as a closure over its first
 * `args.length` parameters that takes the rest on each call, with `env`'s constants in scope.
 * No other model shares the result.
 * @throws TwinloopError KERNEL_SOURCE when the kernel's source is not a plain function with simple parameters
 */
export function specialize<C extends unknown[]>(kernel: Kernel, env: KernelEnv, ...args: unknown[]): (...call: C) => void {
  const source = kernel.toString();
  const open = source.indexOf('(');
  const close = source.indexOf(')', open);
  const params = source.slice(open + 1, close).split(',').map((p) => p.trim()).filter((p) => p.length > 0);
  const body = source.slice(source.indexOf('{', close));
  if (!source.startsWith('function') || params.some((p) => !/^[A-Za-z_$][\w$]*$/.test(p)) || params.length < args.length) {
    throw new TwinloopError('KERNEL_SOURCE', `kernel ${kernel.name}: needs a plain function with simple parameters, got ${source.slice(0, close + 1)}`);
  }
  const bound = params.slice(0, args.length).join(', ');
  const perCall = params.slice(args.length).join(', ');
  const names = Object.keys(env);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- compiling a fresh copy is the point (see above)
  const factory = new Function('__name', ...names, `"use strict"; return function (${bound}) { return function ${kernel.name}(${perCall}) ${body}; }; // instance ${++instances}`)(
    keepName,
    ...names.map((k) => env[k]),
  ) as (...a: unknown[]) => (...call: C) => void;
  return factory(...args);
}

/**
 * A model's own compiled copy of one kernel, once it has one. Until then (`own` null) the group
 * calls its kernel directly, as a plain function of its fields: one direct call the way the
 * step methods always were (a shared caller or a bound function per model in between measured
 * 20-50 % slower on small lines).
 */
export interface KernelSlot<C extends unknown[]> {
  own: ((...call: C) => void) | null;
}

/** The kernels of one model: on the shared code until compile() gives the model its own. */
export class Kernels {
  readonly #compile: (() => void)[] = [];

  /** Register a kernel with the arguments it will be compiled for; it runs on the shared code for now. */
  add<C extends unknown[]>(kernel: Kernel, env: KernelEnv, ...args: unknown[]): KernelSlot<C> {
    const slot: KernelSlot<C> = { own: null };
    this.#compile.push(() => {
      slot.own = specialize<C>(kernel, env, ...args);
    });
    return slot;
  }

  /** Whether compile() has run. */
  get compiled(): boolean {
    return this.#compile.length === 0;
  }

  /** Give every kernel of the model its own compiled copy (once; later calls do nothing). */
  compile(): void {
    for (const c of this.#compile) c();
    this.#compile.length = 0;
  }
}
