// The mimic: an SVG of the line generated from the layout in the catalog frame, plus the items
// moving on it. Items are drawn from the per-slot signals the model publishes
// (`items.<k>.x`, `items.<k>.y` in mimic px, `items.<k>.alive`, `items.<k>.cls`): one rect per
// slot made once, moved by attribute writes at animation-frame rate, hidden when the slot is free.

import type { ForceInfo, LayoutEntry } from '../../../core/engine/run-control.ts';
import { h, s } from './element.ts';
import {
  binShape,
  classifierShape,
  compressorShape,
  conveyorShape,
  cylinderShape,
  driveShape,
  encoderShape,
  furnaceShape,
  genericShape,
  limitSwitchShape,
  photoEyeShape,
  proximityShape,
  pumpShape,
  pusherShape,
  qualityShape,
  sourceShape,
  tankShape,
  transmitterShape,
  valveShape,
  rollerConveyorShape,
  machineShape,
  bufferShape,
  pickPlaceShape,
  coatingShape,
  weldShape,
  type Belt,
  type Shape,
} from './mimic-shapes.ts';
import type { SignalStore } from './signal-store.ts';
import { placeLabels } from './mimic-labels.ts';
import { pipesShape } from './mimic-pipes.ts';

// Line files name types their own way; these are the names each symbol answers to.
const KIND_OF: Readonly<Record<string, string>> = {
  conveyor: 'conveyor', belt: 'conveyor',
  'photo-eye': 'photo-eye', photoeye: 'photo-eye', photo_eye: 'photo-eye', photocell: 'photo-eye',
  classifier: 'classifier', 'height-sensor': 'classifier', 'height-classifier': 'classifier', height_sensor: 'classifier',
  pusher: 'pusher', diverter: 'pusher',
  bin: 'bin', sink: 'bin',
  source: 'source', 'item-source': 'source', ordersource: 'source',
  drive: 'drive', motor: 'drive', vfd: 'drive',
  proximity: 'proximity', limitswitch: 'limit-switch', encoder: 'encoder', transmitter: 'transmitter',
  compressor: 'compressor', cylinder: 'cylinder', tank: 'tank', valve: 'valve', pump: 'pump',
  furnace: 'furnace', quality: 'quality',
  rollerconveyor: 'roller-conveyor', machine: 'machine', buffer: 'buffer', pickplace: 'pickplace', coating: 'coating', weld: 'weld',
};

const ITEM_PX = 14;
// Sizing (CSS px on screen): the drawing's height is what the panel's width gives it, at most
// what is left of the window below the panel's top, never below MIN_HEIGHT_PX.
const MIN_HEIGHT_PX = 260;
const MAX_HEIGHT_PX = 1100;
const BOTTOM_PX = 24;
const MARGIN_PX = 14;
/** A small line is drawn big on a big screen, but not bigger than this many times its file's px. */
const MAX_SCALE = 1.75;
/** Text grows with the drawing up to this factor over its CSS size (12 px -> 15 px). */
const MAX_TEXT_GROWTH = 1.25;
/** Clearance kept between labels, screen px. */
const LABEL_GAP_PX = 3;

/** Screen px per user unit that fits box `b` into width x maxH with the margin. */
function fitScale(b: DOMRect, width: number, maxH: number): number {
  return Math.min((width - 2 * MARGIN_PX) / b.width, (maxH - 2 * MARGIN_PX) / b.height, MAX_SCALE);
}

interface ItemSlot {
  readonly rect: SVGRectElement;
  readonly x: number;
  readonly y: number;
  readonly alive: number;
  readonly cls: number;
  shownX: number;
  shownY: number;
  shown: boolean;
  shownCls: number;
}

export class Mimic {
  readonly root: HTMLElement;
  readonly #svg: SVGSVGElement;
  #shapes: Shape[] = [];
  #items: ItemSlot[] = [];
  /** Each component's symbol, by layout id (forced markers go on it). */
  readonly #nodes = new Map<string, SVGGElement>();
  #marks: SVGGElement[] = [];
  #forcedKey = '';
  /** Text scale in user units per CSS px (1 / drawing scale, times the text growth). */
  #font = 1;
  #fitWidth = 0;
  #fitWindowH = 0;
  /** The value labels and their text lengths when last placed: a longer value re-places. */
  #values: SVGTextElement[] = [];
  #valueLengths: number[] = [];
  #refitPending = false;

  constructor() {
    this.#svg = s('svg', { class: 'mimic-svg', 'data-testid': 'mimic', preserveAspectRatio: 'xMidYMid meet' });
    this.root = h('section', { class: 'mimic panel' }, this.#svg);
    this.#watchSize();
  }

  /** Rebuild from the layout (each catalog frame: a reconnect may meet a different line). */
  build(layout: readonly LayoutEntry[], store: SignalStore): void {
    const svg = this.#svg;
    svg.replaceChildren();
    this.#shapes = [];
    this.#nodes.clear();
    this.#marks = [];
    this.#forcedKey = '';
    const equipment = s('g', { class: 'equipment' });
    svg.append(equipment);
    const belts = new Map<string, Belt>();
    const beltOfDrive = new Map<string, Belt>();
    // Belts first: conveyor-mounted symbols are drawn inside their belt's group.
    for (const e of layout) {
      const beltKind = KIND_OF[e.type];
      if (beltKind !== 'conveyor' && beltKind !== 'roller-conveyor') continue;
      const shape = beltKind === 'roller-conveyor' ? rollerConveyorShape(e, store) : conveyorShape(e);
      belts.set(e.id, shape.belt);
      const drive = e.refs['drive'];
      if (drive !== undefined) beltOfDrive.set(drive, shape.belt);
      this.#add(equipment, shape, e.id);
    }
    for (const e of layout) {
      const kind = KIND_OF[e.type];
      if (kind === 'conveyor' || kind === 'roller-conveyor') continue;
      const beltId = e.refs['conveyor'] ?? e.refs['on'] ?? e.refs['belt'];
      const belt = beltId !== undefined ? belts.get(beltId) : undefined;
      const parent = belt?.group ?? equipment;
      if (kind === 'photo-eye') this.#add(parent, photoEyeShape(e, store, belt), e.id);
      else if (kind === 'classifier') this.#add(parent, classifierShape(e, store, belt), e.id);
      else if (kind === 'pusher') this.#add(parent, pusherShape(e, store, belt, pushDirection(e, layout, beltId)), e.id);
      else if (kind === 'proximity') this.#add(parent, proximityShape(e, store, belt), e.id);
      else if (kind === 'encoder') this.#add(parent, encoderShape(e, store, belt), e.id);
      else if (kind === 'quality') this.#add(parent, qualityShape(e, store, belt), e.id);
      else if (kind === 'furnace') this.#add(parent, furnaceShape(e, store, belt), e.id);
      else if (kind === 'coating') this.#add(parent, coatingShape(e, store, belt), e.id);
      else if (kind === 'weld') this.#add(parent, weldShape(e, store, belt), e.id);
      else if (kind === 'machine') this.#add(equipment, machineShape(e, store), e.id);
      else if (kind === 'buffer') this.#add(equipment, bufferShape(e, store), e.id);
      else if (kind === 'pickplace') this.#add(equipment, pickPlaceShape(e, store), e.id);
      else if (kind === 'transmitter') this.#add(equipment, transmitterShape(e, store, besideOf(e, layout, e.refs['signal']?.split('.')[0], 0, -40)), e.id);
      else if (kind === 'limit-switch') this.#add(equipment, limitSwitchShape(e, store, besideOf(e, layout, e.refs['actuator'], 10, 18)), e.id);
      else if (kind === 'compressor') this.#add(equipment, compressorShape(e, store), e.id);
      else if (kind === 'cylinder') this.#add(equipment, cylinderShape(e, store), e.id);
      else if (kind === 'tank') this.#add(equipment, tankShape(e, store), e.id);
      else if (kind === 'pump') this.#add(equipment, pumpShape(e, store), e.id);
      else if (kind === 'valve') this.#add(equipment, valveShape(e, store), e.id);
      else if (kind === 'bin') this.#add(equipment, binShape(e, store), e.id);
      else if (kind === 'source') this.#add(equipment, sourceShape(e), e.id);
      else if (kind === 'drive') {
        // A drive without its own place on the layout sits under the start of its belt.
        const driven = beltOfDrive.get(e.id);
        if ((e.x !== 0 || e.y !== 0) || driven === undefined) this.#add(equipment, driveShape(e, store, { x: e.x, y: e.y }), e.id);
        else this.#add(driven.group, driveShape(e, store, { x: 16, y: driven.widthPx / 2 + 36 }), e.id);
      } else this.#add(equipment, genericShape(e), e.id);
    }
    // Pipes join the symbols as drawn, so they come last, and go under them.
    this.#shapes.push(pipesShape(svg, equipment, layout, this.#nodes, store));
    const items = s('g', { class: 'items' });
    svg.append(items);
    this.#items = [];
    for (let k = 0; ; k++) {
      const x = store.id(`items.${k}.x`);
      if (x < 0) break;
      const rect = s('rect', { width: ITEM_PX, height: ITEM_PX, rx: 2, class: 'item', 'data-testid': 'item', visibility: 'hidden' });
      items.append(rect);
      this.#items.push({ rect, x, y: store.id(`items.${k}.y`), alive: store.id(`items.${k}.alive`), cls: store.id(`items.${k}.cls`), shownX: NaN, shownY: NaN, shown: false, shownCls: -1 });
    }
    this.#values = [...equipment.querySelectorAll<SVGTextElement>('text.val')];
    // Place with the values as they read now, not with empty texts.
    for (const shape of this.#shapes) shape.render(store);
    this.#fit();
  }

  #add(parent: SVGGElement, shape: Shape, id: string): void {
    parent.append(shape.node);
    this.#shapes.push(shape);
    this.#nodes.set(id, shape.node);
  }

  /**
   * Mark each component with a forced signal, as WinCC marks a simulated tag: a dashed outline
   * round its symbol and a badge with the forced value (`F m1.setpoint = 20`). Redrawn only
   * when the list of forces changes.
   */
  #markForces(forces: readonly ForceInfo[]): void {
    let key = '';
    for (const f of forces) key += `${f.signal}=${f.value};`;
    if (key === this.#forcedKey) return;
    this.#forcedKey = key;
    for (const m of this.#marks) m.remove();
    this.#marks = [];
    const byComponent = new Map<string, ForceInfo[]>();
    for (const f of forces) {
      const c = f.signal.split('.')[0]!;
      byComponent.set(c, [...(byComponent.get(c) ?? []), f]);
    }
    for (const [c, fs] of byComponent) {
      const node = this.#nodes.get(c);
      if (node === undefined) continue; // not drawn (line totals, state signals): the Forced panel lists it
      const b = node.getBBox();
      const text = fs.map((f) => `F ${f.signal} = ${+f.value.toPrecision(6)}`).join('  ');
      const f = this.#font; // badge geometry in screen px, like its text
      const label = s('text', { x: b.x + 4 * f, y: b.y - 8 * f, class: 'forced-text' }, text);
      const badge = s('rect', { x: b.x, y: b.y - 22 * f, height: 18 * f, width: (8 + 7.5 * text.length) * f, rx: 2, class: 'forced-badge' });
      const mark = s('g', { class: 'forced-mark', 'data-testid': `forced-mark-${c}` }, s('rect', { x: b.x - 3, y: b.y - 3, width: b.width + 6, height: b.height + 6, class: 'forced-outline' }), badge, label);
      node.append(mark);
      // Fit the badge to the text as drawn (the font is the browser's).
      badge.setAttribute('width', String(label.getComputedTextLength() + 8 * f));
      this.#marks.push(mark);
    }
  }

  /**
   * Frame the drawing and size it to the window: the scale is the largest that fits the
   * panel's width and the height left in the window (so the line fills its panel on any
   * screen), text keeps its on-screen size whatever that scale (12 px, up to 15 on a large
   * screen), and the labels are placed for that text size. Font size, placement and scale
   * depend on each other; three passes settle them (the scale changes by < 1 % in the third).
   */
  #fit(): void {
    const svg = this.#svg;
    const equipment = svg.firstElementChild as SVGGElement | null;
    if (!svg.isConnected || equipment === null) return;
    const width = svg.clientWidth;
    if (width === 0) return;
    this.#fitWidth = width;
    this.#fitWindowH = innerHeight;
    const top = svg.getBoundingClientRect().top + scrollY;
    const maxH = Math.max(MIN_HEIGHT_PX, Math.min(MAX_HEIGHT_PX, innerHeight - top - BOTTOM_PX));
    let b = equipment.getBBox();
    if (b.width === 0) return;
    let k = fitScale(b, width, maxH);
    for (let pass = 0; pass < 3; pass++) {
      this.#font = Math.min(Math.max(k, 1), MAX_TEXT_GROWTH) / k;
      svg.style.setProperty('--mimic-font', this.#font.toFixed(4));
      placeLabels(svg, equipment, LABEL_GAP_PX * this.#font);
      b = equipment.getBBox();
      k = fitScale(b, width, maxH);
    }
    const m = MARGIN_PX / k;
    const heightPx = Math.ceil(b.height * k + 2 * MARGIN_PX);
    svg.setAttribute('viewBox', `${(b.x - m).toFixed(1)} ${(b.y - m).toFixed(1)} ${(b.width + 2 * m).toFixed(1)} ${(b.height + 2 * m).toFixed(1)}`);
    svg.style.height = `${heightPx}px`;
    // The live panel beside the mimic scrolls within the mimic's height instead of stretching it.
    this.root.parentElement?.style.setProperty('--mimic-h', `${heightPx}px`);
    this.#valueLengths = this.#values.map((t) => (t.textContent ?? '').length);
    this.#forcedKey = ''; // badges are sized for the text: redraw them at the new size
  }

  /** Refit when the panel's width or the window's height changed (not on our own height change). */
  #watchSize(): void {
    let pending = false;
    const check = (): void => {
      if (pending) return;
      pending = true;
      requestAnimationFrame(() => {
        pending = false;
        if (this.#svg.clientWidth !== this.#fitWidth || innerHeight !== this.#fitWindowH) this.#fit();
      });
    };
    new ResizeObserver(check).observe(this.root);
    addEventListener('resize', check);
  }

  /** A value text longer than its room (placed with a margin of characters) re-places the labels. */
  #replaceIfGrown(): void {
    if (this.#refitPending) return;
    for (let i = 0; i < this.#values.length; i++) {
      if ((this.#values[i]!.textContent ?? '').length <= this.#valueLengths[i]! + 2) continue;
      this.#refitPending = true;
      requestAnimationFrame(() => {
        this.#refitPending = false;
        this.#fit();
      });
      return;
    }
  }

  render(store: SignalStore): void {
    for (const shape of this.#shapes) shape.render(store);
    this.#replaceIfGrown();
    this.#markForces(store.status?.forces ?? []);
    for (const it of this.#items) {
      const alive = it.alive >= 0 ? store.value(it.alive) !== 0 : true;
      if (alive !== it.shown) {
        it.rect.setAttribute('visibility', alive ? 'visible' : 'hidden');
        it.shown = alive;
      }
      if (!alive) continue;
      const x = store.value(it.x);
      const y = store.value(it.y);
      if (x !== it.shownX || y !== it.shownY) {
        // The slot signals give the item's centre.
        it.rect.setAttribute('x', (x - ITEM_PX / 2).toFixed(1));
        it.rect.setAttribute('y', (y - ITEM_PX / 2).toFixed(1));
        it.shownX = x;
        it.shownY = y;
      }
      const cls = it.cls >= 0 ? store.value(it.cls) : 0;
      if (cls !== it.shownCls) {
        it.rect.setAttribute('class', `item cls-${cls}`);
        it.shownCls = cls;
      }
    }
  }
}

/**
 * Where a symbol without a layout point of its own is drawn: its own point if it has one,
 * else beside the component it belongs to (offset dx, dy px), else the origin.
 */
function besideOf(e: LayoutEntry, layout: readonly LayoutEntry[], otherId: string | undefined, dx: number, dy: number): { x: number; y: number } {
  if (e.x !== 0 || e.y !== 0) return { x: e.x, y: e.y };
  const o = otherId === undefined ? undefined : layout.find((c) => c.id === otherId);
  return o === undefined ? { x: e.x, y: e.y } : { x: o.x + dx, y: o.y + dy };
}

/**
 * Which way a pusher pushes, in its belt's frame: towards its bin (`refs.bin`) if the layout
 * places one, else towards +y. The bin's centre is rotated into the belt frame first.
 */
function pushDirection(pusher: LayoutEntry, layout: readonly LayoutEntry[], beltId: string | undefined): 1 | -1 {
  const bin = layout.find((e) => e.id === pusher.refs['bin']);
  const conv = layout.find((e) => e.id === beltId);
  if (bin === undefined || conv === undefined) return 1;
  const a = ((conv.rotation ?? 0) * Math.PI) / 180;
  const localY = -(bin.x - conv.x) * Math.sin(a) + (bin.y - conv.y) * Math.cos(a);
  return localY < 0 ? -1 : 1;
}
