// `twinloop audit verify [--data DIR]`: check the whole audit log offline — every record's
// place in the hash chain, then the log's end against its signed head (audit.head, signed
// with the installation secret) — and exit 1 naming the first bad record, 0 when it holds.
// Reads the log in chunks; safe to run beside a running server (it only reads).

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { verifyAudit } from '../audit/audit-verify.ts';
import { installationSecret } from '../auth/data-dir.ts';

export interface AuditArgs {
  readonly command: 'audit';
  readonly sub: 'verify';
  readonly data: string;
}

/** Returns the exit code: 0 intact, 1 broken. @throws when the data folder has no secret. */
export function auditCommand(args: AuditArgs): number {
  const log = join(args.data, 'audit.jsonl');
  // Never create a secret here: a fresh one could not check a head signed with the old one.
  if (!existsSync(join(args.data, 'secret.key'))) throw new Error(`${args.data} has no secret.key: not a twinloop data folder (use --data DIR)`);
  const v = verifyAudit(log, installationSecret(args.data));
  for (const note of v.notes) console.log(`note: ${note}`);
  const torn = v.torn > 0 ? `, ${v.torn} torn line(s) skipped` : '';
  if (v.ok) {
    console.log(`audit log ok: ${v.records} records (last ${v.lastSeq})${torn}; hash chain and signed head match`);
    return 0;
  }
  const where = v.problem!.seq !== null ? `at record ${v.problem!.seq}` : '';
  console.error(`audit log BROKEN ${where}: ${v.problem!.reason} (${v.records} records read${torn})`);
  return 1;
}
