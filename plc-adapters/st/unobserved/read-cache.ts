// Reads of memory cells in the unobserved scan, each loaded once into a JavaScript local and
// reused until a store may have changed the cell (sorting.st reads its step variable `I16[36]`
// eight times a scan). Stores still go to memory at once, and a store at a constant address sets
// the local too, so memory stays exact whatever happens (a fault, a switch to the observed scan)
// and only redundant reloads go: V8 does not remove them itself, since a store to any view of the
// buffer may alias the cell.
//
// The code generator asks load/store (values.ts) for each access at a constant address; loads of
// a cell not cached are collected and written, by `flush`, in front of the statement (or the
// condition) that needed them: an early load reads the same value, because nothing the statement
// runs before it writes memory (calls do: they `clobber`, and reads after them in the same
// statement read memory). This needs the code generated in the order it runs: emit-call.ts
// generates an inlined body after the call's inputs and before its outputs. Which locals hold
// their cell's value is known per program point: both branches of an IF keep what both keep, a
// loop's body and everything after it start with nothing cached, and a RETURN's state joins the
// end of its inlined body.

interface Local {
  readonly name: string;
  readonly addr: number;
  /** One past the cell's last byte. */
  readonly end: number;
}

/** The locals that hold their cell's value at a program point (by local name). */
export type CacheState = ReadonlySet<string>;

export class ReadCache {
  /** Every local made, by name: the scan declares them all. */
  readonly #locals = new Map<string, Local>();
  #valid = new Set<string>();
  /** Loads to write in front of the current statement. */
  #pending: string[] = [];
  /** Byte ranges stored since the last flush without their local being set: read from memory. */
  #dirty: Local[] = [];
  /** Memory was written where the cache cannot see (a call): the rest of the statement reads memory. */
  #poisoned = false;
  /** Inside a loop: nothing is cached (a load in front of the loop would run once). */
  #loops = 0;
  /** The states at each RETURN of the inlined bodies being generated, by label. */
  readonly #breaks = new Map<string, CacheState[]>();

  /** Names of the locals, for the scan's declarations. */
  get names(): string[] {
    return [...this.#locals.keys()];
  }

  #local(array: string, addr: number, size: number): Local {
    const name = `m$${array.toLowerCase()}$${addr}`;
    let l = this.#locals.get(name);
    if (l === undefined) {
      l = { name, addr, end: addr + Math.max(1, size) };
      this.#locals.set(name, l);
    }
    return l;
  }

  /** The code that reads the cell (`array`[addr >> shift], `size` bytes), or null: read memory. */
  load(array: string, addr: number, size: number, shift: number): string | null {
    if (this.#loops > 0) return null;
    const l = this.#local(array, addr, size);
    if (this.#valid.has(l.name)) return l.name;
    if (this.#poisoned || this.#dirty.some((d) => d.addr < l.end && l.addr < d.end)) return null;
    this.#pending.push(`${l.name} = ${array}[${addr >> shift}];`);
    this.#valid.add(l.name);
    return l.name;
  }

  /**
   * A store of `value` (already converted as the view stores it) to the cell: the statement that
   * writes memory and sets the local, or null when the caller writes memory alone (the cell's
   * local, and every other overlapping one, no longer holds).
   */
  store(array: string, addr: number, size: number, shift: number, value: string | null): string | null {
    if (this.#loops > 0) return null;
    const l = this.#local(array, addr, size);
    this.#kill(l);
    if (value === null || this.#poisoned) {
      // Poisoned: the store may sit in an expression part that does not always run.
      this.#valid.delete(l.name);
      this.#dirty.push(l);
      return null;
    }
    this.#valid.add(l.name);
    return `${array}[${addr >> shift}] = ${l.name} = ${value};`;
  }

  /** Locals overlapping `l` (another view of its bytes, or a region written) no longer hold. */
  #kill(l: Local): void {
    for (const name of this.#valid) {
      const o = this.#locals.get(name)!;
      if (o !== l && o.addr < l.end && l.addr < o.end) {
        this.#valid.delete(name);
        this.#dirty.push(o);
      }
    }
  }

  /**
   * Memory was written where the cache cannot see: anywhere (a call, a copy, a store through a
   * pointer), or in `region` [start, end) (a store at a computed index of an array).
   */
  clobber(region?: readonly [number, number]): void {
    if (this.#loops > 0) return;
    if (region === undefined) {
      this.#valid.clear();
      this.#poisoned = true;
      return;
    }
    const r: Local = { name: '', addr: region[0], end: region[1] };
    this.#kill(r);
    this.#dirty.push(r);
  }

  /** The loads collected since the last flush, as code to write before what was generated since. */
  flush(): string {
    const code = this.#pending.join(' ');
    this.#pending = [];
    this.#dirty = [];
    this.#poisoned = false;
    return code;
  }

  get state(): CacheState {
    return new Set(this.#valid);
  }

  set state(s: CacheState) {
    this.#valid = new Set(s);
  }

  /** Where paths join: what every path keeps. */
  static meet(states: readonly CacheState[]): CacheState {
    const [first, ...rest] = states;
    if (first === undefined) return new Set();
    return new Set([...first].filter((n) => rest.every((s) => s.has(n))));
  }

  /** A loop statement's code is generated between enterLoop and exitLoop: it caches nothing. */
  enterLoop(): void {
    this.#valid.clear();
    this.#loops++;
  }

  exitLoop(): void {
    this.#loops--;
    this.#valid.clear();
  }

  /** An inlined body under `label` starts: its RETURNs break to the label. */
  enterLabel(label: string): void {
    this.#breaks.set(label, []);
  }

  /** A RETURN (`break label`): its state joins the label's end; what follows it never runs. */
  breakTo(label: string): void {
    this.#breaks.get(label)?.push(this.state);
    this.#valid.clear();
  }

  /** The inlined body under `label` ends here. */
  exitLabel(label: string): void {
    this.#valid = new Set(ReadCache.meet([this.#valid, ...(this.#breaks.get(label) ?? [])]));
    this.#breaks.delete(label);
  }
}
