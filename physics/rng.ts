// Seeded pseudo-random numbers for the model: mulberry32 streams whose 32-bit states live in a
// Uint32Array, so each source owns one stream, draws allocate nothing, and adding a component
// does not shift the numbers another one sees.

/**
 * Derive the initial state of stream `stream` from the line seed (splitmix32-style mixing), so
 * neighbouring seeds and streams start far apart.
 */
export function streamSeed(seed: number, stream: number): number {
  let z = (Math.imul(seed >>> 0, 0x9e3779b9) + Math.imul(stream + 1, 0x85ebca6b)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad) >>> 0;
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97) >>> 0;
  return (z ^ (z >>> 15)) >>> 0;
}

/** Next uniform number in [0, 1) from stream `i` of `state` (mulberry32); advances the stream. */
export function nextUniform(state: Uint32Array, i: number): number {
  const a = (state[i]! + 0x6d2b79f5) >>> 0;
  state[i] = a;
  let t = Math.imul(a ^ (a >>> 15), a | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** Exponentially distributed draw with the given mean, from stream `i`. */
export function nextExponential(state: Uint32Array, i: number, mean: number): number {
  // 1 - u lies in (0, 1], so the logarithm is finite.
  return -Math.log(1 - nextUniform(state, i)) * mean;
}

/**
 * Two uniform numbers in [0, 1) from stream `i`, written to out[0] and out[1]. For step loops:
 * a double returned from a call V8 does not inline is boxed (one allocation per draw), a value
 * written into a Float64Array is not. Same sequence as two nextUniform() calls.
 */
export function uniformPair(state: Uint32Array, i: number, out: Float64Array): void {
  for (let k = 0; k < 2; k++) {
    const a = (state[i]! + 0x6d2b79f5) >>> 0;
    state[i] = a;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[k] = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
