// Suppression by design: which alarms are hidden, and why. Two origins: design-time rules
// ("while an alarm whose key starts with `whileActive` is active, suppress the alarms whose key
// starts with `suppress`", e.g. a controller's deviation alarms while its communication alarm
// stands) and the owner's explicit suppress(prefix, reason) calls. Prefix matching only: keys
// are dotted/colon names chosen by the detectors, and a prefix names a controller or a group.

import { TwinloopError } from '../errors.ts';

export interface SuppressionRule {
  /** Key (or key prefix) of the alarm(s) whose activity suppresses others, e.g. `communication:plc1`. */
  readonly whileActive: string;
  /** Key prefix of the alarms to suppress meanwhile, e.g. `deviation:plc1.`. */
  readonly suppress: string;
  /** Shown with the suppressed alarms; default "while <whileActive> is active". */
  readonly reason?: string;
}

interface Suppression {
  readonly prefix: string;
  readonly reason: string;
  /** Keys matching this prefix are never suppressed by this entry (a rule's own trigger). */
  readonly exempt: string | null;
}

/** The suppressions in force: rule ones (switched by the manager) and the owner's. */
export class Suppressions {
  readonly rules: readonly SuppressionRule[];
  readonly #active = new Map<string, Suppression>();

  /** @throws TwinloopError ALARM_INVALID for an empty prefix */
  constructor(rules: readonly SuppressionRule[] = []) {
    for (const r of rules) {
      if (typeof r.whileActive !== 'string' || r.whileActive === '' || typeof r.suppress !== 'string' || r.suppress === '') {
        throw new TwinloopError('ALARM_INVALID', `suppression rule ${JSON.stringify(r)}: whileActive and suppress must be non-empty key prefixes`);
      }
    }
    this.rules = rules;
  }

  /** Switch rule `i` on or off; true when that changed anything. */
  setRule(i: number, on: boolean): boolean {
    const id = `rule:${i}`;
    if (on === this.#active.has(id)) return false;
    const r = this.rules[i]!;
    if (on) this.#active.set(id, { prefix: r.suppress, reason: r.reason ?? `while ${r.whileActive} is active`, exempt: r.whileActive });
    else this.#active.delete(id);
    return true;
  }

  /** The owner's suppression of a key prefix (replaces an earlier one of the same prefix). */
  setManual(prefix: string, reason: string | null): void {
    if (prefix === '') throw new TwinloopError('ALARM_INVALID', 'suppress: the key prefix must not be empty');
    if (reason === null) this.#active.delete(`api:${prefix}`);
    else this.#active.set(`api:${prefix}`, { prefix, reason, exempt: null });
  }

  /** Why `key` is suppressed now, or null when it is not. */
  reasonFor(key: string): string | null {
    for (const s of this.#active.values()) {
      if (key.startsWith(s.prefix) && (s.exempt === null || !key.startsWith(s.exempt))) return s.reason;
    }
    return null;
  }
}
