// The operator screens of the end-to-end benchmark (issue 24), in their own process: N WebSocket
// clients of the HMI, each decoding every frame as the page does (msgpack, the page's own
// decoder and aligned scratch arrays) and taking, for every tag value it sees for the first
// time, the latency now - value (the PLC wrote its change time as the value; same host, same
// clock). The connect keyframe only sets what was there. `{ t: 'round' }` sends the round's
// histogram and frame count and starts the next; `{ t: 'cpu' }` answers its CPU time.
//
// argv: ws-url bearer-token clients tag-prefix

import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import type { CatalogFrame, ValuesFrame } from '../hmi/protocol.ts';
import { decodeFrame, ValuesScratch } from '../hmi/web/src/frame-decoder.ts';
import { LatencyHistogram } from './e2e-histogram.ts';

const [url, token, nText, prefix] = process.argv.slice(2) as [string, string, string, string];
const n = Number(nText);
const now = (): number => performance.timeOrigin + performance.now();
const hist = new LatencyHistogram();
let frames = 0;

class Screen {
  #scratch: ValuesScratch | undefined;
  /** Signal id -> tag slot + 1 (0: not a tag). */
  #slot = new Int32Array(0);
  #seen = new Float64Array(0);
  #ready = false;

  catalog(f: CatalogFrame): void {
    this.#scratch = new ValuesScratch(f.signals.length);
    this.#slot = new Int32Array(f.signals.length);
    let tags = 0;
    f.signals.forEach((s, id) => {
      if (s.name.startsWith(prefix)) this.#slot[id] = ++tags;
    });
    this.#seen = new Float64Array(tags + 1);
  }

  values(f: ValuesFrame): void {
    const scratch = this.#scratch;
    if (scratch === undefined) return;
    const count = scratch.read(f);
    const at = now();
    const ids = scratch.ids;
    const values = scratch.values;
    for (let i = 0; i < count; i++) {
      const slot = this.#slot[ids[i]!]!;
      if (slot === 0) continue;
      const v = values[i]!;
      if (v === this.#seen[slot]) continue;
      this.#seen[slot] = v;
      if (this.#ready && v > 0) hist.add(at - v);
    }
    this.#ready = true;
    frames++;
  }
}

const sockets: WebSocket[] = [];
for (let k = 0; k < n; k++) {
  const screen = new Screen();
  const ws = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
  ws.binaryType = 'nodebuffer';
  ws.on('message', (data: Buffer) => {
    const f = decodeFrame(data);
    if (f.t === 'catalog') screen.catalog(f);
    else if (f.t === 'values') screen.values(f);
  });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  sockets.push(ws);
}

process.on('message', (m: { t: string }) => {
  if (m.t === 'round') {
    process.send?.({ t: 'round', hist: hist.toSparse(), frames });
    hist.reset();
    frames = 0;
  } else if (m.t === 'cpu') {
    const c = process.cpuUsage();
    process.send?.({ t: 'cpu', us: c.user + c.system });
  } else if (m.t === 'stop') {
    for (const ws of sockets) ws.terminate();
    setTimeout(() => process.exit(0), 50);
  }
});
process.send?.({ t: 'ready' });
