// The process side of the shadow rig's stand-in line (line-peer.ts), run by main.ts with
// `--program line`: prints the endpoint line, then answers JSON command lines on stdin:
//   {"inject": <fault spec>}  -> {"injected": <fault info>} | {"error": "..."}
//   {"counters": true}        -> {"counters": {reads, writes}, "time": <line s>}
// and stops on SIGINT/SIGTERM, or when stdin closes (--stdin-lifetime).

import type { FaultSpec, LineFault } from '../../physics/fault-spec.ts';
import { startLinePeer } from './line-peer.ts';

export interface LineMainOptions {
  readonly line: string | undefined;
  readonly protocol: string;
  readonly host: string;
  readonly port: number;
  readonly cycleMs: number;
  /** JSON array of line faults. */
  readonly faults: string;
  readonly seed: string | undefined;
  readonly stdinLifetime: boolean;
}

export async function serveLinePeer(o: LineMainOptions): Promise<void> {
  try {
    if (!o.line) throw new Error('--program line needs --line <line file>');
    const faults = JSON.parse(o.faults) as LineFault[];
    const peer = await startLinePeer({ line: o.line, protocol: o.protocol, host: o.host, port: o.port, cycleMs: o.cycleMs, faults, ...(o.seed !== undefined ? { seed: Number(o.seed) } : {}) });
    process.stdout.write(`${JSON.stringify({ endpoint: peer.endpoint, addresses: Object.fromEntries(peer.addresses) })}\n`);
    let closing = false;
    const stop = (): void => {
      if (closing) return;
      closing = true;
      void peer.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    let buffered = '';
    process.stdin.on('data', (d: Buffer) => {
      buffered += d.toString();
      // Bounded by the input: one command per complete line.
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        const text = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        try {
          const cmd = JSON.parse(text) as { inject?: FaultSpec; counters?: boolean };
          if (cmd.counters) process.stdout.write(`${JSON.stringify({ counters: peer.server.counters, time: peer.time() })}\n`);
          else if (cmd.inject) process.stdout.write(`${JSON.stringify({ injected: peer.inject(cmd.inject) })}\n`);
        } catch (err) {
          process.stdout.write(`${JSON.stringify({ error: (err as Error).message })}\n`);
        }
      }
    });
    if (o.stdinLifetime) process.stdin.on('end', stop);
    process.stdin.resume();
  } catch (err) {
    process.stderr.write(`line peer failed to start: ${(err as Error).message}\n`);
    process.exit(1);
  }
}
