// A free TCP port on a host, for soft PLC servers whose library cannot listen on port 0 and
// report the port it got (node-snap7's S7Server, modbus-serial's ServerTCP).

import { createServer, type AddressInfo } from 'node:net';

/** Ask the OS for a free port by listening on 0, then give it back. */
export async function freePort(host: string): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, host, () => resolve());
  });
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
