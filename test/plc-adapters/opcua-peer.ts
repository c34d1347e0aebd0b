// Test peers for the OPC UA tests: an echo program for the soft PLC (each output copies the
// input of the same index, so a write comes back through a real scan and a real read), and a
// TCP relay on 127.0.0.1 whose link the tests can cut (a real socket flap, no fake client).

import { createServer, connect, type Server, type Socket } from 'node:net';

export { echoProgram, manyTags } from '../../plc-adapters/soft-plc/echo-program.ts';

export interface Relay {
  readonly port: number;
  /** Destroy every relayed connection (both sides), as a link flap does. */
  cut(): void;
  /** Stop forwarding on the open connections without closing them (a pulled cable: no FIN). */
  freeze(): void;
  close(): Promise<void>;
}

/** A TCP relay 127.0.0.1:<port> -> 127.0.0.1:<targetPort>. */
export async function tcpRelay(targetPort: number): Promise<Relay> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((down) => {
    const up = connect(targetPort, '127.0.0.1');
    sockets.add(down);
    sockets.add(up);
    down.setNoDelay(true);
    up.setNoDelay(true);
    const drop = (): void => {
      down.destroy();
      up.destroy();
      sockets.delete(down);
      sockets.delete(up);
    };
    down.on('error', drop).on('close', drop);
    up.on('error', drop).on('close', drop);
    down.pipe(up);
    up.pipe(down);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    cut() {
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    freeze() {
      for (const s of sockets) s.pause();
    },
    close() {
      for (const s of sockets) s.destroy();
      sockets.clear();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A TCP server that accepts and never answers (a hung peer: connect must still be bounded). */
export async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close() {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Poll `cond` every 10 ms until true or `ms` passed (bounded). */
export async function until(cond: () => boolean, ms: number, what: string): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < Math.ceil(ms / 10) + 1; i++) {
    if (cond()) return performance.now() - t0;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}
