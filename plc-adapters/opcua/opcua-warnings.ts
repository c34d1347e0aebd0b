// node-opcua's start-up self-test warning, explained and kept off the terminal. On import,
// node-opcua-secure-channel encrypts and decrypts with RSA PKCS#1 v1.5 and, on Node 20.11+ /
// 18.19+ (which refuse PKCS#1 v1.5 decryption since CVE-2023-46809), prints
//   [NODE-OPCUA-W27] node version v20.x
//     you need to use node flag --security-revert=CVE-2023-46809 if you have issue with RSA PKCS#1 v1.5
// PKCS#1 v1.5 encryption is used only by the deprecated Basic128Rsa15 policy (OPC UA 1.04
// dropped it). twinloop offers and uses None, Basic256Sha256 (RSA-OAEP), Aes128_Sha256_RsaOaep
// and Aes256_Sha256_RsaPss only (opcua-adapter.ts, opcua-soft-plc-server.ts, twin-server.ts),
// so the warning never concerns it, and reverting the CVE fix would only weaken the process.
// The filter drops exactly those two lines; every other node-opcua warning is printed as before.

import { format } from 'node:util';
import type { setWarningLogger } from 'node-opcua';

/** The two lines of the self-test warning (its code, then its advice). */
const SELF_TEST = /\[NODE-OPCUA-W27\]|security-revert=CVE-2023-46809/;

let installed = false;

/**
 * Route node-opcua's warnings through a filter that drops the PKCS#1 v1.5 self-test warning.
 * Call right after node-opcua is loaded: the self-test generates an RSA key first, so its
 * warning comes after the import has resolved. Takes the loaded module's setter, so this file
 * does not load node-opcua itself (the adapter loads it lazily). Idempotent.
 */
export function quietOpcuaSelfTest(opcua: { setWarningLogger: typeof setWarningLogger }): void {
  if (installed) return;
  installed = true;
  opcua.setWarningLogger((_context: unknown, ...args: unknown[]) => {
    const text = format(...args);
    if (SELF_TEST.test(text)) return;
    process.stderr.write(`node-opcua: ${text}\n`);
  });
}
