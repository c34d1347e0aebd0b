// Random programs against the unobserved scan's read cache (plc-adapters/st/unobserved/
// read-cache.ts) and its liveness analysis: each program, made from a fixed seed, mixes the ways
// a cell can change between two reads (plain, bit and indexed stores, a function writing its
// VAR_IN_OUT, a global and an output, FB calls with RETURN, IF/ELSIF/CASE on the cells they
// write, bounded loops, AND_THEN and SEL around calls) and runs as a twin (unobserved-twin.ts):
// the observed scan, which has no cache, beside the unobserved one, compared after every scan
// with the whole memory. A failure names the seed; the program text is in the message.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileSt } from '../../plc-adapters/st/compile.ts';
import { twin } from './unobserved-twin.ts';
import { nextUniform } from '../../physics/rng.ts';

/** The model's mulberry32 stream (physics/rng.ts), so a failure repeats. */
function random(seed: number): () => number {
  const state = Uint32Array.of(seed >>> 0);
  return () => nextUniform(state, 0);
}

const INTS = ['a', 'b', 'c', 'f.n', 'f.cnt', 'g', 'arr[0]', 'arr[2]'];
const BOOLS = ['x', 'y', 'w.1', 'w.4', 'en'];

class Gen {
  readonly #r: () => number;
  #depth = 0;
  constructor(seed: number) {
    this.#r = random(seed);
  }

  #pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.#r() * xs.length)]!;
  }

  #chance(p: number): boolean {
    return this.#r() < p;
  }

  int(d = 0): string {
    const k = this.#r();
    if (d > 2 || k < 0.35) return this.#pick([...INTS, 'arr[(a + 4) MOD 4]', 'WORD_TO_INT(w)', 'k', 'f.q']);
    if (k < 0.5) return String(Math.floor(this.#r() * 20) - 5);
    if (k < 0.62) return `(${this.int(d + 1)} + ${this.int(d + 1)})`;
    if (k < 0.72) return `(${this.int(d + 1)} - ${this.int(d + 1)})`;
    if (k < 0.76) return `F_Mix(${this.int(d + 1)}, b, o => ${this.#pick(['c', 'arr[1]', 'k'])})`;
    if (k < 0.79) return `SEL(${this.bool(d + 1)}, ${this.int(d + 1)}, F_Mix(2, a, o => ${this.#pick(['k', 'c'])}))`;
    if (k < 0.92) return `LIMIT(-50, ${this.int(d + 1)}, 50)`;
    return `BOOL_TO_INT(${this.bool(d + 1)})`;
  }

  bool(d = 0): string {
    const k = this.#r();
    if (d > 2 || k < 0.3) return this.#pick(BOOLS);
    if (k < 0.5) return `${this.int(d + 1)} ${this.#pick(['<', '>', '=', '<>'])} ${this.int(d + 1)}`;
    if (k < 0.6) return `NOT (${this.bool(d + 1)})`;
    if (k < 0.7) return `(${this.bool(d + 1)} AND ${this.bool(d + 1)})`;
    if (k < 0.8) return `(${this.bool(d + 1)} OR ${this.bool(d + 1)})`;
    if (k < 0.85) return `(${this.bool(d + 1)} AND_THEN F_Mix(1, c, o => k) > 3)`;
    return `f.q > ${this.int(d + 1)}`;
  }

  stmt(): string {
    this.#depth++;
    try {
      const k = this.#r();
      const deep = this.#depth > 3;
      if (k < 0.25 || (deep && k < 0.6)) return `${this.#pick(['a', 'b', 'c', 'g', 'arr[1]', 'arr[3]', 'k'])} := (${this.int()}) MOD 1000;`;
      if (k < 0.35 || deep) return `${this.#pick(['x', 'y', 'w.1', 'w.4', 'w.0'])} := ${this.bool()};`;
      if (k < 0.42) return `arr[(${this.int()} + 400) MOD 4] := ${this.#pick(['a', 'b', '7', 'c + 1'])};`;
      if (k < 0.47) return `w := INT_TO_WORD(${this.int()});`;
      if (k < 0.57) return `IF ${this.bool()} THEN ${this.block()} ELSIF ${this.bool()} THEN ${this.block()}${this.#chance(0.5) ? ` ELSE ${this.block()}` : ''} END_IF;`;
      if (k < 0.65) return `CASE ${this.#pick(['a', 'b', 'arr[2]'])} MOD 4 OF 0: ${this.block()} 1, 2: ${this.block()}${this.#chance(0.5) ? ` ELSE ${this.block()}` : ''} END_CASE;`;
      if (k < 0.7) return `i := 0; WHILE i < 3 AND ${this.bool()} DO ${this.block()} i := i + 1; END_WHILE;`;
      if (k < 0.74) return `FOR i := 0 TO 2 DO ${this.block()} END_FOR;`;
      if (k < 0.84) return `f(go := ${this.bool()}, n := ${this.int()}${this.#chance(0.5) ? `, q => ${this.#pick(['b', 'k'])}` : ''});`;
      if (k < 0.87) return `F_Bump(${this.#pick(['a', 'c', 'arr[0]', 'g'])});`;
      if (k < 0.95) return `p2 := p1; p1.v := ${this.int()};`;
      return `${this.#pick(['a', 'b'])} := p2.v + p1.v;`;
    } finally {
      this.#depth--;
    }
  }

  block(): string {
    const n = 1 + Math.floor(this.#r() * 3);
    return Array.from({ length: n }, () => this.stmt()).join(' ');
  }

  program(): string {
    const body = Array.from({ length: 10 + Math.floor(this.#r() * 10) }, () => this.stmt()).join('\n');
    return `TYPE ST_V : STRUCT v : INT; END_STRUCT END_TYPE
VAR_GLOBAL g : INT; END_VAR
FUNCTION F_Mix : INT
VAR_INPUT p : INT; r : INT; END_VAR
VAR_OUTPUT o : INT; END_VAR
o := p - r;
g := (g + p) MOD 100;
F_Mix := (p + r) MOD 50;
END_FUNCTION
FUNCTION F_Bump : INT
VAR_IN_OUT v : INT; END_VAR
v := (v + 3) MOD 200;
F_Bump := v;
END_FUNCTION
FUNCTION_BLOCK FB_Acc
VAR_INPUT go : BOOL; n : INT; END_VAR
VAR_OUTPUT q : INT; cnt : INT; END_VAR
VAR m : INT; END_VAR
IF NOT go THEN q := m; RETURN; END_IF;
m := (m + n) MOD 100;
IF m > 50 THEN q := -m; RETURN; END_IF;
q := m;
cnt := (cnt + 1) MOD 1000;
END_FUNCTION_BLOCK
PROGRAM MAIN
VAR_INPUT en : BOOL; inp : INT; END_VAR
VAR_OUTPUT out : INT; END_VAR
VAR a : INT; b : INT; c : INT; k : INT; i : INT; x : BOOL; y : BOOL; w : WORD; arr : ARRAY[0..3] OF INT; f : FB_Acc; p1 : ST_V; p2 : ST_V; sum : INT; END_VAR
a := (a + inp) MOD 300;
${body}
out := a + b + c + k;
// Every cell into one running checksum: a wrong read anywhere shows in memory, even when the
// variable it was stored into happened to hold the right value already.
sum := (sum * 31 + a + b + c + k + f.cnt + f.q + arr[0] + arr[1] + arr[2] + arr[3] + WORD_TO_INT(w) + BOOL_TO_INT(x) + BOOL_TO_INT(y) + g + p1.v + p2.v) MOD 10007;
END_PROGRAM
`;
  }
}

test('200 random programs: the unobserved scan (read cache, locals) equals the observed one, 40 scans each', () => {
  let withLocals = 0;
  for (let seed = 1; seed <= 200; seed++) {
    const text = new Gen(seed).program();
    const r = compileSt([{ file: `fuzz${seed}.st`, text }], { checkUnobserved: true });
    if (r.instantiate === null) assert.unreachable(`seed ${seed} does not compile: ${r.diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`).join('; ')}\n${text}`);
    if (!r.js!.includes('m$')) continue; // no unobserved scan (too big) or nothing read twice
    withLocals++;
    const p = twin(r.instantiate!);
    const next = random(seed * 31);
    const i = new Float64Array(p.io.inputs.length);
    const q = new Float64Array(p.io.outputs.length);
    try {
      for (let k = 0; k < 40; k++) {
        i[0] = next() < 0.5 ? 1 : 0;
        i[1] = Math.floor(next() * 40) - 10;
        p.scan(i, q, 10);
      }
    } catch (err) {
      assert.unreachable(`seed ${seed}: ${(err as Error).message}\n${text}`);
    }
  }
  assert.ok(withLocals > 160, `only ${withLocals} programs used the read cache`);
});

test.run();
