// The flood for bench/hmi.ts, in its own process as real attackers and browsers would be:
// `node --import tsx bench/hmi-flood.ts URL TOKEN CLIENTS SECONDS`. Opens CLIENTS logged-in
// WebSocket clients that decode every frame; on {t:'flood'} it adds bad traffic every 50 ms:
// unauthenticated, forged-token and foreign-origin upgrades, hostile msgpack and text frames,
// message bursts over the rate limit, an oversize frame (the sender is closed 1009 and
// replaced), and connections over the client cap. Bounded: stops on {t:'stop'} or after
// SECONDS, whichever comes first, and reports its counts over IPC. 127.0.0.1 only.

import { decode, encode } from '@msgpack/msgpack';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';

const [base, token, nText, secondsText] = process.argv.slice(2) as [string, string, string, string];
const url = base.replace(/^http/, 'ws') + '/ws';
if (!/^ws:\/\/127\.0\.0\.1:/.test(url)) throw new Error('the flood only targets 127.0.0.1');
const n = Number(nText);
const seconds = Number(secondsText);
const auth = { authorization: `Bearer ${token}` };

const HOSTILE: Uint8Array[] = [
  encode({ t: 'ping', id: 7 }).subarray(0, 4),
  Uint8Array.of(0xdd, 0xff, 0xff, 0xff, 0xff),
  Uint8Array.of(0xdf, 0xff, 0xff, 0xff, 0xff),
  Uint8Array.of(0x82, 0xa1, 0x74, 0xa4, 0x70, 0x69, 0x6e, 0x67, 0xa9, ...Buffer.from('__proto__'), 0x80),
  encode({ t: 'force', signal: 'm1.run', value: 1 }),
];

const r = { clients: 0, frames: 0, badMessages: 0, errorFrames: 0, refusedUpgrades: 0, oversizeClosed: 0, overCapRefused: 0, seconds: 0 };
const good: WebSocket[] = [];

function openGood(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: auth });
    ws.on('message', (data: Buffer) => {
      const f = decode(data) as { t: string };
      if (f.t === 'values') r.frames++;
      else if (f.t === 'error') r.errorFrames++;
    });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.on('error', () => undefined);
  });
}

/** One upgrade that must be refused; counts it when it is. */
function refusedUpgrade(headers: Record<string, string>): Promise<void> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    const timer = setTimeout(() => (ws.terminate(), resolve()), 2000);
    ws.once('unexpected-response', (req, res) => {
      if (res.statusCode === 401 || res.statusCode === 403) r.refusedUpgrades++;
      req.destroy();
      clearTimeout(timer);
      resolve();
    });
    ws.once('open', () => (ws.terminate(), clearTimeout(timer), resolve()));
    ws.once('error', () => (clearTimeout(timer), resolve()));
  });
}

/** A client over the cap: expect close 1013. */
function overCap(): Promise<void> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers: auth });
    const timer = setTimeout(() => (ws.terminate(), resolve()), 2000);
    ws.on('error', () => undefined);
    ws.once('close', (code) => {
      if (code === 1013) r.overCapRefused++;
      clearTimeout(timer);
      resolve();
    });
  });
}

for (let i = 0; i < n; i++) good.push(await openGood());
r.clients = good.length;
process.send!({ t: 'connected' });

let flooding = false;
let round = 0;
const t0 = performance.now();
async function floodRound(): Promise<void> {
  round++;
  const forged = randomBytes(32).toString('base64url');
  await Promise.all([
    refusedUpgrade({}),
    refusedUpgrade({ authorization: `Bearer ${forged}` }),
    refusedUpgrade({ cookie: `twinloop_session=${forged}` }),
    refusedUpgrade({ ...auth, origin: 'http://evil.example' }),
    overCap(),
  ]);
  // Hostile messages from 20 clients, plus a burst over the rate limit from one of them.
  for (let k = 0; k < 20; k++) {
    const ws = good[(round * 20 + k) % good.length]!;
    if (ws.readyState !== WebSocket.OPEN) continue;
    ws.send(HOSTILE[k % HOSTILE.length]!);
    ws.send('text frame');
    r.badMessages += 2;
  }
  const burst = good[round % good.length]!;
  if (burst.readyState === WebSocket.OPEN) for (let k = 0; k < 60; k++, r.badMessages++) burst.send(encode({ t: 'ping', id: k }));
  // Every 10th round: an oversize frame; the server closes that client (1009), we replace it.
  if (round % 10 === 0) {
    const idx = round % good.length;
    const victim = good[idx]!;
    victim.once('close', (code) => {
      if (code === 1009) r.oversizeClosed++;
      void openGood().then((ws) => (good[idx] = ws), () => undefined);
    });
    victim.send(new Uint8Array(64 * 1024));
    r.badMessages++;
  }
}

async function loop(): Promise<void> {
  const until = t0 + seconds * 1000;
  // Bounded by time and by rounds (at most 20 per second of budget).
  for (let i = 0; flooding && performance.now() < until && i < seconds * 20; i++) {
    const started = performance.now();
    await floodRound();
    await new Promise((res) => setTimeout(res, Math.max(0, 50 - (performance.now() - started))));
  }
}

function finish(): void {
  flooding = false;
  r.seconds = (performance.now() - t0) / 1000;
  process.send!({ t: 'report', ...r }, () => {
    for (const ws of good) ws.terminate();
    setTimeout(() => process.exit(0), 50);
  });
}

process.on('message', (m: { t: string }) => {
  if (m.t === 'flood') {
    flooding = true;
    void loop();
  }
  if (m.t === 'stop') finish();
});
setTimeout(finish, seconds * 1000 + 5000).unref();
