// Real-time scheduling for the physics worker thread. On a 2-core machine the HMI, the
// exchange and any client on the same box compete with the 1 kHz clock; measured here, a flood
// of 200 WebSocket clients pushed the tick's p99 lateness from ~0.1 ms to 2-3 ms at normal
// priority and even at nice -10, and left it at ~0.1 ms under SCHED_FIFO — what soft-PLC
// runtimes do. Node cannot change a thread's policy itself, so the worker reports its Linux
// thread id and the main thread applies the policy with util-linux `chrt`. Fast pacing runs
// flat out and goes back to SCHED_OTHER, so it can never starve the rest of the machine.

import { execFile } from 'node:child_process';
import { readlinkSync } from 'node:fs';

/** This thread's Linux thread id, from /proc/thread-self (null elsewhere). */
export function currentThreadId(): number | null {
  try {
    const link = readlinkSync('/proc/thread-self'); // "<pid>/task/<tid>"
    const tid = Number(link.split('/').pop());
    return Number.isInteger(tid) && tid > 0 ? tid : null;
  } catch {
    return null;
  }
}

function chrt(args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('chrt', args, { timeout: 2000 }, (err, _out, stderr) => resolve(err ? (stderr.trim() || err.message).split('\n')[0]! : null));
  });
}

/**
 * Put thread `tid` under SCHED_FIFO at `priority` (1-99), or back under SCHED_OTHER when
 * priority is 0. Resolves with a description of what holds now; never throws: without
 * CAP_SYS_NICE or chrt the thread simply keeps its policy.
 */
export async function setThreadScheduling(tid: number | null, priority: number): Promise<string> {
  if (tid === null) return 'normal (thread id unknown on this platform)';
  if (priority > 0) {
    const err = await chrt(['-f', '-p', String(priority), String(tid)]);
    return err === null ? `SCHED_FIFO ${priority}` : `normal (SCHED_FIFO refused: ${err})`;
  }
  const err = await chrt(['-o', '-p', '0', String(tid)]);
  return err === null ? 'SCHED_OTHER' : `unchanged (${err})`;
}
