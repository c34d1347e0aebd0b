// The AlarmSink a shadow run uses when none is given: logs each condition once when it
// becomes active and once when it returns, so `npm start` shows detections before the alarm
// manager is wired in. Not a journal and no life cycle: that is core/alarms'.

import type { Logger } from 'pino';
import type { AlarmCondition, AlarmSink } from '../alarms/alarm-sink.ts';

export class LogAlarmSink implements AlarmSink {
  readonly #log: Logger;
  readonly #active = new Set<string>();

  constructor(log: Logger) {
    this.#log = log;
  }

  activate(c: AlarmCondition, at: number): void {
    if (this.#active.has(c.key)) return;
    this.#active.add(c.key);
    this.#log.warn({ alarm: c.key, source: c.source, priority: c.priority, cause: c.cause, action: c.action, at }, c.message);
  }

  deactivate(key: string, at: number): void {
    if (this.#active.delete(key)) this.#log.info({ alarm: key, at }, 'alarm condition returned to normal');
  }
}
