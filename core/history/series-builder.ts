// Growable columns for one tag while a reader collects it (doubling typed arrays), and the
// finishing step every reader shares: sort by time when the source's clock went backwards,
// noting each step, so the checks and the replay always see samples in time order.

import type { TagSeries } from './history.ts';
import type { TagTarget } from './tag-map.ts';

export class SeriesBuilder {
  readonly target: TagTarget;
  readonly tag: string;
  #t = new Float64Array(1024);
  #v = new Float64Array(1024);
  #q = new Uint8Array(1024);
  #n = 0;

  constructor(target: TagTarget, tag: string) {
    this.target = target;
    this.tag = tag;
  }

  get length(): number {
    return this.#n;
  }

  push(t: number, v: number, q: number): void {
    if (this.#n === this.#t.length) {
      const grow = <A extends Float64Array | Uint8Array>(a: A, make: (n: number) => A): A => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.#t = grow(this.#t, (n) => new Float64Array(n));
      this.#v = grow(this.#v, (n) => new Float64Array(n));
      this.#q = grow(this.#q, (n) => new Uint8Array(n));
    }
    this.#t[this.#n] = t;
    this.#v[this.#n] = v;
    this.#q[this.#n] = q;
    this.#n++;
  }

  /** The series with times shifted by -t0, sorted (stable) when needed; clock steps noted. */
  finish(t0: number): TagSeries {
    const n = this.#n;
    const t = this.#t.slice(0, n);
    const v = this.#v.slice(0, n);
    const q = this.#q.slice(0, n);
    const clockSteps: { at: number; back: number }[] = [];
    for (let k = 1; k < n; k++) if (t[k]! < t[k - 1]!) clockSteps.push({ at: t[k]! - t0, back: t[k - 1]! - t[k]! });
    if (clockSteps.length > 0) {
      const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => t[a]! - t[b]! || a - b);
      const t2 = Float64Array.from(order, (k) => t[k]!);
      const v2 = Float64Array.from(order, (k) => v[k]!);
      const q2 = Uint8Array.from(order, (k) => q[k]!);
      t.set(t2);
      v.set(v2);
      q.set(q2);
    }
    for (let k = 0; k < n; k++) t[k] = t[k]! - t0;
    return { signal: this.target.signal, tag: this.tag, role: this.target.role, type: this.target.type, unit: this.target.unit, t, v, q, clockSteps };
  }
}
