// A small AlarmSink for the shadow tests: records every activation (first time per key, with
// its condition) and deactivation, and counts calls, until the alarm manager is wired in.

import type { AlarmCondition, AlarmSink } from '../../core/alarms/alarm-sink.ts';

export class RecordingSink implements AlarmSink {
  /** Active conditions by key. */
  readonly active = new Map<string, AlarmCondition>();
  /** Every raise (an inactive key becoming active), in order. */
  readonly raised: { key: string; at: number; condition: AlarmCondition }[] = [];
  readonly cleared: { key: string; at: number }[] = [];
  activations = 0;

  activate(condition: AlarmCondition, at: number): void {
    this.activations++;
    if (!this.active.has(condition.key)) this.raised.push({ key: condition.key, at, condition });
    this.active.set(condition.key, condition);
  }

  deactivate(key: string, at: number): void {
    if (this.active.delete(key)) this.cleared.push({ key, at });
  }

  raisedOf(prefix: string): { key: string; at: number; condition: AlarmCondition }[] {
    return this.raised.filter((r) => r.key.startsWith(prefix));
  }
}
