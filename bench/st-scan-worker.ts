// The scan-time part of bench/st.ts, run in a worker thread of its own: there the programs meet
// what they meet in the physics worker (the same modules loaded, nothing else). In the bench's
// main thread the line file's parsers (yaml, ajv: CommonJS loaded through tsx's loader) have
// invalidated V8's ArrayBufferDetaching protector, after which every typed-array access carries
// a detach check: the compiled ST program's scan measured ~45 % slower there than here or in
// the physics worker, the TypeScript program (object fields) not at all.
//
// workerData: { images: Float64Array (6 000 input images back to back), width, rounds }; posts
// { tsNs, stNs, stObservedNs, handNs } (ns per scan, one entry per round): stNs is the ST program
// in its unobserved scan (what runs while nothing watches it), stObservedNs in its observed one.

import { parentPort, workerData } from 'node:worker_threads';
import { loadProgram } from '../plc-adapters/sim/program-source.ts';
import type { ControlProgram } from '../plc-adapters/sim/program.ts';
import { SortingStByHand } from './sorting-st-by-hand.ts';
import { StProgram } from '../plc-adapters/st/st-program.ts';

const { images: flat, width, rounds, st: stPath } = workerData as { images: Float64Array; width: number; rounds: number; st: string };
const images: Float64Array[] = [];
for (let k = 0; k < flat.length; k += width) images.push(flat.slice(k, k + width));

type ScanTimer = (p: ControlProgram, images: readonly Float64Array[], scans: number) => number;

/**
 * A timing loop of its own for one program: ns per scan over `scans` scans replaying the
 * recorded images. One loop shared by the programs would make its `p.scan` call site
 * polymorphic, and no program's scan would be inlined into it, as none is in the engine (where
 * one worker runs one program).
 */
let timers = 0;
function scanTimer(): ScanTimer {
  // Numbered: V8 caches `new Function` by source text, and two loops must not share one.
  return new Function('p', 'images', 'scans', `// loop ${++timers}
    const q = new Float64Array(p.io.outputs.length);
    const n = images.length;
    const t0 = performance.now();
    for (let k = 0; k < scans; k++) p.scan(images[k % n], q, 10);
    return ((performance.now() - t0) * 1e6) / scans;`) as ScanTimer;
}

/** Throws unless both programs write the same outputs in every scan of the recording. */
function sameOutputs(a: ControlProgram, b: ControlProgram): void {
  const qa = new Float64Array(a.io.outputs.length);
  const qb = new Float64Array(b.io.outputs.length);
  for (let round = 0; round < 3; round++) {
    for (let k = 0; k < images.length; k++) {
      a.scan(images[k]!, qa, 10);
      b.scan(images[k]!, qb, 10);
      for (let o = 0; o < qa.length; o++) {
        if (qa[o] !== qb[o]) throw new Error(`${b.name} differs from ${a.name} in scan ${round * images.length + k}, output ${a.io.outputs[o]!.address}: ${qb[o]} instead of ${qa[o]}`);
      }
    }
  }
}

/** The ST program fixed in one of its two scans (StProgram.scanMode). */
function stIn(mode: 'observed' | 'unobserved'): ControlProgram {
  const p = loadProgram(stPath);
  if (!(p instanceof StProgram)) throw new Error(`${stPath} did not load as a Structured Text program`);
  p.scanMode = mode;
  return p;
}

const st = stIn('unobserved');
const stObserved = stIn('observed');
const ts = loadProgram('sorting');
const byHand = new SortingStByHand(st.io);
sameOutputs(stIn('observed'), new SortingStByHand(st.io));
sameOutputs(stIn('unobserved'), new SortingStByHand(st.io));
const timeSt = scanTimer();
const timeStObserved = scanTimer();
const timeTs = scanTimer();
const timeByHand = scanTimer();
// Warm all up (JIT) on the same images.
timeSt(st, images, 200_000);
timeStObserved(stObserved, images, 200_000);
timeTs(ts, images, 200_000);
timeByHand(byHand, images, 200_000);
const stNs: number[] = [];
const stObservedNs: number[] = [];
const tsNs: number[] = [];
const handNs: number[] = [];
for (let r = 0; r < rounds; r++) {
  tsNs.push(timeTs(ts, images, 500_000));
  stNs.push(timeSt(st, images, 500_000));
  stObservedNs.push(timeStObserved(stObserved, images, 500_000));
  handNs.push(timeByHand(byHand, images, 500_000));
}
parentPort!.postMessage({ tsNs, stNs, stObservedNs, handNs });
