// A Sparkplug B 3.0 primary host application for the plant overview: it announces itself on
// its STATE topic (retained, with the offline STATE as its MQTT Will, so edge nodes that wait
// for it know when it goes), follows every edge node of its groups through their births, data
// and deaths, and keeps each node's metrics by name. Per the specification it checks each
// node's sequence numbers and asks for a rebirth (NCMD `Node Control/Rebirth`) when a message
// is missing or data arrives for a node it has no birth of; a death counts only when its
// bdSeq is the one of the node's current birth (an older session's Will is stale).

import { connect, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { BD_SEQ, decodePayload, encodePayload, LINE_NAME, REBIRTH, type UMetric } from '../sparkplug/payloads.ts';

export type MetricValue = string | number | boolean;

/** One edge node as the overview shows it. */
export interface LineNode {
  readonly group: string;
  readonly node: string;
  /** Born and not dead. */
  readonly online: boolean;
  /** The line name from the birth (`Node Info/Line`), or the node id before any birth. */
  readonly line: string;
  readonly bdSeq: number | null;
  readonly devices: number;
  /** Node-level metrics by name (current values; historical ones are not applied). */
  readonly metrics: Readonly<Record<string, MetricValue>>;
  /** ms since the epoch of the last message from this node. */
  readonly lastSeen: number;
  readonly births: number;
  readonly rebirthsRequested: number;
}

export interface PlantHostOptions {
  /** mqtt://host:port */
  readonly url: string;
  /** The host application id (STATE topic `spBv1.0/STATE/<hostId>`). */
  readonly hostId: string;
  /** Groups to follow; default every group. */
  readonly groups?: readonly string[];
  readonly logger: Logger;
  /** Least time between two rebirth requests to one node. */
  readonly rebirthHoldoffMs?: number;
}

interface NodeEntry {
  group: string;
  node: string;
  online: boolean;
  line: string;
  bdSeq: number | null;
  /** The seq the next message must carry; -1 before a birth. */
  nextSeq: number;
  devices: Set<string>;
  aliases: Map<number, string>;
  metrics: Record<string, MetricValue>;
  lastSeen: number;
  births: number;
  rebirthsRequested: number;
  lastRebirthAt: number;
}

const NS = 'spBv1.0';

function metricValue(m: UMetric): MetricValue | undefined {
  const v = m.value as unknown;
  if (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') return v;
  // Int64/UInt64 arrive as long.js objects.
  if (v !== null && typeof v === 'object' && 'toNumber' in v && typeof (v as { toNumber: unknown }).toNumber === 'function') return (v as { toNumber(): number }).toNumber();
  return undefined;
}

export class PlantHost {
  readonly #opts: PlantHostOptions;
  readonly #log: Logger;
  readonly #nodes = new Map<string, NodeEntry>();
  readonly #client: MqttClient;
  readonly #stateTopic: string;
  #connected = false;
  #closed = false;

  constructor(opts: PlantHostOptions) {
    this.#opts = opts;
    this.#log = opts.logger;
    this.#stateTopic = `${NS}/STATE/${opts.hostId}`;
    // The Will and the online STATE carry the same timestamp: the session's (3.0, host STATE).
    const sessionTs = Date.now();
    this.#client = connect(opts.url, {
      clientId: `twinloop-plant-${opts.hostId}`,
      protocolVersion: 4,
      clean: true,
      keepalive: 10,
      reconnectPeriod: 2000,
      connectTimeout: 5000,
      will: { topic: this.#stateTopic, payload: Buffer.from(JSON.stringify({ online: false, timestamp: sessionTs })), qos: 1, retain: true },
    });
    this.#client.on('connect', () => this.#onConnect(sessionTs));
    this.#client.on('close', () => {
      if (this.#connected) this.#log.warn({ url: opts.url }, 'plant: broker connection lost; reconnecting');
      this.#connected = false;
    });
    this.#client.on('error', (err) => this.#log.debug({ err: err.message }, 'plant: broker error'));
    this.#client.on('message', (topic, payload) => this.#onMessage(topic, payload));
  }

  get connected(): boolean {
    return this.#connected;
  }

  /** Every node seen, by group then node id. */
  lines(): LineNode[] {
    return [...this.#nodes.values()]
      .sort((a, b) => (a.group === b.group ? a.node.localeCompare(b.node) : a.group.localeCompare(b.group)))
      .map((e) => ({ group: e.group, node: e.node, online: e.online, line: e.line, bdSeq: e.bdSeq, devices: e.devices.size, metrics: { ...e.metrics }, lastSeen: e.lastSeen, births: e.births, rebirthsRequested: e.rebirthsRequested }));
  }

  /** Publish the offline STATE and disconnect. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const c = this.#client;
    if (c.connected) await c.publishAsync(this.#stateTopic, JSON.stringify({ online: false, timestamp: Date.now() }), { qos: 1, retain: true }).catch(() => undefined);
    await c.endAsync().catch(() => undefined);
  }

  #onConnect(sessionTs: number): void {
    this.#connected = true;
    const groups = this.#opts.groups?.length ? this.#opts.groups : ['+'];
    // Subscribed before the online STATE, so no birth that it triggers is missed.
    const topics = groups.flatMap((g) => [`${NS}/${g}/+/+`, `${NS}/${g}/+/+/+`]);
    this.#client.subscribe(topics, { qos: 1 }, (err) => {
      if (err) {
        this.#log.warn({ err: err.message }, 'plant: subscribe failed');
        return;
      }
      this.#client.publish(this.#stateTopic, JSON.stringify({ online: true, timestamp: sessionTs }), { qos: 1, retain: true });
      this.#log.info({ url: this.#opts.url, host: this.#opts.hostId, groups }, 'plant: primary host online');
      // Nodes born before we came see our STATE only if they wait for this host; ask the rest.
      for (const e of this.#nodes.values()) if (e.online) this.#requestRebirth(e, 'host reconnected');
    });
  }

  #entry(group: string, node: string): NodeEntry {
    const key = `${group}/${node}`;
    let e = this.#nodes.get(key);
    if (e === undefined) {
      e = { group, node, online: false, line: node, bdSeq: null, nextSeq: -1, devices: new Set(), aliases: new Map(), metrics: {}, lastSeen: 0, births: 0, rebirthsRequested: 0, lastRebirthAt: -Infinity };
      this.#nodes.set(key, e);
    }
    return e;
  }

  #onMessage(topic: string, payload: Buffer): void {
    const parts = topic.split('/');
    if (parts[0] !== NS || parts.length < 4 || parts[1] === 'STATE') return;
    const [, group, type, node, device] = parts as [string, string, string, string, string | undefined];
    if (type === 'NCMD' || type === 'DCMD') return;
    let p: ReturnType<typeof decodePayload>;
    try {
      p = decodePayload(payload);
    } catch (err) {
      this.#log.warn({ topic, err: (err as Error).message }, 'plant: payload could not be decoded; ignored');
      return;
    }
    const e = this.#entry(group, node);
    e.lastSeen = Date.now();
    const metrics = p.metrics ?? [];
    if (type === 'NDEATH') {
      const bd = metrics.find((m) => m.name === BD_SEQ);
      const bdSeq = bd !== undefined ? metricValue(bd) : undefined;
      if (e.bdSeq !== null && bdSeq !== e.bdSeq) return; // an older session's Will
      e.online = false;
      e.nextSeq = -1;
      this.#log.info({ group, node }, 'plant: node offline (NDEATH)');
      return;
    }
    if (type === 'NBIRTH') {
      e.online = true;
      e.births++;
      e.devices.clear();
      e.aliases.clear();
      e.metrics = {};
      for (const m of metrics) {
        const v = metricValue(m);
        if (m.name === BD_SEQ) e.bdSeq = typeof v === 'number' ? v : null;
        else if (m.name === LINE_NAME && typeof v === 'string') e.line = v;
        if (m.name && m.alias !== undefined && m.alias !== null) e.aliases.set(Number(m.alias), m.name);
        if (m.name && v !== undefined) e.metrics[m.name] = v;
      }
      e.nextSeq = (Number(p.seq ?? 0) + 1) & 255;
      this.#log.info({ group, node, line: e.line }, 'plant: node online (NBIRTH)');
      return;
    }
    // Every other message carries the node's next sequence number (births of devices too).
    if (!e.online || e.nextSeq < 0) return this.#requestRebirth(e, `${type} before a birth`);
    const seq = Number(p.seq ?? -1);
    if (seq !== e.nextSeq) {
      this.#requestRebirth(e, `seq ${seq} where ${e.nextSeq} was expected`);
      e.nextSeq = (seq + 1) & 255;
    } else e.nextSeq = (seq + 1) & 255;
    if (type === 'DBIRTH' && device !== undefined) e.devices.add(device);
    else if (type === 'DDEATH' && device !== undefined) e.devices.delete(device);
    else if (type === 'NDATA') {
      for (const m of metrics) {
        if (m.isHistorical) continue; // store-and-forward data: history, not the state now
        const name = m.name ?? (m.alias !== undefined && m.alias !== null ? e.aliases.get(Number(m.alias)) : undefined);
        const v = metricValue(m);
        if (name !== undefined && v !== undefined) e.metrics[name] = v;
      }
    }
  }

  #requestRebirth(e: NodeEntry, why: string): void {
    const now = Date.now();
    if (now - e.lastRebirthAt < (this.#opts.rebirthHoldoffMs ?? 5000) || !this.#connected) return;
    e.lastRebirthAt = now;
    e.rebirthsRequested++;
    this.#log.info({ group: e.group, node: e.node, why }, 'plant: rebirth requested');
    const cmd = encodePayload({ timestamp: now, metrics: [{ name: REBIRTH, type: 'Boolean', value: true }] });
    this.#client.publish(`${NS}/${e.group}/NCMD/${e.node}`, Buffer.from(cmd), { qos: 0 });
  }
}
