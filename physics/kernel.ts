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
// A kernel factory must therefore be self-contained: it may use its parameters and globals
// (Math, Infinity) only, never a module-level binding (it is re-evaluated outside its module).
// Tests step every component type, so a free reference fails there at once.

/** The name-keeping helper some transpilers (esbuild with keepNames, as tsx runs it) insert around functions. */
function keepName<T>(fn: T): T {
  return fn;
}

/** Makes each instantiation's source text unique: V8 caches compiled code by source text, and two models sharing one compiled kernel would share its closure (and lose the specialisation). */
let instances = 0;

/**
 * Instantiate `factory` from its own source and call it with `args`: the kernel it returns is a
 * closure no other model shares, compiled for exactly these arrays.
 */
export function specialize<A extends unknown[], K>(factory: (...args: A) => K, ...args: A): K {
  const source = factory.toString();
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- compiling a fresh copy is the point (see above)
  const fresh = new Function('__name', `"use strict"; return (${source}); // instance ${++instances}`)(keepName) as (...a: A) => K;
  return fresh(...args);
}
