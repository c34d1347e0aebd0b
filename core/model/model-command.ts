// `twinloop model sign-off --line L --plant P [--overlay O] --report R [--data DIR]` and
// `twinloop model status --line L --plant P [--overlay O] [--data DIR]` (issue 20), and the
// dispatch of `model calibrate` (core/calibration). A sign-off from the shell is done by the OS
// user at "cli", as `twinloop user` is: whoever can write the data folder administers the
// installation. It is written to the audit log before (attempt) and after (ok / failed) the
// record goes into the sign-off store — no audit record, no sign-off.

import { userInfo } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AuditLog } from '../audit/audit-log.ts';
import { ensureDataDir, installationSecret } from '../auth/data-dir.ts';
import { auditSubject, signOff } from './sign-off.ts';
import { signOffState } from './signoff-store.ts';
import { shortVersion } from './model-version.ts';

export const MODEL_USAGE = `usage:
  twinloop model sign-off --line L --plant P [--overlay O] --report R.json [--data DIR]
      sign off the model version (sha256 of line, plant, overlay and report), audited
  twinloop model status --line L --plant P [--overlay O] [--data DIR]
      print the model version and whether it is signed off (exit 0 signed off, 1 not)
  twinloop model calibrate --line L --plant P --history H --fit fit.yaml [--train S..S --holdout S..S] [--out DIR]
      fit line parameters to history; writes an overlay and a before/after report`;

/** Subcommands this file serves (`model validate` belongs to core/validation). */
export const MODEL_SUBCOMMANDS: readonly string[] = ['sign-off', 'status', 'calibrate'];

function osUser(): string {
  try {
    return `os:${userInfo().username}`;
  } catch {
    return `os:uid${process.getuid?.() ?? '?'}`;
  }
}

/** Runs `model <sub>`; resolves with the exit code. */
export async function modelCommand(argv: readonly string[]): Promise<number> {
  const sub = argv[0];
  if (sub === 'calibrate') return (await import('../calibration/calibrate-command.ts')).calibrateCommand(argv.slice(1));
  const { values } = parseArgs({
    args: argv.slice(1),
    options: { line: { type: 'string' }, plant: { type: 'string' }, overlay: { type: 'string' }, report: { type: 'string' }, data: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help === true) {
    console.log(MODEL_USAGE);
    return 0;
  }
  if ((sub !== 'sign-off' && sub !== 'status') || values.line === undefined || values.plant === undefined || (sub === 'sign-off' && values.report === undefined)) {
    console.error(MODEL_USAGE);
    return 2;
  }
  const data = values.data ?? './data';
  const overlay = values.overlay !== undefined ? { overlay: values.overlay } : {};
  if (sub === 'status') {
    const s = signOffState(data, values.line, values.plant, values.overlay);
    console.log(`model version ${s.current.version}`);
    for (const [part, p] of Object.entries(s.current.parts)) console.log(`  ${part.padEnd(8)} ${p === null ? '(none)' : `${shortVersion(p.sha256)}  ${p.path}`}`);
    if (s.signedOff) console.log(`signed off by ${s.last!.by} at ${s.last!.at}; report verdict ${s.last!.verdicts.verdict}`);
    else if (s.last === null) console.log('NOT signed off: no sign-off of this line and plant (shadow deviations are advisories)');
    else console.log(`NOT signed off: ${s.changed.join(', ')} changed since the sign-off of ${s.last.at} by ${s.last.by} (version ${shortVersion(s.last.version)})`);
    return s.signedOff ? 0 : 1;
  }
  ensureDataDir(data);
  const audit = new AuditLog(join(data, 'audit.jsonl'), { secret: installationSecret(data) });
  try {
    const who = { action: 'model.sign-off', user: osUser(), role: null, from: 'cli', target: `${values.line} + ${values.plant}` } as const;
    const attempt = audit.append({ ...who, result: 'attempt' });
    let rec;
    try {
      rec = signOff({ dataDir: data, line: values.line, plant: values.plant, report: values.report!, ...overlay, by: who.user, role: null, from: 'cli' });
    } catch (err) {
      audit.append({ ...who, result: 'failed', ref: attempt.seq, detail: (err as Error).message });
      throw err;
    }
    audit.append({ ...who, result: 'ok', ref: attempt.seq, new: auditSubject(rec) });
    const failed = Object.entries(rec.verdicts.signals).filter(([, v]) => v === 'fail').map(([s]) => s);
    console.log(`model version ${rec.version} signed off by ${rec.by} at ${rec.at}`);
    console.log(`report verdict ${rec.verdicts.verdict}${failed.length > 0 ? `; failing signals accepted: ${failed.join(', ')}` : ''}`);
  } finally {
    audit.close();
  }
  return 0;
}
