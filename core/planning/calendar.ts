// The shift calendar: when the line works. Shifts repeat every working day of each week (the
// first `days` days, Monday on), minus daily breaks and minus absolute planned stops. Without a
// calendar the line works around the clock. Stations and operators only work inside working
// time: a task of d working seconds started at t ends once d seconds of working time have passed
// (work pauses over breaks and nights and resumes, preemptive-resume).

import { TwinloopError } from '../errors.ts';

export interface Window {
  readonly start: number;
  readonly end: number;
}

export interface CalendarSpec {
  /** Working days per week, counted from Monday (5: Mon–Fri). */
  readonly days: number;
  /** Daily shifts, seconds from midnight (end may pass 86400 for a night shift). */
  readonly shifts: readonly Window[];
  /** Daily breaks, seconds from midnight. */
  readonly breaks: readonly Window[];
  /** Planned stops, seconds from the plan start. */
  readonly stops: readonly Window[];
}

/** How far ahead the calendar looks for working time before calling a task unfinishable. */
export const MAX_DAYS = 3660;

/** Subtract the windows `cut` from the sorted disjoint windows `w`. */
function subtract(w: readonly Window[], cut: readonly Window[]): Window[] {
  let out = [...w];
  for (const c of cut) {
    const next: Window[] = [];
    for (const x of out) {
      if (c.end <= x.start || c.start >= x.end) next.push(x);
      else {
        if (c.start > x.start) next.push({ start: x.start, end: c.start });
        if (c.end < x.end) next.push({ start: c.end, end: x.end });
      }
    }
    out = next;
  }
  return out;
}

/** Sort and merge overlapping windows. */
function merge(w: readonly Window[]): Window[] {
  const s = [...w].filter((x) => x.end > x.start).sort((a, b) => a.start - b.start);
  const out: Window[] = [];
  for (const x of s) {
    const last = out[out.length - 1];
    if (last && x.start <= last.end) out[out.length - 1] = { start: last.start, end: Math.max(last.end, x.end) };
    else out.push(x);
  }
  return out;
}

export class Calendar {
  readonly spec: CalendarSpec | null;
  /** Working windows of each day index, built on first use. */
  readonly #days = new Map<number, readonly Window[]>();

  /** @param spec null: always working */
  constructor(spec: CalendarSpec | null) {
    this.spec = spec;
  }

  /** Working windows that start on day `d` (a shift past midnight belongs to the day it starts). */
  windowsOfDay(d: number): readonly Window[] {
    const spec = this.spec;
    if (spec === null) return [{ start: d * 86400, end: (d + 1) * 86400 }];
    let w = this.#days.get(d);
    if (w !== undefined) return w;
    const base = d * 86400;
    const worksToday = d % 7 < spec.days;
    const shifts = worksToday ? merge(spec.shifts.map((s) => ({ start: base + s.start, end: base + s.end }))) : [];
    const breaks = spec.breaks.map((b) => ({ start: base + b.start, end: base + b.end }));
    w = subtract(subtract(shifts, breaks), spec.stops);
    this.#days.set(d, w);
    return w;
  }

  /** The first instant >= t that is working time. @throws PLAN_NO_WORKING_TIME */
  nextWorking(t: number): number {
    if (this.spec === null) return t;
    const d0 = Math.max(0, Math.floor(t / 86400) - 1);
    for (let d = d0; d < d0 + MAX_DAYS; d++) {
      for (const w of this.windowsOfDay(d)) if (w.end > t) return Math.max(t, w.start);
    }
    throw new TwinloopError('PLAN_NO_WORKING_TIME', `no working time within ${MAX_DAYS} days after ${t} s: check the calendar's shifts and stops`);
  }

  /** The instant at which `work` working seconds started at t are done. @throws PLAN_NO_WORKING_TIME */
  advance(t: number, work: number): number {
    if (this.spec === null) return t + work;
    let left = work;
    let now = t;
    const d0 = Math.max(0, Math.floor(t / 86400) - 1);
    for (let d = d0; d < d0 + MAX_DAYS; d++) {
      for (const w of this.windowsOfDay(d)) {
        if (w.end <= now) continue;
        const s = Math.max(now, w.start);
        if (s + left <= w.end) return s + left;
        left -= w.end - s;
        now = w.end;
      }
    }
    throw new TwinloopError('PLAN_NO_WORKING_TIME', `${work} s of work started at ${t} s do not fit in the next ${MAX_DAYS} days of the calendar`);
  }

  /** Working seconds in [a, b). */
  workingBetween(a: number, b: number): number {
    if (b <= a) return 0;
    if (this.spec === null) return b - a;
    let sum = 0;
    const d0 = Math.max(0, Math.floor(a / 86400) - 1);
    const d1 = Math.floor(b / 86400);
    for (let d = d0; d <= d1; d++) {
      for (const w of this.windowsOfDay(d)) {
        const s = Math.max(a, w.start), e = Math.min(b, w.end);
        if (e > s) sum += e - s;
      }
    }
    return sum;
  }

  /** The non-working windows inside [a, b) (for the Gantt chart's shading). */
  offWindows(a: number, b: number): Window[] {
    if (this.spec === null || b <= a) return [];
    const work: Window[] = [];
    const d0 = Math.max(0, Math.floor(a / 86400) - 1);
    const d1 = Math.floor(b / 86400);
    for (let d = d0; d <= d1; d++) work.push(...this.windowsOfDay(d));
    return subtract([{ start: a, end: b }], merge(work));
  }
}
