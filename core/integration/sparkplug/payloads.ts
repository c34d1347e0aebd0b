// Sparkplug B payloads of the edge node, encoded with sparkplug-payload (the Eclipse Tahu
// protobuf encoding of sparkplug_b.proto; only its encoder and decoder are used, never the
// Tahu client). Births carry every metric with name, alias, datatype, value and the units as
// the `engUnit` property; data messages carry alias, value and timestamp only, as 3.0 allows
// once the birth has bound the aliases. The metric objects of data messages are allocated once
// per signal and rewritten per sample; only the encoder's own output is new per message.

import { decodePayload, encodePayload, type UMetric, type UPayload } from 'sparkplug-payload/lib/sparkplugbpayload.js';
import { aliasOf, type MetricCatalog, type MetricType } from './metric-catalog.ts';
import { deviceTopic, nodeTopic } from './topics.ts';

export { decodePayload, encodePayload };
export type { UMetric, UPayload };

export const BD_SEQ = 'bdSeq';
export const REBIRTH = 'Node Control/Rebirth';
export const LINE_NAME = 'Node Info/Line';

/**
 * A node-level metric of the run's state rather than of the signal table (run state, alarm
 * counts, KPIs, the HMI's address): born with the node, sent by name in an NDATA when it changes
 * (about once a second), never stored for later (it is the state now, not history).
 */
export interface StatusMetric {
  readonly name: string;
  readonly type: 'String' | 'Int32' | 'Double' | 'Boolean';
  readonly value: string | number | boolean;
}

/** The NDEATH payload (the MQTT Will of a session): its bdSeq must match the session's NBIRTH. */
export function deathPayload(bdSeq: number): Uint8Array {
  return encodePayload({ timestamp: Date.now(), metrics: [{ name: BD_SEQ, type: 'Int64', value: bdSeq }] });
}

function valueOf(type: MetricType, v: number): number | boolean {
  return type === 'Boolean' ? v !== 0 : v;
}

function birthMetric(catalog: MetricCatalog, id: number, values: Float64Array, now: number): UMetric {
  const def = catalog.defs[id]!;
  const type = catalog.types[id]!;
  return {
    name: catalog.names[id]!,
    alias: aliasOf(id),
    timestamp: now,
    type,
    value: valueOf(type, values[id]!),
    properties: {
      engUnit: { type: 'String', value: def.unit },
      kind: { type: 'String', value: def.kind },
      ...(def.description !== undefined ? { description: { type: 'String', value: def.description } } : {}),
      ...(catalog.deadbands[id]! > 0 ? { deadband: { type: 'Double', value: catalog.deadbands[id]! } } : {}),
    },
  };
}

/** NBIRTH: bdSeq, the rebirth control, the line name and every node-level signal. seq is 0 (3.0). */
export function nodeBirth(catalog: MetricCatalog, values: Float64Array, bdSeq: number, lineName: string, now: number, status: readonly StatusMetric[] = []): Uint8Array {
  const metrics: UMetric[] = [
    { name: BD_SEQ, type: 'Int64', value: bdSeq, timestamp: now },
    { name: REBIRTH, type: 'Boolean', value: false, timestamp: now },
    { name: LINE_NAME, type: 'String', value: lineName, timestamp: now },
    ...status.map((m): UMetric => ({ name: m.name, type: m.type, value: m.value, timestamp: now })),
  ];
  for (const id of catalog.nodeSignals) metrics.push(birthMetric(catalog, id, values, now));
  return encodePayload({ timestamp: now, seq: 0, metrics });
}

/** DBIRTH of device `index` with every metric of that device. */
export function deviceBirth(catalog: MetricCatalog, index: number, values: Float64Array, seq: number, now: number): Uint8Array {
  const metrics: UMetric[] = [];
  for (const id of catalog.devices[index]!.signals) metrics.push(birthMetric(catalog, id, values, now));
  return encodePayload({ timestamp: now, seq, metrics });
}

const EMPTY: UMetric[] = [];

/** Where data messages go: the session's publish (or a test's array). */
export type Send = (topic: string, payload: Uint8Array) => void;

/**
 * Encodes a list of changed signals as one NDATA (node-level signals) and one DDATA per device
 * with changes, in device order. Grouping is a counting sort into arrays allocated once.
 */
export class DataEncoder {
  readonly #catalog: MetricCatalog;
  // reuse: one metric object per signal, and one metrics list per device (-1 = node at 0).
  readonly #metrics: UMetric[];
  readonly #lists: UMetric[][];
  readonly #topics: string[];
  readonly #payload: { timestamp: number; seq: number; metrics: UMetric[] } = { timestamp: 0, seq: 0, metrics: [] };

  constructor(catalog: MetricCatalog, group: string, node: string) {
    this.#catalog = catalog;
    this.#metrics = catalog.names.map((_, id): UMetric => ({ alias: aliasOf(id), type: catalog.types[id]!, value: 0, timestamp: 0, isHistorical: false }));
    const size = catalog.devices.length + 1;
    this.#lists = Array.from({ length: size }, () => []);
    this.#topics = [nodeTopic(group, 'NDATA', node), ...catalog.devices.map((d) => deviceTopic(group, 'DDATA', node, d.id))];
  }

  /**
   * Encode `count` changes (signal ids in `ids`, values indexed by id) sampled at `timestamp`
   * (ms since the epoch); `seq()` gives each message its sequence number. Returns the number
   * of messages sent.
   */
  encode(ids: Int32Array, count: number, values: Float64Array, timestamp: number, historical: boolean, seq: () => number, send: Send): number {
    const cat = this.#catalog;
    const lists = this.#lists;
    let groups = 0;
    for (let k = 0; k < count; k++) {
      const id = ids[k]!;
      const m = this.#metrics[id]!;
      m.value = valueOf(cat.types[id]!, values[id]!);
      m.timestamp = timestamp;
      m.isHistorical = historical;
      const list = lists[cat.deviceOf[id]! + 1]!;
      if (list.length === 0) groups++;
      list.push(m);
    }
    // Node first, then devices in catalog order, so a host sees the same order every time.
    const p = this.#payload;
    for (let g = 0, left = groups; g < lists.length && left > 0; g++) {
      const list = lists[g]!;
      if (list.length === 0) continue;
      left--;
      p.timestamp = timestamp;
      p.seq = seq();
      p.metrics = list;
      send(this.#topics[g]!, encodePayload(p));
      list.length = 0;
    }
    p.metrics = EMPTY;
    return groups;
  }
}

/** NDATA of the status metrics that changed, by name (they have no alias). */
export function statusData(changed: readonly StatusMetric[], seq: number, now: number): Uint8Array {
  return encodePayload({ timestamp: now, seq, metrics: changed.map((m): UMetric => ({ name: m.name, type: m.type, value: m.value, timestamp: now })) });
}
