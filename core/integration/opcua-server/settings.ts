// Settings of the twin's OPC UA server: what a plant file's `opcuaServer:` block and the `start`
// options `--opcua-server PORT [--opcua-server-allow-none]` say, with defaults, merged into one
// checked value. The command-line options are taken out of argv before the shared parser sees
// them (as `--sparkplug` is), so core/cli/args.ts only documents them.

import { join } from 'node:path';
import { ConfigError, type ConfigIssue } from '../../config/config-error.ts';

/** The plant file block as its schema admits it (core/config/plant.schema.json `opcuaServer`). */
export interface OpcuaServerBlock {
  readonly port?: number;
  /** Address to listen on; default 127.0.0.1. */
  readonly host?: string;
  /** Offer SecurityPolicy None (unsigned, unencrypted) besides SignAndEncrypt. */
  readonly allowNone?: boolean;
  /** Accept sessions without a user (read-only); default false. */
  readonly allowAnonymous?: boolean;
  /** Trust any client certificate; default false (a new client lands in `<pki>/server/rejected/`). */
  readonly acceptUnknownClients?: boolean;
  /** PKI folder of the server (default `<data>/opcua-server/pki`). */
  readonly pki?: string;
  /** Samples of the signal table per second (1..50). */
  readonly sampleHz?: number;
  /** EURange per real signal, `[low, high]` in its unit: such signals become AnalogItemType. */
  readonly ranges?: Readonly<Record<string, readonly [number, number]>>;
}

/** Everything the server needs, defaults applied. */
export interface OpcuaServerSettings {
  readonly host: string;
  readonly port: number;
  readonly allowNone: boolean;
  readonly allowAnonymous: boolean;
  readonly acceptUnknownClients: boolean;
  readonly pkiFolder: string;
  readonly sampleHz: number;
  readonly ranges: Readonly<Record<string, readonly [number, number]>>;
}

/** The command-line options, as given. */
export interface OpcuaServerArgs {
  readonly port?: string;
  readonly allowNone?: boolean;
}

export const DEFAULT_SAMPLE_HZ = 10;

/** Remove `--opcua-server PORT` and `--opcua-server-allow-none` from argv in place; returns them. */
export function takeOpcuaServerArgs(argv: string[]): OpcuaServerArgs {
  let port: string | undefined;
  // Bounded: each round removes one occurrence.
  for (let i = argv.indexOf('--opcua-server'); i >= 0; i = argv.indexOf('--opcua-server')) {
    port = argv[i + 1];
    argv.splice(i, port === undefined ? 1 : 2);
  }
  let allowNone = false;
  for (let i = argv.indexOf('--opcua-server-allow-none'); i >= 0; i = argv.indexOf('--opcua-server-allow-none')) {
    allowNone = true;
    argv.splice(i, 1);
  }
  return { ...(port !== undefined ? { port } : {}), ...(allowNone ? { allowNone } : {}) };
}

/**
 * Merge the command line over the plant block; undefined when neither asks for a server.
 * `source` names where the settings came from in error messages.
 * @throws ConfigError CFG_INVALID naming each bad field, e.g. `opcuaServer.port: must be ...`
 */
export function opcuaServerSettings(args: OpcuaServerArgs, block: OpcuaServerBlock | undefined, dataDir: string, source = 'command line'): OpcuaServerSettings | undefined {
  if (args.port === undefined && block === undefined) {
    if (args.allowNone === true) throw new ConfigError('CFG_INVALID', [{ file: source, path: 'opcuaServer', message: '--opcua-server-allow-none needs --opcua-server PORT' }]);
    return undefined;
  }
  const b = block ?? {};
  const issues: ConfigIssue[] = [];
  const bad = (field: string, message: string): void => void issues.push({ file: args.port !== undefined && field === 'port' ? 'command line' : source, path: `opcuaServer.${field}`, message });
  const port = args.port !== undefined ? Number(args.port) : b.port;
  if (port === undefined) bad('port', 'is required (--opcua-server PORT or opcuaServer.port in the plant file)');
  else if (!Number.isInteger(port) || port < 0 || port > 65535) bad('port', `must be an integer from 0 to 65535, got ${JSON.stringify(args.port ?? b.port)}`);
  const sampleHz = b.sampleHz ?? DEFAULT_SAMPLE_HZ;
  if (!(sampleHz >= 1 && sampleHz <= 50)) bad('sampleHz', `must be from 1 to 50, got ${sampleHz}`);
  const host = b.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host === '') bad('host', 'must be a host name or address');
  for (const [name, r] of Object.entries(b.ranges ?? {})) {
    if (!Array.isArray(r) || r.length !== 2 || !Number.isFinite(r[0]) || !Number.isFinite(r[1]) || !(r[0] < r[1])) bad(`ranges.${name}`, 'must be [low, high] with low < high');
  }
  if (issues.length > 0) throw new ConfigError('CFG_INVALID', issues);
  return {
    host,
    port: port!,
    allowNone: args.allowNone === true || b.allowNone === true,
    allowAnonymous: b.allowAnonymous === true,
    acceptUnknownClients: b.acceptUnknownClients === true,
    pkiFolder: b.pki ?? join(dataDir, 'opcua-server', 'pki'),
    sampleHz,
    ranges: b.ranges ?? {},
  };
}

/** Ranges that name a signal the run does not have or one that is not real: checked once the catalog is known. @throws ConfigError */
export function checkRanges(settings: OpcuaServerSettings, defs: readonly { readonly name: string; readonly type: string }[], source: string): void {
  const byName = new Map(defs.map((d) => [d.name, d]));
  const issues: ConfigIssue[] = [];
  for (const name of Object.keys(settings.ranges)) {
    const d = byName.get(name);
    if (d === undefined) issues.push({ file: source, path: `opcuaServer.ranges.${name}`, message: `unknown signal ${JSON.stringify(name)}` });
    else if (d.type !== 'real') issues.push({ file: source, path: `opcuaServer.ranges.${name}`, message: `only a real signal has a range (${name} is ${d.type})` });
  }
  if (issues.length > 0) throw new ConfigError('CFG_INVALID', issues);
}
