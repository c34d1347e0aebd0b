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

// Gaussian draws: the ziggurat method of Marsaglia and Tsang (2000), 128 layers. About 99 % of
// draws take one mulberry32 number, two table loads, a compare and a multiply; Box-Muller needs
// two numbers, a log, a sqrt and a cos for each (~75 ns here, the largest single cost of a noisy
// plant's step). The layer index and the value come from disjoint bits of the one 32-bit number
// (low 7 bits: layer; high 25 bits: signed position in it), so they are independent: taking both
// from the same bits, as the original code did, correlates them (Doornik 2005).

/** Layers of the ziggurat. */
const ZIG_LAYERS = 128;
/** Right edge of the base layer's rectangle: where the tail begins. */
const ZIG_R = 3.442619855899;
/** Area of each layer. */
const ZIG_V = 9.91256303526217e-3;
/** The 25-bit signed position spans [-2^24, 2^24). */
const ZIG_SCALE = 16777216;

/** Per layer: |position| below this is inside the layer's rectangle under the curve (fast path). */
const ZIGGURAT_K = new Int32Array(ZIG_LAYERS);
/** Per layer: position -> x. */
const ZIGGURAT_W = new Float64Array(ZIG_LAYERS);
/** Per layer: the density exp(-x^2/2) at the layer's right edge. */
const ZIG_F = new Float64Array(ZIG_LAYERS);
{
  let dn = ZIG_R;
  let tn = dn;
  const q = ZIG_V / Math.exp(-0.5 * dn * dn);
  ZIGGURAT_K[0] = Math.floor((dn / q) * ZIG_SCALE);
  ZIGGURAT_K[1] = 0;
  ZIGGURAT_W[0] = q / ZIG_SCALE;
  ZIGGURAT_W[ZIG_LAYERS - 1] = dn / ZIG_SCALE;
  ZIG_F[0] = 1;
  ZIG_F[ZIG_LAYERS - 1] = Math.exp(-0.5 * dn * dn);
  for (let i = ZIG_LAYERS - 2; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(ZIG_V / dn + Math.exp(-0.5 * dn * dn)));
    ZIGGURAT_K[i + 1] = Math.floor((dn / tn) * ZIG_SCALE);
    tn = dn;
    ZIG_F[i] = Math.exp(-0.5 * dn * dn);
    ZIGGURAT_W[i] = dn / ZIG_SCALE;
  }
}

/**
 * The ziggurat's rare path (about 1 draw in 80): `hz` in layer `iz` fell outside the layer's
 * rectangle under the curve. Accepts it against the curve or draws again from stream `i`, and
 * writes the standard normal value to out[0] (a double returned from a call V8 does not inline
 * would be boxed).
 */
function normalSlow(state: Uint32Array, i: number, iz: number, hz: number, out: Float64Array): void {
  for (;;) {
    if (iz === 0) {
      // The tail beyond ZIG_R (Marsaglia 1964); 1 - u lies in (0, 1], so the logarithms are finite.
      let x = 0;
      let y = 0;
      do {
        x = -Math.log(1 - nextUniform(state, i)) / ZIG_R;
        y = -Math.log(1 - nextUniform(state, i));
      } while (y + y < x * x);
      out[0] = hz > 0 ? ZIG_R + x : -ZIG_R - x;
      return;
    }
    const x = hz * ZIGGURAT_W[iz]!;
    if (ZIG_F[iz]! + nextUniform(state, i) * (ZIG_F[iz - 1]! - ZIG_F[iz]!) < Math.exp(-0.5 * x * x)) {
      out[0] = x;
      return;
    }
    const a = (state[i]! + 0x6d2b79f5) >>> 0;
    state[i] = a;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    t ^= t >>> 14;
    iz = t & 127;
    hz = t >> 7;
    if ((hz < 0 ? -hz : hz) < ZIGGURAT_K[iz]!) {
      out[0] = hz * ZIGGURAT_W[iz]!;
      return;
    }
  }
}

/** Standard normal draw from stream `i`, written to out[0] (for step loops: nothing is boxed). */
export function nextNormal(state: Uint32Array, i: number, out: Float64Array): void {
  const a = (state[i]! + 0x6d2b79f5) >>> 0;
  state[i] = a;
  let t = Math.imul(a ^ (a >>> 15), a | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  t ^= t >>> 14;
  const iz = t & 127;
  const hz = t >> 7;
  if ((hz < 0 ? -hz : hz) < ZIGGURAT_K[iz]!) out[0] = hz * ZIGGURAT_W[iz]!;
  else normalSlow(state, i, iz, hz, out);
}
