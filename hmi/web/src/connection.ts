// The WebSocket link to the server: connects, decodes frames, and reconnects with exponential
// backoff and jitter when the link drops or goes silent (the server sends a status frame at
// least once a second, so 4 s of silence means a dead link the browser has not noticed).

import type { ServerFrame } from '../../protocol.ts';
import { decodeFrame } from './frame-decoder.ts';

export type LinkState =
  | { kind: 'connecting' }
  | { kind: 'connected' }
  | { kind: 'reconnecting'; attempt: number; retryAt: number };

export interface LinkHandlers {
  frame(frame: ServerFrame): void;
  state(state: LinkState): void;
}

const BACKOFF_FIRST_MS = 250;
const BACKOFF_MAX_MS = 10_000;
const SILENCE_MS = 4000;

export class Connection {
  readonly #url: string;
  readonly #on: LinkHandlers;
  #ws: WebSocket | undefined;
  #attempt = 0;
  #lastFrameAt = 0;
  #watchdog: number | undefined;
  #retry: number | undefined;

  constructor(url: string, handlers: LinkHandlers) {
    this.#url = url;
    this.#on = handlers;
  }

  start(): void {
    this.#open();
    this.#watchdog = window.setInterval(() => {
      if (this.#ws?.readyState === WebSocket.OPEN && performance.now() - this.#lastFrameAt > SILENCE_MS) this.#ws.close();
    }, 1000);
  }

  #open(): void {
    this.#on.state({ kind: 'connecting' });
    const ws = new WebSocket(this.#url);
    ws.binaryType = 'arraybuffer';
    this.#ws = ws;
    ws.onopen = () => {
      this.#lastFrameAt = performance.now();
    };
    ws.onmessage = (ev: MessageEvent) => {
      this.#lastFrameAt = performance.now();
      if (!(ev.data instanceof ArrayBuffer)) return;
      let frame: ServerFrame;
      try {
        frame = decodeFrame(new Uint8Array(ev.data));
      } catch {
        return; // a frame we cannot read is dropped; the next keyframe resynchronises
      }
      if (frame.t === 'catalog') {
        this.#attempt = 0;
        this.#on.state({ kind: 'connected' });
      }
      this.#on.frame(frame);
    };
    ws.onclose = () => {
      if (this.#ws !== ws) return;
      this.#ws = undefined;
      this.#schedule();
    };
  }

  #schedule(): void {
    this.#attempt++;
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** (this.#attempt - 1));
    // Jitter so a restarted server is not hit by every open page in the same millisecond.
    const delay = base * (0.8 + 0.4 * Math.random());
    this.#on.state({ kind: 'reconnecting', attempt: this.#attempt, retryAt: performance.now() + delay });
    this.#retry = window.setTimeout(() => this.#open(), delay);
  }

  /** Stop for good (page unload). */
  stop(): void {
    window.clearInterval(this.#watchdog);
    window.clearTimeout(this.#retry);
    const ws = this.#ws;
    this.#ws = undefined;
    ws?.close();
  }
}
