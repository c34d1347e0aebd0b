// The alarm manager of a live run (`twinloop start`): its journal in the data folder (so alarms
// and acknowledgements survive restarts), polled once a second for shelve expiry, escalation
// and the restart grace, and the design rule that a controller's lost link suppresses its
// deviation alarms (the shadow twin suspends comparisons then anyway; the rule keeps any that
// were standing from being annunciated as well).

import { join } from 'node:path';
import type { Logger } from 'pino';
import { AlarmManager } from '../alarms/alarm-manager.ts';
import { ensureDataDir } from '../auth/data-dir.ts';

export interface LiveAlarms {
  readonly manager: AlarmManager;
  close(): void;
}

export function startLiveAlarms(dataDir: string, log: Logger): LiveAlarms {
  ensureDataDir(dataDir);
  const manager = new AlarmManager({
    clock: Date.now,
    journal: join(dataDir, 'alarms.db'),
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
