// How one controller reads in the banner: name, protocol and state, the intervals an OPC UA
// server granted when they are slower than the cycle (values then arrive late, or `auto` polls),
// and the last error while the controller is not connected, so a refused certificate or an
// unknown tag is on the screen, not only in the log. A pure function, tested without a page.

import type { ControllerStatus } from '../../../core/engine/run-control.ts';

export interface ControllerText {
  /** Short, for the banner. */
  readonly text: string;
  /** Full, for the tooltip (the whole last error). */
  readonly title: string;
  readonly ok: boolean;
}

const MAX_ERROR_CHARS = 120;

export function controllerText(c: ControllerStatus): ControllerText {
  let text = `${c.name} (${c.protocol}) ${c.state}`;
  const lines = [text, `cycle ${c.cycleMs} ms`];
  const pub = c.revisedPublishingMs;
  const samp = c.revisedSamplingMs;
  if (pub !== undefined || samp !== undefined) {
    const granted = `server publishes ${fmt(pub)} / samples ${fmt(samp)}`;
    lines.push(`${granted}${c.readMode ? `, reads by ${c.readMode}` : ''}`);
    const slow = (pub ?? 0) > c.cycleMs || (samp ?? 0) > c.cycleMs;
    if (slow) text += c.readMode === 'poll' ? ` (polled: server ${fmt(Math.max(pub ?? 0, samp ?? 0))} > cycle)` : ` (server ${fmt(Math.max(pub ?? 0, samp ?? 0))} > cycle ${c.cycleMs} ms)`;
  }
  const err = c.lastError ?? '';
  if (err) lines.push(`last error: ${err}`);
  if (c.state !== 'connected' && err) text += `: ${err.length > MAX_ERROR_CHARS ? `${err.slice(0, MAX_ERROR_CHARS)}…` : err}`;
  return { text, title: lines.join('\n'), ok: c.state === 'connected' };
}

function fmt(ms: number | undefined): string {
  return ms === undefined || !Number.isFinite(ms) ? '—' : `${ms} ms`;
}
