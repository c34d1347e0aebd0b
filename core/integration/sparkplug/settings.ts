// Settings of the Sparkplug B edge node: what a plant file's `sparkplug:` block and the
// `start` options `--sparkplug URL --group G --node N [--host-id H]` say, with defaults, merged
// into one checked value. The command-line options are taken out of argv before the shared
// parser sees them (as `--no-record` is), so core/cli/args.ts stays untouched by this feature.

import { join } from 'node:path';
import { ConfigError, type ConfigIssue } from '../../config/config-error.ts';
import type { SignalDef } from '../../signals.ts';

/** The plant file block as its schema admits it (core/config/plant.schema.json `sparkplug`). */
export interface SparkplugBlock {
  readonly url?: string;
  readonly group?: string;
  readonly node?: string;
  /** Primary host application id: its `spBv1.0/STATE/<hostId>` topic gates publishing. */
  readonly hostId?: string;
  /** Samples of the signal table per second (0.1..100). */
  readonly rateHz?: number;
  /** `component`: one Sparkplug device per component (DBIRTH/DDATA); `node`: every metric on the node. */
  readonly devices?: 'component' | 'node';
  /** Default deadband of real signals, in their units; 0 = every change. */
  readonly deadband?: number;
  /** Deadband per signal name, in its units. */
  readonly deadbands?: Readonly<Record<string, number>>;
  readonly username?: string;
  readonly store?: { readonly dir?: string; readonly maxMB?: number };
  readonly keepaliveSeconds?: number;
  readonly reconnectMaxMs?: number;
}

/** Everything the edge node needs, defaults applied. */
export interface SparkplugSettings {
  readonly url: string;
  readonly group: string;
  readonly node: string;
  readonly hostId?: string;
  readonly rateHz: number;
  readonly devices: 'component' | 'node';
  readonly deadband: number;
  readonly deadbands: Readonly<Record<string, number>>;
  readonly username?: string;
  /** From TWINLOOP_MQTT_PASSWORD, never from argv or the plant file. */
  readonly password?: string;
  /** Store-and-forward folder (default `<data>/sparkplug/<group>-<node>`). */
  readonly storeDir: string;
  readonly storeMaxBytes: number;
  readonly keepaliveSeconds: number;
  /** Reconnect backoff: starts at RECONNECT_MIN_MS, doubles up to this. */
  readonly reconnectMaxMs: number;
}

/** The command-line options, as given. */
export interface SparkplugArgs {
  readonly url?: string;
  readonly group?: string;
  readonly node?: string;
  readonly hostId?: string;
}

export const DEFAULT_RATE_HZ = 10;
export const DEFAULT_STORE_MB = 64;
export const RECONNECT_MIN_MS = 250;
const DEFAULT_RECONNECT_MAX_MS = 30_000;
const DEFAULT_KEEPALIVE_S = 30;
/** Sparkplug ids become MQTT topic levels: no separators or wildcards. */
const ID = /^[^/+#]+$/;

/** Remove `--sparkplug URL`, `--group G`, `--node N`, `--host-id H` from argv in place; returns them. */
export function takeSparkplugArgs(argv: string[]): SparkplugArgs {
  const take = (flag: string): string | undefined => {
    let value: string | undefined;
    for (let i = argv.indexOf(flag); i >= 0; i = argv.indexOf(flag)) {
      value = argv[i + 1];
      argv.splice(i, value === undefined ? 1 : 2);
    }
    return value;
  };
  const url = take('--sparkplug');
  const group = take('--group');
  const node = take('--node');
  const hostId = take('--host-id');
  return { ...(url !== undefined ? { url } : {}), ...(group !== undefined ? { group } : {}), ...(node !== undefined ? { node } : {}), ...(hostId !== undefined ? { hostId } : {}) };
}

/**
 * Merge the command line over the plant block; undefined when neither asks for an edge node.
 * `source` names where the settings came from in error messages (the plant file, or argv).
 * @throws ConfigError CFG_INVALID naming each bad field, e.g. `sparkplug.group: is required`
 */
export function sparkplugSettings(args: SparkplugArgs, block: SparkplugBlock | undefined, dataDir: string, source = 'command line'): SparkplugSettings | undefined {
  if (args.url === undefined && block === undefined) {
    const stray = args.group ?? args.node ?? args.hostId;
    if (stray !== undefined) throw new ConfigError('CFG_INVALID', [{ file: source, path: 'sparkplug', message: '--group, --node and --host-id need --sparkplug URL' }]);
    return undefined;
  }
  const b = block ?? {};
  const issues: ConfigIssue[] = [];
  const bad = (field: string, message: string): void => void issues.push({ file: source, path: `sparkplug.${field}`, message });
  const url = args.url ?? b.url;
  const group = args.group ?? b.group;
  const node = args.node ?? b.node;
  const hostId = args.hostId ?? b.hostId;
  if (url === undefined) bad('url', 'is required (mqtt://HOST:PORT or mqtts://...)');
  else if (!/^(mqtts?|wss?):\/\/[^\s]+$/.test(url)) bad('url', `must be an mqtt://, mqtts://, ws:// or wss:// URL, got ${JSON.stringify(url)}`);
  for (const [field, v] of [['group', group], ['node', node]] as const) {
    if (v === undefined) bad(field, `is required (--${field} or sparkplug.${field} in the plant file)`);
    else if (!ID.test(v)) bad(field, `must not be empty or contain /, + or #, got ${JSON.stringify(v)}`);
  }
  if (hostId !== undefined && !ID.test(hostId)) bad('hostId', `must not be empty or contain /, + or #, got ${JSON.stringify(hostId)}`);
  const rateHz = b.rateHz ?? DEFAULT_RATE_HZ;
  if (!(rateHz >= 0.1 && rateHz <= 100)) bad('rateHz', `must be from 0.1 to 100, got ${rateHz}`);
  const deadband = b.deadband ?? 0;
  if (!(deadband >= 0)) bad('deadband', `must be >= 0, got ${deadband}`);
  for (const [name, d] of Object.entries(b.deadbands ?? {})) if (!(d >= 0)) bad(`deadbands.${name}`, `must be >= 0, got ${d}`);
  const maxMB = b.store?.maxMB ?? DEFAULT_STORE_MB;
  if (!(maxMB >= 1 && maxMB <= 65_536)) bad('store.maxMB', `must be from 1 to 65536, got ${maxMB}`);
  if (issues.length > 0) throw new ConfigError('CFG_INVALID', issues);
  const password = process.env.TWINLOOP_MQTT_PASSWORD;
  return {
    url: url!,
    group: group!,
    node: node!,
    ...(hostId !== undefined ? { hostId } : {}),
    rateHz,
    devices: b.devices ?? 'component',
    deadband,
    deadbands: b.deadbands ?? {},
    ...(b.username !== undefined ? { username: b.username } : {}),
    ...(password ? { password } : {}),
    storeDir: b.store?.dir ?? join(dataDir, 'sparkplug', `${group}-${node}`),
    storeMaxBytes: Math.round(maxMB * 1024 * 1024),
    keepaliveSeconds: b.keepaliveSeconds ?? DEFAULT_KEEPALIVE_S,
    reconnectMaxMs: b.reconnectMaxMs ?? DEFAULT_RECONNECT_MAX_MS,
  };
}

/**
 * Deadbands that name a signal the run does not have, or give a bool a deadband: checked once
 * the catalog is known. @throws ConfigError CFG_INVALID
 */
export function checkDeadbands(settings: SparkplugSettings, defs: readonly SignalDef[], source: string): void {
  const byName = new Map(defs.map((d) => [d.name, d]));
  const issues: ConfigIssue[] = [];
  for (const [name, d] of Object.entries(settings.deadbands)) {
    const def = byName.get(name);
    if (def === undefined) issues.push({ file: source, path: `sparkplug.deadbands.${name}`, message: `unknown signal ${JSON.stringify(name)}` });
    else if (def.type === 'bool' && d > 0) issues.push({ file: source, path: `sparkplug.deadbands.${name}`, message: 'a bool signal has no deadband' });
  }
  if (issues.length > 0) throw new ConfigError('CFG_INVALID', issues);
}
