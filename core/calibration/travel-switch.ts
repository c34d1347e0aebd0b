// Travel switches: the discrete sensors of the model that are a threshold on one continuous
// quantity of their own component — an end switch on a piston's stroke, a valve's limit switch
// on its opening, a tank's level switch, a drive's "running" on its speed. For these the replay
// can tell how far the model still was from the switch when it turned back (replay.ts: near
// misses), which the objective uses where an edge of the line has no model edge (objective.ts,
// docs/validation.md "Switches the model nearly reached").
//
// The table follows each component's step in physics/ (which sets the sensor from the quantity
// exactly as written here); physics/catalog.ts is where it would belong as catalog data, beside
// each sensor's description — until then, a component type missing here simply gets no near
// misses, and its switches are compared by their edges alone.

import type { LineFile } from '../../physics/model.ts';

export interface TravelSwitch {
  /** The discrete sensor, `<component>.<field>`. */
  readonly signal: string;
  /** The continuous quantity it watches, `<component>.<field>`. */
  readonly quantity: string;
  readonly threshold: number;
  /** +1: on while the quantity is at or above the threshold; -1: at or below. */
  readonly sense: 1 | -1;
  /** The quantity's magnitude is compared (a drive's speed either way). */
  readonly abs: boolean;
}

type Cfg = Readonly<Record<string, unknown>>;
type Entry = { readonly quantity: string; readonly sense: 1 | -1; readonly abs?: boolean; threshold(cfg: Cfg): number };

const num = (cfg: Cfg, name: string, fallback: number): number => (typeof cfg[name] === 'number' ? (cfg[name] as number) : fallback);

/** Per component type, per discrete sensor field: the quantity field, the threshold and its side. */
const TABLE: Readonly<Record<string, Readonly<Record<string, Entry>>>> = {
  // physics/pusher.ts, cylinder.ts: extended = (position === 1), retracted = (position === 0); position is the stroke fraction 0..1.
  pusher: { extended: { quantity: 'position', sense: 1, threshold: () => 1 }, retracted: { quantity: 'position', sense: -1, threshold: () => 0 } },
  cylinder: { extended: { quantity: 'position', sense: 1, threshold: () => 1 }, retracted: { quantity: 'position', sense: -1, threshold: () => 0 } },
  // physics/valve.ts: opened = (x >= 1), closed = (x <= 0); opening = 100 x %.
  valve: { opened: { quantity: 'opening', sense: 1, threshold: () => 100 }, closed: { quantity: 'opening', sense: -1, threshold: () => 0 } },
  // physics/tank.ts: high = (level >= highLevel), low = (level <= lowLevel); defaults 0.9 and 0.1 of the height (default 2 m).
  tank: {
    high: { quantity: 'level', sense: 1, threshold: (c) => num(c, 'highLevel', 0.9 * num(c, 'height', 2)) },
    low: { quantity: 'level', sense: -1, threshold: (c) => num(c, 'lowLevel', 0.1 * num(c, 'height', 2)) },
  },
  // physics/drive.ts: running = (|speed| > 1 % of ratedFrequency, default 50 Hz).
  drive: { running: { quantity: 'speed', sense: 1, abs: true, threshold: (c) => 0.01 * num(c, 'ratedFrequency', 50) } },
};

/** The line's travel switches, by sensor signal name. */
export function travelSwitches(line: LineFile): Map<string, TravelSwitch> {
  const out = new Map<string, TravelSwitch>();
  for (const c of line.components as unknown as readonly (Cfg & { id: string; type: string })[]) {
    const fields = TABLE[c.type];
    if (fields === undefined) continue;
    for (const [field, e] of Object.entries(fields)) {
      const threshold = e.threshold(c);
      if (!Number.isFinite(threshold)) continue;
      out.set(`${c.id}.${field}`, { signal: `${c.id}.${field}`, quantity: `${c.id}.${e.quantity}`, threshold, sense: e.sense, abs: e.abs ?? false });
    }
  }
  return out;
}
