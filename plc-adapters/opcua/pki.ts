// Certificate stores for node-opcua, always under a folder we name: node-opcua's defaults
// write into the user's home folder, which a server process (or a test) must never touch.

import { OPCUACertificateManager } from 'node-opcua';

export { removeTempPkiFolder, tempPkiFolder } from './temp-folders.ts';

/**
 * A certificate manager rooted at `folder` (`own/`, `trusted/`, `rejected/`, `issuers/`).
 * `acceptUnknown` trusts any peer certificate: only for the soft PLC, never for the adapter.
 */
export async function certificateManager(folder: string, acceptUnknown: boolean): Promise<OPCUACertificateManager> {
  // No file watchers: they keep handles open; the adapter re-reads the folder at each connect,
  // so a certificate copied into trusted/ is seen at the next (re)connect.
  const cm = new OPCUACertificateManager({ rootFolder: folder, automaticallyAcceptUnknownCertificate: acceptUnknown, keySize: 2048, disableFileWatchers: true });
  await cm.initialize();
  return cm;
}
