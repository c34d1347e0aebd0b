// From a plant file's Modbus controller (endpoint + `modbus:` block) to the adapter's options.
// The endpoint may be `modbus://HOST[:PORT][?unit=N]` (what the soft PLC prints) or
// `HOST[:PORT]` with the unit id and the rest in the `modbus:` block.

import { TwinloopError } from '../../core/errors.ts';
import type { Endianness } from './modbus-address.ts';
import type { ModbusAdapterOptions } from './modbus-adapter.ts';

/** The plant file's `modbus:` block (core/config/plant.schema.json). */
export interface ModbusControllerOptions {
  readonly unitId?: number;
  readonly port?: number;
  /** Default order of the words of 32/64-bit values, and of the bytes in a word (big = ABCD). */
  readonly wordOrder?: Endianness;
  readonly byteOrder?: Endianness;
  /** Request timeout, ms: an unanswered request means a dead link (default 1000). */
  readonly timeoutMs?: number;
  /** Requests outstanding on the connection at once (default 1; many servers queue more). */
  readonly maxInFlight?: number;
  /** Unmapped registers/coils a read request may span to save a request (default 0). */
  readonly maxGap?: number;
}

export interface ModbusEndpoint {
  readonly host: string;
  readonly port: number;
  readonly unitId: number;
}

export const MODBUS_PORT = 502;

/** @throws TwinloopError CFG_INVALID saying what is wrong. */
export function parseModbusEndpoint(endpoint: string, defaults: { readonly port?: number; readonly unitId?: number } = {}): ModbusEndpoint {
  const bad = (why: string): TwinloopError => new TwinloopError('CFG_INVALID', `Modbus endpoint "${endpoint}": ${why}; expected modbus://HOST[:PORT][?unit=1] or HOST[:PORT]`);
  const text = endpoint.includes('://') ? endpoint : `modbus://${endpoint}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw bad('not a URL');
  }
  if (url.protocol !== 'modbus:' && url.protocol !== 'modbus+tcp:') throw bad(`scheme must be modbus:, got ${url.protocol}`);
  if (!url.hostname) throw bad('no host');
  const unitText = url.searchParams.get('unit');
  const unitId = unitText === null ? (defaults.unitId ?? 1) : Number(unitText);
  if (!Number.isInteger(unitId) || unitId < 0 || unitId > 255) throw bad(`unit=${unitText} out of range 0..255`);
  const port = url.port ? Number(url.port) : (defaults.port ?? MODBUS_PORT);
  return { host: url.hostname, port, unitId };
}

export function modbusAdapterOptions(c: { readonly name: string; readonly endpoint?: string; readonly readOnly?: boolean; readonly modbus?: ModbusControllerOptions }): ModbusAdapterOptions {
  const endpoint = c.endpoint ?? '';
  if (!endpoint) throw new TwinloopError('CFG_INVALID', `controller ${c.name} (modbus): needs an endpoint (HOST[:PORT] or modbus://HOST:PORT?unit=1)`);
  const m = c.modbus ?? {};
  const at = parseModbusEndpoint(endpoint, { ...(m.port !== undefined ? { port: m.port } : {}), ...(m.unitId !== undefined ? { unitId: m.unitId } : {}) });
  return {
    endpoint: `modbus://${at.host}:${at.port}?unit=${at.unitId}`,
    readOnly: c.readOnly ?? false,
    ...(m.wordOrder !== undefined ? { wordOrder: m.wordOrder } : {}),
    ...(m.byteOrder !== undefined ? { byteOrder: m.byteOrder } : {}),
    ...(m.timeoutMs !== undefined ? { timeoutMs: m.timeoutMs } : {}),
    ...(m.maxInFlight !== undefined ? { maxInFlight: m.maxInFlight } : {}),
    ...(m.maxGap !== undefined ? { maxGap: m.maxGap } : {}),
  };
}
