// One SVG symbol per component type of the line, drawn from its layout entry: conveyors as belts
// from their start point, length and scale (other symbols are centred on their layout point); photo-eyes as beams across the belt that light up
// when blocked; the height classifier as a gate; the pusher with a rod that follows `.position`;
// bins with their count; drives with their speed. Symbols that sit on a conveyor (`refs.conveyor`
// + `params.position` in m) are drawn in that belt's own coordinates, so rotation comes free.
// Static greys for equipment; colour only for state (beam blocked, pusher extended, bad quality).

import type { LayoutEntry } from '../../../core/engine/run-control.ts';
import { s, setText } from './element.ts';
import { formatValue } from './format.ts';
import type { SignalStore } from './signal-store.ts';

/** A drawn symbol: its node and how to refresh it from the store. */
export interface Shape {
  readonly node: SVGGElement;
  render(store: SignalStore): void;
}

/** A belt's own frame: origin at its start, x along the belt, y across it (0 = centreline). */
export interface Belt {
  readonly group: SVGGElement;
  readonly pxPerM: number;
  readonly lengthPx: number;
  readonly widthPx: number;
}

/** Mimic px per metre when the layout gives neither a scale nor a drawn width. */
export const DEFAULT_PX_PER_M = 100;
const DEFAULT_BELT_WIDTH_PX = 36;

export function pxPerMetre(e: LayoutEntry): number {
  const p = e.params;
  const scale = p['scale'] ?? p['pxPerM'];
  if (scale !== undefined && scale > 0) return scale;
  const len = p['length'];
  if (e.w !== undefined && len !== undefined && len > 0) return e.w / len;
  return DEFAULT_PX_PER_M;
}

/** A signal's id by component and field, -1 if absent. */
function sig(store: SignalStore, e: LayoutEntry, field: string): number {
  return store.id(`${e.id}.${field}`);
}

function label(text: string, x: number, y: number, anchor = 'middle', cls = 'lbl'): SVGTextElement {
  return s('text', { x, y, 'text-anchor': anchor, class: cls }, text);
}

export function conveyorShape(e: LayoutEntry): Shape & { belt: Belt } {
  const pxPerM = pxPerMetre(e);
  const lengthPx = e.w ?? (e.params['length'] ?? 1) * pxPerM;
  const widthPx = e.h ?? (e.params['width'] !== undefined ? e.params['width'] * pxPerM : DEFAULT_BELT_WIDTH_PX);
  const group = s('g', { class: 'conveyor', transform: `translate(${e.x} ${e.y}) rotate(${e.rotation ?? 0})`, 'data-id': e.id });
  const half = widthPx / 2;
  group.append(
    s('rect', { x: 0, y: -half, width: lengthPx, height: widthPx, rx: half, class: 'belt' }),
    s('line', { x1: half, y1: 0, x2: lengthPx - half, y2: 0, class: 'belt-axis' }),
    s('circle', { cx: half, cy: 0, r: half * 0.55, class: 'roller' }),
    s('circle', { cx: lengthPx - half, cy: 0, r: half * 0.55, class: 'roller' }),
    label(e.id, lengthPx / 2, -half - 6),
  );
  // Belt speed and item count live in the side panel: around a belt the space belongs to the
  // sensors, the pusher and the drive labels.
  const belt: Belt = { group, pxPerM, lengthPx, widthPx };
  return { node: group, belt, render: () => undefined };
}

/** Where a conveyor-mounted symbol sits along its belt, px from the belt start. */
function along(e: LayoutEntry, belt: Belt): number {
  return (e.params['position'] ?? 0) * belt.pxPerM;
}

export function photoEyeShape(e: LayoutEntry, store: SignalStore, belt: Belt | undefined): Shape {
  const blockedId = sig(store, e, 'blocked');
  const reach = (belt?.widthPx ?? DEFAULT_BELT_WIDTH_PX) / 2 + 8;
  const g = s('g', { class: 'photo-eye', 'data-id': e.id, 'data-testid': `pe-${e.id}` });
  g.setAttribute('transform', belt ? `translate(${along(e, belt)} 0)` : `translate(${e.x} ${e.y})`);
  const beam = s('line', { x1: 0, y1: -reach, x2: 0, y2: reach, class: 'beam' });
  g.append(
    beam,
    s('rect', { x: -4, y: -reach - 8, width: 8, height: 8, class: 'eye' }),
    s('rect', { x: -4, y: reach, width: 8, height: 8, class: 'eye' }),
    label(e.id, 0, reach + 20),
  );
  let last = -1;
  return {
    node: g,
    render(st) {
      const on = st.value(blockedId) ? 1 : 0;
      if (on !== last) {
        g.classList.toggle('blocked', on === 1);
        g.dataset['blocked'] = String(on);
        last = on;
      }
    },
  };
}

/** The height classifier: a gate over the belt; lit while any of its bool signals is set. */
export function classifierShape(e: LayoutEntry, store: SignalStore, belt: Belt | undefined): Shape {
  const half = (belt?.widthPx ?? DEFAULT_BELT_WIDTH_PX) / 2 + 6;
  const g = s('g', { class: 'classifier', 'data-id': e.id });
  g.setAttribute('transform', belt ? `translate(${along(e, belt)} 0)` : `translate(${e.x} ${e.y})`);
  // Label and value both above the belt: a classifier often shares its spot with a photo-eye,
  // whose label sits below.
  g.append(
    s('path', { d: `M -7 ${half} V ${-half} H 7 V ${half}`, class: 'gate' }),
    label(e.id, 0, -half - 6),
  );
  const prefix = `${e.id}.`;
  const bools: number[] = [];
  let valueId = -1;
  for (const c of store.catalog) {
    if (!c.name.startsWith(prefix)) continue;
    if (c.type === 'bool') bools.push(c.id);
    else if (valueId < 0) valueId = c.id;
  }
  const val = label('', 0, -half - 20, 'middle', 'val');
  g.append(val);
  const unit = valueId >= 0 ? store.catalog[valueId]!.unit : '';
  return {
    node: g,
    render(st) {
      let on = false;
      for (const id of bools) if (st.value(id)) on = true;
      g.classList.toggle('active', on);
      if (valueId >= 0) setText(val, `${formatValue(st.value(valueId), unit, store.catalog[valueId]!.type)} ${unit}`);
    },
  };
}

/**
 * The pusher beside the belt; its rod crosses the belt as `.position` goes 0 -> 1.
 * @param pushDir -1: the rod moves towards the belt's -y side (body on +y), +1 the other way
 */
export function pusherShape(e: LayoutEntry, store: SignalStore, belt: Belt | undefined, pushDir: 1 | -1): Shape {
  const positionId = sig(store, e, 'position');
  const extendedId = sig(store, e, 'extended');
  const width = belt?.widthPx ?? DEFAULT_BELT_WIDTH_PX;
  const pxPerM = belt?.pxPerM ?? DEFAULT_PX_PER_M;
  const strokePx = e.params['stroke'] !== undefined ? e.params['stroke'] * pxPerM : width + 8;
  const face = Math.max(12, (e.params['width'] ?? 0.28) * pxPerM);
  const side = -pushDir; // where the body sits
  const edge = side * (width / 2 + 4);
  const bodyH = 30;
  const g = s('g', { class: 'pusher', 'data-id': e.id });
  g.setAttribute('transform', belt ? `translate(${along(e, belt)} 0)` : `translate(${e.x} ${e.y})`);
  const body = s('rect', { x: -12, y: side < 0 ? edge - bodyH : edge, width: 24, height: bodyH, class: 'cyl' });
  const rod = s('g', { class: 'rod' });
  rod.append(
    s('rect', { x: -2, y: side < 0 ? edge - 6 : edge, width: 4, height: 6, class: 'rod-shaft' }),
    s('rect', { x: -face / 2, y: side < 0 ? edge - 1 : edge - 3, width: face, height: 4, class: 'rod-head' }),
  );
  // Label beside the body, not beyond it: a drive symbol often sits there.
  g.append(body, rod, label(e.id, 16, side < 0 ? edge - bodyH / 2 + 4 : edge + bodyH / 2 + 4, 'start'));
  let lastPos = NaN;
  return {
    node: g,
    render(st) {
      const p = Math.min(1, Math.max(0, st.value(positionId) || 0));
      if (p !== lastPos) {
        rod.setAttribute('transform', `translate(0 ${pushDir * p * strokePx})`);
        lastPos = p;
      }
      g.classList.toggle('extended', st.value(extendedId) === 1);
    },
  };
}

/** A bin, centred on its layout point, with its count. */
export function binShape(e: LayoutEntry, store: SignalStore): Shape {
  const w = e.w ?? 90;
  const h = e.h ?? 60;
  const countId = sig(store, e, 'count');
  const g = s('g', { class: 'bin', transform: `translate(${e.x - w / 2} ${e.y - h / 2})`, 'data-id': e.id });
  const count = s('text', { x: w / 2, y: h / 2 + 8, 'text-anchor': 'middle', class: 'count', 'data-testid': `bin-count-${e.id}` }, '—');
  g.append(s('path', { d: `M 0 0 V ${h} H ${w} V 0`, class: 'bin-wall' }), count, label(e.id, w / 2, h + 16));
  return { node: g, render: (st) => setText(count, formatValue(st.value(countId), '', 'int')) };
}

export function sourceShape(e: LayoutEntry): Shape {
  const g = s('g', { class: 'source', transform: `translate(${e.x} ${e.y})`, 'data-id': e.id });
  g.append(s('path', { d: 'M -18 -16 H 6 L 18 0 L 6 16 H -18 Z', class: 'src' }), label(e.id, 0, -22));
  return { node: g, render: () => undefined };
}

/** A drive: motor symbol with its frequency; placed at its layout point (or under its belt). */
export function driveShape(e: LayoutEntry, store: SignalStore, at: { x: number; y: number }): Shape {
  const speedId = sig(store, e, 'speed');
  const g = s('g', { class: 'drive', transform: `translate(${at.x} ${at.y})`, 'data-id': e.id });
  const val = label('', 18, 4, 'start', 'val');
  g.append(s('circle', { cx: 0, cy: 0, r: 12, class: 'motor' }), s('text', { x: 0, y: 4, 'text-anchor': 'middle', class: 'motor-m' }, 'M'), label(e.id, 18, -8, 'start'), val);
  return {
    node: g,
    render(st) {
      setText(val, `${formatValue(st.value(speedId), 'Hz', 'real')} Hz`);
      g.classList.toggle('running', st.value(speedId) > 0.05);
    },
  };
}

/** Anything the mimic has no symbol for: a labelled box, so it is at least visible. */
export function genericShape(e: LayoutEntry): Shape {
  const g = s('g', { class: 'generic', transform: `translate(${e.x} ${e.y})`, 'data-id': e.id });
  g.append(s('rect', { x: 0, y: 0, width: e.w ?? 40, height: e.h ?? 24, class: 'box' }), label(`${e.id} (${e.type})`, 0, -4, 'start'));
  return { node: g, render: () => undefined };
}

// ---- Plant components (issue 4): sensors, pneumatics, fluids, thermal, quality. ----

/** A value label that refreshes only when its text changes. */
function valueText(x: number, y: number, anchor = 'middle'): SVGTextElement {
  return label('', x, y, anchor, 'val');
}

function fmt(st: SignalStore, id: number, unit: string, type = 'real'): string {
  return id < 0 ? '—' : `${formatValue(st.value(id), unit, type)}${unit ? ` ${unit}` : ''}`;
}

/** Inductive proximity sensor beside the belt: a small disc that lights while it detects. */
export function proximityShape(e: LayoutEntry, store: SignalStore, belt: Belt | undefined): Shape {
  const id = sig(store, e, 'detected');
  const off = (belt?.widthPx ?? DEFAULT_BELT_WIDTH_PX) / 2 + 8;
  const g = s('g', { class: 'proximity', 'data-id': e.id });
  g.setAttribute('transform', belt ? `translate(${along(e, belt)} 0)` : `translate(${e.x} ${e.y})`);
  g.append(s('rect', { x: -5, y: -off - 10, width: 10, height: 10, rx: 2, class: 'prox-body' }), s('circle', { cx: 0, cy: -off + 2, r: 3, class: 'prox-face' }), label(e.id, 0, -off - 14));
  return { node: g, render: (st) => g.classList.toggle('active', st.value(id) === 1) };
}

/** Encoder: a measuring wheel at the belt start with its count. */
export function encoderShape(e: LayoutEntry, store: SignalStore, belt: Belt | undefined): Shape {
  const id = sig(store, e, 'count');
  const y = (belt?.widthPx ?? DEFAULT_BELT_WIDTH_PX) / 2 + 12;
  const g = s('g', { class: 'encoder', 'data-id': e.id });
  g.setAttribute('transform', belt ? `translate(${belt.widthPx} ${y})` : `translate(${e.x} ${e.y})`);
  const val = valueText(12, 4, 'start');
  g.append(s('circle', { cx: 0, cy: 0, r: 7, class: 'enc-wheel' }), s('line', { x1: 0, y1: -7, x2: 0, y2: 7, class: 'enc-spoke' }), val);
  return { node: g, render: (st) => setText(val, `${e.id} ${fmt(st, id, '', 'int')}`) };
}

/** Quality gate: a frame over the belt with good / reject counts; lit after a reject. */
export function qualityShape(e: LayoutEntry, store: SignalStore, belt: Belt | undefined): Shape {
  const good = sig(store, e, 'good');
  const reject = sig(store, e, 'reject');
  const last = sig(store, e, 'lastReject');
  const half = (belt?.widthPx ?? DEFAULT_BELT_WIDTH_PX) / 2 + 4;
  const g = s('g', { class: 'quality', 'data-id': e.id });
  g.setAttribute('transform', belt ? `translate(${along(e, belt)} 0)` : `translate(${e.x} ${e.y})`);
  const val = valueText(0, half + 28);
  g.append(s('rect', { x: -6, y: -half, width: 12, height: 2 * half, class: 'q-frame' }), label(e.id, 0, half + 14), val);
  return {
    node: g,
    render(st) {
      setText(val, `✓${fmt(st, good, '', 'int')} ✗${fmt(st, reject, '', 'int')}`);
      g.classList.toggle('reject', st.value(last) === 1);
    },
  };
}

/** Heated zone: a hood over its stretch of belt (or a box), shaded by temperature. */
export function furnaceShape(e: LayoutEntry, store: SignalStore, belt: Belt | undefined): Shape {
  const temp = sig(store, e, 'temperature');
  const power = sig(store, e, 'heaterPower');
  const g = s('g', { class: 'furnace', 'data-id': e.id });
  let x0 = -(e.w ?? 120) / 2;
  let w = e.w ?? 120;
  const h = (belt?.widthPx ?? e.h ?? 40) + 24;
  if (belt) {
    const start = (e.params['start'] ?? 0) * belt.pxPerM;
    const end = e.params['end'] !== undefined ? e.params['end'] * belt.pxPerM : belt.lengthPx;
    x0 = start;
    w = end - start;
    g.setAttribute('transform', 'translate(0 0)');
  } else g.setAttribute('transform', `translate(${e.x} ${e.y})`);
  const hood = s('rect', { x: x0, y: -h / 2, width: w, height: h, rx: 4, class: 'hood' });
  const val = valueText(x0 + w / 2, -h / 2 - 6);
  g.append(hood, label(e.id, x0 + 4, -h / 2 - 6, 'start'), val);
  return {
    node: g,
    render(st) {
      const t = st.value(temp);
      // Glow from 0 (cold) to 1 (1200 °C): the only colour is the heat itself.
      const glow = Math.max(0, Math.min(1, t / 1200));
      hood.setAttribute('fill-opacity', (0.08 + 0.5 * glow).toFixed(2));
      setText(val, `${fmt(st, temp, '°C')}  ${fmt(st, power, 'kW')}`);
    },
  };
}

/** A transmitter's reading unit: its own if it has one, else that of the signal it measures. */
export function transmitterUnit(e: LayoutEntry, store: SignalStore): string {
  const own = store.entry(`${e.id}.value`)?.unit ?? '';
  if (own !== '') return own;
  const measured = e.refs['signal'];
  return measured === undefined ? '' : (store.entry(measured)?.unit ?? '');
}

/** Instrument bubble (ISA): function letters and the reading. */
export function transmitterShape(e: LayoutEntry, store: SignalStore, at: { x: number; y: number }): Shape {
  const id = sig(store, e, 'value');
  const kind = e.refs['measures'] ?? 'other';
  const tag = kind === 'level' ? 'LT' : kind === 'pressure' ? 'PT' : kind === 'temperature' ? 'TT' : kind === 'flow' ? 'FT' : 'XT';
  const g = s('g', { class: 'transmitter', transform: `translate(${at.x} ${at.y})`, 'data-id': e.id });
  const val = valueText(16, 4, 'start');
  // The reading is in the unit of the signal it measures (LT1 reads m, like its tank).
  const unit = transmitterUnit(e, store);
  g.append(s('circle', { cx: 0, cy: 0, r: 12, class: 'bubble' }), s('text', { x: 0, y: 4, 'text-anchor': 'middle', class: 'tag' }, tag), label(e.id, 0, -16), val);
  return { node: g, render: (st) => setText(val, fmt(st, id, unit)) };
}

/** Compressor with its receiver pressure; outlined while loaded. */
export function compressorShape(e: LayoutEntry, store: SignalStore): Shape {
  const p = sig(store, e, 'pressure');
  const loaded = sig(store, e, 'loaded');
  const g = s('g', { class: 'compressor', transform: `translate(${e.x} ${e.y})`, 'data-id': e.id });
  const val = valueText(0, 30);
  g.append(s('circle', { cx: 0, cy: 0, r: 14, class: 'comp' }), s('path', { d: 'M -8 -10 L 10 -4 L 10 4 L -8 10 Z', class: 'comp-in' }), label(e.id, 0, -18), val);
  return {
    node: g,
    render(st) {
      setText(val, fmt(st, p, 'bar'));
      g.classList.toggle('running', st.value(loaded) === 1);
    },
  };
}

/** A cylinder on its own: barrel and a rod that follows `.position` to the right. */
export function cylinderShape(e: LayoutEntry, store: SignalStore): Shape {
  const pos = sig(store, e, 'position');
  const ext = sig(store, e, 'extended');
  const strokePx = Math.max(20, (e.params['stroke'] ?? 0.2) * (e.params['scale'] ?? DEFAULT_PX_PER_M));
  const g = s('g', { class: 'cylinder', transform: `translate(${e.x} ${e.y})`, 'data-id': e.id });
  const rod = s('g', { class: 'rod' });
  rod.append(s('rect', { x: 0, y: -2, width: strokePx, height: 4, class: 'rod-shaft' }), s('rect', { x: strokePx, y: -8, width: 4, height: 16, class: 'rod-head' }));
  g.append(s('rect', { x: -strokePx, y: -9, width: strokePx, height: 18, class: 'cyl' }), rod, label(e.id, -strokePx / 2, -14));
  let last = NaN;
  return {
    node: g,
    render(st) {
      const x = Math.min(1, Math.max(0, st.value(pos) || 0));
      if (x !== last) {
        rod.setAttribute('transform', `translate(${(x - 1) * strokePx} 0)`);
        last = x;
      }
      g.classList.toggle('extended', st.value(ext) === 1);
    },
  };
}

/** Limit switch: a lever box beside its actuator; lit while actuated. */
export function limitSwitchShape(e: LayoutEntry, store: SignalStore, at: { x: number; y: number }): Shape {
  const id = sig(store, e, 'actuated');
  const g = s('g', { class: 'limit-switch', transform: `translate(${at.x} ${at.y})`, 'data-id': e.id });
  g.append(s('rect', { x: -6, y: -6, width: 12, height: 12, class: 'ls-body' }), s('line', { x1: 0, y1: -6, x2: 8, y2: -14, class: 'ls-lever' }), label(e.id, 10, 4, 'start'));
  return { node: g, render: (st) => g.classList.toggle('active', st.value(id) === 1) };
}

/** Tank: a vessel filled to `.level / height`, with its level and the switch states. */
export function tankShape(e: LayoutEntry, store: SignalStore): Shape {
  const level = sig(store, e, 'level');
  const high = sig(store, e, 'high');
  const low = sig(store, e, 'low');
  const w = e.w ?? 60;
  const h = e.h ?? 80;
  const height = e.params['height'] ?? 2;
  const g = s('g', { class: 'tank', transform: `translate(${e.x - w / 2} ${e.y - h / 2})`, 'data-id': e.id });
  const fill = s('rect', { x: 1, y: h, width: w - 2, height: 0, class: 'liquid' });
  const val = valueText(w / 2, h + 14);
  g.append(fill, s('rect', { x: 0, y: 0, width: w, height: h, class: 'vessel' }), label(e.id, w / 2, -6), val);
  let last = NaN;
  return {
    node: g,
    render(st) {
      const l = Math.max(0, Math.min(1, st.value(level) / height));
      if (l !== last) {
        fill.setAttribute('y', (h - l * h).toFixed(1));
        fill.setAttribute('height', (l * h).toFixed(1));
        last = l;
      }
      setText(val, fmt(st, level, 'm'));
      g.classList.toggle('high', st.value(high) === 1);
      g.classList.toggle('low', st.value(low) === 1);
    },
  };
}

/** Centrifugal pump: circle with the volute's triangle; outlined while running; its flow. */
export function pumpShape(e: LayoutEntry, store: SignalStore): Shape {
  const running = sig(store, e, 'running');
  const flow = sig(store, e, 'flow');
  const g = s('g', { class: 'pump', transform: `translate(${e.x} ${e.y})`, 'data-id': e.id });
  const val = valueText(0, 30);
  g.append(s('circle', { cx: 0, cy: 0, r: 13, class: 'pump-body' }), s('path', { d: 'M -6 -9 L 11 0 L -6 9 Z', class: 'pump-vane' }), label(e.id, 0, -17), val);
  return {
    node: g,
    render(st) {
      setText(val, fmt(st, flow, 'm³/h'));
      g.classList.toggle('running', st.value(running) === 1);
    },
  };
}

/** Valve: a bow-tie, filled while open; its opening in %. */
export function valveShape(e: LayoutEntry, store: SignalStore): Shape {
  const opening = sig(store, e, 'opening');
  const g = s('g', { class: 'valve', transform: `translate(${e.x} ${e.y})`, 'data-id': e.id });
  const val = valueText(0, 24);
  g.append(s('path', { d: 'M -12 -8 L 12 8 L 12 -8 L -12 8 Z', class: 'valve-body' }), label(e.id, 0, -12), val);
  return {
    node: g,
    render(st) {
      const x = st.value(opening);
      setText(val, `${formatValue(x, '%', 'real')} %`);
      g.classList.toggle('open', x > 0);
    },
  };
}

// ---- Stations and processes (issue 4): roller conveyor in zones, machine, buffer,
// pick-and-place, coating, weld. ----

/**
 * Roller conveyor: a belt outline with its rollers drawn and a lamp per zone that lights while
 * the zone's photo-eye is blocked (`.occupied` bit z); zones that run are marked `running`.
 */
export function rollerConveyorShape(e: LayoutEntry, store: SignalStore): Shape & { belt: Belt } {
  const base = conveyorShape(e);
  const { group, lengthPx, widthPx } = base.belt;
  group.classList.add('roller-conveyor');
  const zones = Math.max(1, Math.min(31, Math.round(e.params['zones'] ?? 4)));
  const zonePx = lengthPx / zones;
  const half = widthPx / 2;
  const lamps: SVGElement[] = [];
  for (let z = 0; z < zones; z++) {
    if (z > 0) group.append(s('line', { x1: z * zonePx, y1: -half, x2: z * zonePx, y2: half, class: 'zone-split' }));
    const lamp = s('circle', { cx: (z + 1) * zonePx - 6, cy: half + 6, r: 3, class: 'zone-eye', 'data-zone': z });
    lamps.push(lamp);
    group.append(lamp);
  }
  const occupied = sig(store, e, 'occupied');
  const running = sig(store, e, 'running');
  let last = -1;
  let lastRun = -1;
  return {
    node: group,
    belt: base.belt,
    render(st) {
      const occ = st.value(occupied) | 0;
      const run = st.value(running) | 0;
      if (occ === last && run === lastRun) return;
      for (let z = 0; z < lamps.length; z++) {
        lamps[z]!.classList.toggle('blocked', ((occ >> z) & 1) === 1);
        lamps[z]!.classList.toggle('running', ((run >> z) & 1) === 1);
      }
      group.dataset['occupied'] = String(occ);
      last = occ;
      lastRun = run;
    },
  };
}

/** Machine: a box coloured by state (busy, blocked, starved) with its cycle count. */
export function machineShape(e: LayoutEntry, store: SignalStore): Shape {
  const busy = sig(store, e, 'busy');
  const blocked = sig(store, e, 'blocked');
  const cycles = sig(store, e, 'cycles');
  const w = e.w ?? 56;
  const h = e.h ?? 40;
  const g = s('g', { class: 'machine', transform: `translate(${e.x} ${e.y})`, 'data-id': e.id, 'data-testid': `machine-${e.id}` });
  const val = valueText(0, h / 2 + 14);
  g.append(s('rect', { x: -w / 2, y: -h / 2, width: w, height: h, rx: 4, class: 'box station' }), label(e.id, 0, -h / 2 - 6), val);
  return {
    node: g,
    render(st) {
      g.classList.toggle('busy', st.value(busy) === 1);
      g.classList.toggle('blocked', st.value(blocked) === 1);
      setText(val, `${fmt(st, cycles, '', 'int')} cycles`);
    },
  };
}

/** Buffer: a tray whose fill bar shows items / capacity. */
export function bufferShape(e: LayoutEntry, store: SignalStore): Shape {
  const items = sig(store, e, 'items');
  const capacity = Math.max(1, e.params['capacity'] ?? 5);
  const w = e.w ?? 50;
  const h = e.h ?? 24;
  const g = s('g', { class: 'buffer', transform: `translate(${e.x} ${e.y})`, 'data-id': e.id });
  const bar = s('rect', { x: -w / 2, y: -h / 2, width: 0, height: h, class: 'buffer-fill' });
  const val = valueText(0, h / 2 + 14);
  g.append(s('rect', { x: -w / 2, y: -h / 2, width: w, height: h, class: 'box' }), bar, label(e.id, 0, -h / 2 - 6), val);
  return {
    node: g,
    render(st) {
      const n = items < 0 ? 0 : st.value(items);
      bar.setAttribute('width', ((w * Math.min(n, capacity)) / capacity).toFixed(1));
      g.classList.toggle('full', n >= capacity);
      setText(val, `${n}/${capacity}`);
    },
  };
}

const PICK_STEPS = ['idle', 'down', 'grip', 'up', 'traverse', 'down', 'release', 'up', 'return'];

/** Pick-and-place: a gantry beam with a gripper that sits over the pick or place side by step. */
export function pickPlaceShape(e: LayoutEntry, store: SignalStore): Shape {
  const step = sig(store, e, 'step');
  const w = e.w ?? 80;
  const g = s('g', { class: 'pickplace', transform: `translate(${e.x} ${e.y})`, 'data-id': e.id });
  const gripper = s('rect', { x: -w / 2 - 5, y: -10, width: 10, height: 14, class: 'gripper' });
  const val = valueText(0, 22);
  g.append(s('line', { x1: -w / 2, y1: -14, x2: w / 2, y2: -14, class: 'gantry' }), gripper, label(e.id, 0, -20), val);
  let last = -1;
  return {
    node: g,
    render(st) {
      const k = st.value(step) | 0;
      if (k === last) return;
      last = k;
      // Steps 4..6 (traverse, down, release) happen over the place side.
      const atPlace = k >= 4 && k <= 7;
      const down = k === 1 || k === 2 || k === 5 || k === 6;
      gripper.setAttribute('x', String((atPlace ? w / 2 : -w / 2) - 5));
      gripper.setAttribute('y', String(down ? -2 : -10));
      g.classList.toggle('active', k > 0);
      setText(val, PICK_STEPS[k] ?? String(k));
    },
  };
}

/** Coating nozzle over its belt: sprays (lit) while on; the last film thickness. */
export function coatingShape(e: LayoutEntry, store: SignalStore, belt: Belt | undefined): Shape {
  const spraying = sig(store, e, 'spraying');
  const thickness = sig(store, e, 'thickness');
  const half = (belt?.widthPx ?? DEFAULT_BELT_WIDTH_PX) / 2;
  const g = s('g', { class: 'coating', 'data-id': e.id });
  g.setAttribute('transform', belt ? `translate(${along(e, belt)} 0)` : `translate(${e.x} ${e.y})`);
  const val = valueText(0, -half - 30);
  g.append(s('path', { d: `M -6 ${-half - 14} H 6 L 2 ${-half - 4} H -2 Z`, class: 'nozzle' }), s('path', { d: `M -2 ${-half - 4} L -10 ${half} H 10 L 2 ${-half - 4} Z`, class: 'spray' }), label(e.id, 0, -half - 18), val);
  return {
    node: g,
    render(st) {
      g.classList.toggle('active', st.value(spraying) === 1);
      setText(val, fmt(st, thickness, 'µm'));
    },
  };
}

/** Weld torch over its belt: the arc lights while it burns; the last seam's heat input. */
export function weldShape(e: LayoutEntry, store: SignalStore, belt: Belt | undefined): Shape {
  const arc = sig(store, e, 'arc');
  const heat = sig(store, e, 'heatInput');
  const half = (belt?.widthPx ?? DEFAULT_BELT_WIDTH_PX) / 2;
  const g = s('g', { class: 'weld', 'data-id': e.id });
  g.setAttribute('transform', belt ? `translate(${along(e, belt)} 0)` : `translate(${e.x} ${e.y})`);
  const val = valueText(0, half + 28);
  g.append(s('path', { d: `M -4 ${half + 16} L 0 ${half + 2} L 4 ${half + 16} Z`, class: 'torch' }), s('circle', { cx: 0, cy: half - 2, r: 4, class: 'arc' }), label(e.id, 0, half + 14 + 14), val);
  val.setAttribute('y', String(half + 40));
  return {
    node: g,
    render(st) {
      g.classList.toggle('active', st.value(arc) === 1);
      setText(val, fmt(st, heat, 'kJ/m'));
    },
  };
}
