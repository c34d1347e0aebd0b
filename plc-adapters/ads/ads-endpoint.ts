// The ADS endpoint string a plant file gives: `ads://HOST[:TCPPORT]/NETID[:ADSPORT]`, e.g.
// `ads://192.168.1.20/192.168.1.20.1.1:851` (a PLC's router, default TCP port 48898) or
// `ads://127.0.0.1:48898/127.0.0.1.1.1` (the local TwinCAT router). Parsed once, pure.

import { TwinloopError } from '../../core/errors.ts';

export const DEFAULT_ROUTER_TCP_PORT = 48898;
export const DEFAULT_PLC_ADS_PORT = 851;

export interface AdsEndpoint {
  readonly host: string;
  readonly tcpPort: number;
  readonly netId: string;
  readonly adsPort: number;
}

const NET_ID = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** @throws TwinloopError CFG_INVALID saying what is wrong with the endpoint. */
export function parseAdsEndpoint(endpoint: string): AdsEndpoint {
  const bad = (why: string): TwinloopError =>
    new TwinloopError('CFG_INVALID', `ADS endpoint "${endpoint}": ${why}; expected ads://HOST[:TCPPORT]/NETID[:ADSPORT], e.g. ads://192.168.1.20/192.168.1.20.1.1:851`);
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw bad('not a URL');
  }
  if (url.protocol !== 'ads:') throw bad(`scheme must be ads:, got ${url.protocol}`);
  if (!url.hostname) throw bad('no host');
  const tcpPort = url.port ? Number(url.port) : DEFAULT_ROUTER_TCP_PORT;
  const path = decodeURIComponent(url.pathname.replace(/^\//, ''));
  const [netId = '', portText] = path.split(':');
  const m = NET_ID.exec(netId);
  if (!m || m.slice(1).some((p) => Number(p) > 255)) throw bad(`"${netId}" is not an AMS NetId (six numbers 0..255)`);
  const adsPort = portText === undefined || portText === '' ? DEFAULT_PLC_ADS_PORT : Number(portText);
  if (!Number.isInteger(adsPort) || adsPort < 1 || adsPort > 65535) throw bad(`ADS port "${portText}" out of range`);
  return { host: url.hostname, tcpPort, netId, adsPort };
}
