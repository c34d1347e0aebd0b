// Pipes between the fluid components of the mimic, drawn from the line's references: a pump or
// valve takes `from` a tank and delivers `to` one; a valve without `from` is fed from a supply,
// one without `to` drains, and a furnace's `coolant` pump feeds the furnace, whose return goes
// to the pump's `to` tank. Each pipe shows its flow: grey when stopped, blue with dashes moving
// in the flow direction while its mover (the pump or valve) has flow, and an arrow at its middle.
// Routes are orthogonal (one bend), under the symbols, each straight run its own <line> so label
// placement sees thin obstacles, not the box round an L.

import type { LayoutEntry } from '../../../core/engine/run-control.ts';
import { s } from './element.ts';
import { rootBox, type Box } from './mimic-labels.ts';
import type { Shape } from './mimic-shapes.ts';
import type { SignalStore } from './signal-store.ts';

/** Below this |flow| (m³/h) a pipe counts as stopped: noise and leak rates are not flow. */
const FLOW_EPS = 1e-3;
/** Length of a supply or drain stub, user units. */
const STUB = 46;
/** Symbols no larger than this (user units) are joined at their centre, under the symbol. */
const SMALL = 40;

interface Pipe {
  readonly g: SVGGElement;
  readonly flowId: number;
  /** +1: flow from the first point to the last; the mover's flow sign may reverse it. */
  shown: number;
}

/** One end of a pipe: a drawn node's box, or a free point (a stub's open end). */
type End = { box: Box } | { at: readonly [number, number] };

/**
 * Build the pipes of a line. `nodes` holds each component's drawn symbol by id; pipes go into
 * `parent` before its first child, so symbols cover the pipe ends.
 */
export function pipesShape(svg: SVGSVGElement, parent: SVGGElement, layout: readonly LayoutEntry[], nodes: ReadonlyMap<string, SVGGElement>, store: SignalStore): Shape {
  const g = s('g', { class: 'pipes', 'data-testid': 'pipes' });
  parent.prepend(g);
  const pipes: Pipe[] = [];
  const boxOf = (id: string | undefined): Box | undefined => {
    const n = id === undefined ? undefined : nodes.get(id);
    return n === undefined ? undefined : symbolBox(svg, n);
  };
  const add = (from: End, to: End, mover: string, name: string): void => {
    const pts = route(from, to);
    if (pts === undefined) return;
    const pipe = s('g', { class: 'pipe', 'data-testid': `pipe-${name}`, 'data-flow': 'stopped' });
    for (let i = 1; i < pts.length; i++) {
      const [x1, y1] = pts[i - 1]!;
      const [x2, y2] = pts[i]!;
      pipe.append(s('line', { x1, y1, x2, y2, class: 'pipe-wall' }), s('line', { x1, y1, x2, y2, class: 'pipe-flow' }));
    }
    pipe.append(arrowAt(pts));
    g.append(pipe);
    pipes.push({ g: pipe, flowId: store.id(`${mover}.flow`), shown: NaN });
  };
  const coolantOf = new Map<string, string>();
  for (const e of layout) if (e.type === 'furnace' && e.refs['coolant'] !== undefined) coolantOf.set(e.refs['coolant'], e.id);
  for (const e of layout) {
    if (e.type !== 'pump' && e.type !== 'valve') continue;
    const self = boxOf(e.id);
    if (self === undefined) continue;
    const from = boxOf(e.refs['from']);
    const to = boxOf(e.refs['to']);
    const furnace = coolantOf.get(e.id);
    const heated = boxOf(furnace);
    if (from !== undefined) add({ box: from }, { box: self }, e.id, `${e.refs['from']}-${e.id}`);
    else if (e.type === 'valve') add({ at: stubEnd(self, to, -1) }, { box: self }, e.id, `supply-${e.id}`);
    if (heated !== undefined) {
      // Coolant loop: pump -> furnace -> the pump's `to` tank (or a drain).
      add({ box: self }, { box: heated }, e.id, `${e.id}-${furnace}`);
      if (to !== undefined) add({ box: heated }, { box: to }, e.id, `${furnace}-${e.refs['to']}`);
    } else if (to !== undefined) add({ box: self }, { box: to }, e.id, `${e.id}-${e.refs['to']}`);
    else add({ box: self }, { at: stubEnd(self, from, 1) }, e.id, `${e.id}-drain`);
  }
  return {
    node: g,
    render(st) {
      for (const p of pipes) {
        const q = p.flowId < 0 ? 0 : st.value(p.flowId);
        const state = !(Math.abs(q) > FLOW_EPS) ? 0 : q > 0 ? 1 : -1;
        if (state === p.shown) continue;
        p.shown = state;
        p.g.dataset['flow'] = state === 0 ? 'stopped' : 'running';
        p.g.classList.toggle('flowing', state !== 0);
        p.g.classList.toggle('reverse', state < 0);
      }
    },
  };
}

/** The box of a symbol's drawing without its texts (a tank's vessel, not its label). */
function symbolBox(svg: SVGSVGElement, node: SVGGElement): Box | undefined {
  let out: Box | undefined;
  for (const el of node.querySelectorAll<SVGGraphicsElement>('rect, circle, path, polygon, ellipse')) {
    if (el.closest('.forced-mark') !== null) continue;
    const b = rootBox(svg, el);
    if (b === undefined) continue;
    if (out === undefined) out = { ...b };
    else {
      const x1 = Math.max(out.x + out.w, b.x + b.w);
      const y1 = Math.max(out.y + out.h, b.y + b.h);
      out.x = Math.min(out.x, b.x);
      out.y = Math.min(out.y, b.y);
      out.w = x1 - out.x;
      out.h = y1 - out.y;
    }
  }
  return out;
}

const centre = (b: Box): [number, number] => [b.x + b.w / 2, b.y + b.h / 2];

/** A stub's open end: beside the symbol, away from the tank it serves (dir -1: before it). */
function stubEnd(self: Box, other: Box | undefined, dir: -1 | 1): [number, number] {
  const [cx, cy] = centre(self);
  if (other === undefined) return [cx + dir * (self.w / 2 + STUB), cy];
  const away = centre(other)[0] <= cx ? 1 : -1;
  return [cx + away * (self.w / 2 + STUB), cy];
}

const boxOfEnd = (e: End): Box => ('at' in e ? { x: e.at[0], y: e.at[1], w: 0, h: 0 } : e.box);
const clamp = (v: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, v));

/**
 * An orthogonal route from `a` to `b`, edge to edge. Boxes that share a band of x (or y) are
 * joined by one straight run in the middle of that band; others by one bend, leaving `a`
 * horizontally when `b` lies more beside it than above or below. A small symbol is left and
 * entered on its centre line; a large one (tank, furnace) as near the other end as it allows.
 */
function route(a: End, b: End): Array<[number, number]> | undefined {
  const A = boxOfEnd(a);
  const B = boxOfEnd(b);
  const [ax, ay] = centre(A);
  const [bx, by] = centre(B);
  if (Math.abs(bx - ax) < 1 && Math.abs(by - ay) < 1) return undefined;
  const xlo = Math.max(A.x, B.x);
  const xhi = Math.min(A.x + A.w, B.x + B.w);
  if (xhi >= xlo && !(A.y < B.y + B.h && B.y < A.y + A.h)) {
    const x = (xlo + xhi) / 2;
    return by > ay ? [[x, A.y + A.h], [x, B.y]] : [[x, A.y], [x, B.y + B.h]];
  }
  const ylo = Math.max(A.y, B.y);
  const yhi = Math.min(A.y + A.h, B.y + B.h);
  if (yhi >= ylo && !(A.x < B.x + B.w && B.x < A.x + A.w)) {
    const y = (ylo + yhi) / 2;
    return bx > ax ? [[A.x + A.w, y], [B.x, y]] : [[A.x, y], [B.x + B.w, y]];
  }
  const along = (c: number, v: number, lo: number, size: number): number => (size <= SMALL ? c : clamp(v, lo + 6, lo + size - 6));
  if (Math.abs(bx - ax) >= Math.abs(by - ay)) {
    const y = along(ay, by, A.y, A.h);
    const x = along(bx, ax, B.x, B.w);
    return [[bx > ax ? A.x + A.w : A.x, y], [x, y], [x, by > y ? B.y : B.y + B.h]];
  }
  const x = along(ax, bx, A.x, A.w);
  const y = along(by, ay, B.y, B.h);
  return [[x, by > ay ? A.y + A.h : A.y], [x, y], [bx > x ? B.x : B.x + B.w, y]];
}

/** The flow arrow, at the middle of the route's longest run, pointing from the first point on. */
function arrowAt(pts: ReadonlyArray<readonly [number, number]>): SVGGElement {
  let best = 1;
  let len = -1;
  for (let i = 1; i < pts.length; i++) {
    const l = Math.hypot(pts[i]![0] - pts[i - 1]![0], pts[i]![1] - pts[i - 1]![1]);
    if (l > len) {
      len = l;
      best = i;
    }
  }
  const [x1, y1] = pts[best - 1]!;
  const [x2, y2] = pts[best]!;
  const angle = (Math.atan2(y2 - y1, x2 - x1) * 180) / Math.PI;
  const g = s('g', { class: 'pipe-arrow-at', transform: `translate(${((x1 + x2) / 2).toFixed(1)} ${((y1 + y2) / 2).toFixed(1)}) rotate(${angle.toFixed(0)})` });
  g.append(s('path', { d: 'M -6 -6 L 6 0 L -6 6 Z', class: 'pipe-arrow' }));
  return g;
}
