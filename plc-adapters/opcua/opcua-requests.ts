// Read and Write requests from prebuilt bodies, sent through the session's transaction call:
// values only (TimestampsToReturn Neither: the exchange stamps each value's age itself, so the
// server need not encode, nor we decode, 2,000 timestamps per 1,000-node Read), and no
// re-validation of 1,000 ReadValueIds or WriteValues per request as session.read/write do.

import type { ClientSession, DataValue, ReadRequest, ReadValueId, StatusCode, WriteRequest, WriteValue } from 'node-opcua';

type NodeOpcua = typeof import('node-opcua');
/** ClientSessionImpl's transaction call: not on the ClientSession interface, present at runtime. */
type Transact = (request: ReadRequest | WriteRequest, callback: (err: Error | null, response?: unknown) => void) => void;
const TIMESTAMPS_NEITHER = 3;

/** `items` cut into slices of at most `limit` (0 = one slice), for requests built once. */
export function sliceBy<T>(items: T[], limit: number): T[][] {
  if (limit <= 0 || items.length <= limit) return [items];
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += limit) out.push(items.slice(i, i + limit));
  return out;
}

/** One Read of prebuilt ReadValueIds, values only. */
export async function readValues(ua: NodeOpcua, session: ClientSession, ids: ReadValueId[]): Promise<DataValue[]> {
  const request = new ua.ReadRequest({ maxAge: 0, timestampsToReturn: TIMESTAMPS_NEITHER });
  request.nodesToRead = ids;
  const results = await transact(session, request, ids.length, (r) => (r instanceof ua.ReadResponse ? r.results : undefined));
  return results ?? session.read(ids, 0);
}

/** One Write of prebuilt WriteValues (their Variants already hold the values). */
export async function writeValues(ua: NodeOpcua, session: ClientSession, nodes: WriteValue[]): Promise<StatusCode[]> {
  const request = new ua.WriteRequest({});
  request.nodesToWrite = nodes;
  const results = await transact(session, request, nodes.length, (r) => (r instanceof ua.WriteResponse ? r.results : undefined));
  return results ?? session.write(nodes);
}

/**
 * Send a prebuilt request through the session's transaction call and check that its response
 * has one result per node. Undefined when this node-opcua has no such call: the caller then
 * uses the public session.read / session.write.
 */
async function transact<T>(session: ClientSession, request: ReadRequest | WriteRequest, n: number, results: (response: unknown) => T[] | null | undefined): Promise<T[] | undefined> {
  const call = (session as unknown as { performMessageTransaction?: Transact }).performMessageTransaction;
  if (typeof call !== 'function') return undefined;
  const response = await new Promise<unknown>((resolve, reject) => call.call(session, request, (err, res) => (err ? reject(err) : resolve(res))));
  const out = results(response);
  if (!out || out.length !== n) throw new Error(`malformed ${request.constructor.name.replace('Request', 'Response')} (${out?.length ?? 'no'} results for ${n} nodes)`);
  return out;
}
