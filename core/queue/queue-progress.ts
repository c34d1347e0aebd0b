// The submitter's progress on stderr: done, running, failed and the time left, one line that
// rewrites itself on a terminal; elsewhere (CI logs) a line when the counts change, at most
// every few seconds, so a 200-point sweep logs tens of lines, not thousands.

import { performance } from 'node:perf_hooks';

export interface QueueCounts {
  readonly total: number;
  readonly done: number;
  readonly running: number;
  readonly failed: number;
}

/** 75 -> "1m15s" */
export function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const t = Math.round(s);
  return t >= 3600 ? `${Math.floor(t / 3600)}h${String(Math.floor((t % 3600) / 60)).padStart(2, '0')}m` : t >= 60 ? `${Math.floor(t / 60)}m${String(t % 60).padStart(2, '0')}s` : `${t}s`;
}

/** The estimate: the mean wall time per finished job so far, times the jobs left. */
export function eta(c: QueueCounts, elapsedS: number): number {
  const finished = c.done + c.failed;
  return finished === 0 ? NaN : (elapsedS / finished) * (c.total - finished);
}

export function progressText(c: QueueCounts, elapsedS: number): string {
  return `queue: ${c.done}/${c.total} done, ${c.running} running, ${c.failed} failed, ETA ${formatDuration(eta(c, elapsedS))}`;
}

const PLAIN_EVERY_MS = 5000;

export class QueueProgress {
  readonly #out: (NodeJS.WritableStream & { isTTY?: boolean }) | undefined;
  readonly #t0 = performance.now();
  #last = '';
  #lastAt = -Infinity;

  constructor(out: (NodeJS.WritableStream & { isTTY?: boolean }) | undefined) {
    this.#out = out;
  }

  update(c: QueueCounts, force = false): void {
    const out = this.#out;
    if (!out) return;
    const now = performance.now();
    const text = progressText(c, (now - this.#t0) / 1000);
    const key = `${c.done}/${c.running}/${c.failed}`;
    if (out.isTTY) {
      if (text !== this.#last) out.write(`\r\x1b[2K${text}`);
    } else if (force || (key !== this.#last && now - this.#lastAt >= PLAIN_EVERY_MS)) {
      out.write(`${text}\n`);
      this.#lastAt = now;
    }
    this.#last = out.isTTY ? text : key;
  }

  /** A line of its own (a retry, a refusal), above the progress line. */
  note(line: string): void {
    const out = this.#out;
    if (!out) return;
    out.write(out.isTTY ? `\r\x1b[2K${line}\n${this.#last}` : `${line}\n`);
  }

  end(): void {
    if (this.#out?.isTTY) this.#out.write('\n');
  }
}
