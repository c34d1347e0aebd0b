// Checking a whole audit log offline (`twinloop audit verify`) and online (GET /api/audit):
// the hash chain record by record, then the end of the log against its signed head
// (audit-head.ts), so a log that was cut off, or whose tail was removed and re-hashed, fails
// and the first bad record is named.

import { readFileSync } from 'node:fs';
import { headPath, parseHead, type HeadRead } from './audit-head.ts';
import { auditItems, ChainCheck } from './audit-scan.ts';

export interface AuditProblem {
  /** The first record that is wrong or missing; null when no record can be named. */
  readonly seq: number | null;
  readonly reason: string;
}

export interface AuditVerdict {
  readonly ok: boolean;
  readonly records: number;
  /** Lines that are not a whole record (a kill -9 leaves one, sealed off). */
  readonly torn: number;
  readonly lastSeq: number;
  /** The first problem; absent when ok. */
  readonly problem?: AuditProblem;
  /** Things worth saying that are not breaks. */
  readonly notes: readonly string[];
}

/** Read the head next to a log (missing when there is none). */
export function readHead(logPath: string, secret: Buffer): HeadRead {
  try {
    return parseHead(readFileSync(headPath(logPath)), secret);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'missing' };
    throw err;
  }
}

/** Check the chain and, with the installation secret, the signed head. Reads in chunks. */
export function verifyAudit(logPath: string, secret: Buffer): AuditVerdict {
  const head = readHead(logPath, secret);
  const anchorSeq = head.state === 'ok' ? head.head.seq : -1;
  const chain = new ChainCheck();
  let hashAtAnchor: string | undefined;
  for (const item of auditItems(logPath)) {
    const rec = chain.add(item);
    if (rec !== undefined && rec.seq === anchorSeq) hashAtAnchor = rec.hash;
  }
  const { seq: lastSeq } = chain.last;
  const notes: string[] = [];
  const verdict = (problem?: AuditProblem): AuditVerdict => ({ ok: problem === undefined, records: chain.count, torn: chain.torn, lastSeq, ...(problem !== undefined ? { problem } : {}), notes });
  if (chain.brokenAt !== undefined) return verdict({ seq: chain.brokenAt, reason: chain.brokenWhy! });
  if (head.state === 'missing') {
    return chain.count === 0 ? verdict() : verdict({ seq: null, reason: 'there is no signed head (audit.head) beside the log: a cut-off end cannot be ruled out' });
  }
  if (head.state === 'bad') return verdict({ seq: null, reason: head.reason });
  const h = head.head;
  if (h.note !== null) notes.push(h.note);
  if (h.broken !== null) return verdict({ seq: null, reason: `found broken by the server earlier: ${h.broken}` });
  if (lastSeq < h.seq) return verdict({ seq: lastSeq + 1, reason: `the log ends at record ${lastSeq} but its signed head names record ${h.seq}: records ${lastSeq + 1} to ${h.seq} were cut off` });
  if (h.seq > 0 && hashAtAnchor !== h.hash) return verdict({ seq: h.seq, reason: `record ${h.seq} is not the record the signed head names (the log was rewritten)` });
  if (lastSeq > h.seq + 1) return verdict({ seq: h.seq + 2, reason: `records ${h.seq + 2} to ${lastSeq} come after the signed head without having been signed (not written by twinloop)` });
  if (lastSeq === h.seq + 1) notes.push(`record ${lastSeq} was written as the process stopped, before its head; the next start signs it`);
  return verdict();
}
