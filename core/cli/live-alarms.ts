// The alarm manager of a live run (`twinloop start`): its journal in the data folder (so alarms
// and acknowledgements survive restarts), polled once a second for shelve expiry, escalation
// and the restart grace, and the design rule that a controller's lost link suppresses its
// deviation alarms (the shadow twin suspends comparisons then anyway; the rule keeps any that
// were standing from being annunciated as well).
// Alarms belong to the configuration that raised them: each line / plant file has a journal of
// its own (`<data>/alarms/<configuration>.db`), so the shadow demo's standing alarms do not show
// in the banner of the OPC UA demo, nor on a line that has none of its signals.

import { basename, extname, join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Logger } from 'pino';
import { AlarmManager } from '../alarms/alarm-manager.ts';
import { ensureDataDir } from '../auth/data-dir.ts';

export interface LiveAlarms {
  readonly manager: AlarmManager;
  close(): void;
}

/**
 * The configuration a run's alarms belong to, from the file that defines it (the plant file if
 * there is one, else the line file): its base name, e.g. `sorting-shadow`.
 */
export function alarmConfiguration(file: string): string {
  return basename(file, extname(file)).replace(/[^A-Za-z0-9_.-]/g, '_') || 'line';
}

export function startLiveAlarms(dataDir: string, log: Logger, configuration: string): LiveAlarms {
  ensureDataDir(dataDir);
  const folder = join(dataDir, 'alarms');
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const manager = new AlarmManager({
    clock: Date.now,
    journal: join(folder, `${configuration}.db`),
    logger: log.child({ part: 'alarms' }),
    suppressionRules: [{ whileActive: 'communication:', suppress: 'deviation:', reason: 'the PLC link is down: model and machine cannot be compared' }],
  });
  const poll = setInterval(() => manager.poll(), 1000);
  poll.unref();
  return {
    manager,
    close(): void {
      clearInterval(poll);
      manager.close();
    },
  };
}
