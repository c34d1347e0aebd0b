// From a plant file's S7 controller (endpoint + `s7:` block) to the adapter's options. The
// endpoint may be `s7://HOST[:PORT]?rack=R&slot=S` (what the soft PLC prints) or `HOST[:PORT]`
// with rack, slot and port in the `s7:` block.

import { TwinloopError } from '../../core/errors.ts';
import type { S7AdapterOptions } from './s7-adapter.ts';

/** The plant file's `s7:` block (core/config/plant.schema.json). */
export interface S7ControllerOptions {
  readonly rack?: number;
  readonly slot?: number;
  readonly port?: number;
  /** Write the owned areas/DBs as byte ranges (S7AdapterOptions.blockWrites). */
  readonly blockWrites?: boolean;
}

export function s7AdapterOptions(c: { readonly name: string; readonly endpoint?: string; readonly readOnly?: boolean; readonly s7?: S7ControllerOptions }): S7AdapterOptions {
  const endpoint = c.endpoint ?? '';
  if (!endpoint) throw new TwinloopError('CFG_INVALID', `controller ${c.name} (s7): needs an endpoint (HOST or s7://HOST:PORT?rack=0&slot=1)`);
  const s = c.s7 ?? {};
  const common = { readOnly: c.readOnly ?? false, blockWrites: s.blockWrites ?? false };
  if (endpoint.startsWith('s7://')) return { endpoint, ...common };
  const [host, port] = endpoint.split(':');
  return { endpoint: `s7://${host}:${port ?? s.port ?? 102}?rack=${s.rack ?? 0}&slot=${s.slot ?? 1}`, ...common };
}
