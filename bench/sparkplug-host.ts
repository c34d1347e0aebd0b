// The primary host of the Sparkplug benchmark, in its own process as a SCADA would be: counts
// the messages and bytes of a group (no decoding) and reports them when asked.

import { connect } from 'mqtt';

const [url, group] = process.argv.slice(2) as [string, string];
const client = connect(url, { reconnectPeriod: 0, connectTimeout: 5000 });
let messages = 0;
let bytes = 0;
client.on('message', (_topic, payload) => {
  messages++;
  bytes += payload.length;
});
client.on('connect', () => {
  client.subscribe(`spBv1.0/${group}/#`, { qos: 0 }, () => process.send?.({ t: 'ready' }));
});
process.on('message', (m: { t: string }) => {
  if (m.t === 'reset') messages = bytes = 0;
  if (m.t === 'count') process.send?.({ t: 'count', messages, bytes });
  if (m.t === 'stop') client.end(true, {}, () => process.exit(0));
});
// Bounded: a host left behind by a crashed bench ends on its own.
setTimeout(() => process.exit(0), 300_000).unref();
