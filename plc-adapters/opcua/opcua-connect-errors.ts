// What a failed OPC UA connect means and what to do about it: node-opcua's messages mapped to
// our codes, for trust in both directions (the server's certificate unknown to us, ours refused
// by the server), a server without a channel for GetEndpoints, and a refused user.

import { readFileSync } from 'node:fs';
import { TwinloopError } from '../../core/errors.ts';

export interface ConnectContext {
  readonly endpoint: string;
  readonly securityMode: string;
  readonly serverCertificate: string | undefined;
  readonly username: string | undefined;
  /** The client's PKI folder, and whether it is a temporary one. */
  readonly pki: string;
  readonly tempPki: boolean;
  /** twinloop's own certificate: the file a PLC must trust. */
  readonly certificateFile: string;
}

/** Map node-opcua's connect errors to ours, saying what to do. */
export function explainConnectError(err: unknown, c: ConnectContext): TwinloopError {
  const msg = err instanceof Error ? err.message : String(err);
  const secure = c.securityMode !== 'None';
  // The server refused our certificate (the other direction of trust): it must trust ours.
  // node-opcua servers answer an untrusted client certificate with BadSecurityChecksFailed.
  if (secure && /rejected by server|BadSecurityChecksFailed/i.test(msg)) {
    const temp = c.tempPki ? ' (a temporary folder: give the controller a certificateFolder so the certificate survives a restart)' : '';
    return new TwinloopError(
      'PLC_CERT_REFUSED',
      `OPC UA ${c.endpoint}: the server refused twinloop's certificate (${msg.trim()}). The PLC must trust ${c.certificateFile}${temp}: ` +
        `copy it into the server's trusted certificates (or accept it in the PLC's certificate manager) and reconnect`,
      { cause: err },
    );
  }
  if (secure && !c.serverCertificate && /to collect server's certificate/.test(msg)) {
    return new TwinloopError(
      'PLC_NOT_CONNECTED',
      `OPC UA ${c.endpoint}: cannot connect: ${msg.trim()}. A server that only opens secure channels does not answer GetEndpoints without security: ` +
        `give the server's certificate file as opcua.serverCertificate`,
      { cause: err },
    );
  }
  if (/BadCertificateUntrusted|Certificate verification failed|BadCertificate/i.test(msg)) {
    return new TwinloopError(
      'PLC_CERT_UNTRUSTED',
      `OPC UA ${c.endpoint}: the server's certificate is not trusted (${msg}). It was saved in ${c.pki}/rejected; ` +
        `to trust it, move that file to ${c.pki}/trusted/certs and reconnect`,
      { cause: err },
    );
  }
  if (/BadIdentityTokenRejected|BadUserAccessDenied|BadIdentityTokenInvalid/.test(msg)) {
    return new TwinloopError('PLC_NOT_CONNECTED', `OPC UA ${c.endpoint}: user "${c.username ?? 'anonymous'}" refused: ${msg}`, { cause: err });
  }
  return new TwinloopError('PLC_NOT_CONNECTED', `OPC UA ${c.endpoint}: cannot connect: ${msg}`, { cause: err });
}

/** A certificate file as DER: PEM (`-----BEGIN CERTIFICATE-----`) is decoded, DER read as is. */
export function readCertificateDer(file: string): Buffer {
  const bytes = readFileSync(file);
  const m = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(bytes.toString('latin1'));
  return m ? Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64') : bytes;
}
