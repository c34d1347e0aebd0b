// A WebSocket test client for the HMI server: a real `ws` socket that decodes every frame with
// the page's own decoder and applies values to the page's own SignalStore, and lets a test wait
// for the frame it expects. Closing is the test's job (close()).

import WebSocket from 'ws';
import type { ServerFrame } from '../../hmi/protocol.ts';
import { decodeFrame } from '../../hmi/web/src/frame-decoder.ts';
import { SignalStore } from '../../hmi/web/src/signal-store.ts';

type Waiter = { match: (f: ServerFrame) => boolean; resolve: (f: ServerFrame) => void };

export class TestClient {
  readonly ws: WebSocket;
  readonly frames: ServerFrame[] = [];
  readonly store = new SignalStore();
  closeCode: number | undefined;
  readonly closed: Promise<number>;
  #waiters: Waiter[] = [];

  constructor(url: string, options: WebSocket.ClientOptions = {}) {
    this.ws = new WebSocket(url.replace(/^http/, 'ws') + '/ws', options);
    this.ws.on('error', () => undefined); // a refused/closed socket is an outcome the test checks
    this.closed = new Promise((resolve) => this.ws.on('close', (code) => resolve((this.closeCode = code))));
    this.ws.on('message', (data: Buffer) => {
      const f = decodeFrame(data);
      this.frames.push(f);
      if (f.t === 'catalog') this.store.reset(f);
      else if (f.t === 'values') this.store.apply(f);
      else if (f.t === 'status') this.store.setStatus(f.status);
      this.#waiters = this.#waiters.filter((w) => {
        if (!w.match(f)) return true;
        w.resolve(f);
        return false;
      });
    });
  }

  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.ws.readyState === WebSocket.OPEN) resolve();
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
  }

  /** The next frame (after now) that matches, or reject after `ms`. */
  next<T extends ServerFrame>(match: (f: ServerFrame) => f is T, ms?: number): Promise<T>;
  next(match: (f: ServerFrame) => boolean, ms?: number): Promise<ServerFrame>;
  next(match: (f: ServerFrame) => boolean, ms = 3000): Promise<ServerFrame> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(new Error(`no matching frame within ${ms} ms (got ${this.frames.length} frames: ${this.frames.slice(-5).map((f) => f.t).join(',')})`));
      }, ms);
      const waiter: Waiter = { match, resolve: (f) => (clearTimeout(timer), resolve(f)) };
      this.#waiters.push(waiter);
    });
  }

  /** First frame that matches, already received or still to come. */
  find<T extends ServerFrame>(match: (f: ServerFrame) => f is T, ms?: number): Promise<T>;
  find(match: (f: ServerFrame) => boolean, ms?: number): Promise<ServerFrame>;
  find(match: (f: ServerFrame) => boolean, ms = 3000): Promise<ServerFrame> {
    const got = this.frames.find(match);
    return got !== undefined ? Promise.resolve(got) : this.next(match, ms);
  }

  send(bytes: Uint8Array | string): void {
    this.ws.send(bytes);
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    this.ws.terminate();
    await this.closed;
  }
}
