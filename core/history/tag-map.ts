// Which model signal each tag of a history is, and what it is to the model: the plant file's tag
// map (signal, PLC address, scaling) joined with the line's catalog (kind, type, unit). A source
// may name a tag by its signal (`m1.run`), its address (`ns=1;s=m1.run`) or, in a shadow run's
// recording, by the measured twin (`pe2.blocked.measured`). Also the catalog's range of each
// signal, for the readiness check's out-of-range rule.

import type { PlantFile } from '../config/plant-file.ts';
import type { LineFile } from '../../physics/model.ts';
import { lineSignals } from '../../physics/model.ts';
import type { SignalKind, SignalType } from '../signals.ts';
import { MEASURED_SUFFIX } from '../shadow/rules.ts';
import type { TagRole } from './history.ts';

/** One signal the history may hold. */
export interface TagTarget {
  readonly signal: string;
  readonly role: TagRole;
  readonly type: SignalType;
  readonly unit: string;
  /** Model value = raw * gain + offset (plant file scaling; 1/0 when none). */
  readonly gain: number;
  readonly offset: number;
  /** Is it a model actuator (an input the model reads)? PLC-only outputs (ctl.fault) are inputs that drive nothing. */
  readonly drivesModel: boolean;
}

/** A signal's valid range and where it comes from (for the out-of-range rule). */
export interface SignalRange {
  readonly min: number;
  readonly max: number;
  readonly source: string;
}

export interface TagMap {
  /** The target of a source tag name, or undefined (the tag is left out as unmapped). */
  resolve(tag: string): TagTarget | undefined;
  /** Every signal the plant file maps, by role (what the history should cover). */
  readonly needed: readonly TagTarget[];
  range(signal: string): SignalRange | undefined;
  /** Without a plant file every tag is taken as named (open map). */
  readonly open: boolean;
}

function rolesByKind(kind: SignalKind | undefined): TagRole {
  return kind === undefined || kind === 'actuator' ? 'input' : 'compared';
}

/** Ranges the line's catalog gives: bools 0..1, transmitter readings min..max, drive speeds 0..max frequency. */
export function lineRanges(line: LineFile | undefined): Map<string, SignalRange> {
  const out = new Map<string, SignalRange>();
  if (!line) return out;
  for (const d of lineSignals(line)) if (d.type === 'bool') out.set(d.name, { min: 0, max: 1, source: 'bool' });
  for (const c of line.components) {
    const num = (k: string, dflt: number): number => (typeof c[k] === 'number' ? (c[k] as number) : dflt);
    if (c.type === 'transmitter') out.set(`${c.id}.value`, { min: num('min', 0), max: num('max', 100), source: `transmitter ${c.id} range` });
    if (c.type === 'drive') {
      const rated = num('ratedFrequency', 50);
      out.set(`${c.id}.speed`, { min: 0, max: num('maxFrequency', rated), source: `drive ${c.id} 0..maxFrequency` });
    }
  }
  return out;
}

/**
 * The tag map of a plant file (every controller's tags) over a line. Without a plant file: an
 * open map where each tag is the signal it names (`<s>.measured` -> s, compared), roles from the
 * line's kinds when a line is given, else from the recording's own kinds (`recordedKind`).
 */
export function tagMapOf(plant: PlantFile | undefined, line: LineFile | undefined, recordedKind?: (tag: string) => SignalKind | undefined): TagMap {
  const defs = line ? lineSignals(line) : [];
  const byName = new Map(defs.map((d) => [d.name, d] as const));
  const ranges = lineRanges(line);
  const range = (s: string): SignalRange | undefined => ranges.get(s);
  if (plant === undefined) {
    return {
      open: true,
      needed: [],
      range,
      resolve(tag) {
        const measured = tag.endsWith(MEASURED_SUFFIX);
        const signal = measured ? tag.slice(0, -MEASURED_SUFFIX.length) : tag;
        const d = byName.get(signal);
        const kind = d?.kind ?? (measured ? 'sensor' : recordedKind?.(tag));
        const role: TagRole = measured ? 'compared' : kind === 'actuator' ? 'input' : kind === 'sensor' ? 'compared' : 'other';
        return { signal, role, type: d?.type ?? 'real', unit: d?.unit ?? '', gain: 1, offset: 0, drivesModel: d?.kind === 'actuator' };
      },
    };
  }
  const bySource = new Map<string, TagTarget>();
  const needed: TagTarget[] = [];
  for (const c of plant.controllers) {
    for (const tag of c.tags) {
      const d = byName.get(tag.signal);
      const target: TagTarget = {
        signal: tag.signal,
        role: rolesByKind(d?.kind),
        type: tag.type,
        unit: d?.unit ?? '',
        gain: tag.scale.gain,
        offset: tag.scale.offset,
        drivesModel: d?.kind === 'actuator',
      };
      needed.push(target);
      // The recording holds model units already: its names map with no scaling.
      const unscaled = { ...target, gain: 1, offset: 0 };
      bySource.set(tag.address, target);
      if (!bySource.has(tag.signal)) bySource.set(tag.signal, unscaled);
      bySource.set(tag.signal + MEASURED_SUFFIX, unscaled);
    }
  }
  return {
    open: false,
    needed,
    range,
    resolve: (tag) => bySource.get(tag),
  };
}
