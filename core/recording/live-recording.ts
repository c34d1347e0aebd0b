// How `twinloop start` records its live run: into `<data dir>/recordings/` by default, unless
// `--no-record` is given. The flag is taken out of argv before the shared parser sees it (it
// knows only the shared options). A recording that cannot be created is logged and the run
// starts anyway: a full disk must not stop a commissioning session.

import { join } from 'node:path';
import type { Logger } from 'pino';
import { recordRun, type RecordableRun, type TableRecorder } from './recorder.ts';

/** Remove every `flag` from argv in place; true if there was one. */
export function takeFlag(argv: string[], flag: string): boolean {
  let found = false;
  for (let i = argv.indexOf(flag); i >= 0; i = argv.indexOf(flag)) {
    argv.splice(i, 1);
    found = true;
  }
  return found;
}

/**
 * Start recording a live run into `<dataDir>/recordings` (50 Hz, 1 s blocks, 64 MiB segments,
 * 2 GiB / 7 days retention); undefined when recording is off or cannot start (logged).
 */
export function startLiveRecording(run: RecordableRun, dataDir: string, log: Logger, off: boolean): TableRecorder | undefined {
  if (off) {
    log.info('recording off (--no-record)');
    return undefined;
  }
  try {
    const rec = recordRun(run, { root: join(dataDir, 'recordings'), source: 'live', logger: log });
    log.info({ id: rec.id, dir: rec.writer.dir }, 'recording the run');
    return rec;
  } catch (err) {
    log.error({ err }, 'recording could not start; the run goes on unrecorded');
    return undefined;
  }
}
