// The signal catalog seen as Sparkplug metrics, built once per run: which device each signal
// belongs to (its component: the name before the first dot), its metric name inside that
// device, its alias (signal id + 1, unique across the node and all its devices, as 3.0
// requires), its datatype and its deadband. Everything per signal is an array indexed by id.

import { createHash } from 'node:crypto';
import type { SignalDef } from '../../signals.ts';
import type { SparkplugSettings } from './settings.ts';
import { topicSafe } from './topics.ts';

/** Sparkplug datatypes twinloop publishes (names as sparkplug-payload spells them). */
export type MetricType = 'Boolean' | 'Int32' | 'Double';

export interface SparkplugDevice {
  /** Device id (topic level). */
  readonly id: string;
  /** Signal ids of this device, ascending. */
  readonly signals: Int32Array;
}

/** Alias of a signal: 0 is left unused so a zeroed alias is never a real metric. */
export const aliasOf = (id: number): number => id + 1;

export class MetricCatalog {
  readonly defs: readonly SignalDef[];
  readonly size: number;
  readonly devices: readonly SparkplugDevice[];
  /** Signals published on the node itself (NBIRTH/NDATA). */
  readonly nodeSignals: Int32Array;
  /** Device index of each signal; -1 = the node. */
  readonly deviceOf: Int32Array;
  /** Metric name of each signal within its device (or node). */
  readonly names: readonly string[];
  readonly types: readonly MetricType[];
  /** Deadband of each signal in its units; 0 = every change. */
  readonly deadbands: Float64Array;
  /** Hash of the catalog's names and types: stored samples are only valid for the same one. */
  readonly fingerprint: string;

  constructor(defs: readonly SignalDef[], settings: Pick<SparkplugSettings, 'devices' | 'deadband' | 'deadbands'>) {
    const n = defs.length;
    this.defs = defs;
    this.size = n;
    this.deviceOf = new Int32Array(n);
    this.deadbands = new Float64Array(n);
    const names: string[] = [];
    const types: MetricType[] = [];
    const byDevice = new Map<string, number[]>();
    const node: number[] = [];
    for (let i = 0; i < n; i++) {
      const d = defs[i]!;
      types.push(d.type === 'bool' ? 'Boolean' : d.type === 'int' ? 'Int32' : 'Double');
      this.deadbands[i] = d.type === 'real' ? (settings.deadbands[d.name] ?? settings.deadband) : 0;
      const dot = d.name.indexOf('.');
      if (settings.devices === 'node' || dot <= 0) {
        this.deviceOf[i] = -1;
        names.push(d.name);
        node.push(i);
        continue;
      }
      const device = topicSafe(d.name.slice(0, dot));
      names.push(d.name.slice(dot + 1));
      let list = byDevice.get(device);
      if (list === undefined) byDevice.set(device, (list = []));
      list.push(i);
    }
    const devices: SparkplugDevice[] = [];
    for (const [id, list] of byDevice) {
      for (const s of list) this.deviceOf[s] = devices.length;
      devices.push({ id, signals: Int32Array.from(list) });
    }
    this.devices = devices;
    this.nodeSignals = Int32Array.from(node);
    this.names = names;
    this.types = types;
    this.fingerprint = createHash('sha256').update(defs.map((d) => `${d.name}:${d.type}`).join('\n')).digest('hex');
  }
}
