// From a plant file's ADS controller (endpoint + `ads:` block) to the adapter's options.
// The endpoint may be the full form `ads://HOST[:TCPPORT]/NETID[:ADSPORT]` (what the soft PLC
// prints) or just the router's `HOST[:TCPPORT]`, with the NetId and port in the `ads:` block.

import { TwinloopError } from '../../core/errors.ts';
import type { AdsAdapterOptions } from './ads-adapter.ts';
import { DEFAULT_ROUTER_TCP_PORT } from './ads-endpoint.ts';

/** The plant file's `ads:` block (core/config/plant.schema.json). */
export interface AdsControllerOptions {
  readonly targetAmsNetId?: string;
  readonly targetAdsPort?: number;
  readonly localAmsNetId?: string;
  readonly localAdsPort?: number;
  readonly routerAddress?: string;
  readonly routerTcpPort?: number;
  /** No local router: our own AMS address is localAmsNetId (a static route on the PLC). */
  readonly direct?: boolean;
  /** Read by device notifications instead of polled sum reads. */
  readonly notifications?: boolean;
}

export function adsAdapterOptions(c: {
  readonly name: string;
  readonly endpoint?: string;
  readonly cycleMs?: number;
  readonly readOnly?: boolean;
  readonly ads?: AdsControllerOptions;
}): AdsAdapterOptions {
  const a = c.ads ?? {};
  const bad = (why: string): TwinloopError => new TwinloopError('CFG_INVALID', `controller ${c.name} (ads): ${why}`);
  let endpoint = c.endpoint ?? '';
  if (!endpoint.startsWith('ads://')) {
    const [host = a.routerAddress ?? '', port] = endpoint ? endpoint.split(':') : [a.routerAddress ?? ''];
    if (!host) throw bad('needs an endpoint (ads://HOST/NETID:PORT, or HOST with ads.targetAmsNetId)');
    // TwinCAT's default NetId is the IPv4 address plus .1.1.
    const netId = a.targetAmsNetId ?? (/^\d{1,3}(\.\d{1,3}){3}$/.test(host) ? `${host}.1.1` : '');
    if (!netId) throw bad(`ads.targetAmsNetId is needed when the endpoint host (${host}) is not an IPv4 address`);
    endpoint = `ads://${host}:${port ?? a.routerTcpPort ?? DEFAULT_ROUTER_TCP_PORT}/${netId}:${a.targetAdsPort ?? 851}`;
  }
  if (a.direct && !a.localAmsNetId) throw bad('ads.direct needs ads.localAmsNetId (the route the PLC has for us)');
  return {
    endpoint,
    cycleMs: c.cycleMs ?? 10,
    readMode: a.notifications ? 'notify' : 'poll',
    readOnly: c.readOnly ?? false,
    ...(a.localAmsNetId ? { localAmsNetId: a.localAmsNetId, ...(a.localAdsPort ? { localAdsPort: a.localAdsPort } : {}) } : {}),
  };
}
