// A separate process of N WebSocket clients, as browsers would be: connects to the HMI, decodes
// every frame, and on SIGTERM (or after `seconds`) prints how many frames each received.
// Used by the tick benchmark so the clients' work is not counted inside the server process.

import WebSocket from 'ws';
import { decode } from '@msgpack/msgpack';

const [url, n, seconds, token] = [process.argv[2]!, Number(process.argv[3] ?? 10), Number(process.argv[4] ?? 60), process.argv[5]];
let frames = 0;
const sockets: WebSocket[] = [];
for (let k = 0; k < n; k++) {
  const ws = new WebSocket(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  ws.binaryType = 'nodebuffer';
  ws.on('message', (data: Buffer) => {
    decode(data);
    frames++;
  });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  sockets.push(ws);
}
process.send?.({ t: 'connected' });
const finish = (): void => {
  process.send?.({ t: 'frames', frames });
  for (const ws of sockets) ws.terminate();
  setTimeout(() => process.exit(0), 50);
};
process.on('message', (m: { t: string }) => {
  if (m.t === 'reset') frames = 0;
  if (m.t === 'stop') finish();
});
setTimeout(finish, seconds * 1000).unref();
