// Label placement on the mimic: every name and value label starts where its symbol puts it and
// moves, if it would cover another label, to the nearest free spot around that home (a greedy
// collision-avoiding placement, as map labelling does it). Computed from the drawn boxes, so no
// example line needs hand-tuned offsets. Equipment under a label costs too, but less: a label on
// a belt is readable, one label on another is not. A label moved far from home gets a thin
// leader line back to it.

/** An axis-aligned box in the SVG's user units. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Texts that may move: component names (`lbl`) and their values (`val`). */
const MOVABLE = 'text.lbl, text.val';
/** Texts fixed inside their symbol (motor M, instrument tag, bin count): obstacles only. */
const FIXED = 'text.motor-m, text.tag, text.count';
/** A value grows as it changes ("0.0 Hz" -> "50.0 Hz"): keep room for this many more characters. */
const VALUE_SPARE_CHARS = 2;
// Costs: a label over a label must never win against a free spot; equipment is a nuisance.
const LABEL_OVERLAP_COST = 1e6;
const EQUIP_OVERLAP_COST = 8;

const overlapArea = (a: Box, b: Box): number => {
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
};

/** The element-to-SVG-root matrix (user units of the root, whatever groups lie between). */
function toRoot(svg: SVGSVGElement, el: SVGGraphicsElement): DOMMatrix | undefined {
  const root = svg.getScreenCTM();
  const own = el.getScreenCTM();
  if (root === null || own === null) return undefined;
  return root.inverse().multiply(own);
}

/** An element's box in root user units (the box of its transformed corners). */
export function rootBox(svg: SVGSVGElement, el: SVGGraphicsElement): Box | undefined {
  const m = toRoot(svg, el);
  if (m === undefined) return undefined;
  const b = el.getBBox();
  if (b.width === 0 && b.height === 0) return undefined;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const [x, y] of [[b.x, b.y], [b.x + b.width, b.y], [b.x, b.y + b.height], [b.x + b.width, b.y + b.height]] as const) {
    const p = new DOMPoint(x, y).matrixTransform(m);
    x0 = Math.min(x0, p.x);
    y0 = Math.min(y0, p.y);
    x1 = Math.max(x1, p.x);
    y1 = Math.max(y1, p.y);
  }
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

/** Boxes of the drawn equipment (every shape that is not text), in root user units. */
export function equipmentBoxes(svg: SVGSVGElement, scope: Element): Box[] {
  const out: Box[] = [];
  for (const el of scope.querySelectorAll<SVGGraphicsElement>('rect, circle, path, line, polygon, ellipse')) {
    if (el.closest('.forced-mark, .leader') !== null) continue;
    const b = rootBox(svg, el);
    if (b !== undefined) out.push(b);
  }
  return out;
}

/**
 * Place the labels under `scope` so none covers another. Labels keep their x/y attributes (their
 * home); the move is a translate on the text, written in the text's own frame so labels on a
 * rotated belt move the right way. Deterministic: document order, fixed candidate order.
 *
 * @param gap clearance between labels, in user units
 * @returns the boxes of all labels as placed (movable and fixed)
 */
export function placeLabels(svg: SVGSVGElement, scope: SVGGElement, gap: number): Box[] {
  for (const l of scope.querySelectorAll('.leader')) l.remove();
  const movable = [...scope.querySelectorAll<SVGTextElement>(MOVABLE)];
  for (const t of movable) t.removeAttribute('transform');
  const equipment = equipmentBoxes(svg, scope);
  const placed: Box[] = [];
  for (const t of scope.querySelectorAll<SVGTextElement>(FIXED)) {
    const b = rootBox(svg, t);
    if (b !== undefined) placed.push(b);
  }
  for (const t of movable) {
    const home = rootBox(svg, t);
    if (home === undefined) continue; // empty value text: nothing to place yet
    const box = padded(t, home, gap);
    let best = box;
    let bestCost = Infinity;
    for (const [dx, dy] of candidates(box)) {
      const c: Box = { x: box.x + dx, y: box.y + dy, w: box.w, h: box.h };
      let cost = Math.hypot(dx, dy) / box.h;
      for (const p of placed) if (overlapArea(c, p) > 0) cost += LABEL_OVERLAP_COST;
      let covered = 0;
      for (const e of equipment) covered += overlapArea(c, e);
      cost += (EQUIP_OVERLAP_COST * covered) / (c.w * c.h);
      if (cost < bestCost) {
        bestCost = cost;
        best = c;
      }
      if (cost === 0) break;
    }
    const dx = best.x - box.x;
    const dy = best.y - box.y;
    if (dx !== 0 || dy !== 0) {
      moveText(svg, t, dx, dy);
      if (Math.hypot(dx, dy) > 1.6 * box.h) leader(svg, scope, home, best);
    }
    placed.push(best);
  }
  return placed;
}

/** The room a label needs: its box plus the gap, and spare width for a value that grows. */
function padded(t: SVGTextElement, b: Box, gap: number): Box {
  let extra = 0;
  if (t.classList.contains('val')) {
    const n = Math.max(1, (t.textContent ?? '').length);
    extra = (b.w / n) * VALUE_SPARE_CHARS;
  }
  const anchor = t.getAttribute('text-anchor') ?? 'start';
  const left = anchor === 'middle' ? extra / 2 : anchor === 'end' ? extra : 0;
  return { x: b.x - left - gap / 2, y: b.y - gap / 2, w: b.w + extra + gap, h: b.h + gap };
}

/** Offsets to try, nearest first: up and down by line heights, sideways by half widths. */
function candidates(b: Box): Array<readonly [number, number]> {
  const out: Array<readonly [number, number]> = [];
  for (let j = -4; j <= 4; j++) for (let i = -2; i <= 2; i++) out.push([i * (b.w / 2 + b.h / 2), j * b.h * 0.5]);
  // Nearest first; ties broken by a fixed order (up before down, left before right).
  return out.sort((a, c) => Math.hypot(a[0], a[1]) - Math.hypot(c[0], c[1]) || a[1] - c[1] || a[0] - c[0]);
}

/** Move a text by (dx, dy) root units, as a translate in its own frame. */
function moveText(svg: SVGSVGElement, t: SVGTextElement, dx: number, dy: number): void {
  const m = toRoot(svg, t);
  if (m === undefined) return;
  const inv = m.inverse();
  // Only the linear part applies to a displacement.
  const lx = inv.a * dx + inv.c * dy;
  const ly = inv.b * dx + inv.d * dy;
  t.setAttribute('transform', `translate(${lx.toFixed(2)} ${ly.toFixed(2)})`);
}

/** A thin line from a moved label back to where its symbol put it. */
function leader(svg: SVGSVGElement, scope: SVGGElement, home: Box, at: Box): void {
  const cx = home.x + home.w / 2;
  const cy = home.y + home.h / 2;
  // End on the label box's nearest edge point.
  const ex = Math.max(at.x, Math.min(cx, at.x + at.w));
  const ey = Math.max(at.y, Math.min(cy, at.y + at.h));
  const line = document.createElementNS(svg.namespaceURI, 'line');
  for (const [k, v] of [['x1', cx], ['y1', cy], ['x2', ex], ['y2', ey]] as const) line.setAttribute(k, v.toFixed(1));
  line.setAttribute('class', 'leader');
  scope.append(line);
}
