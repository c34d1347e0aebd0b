// Conditions of a run an operator must see in /api/health (and the scripts that poll it), as
// sentences: today the actuator mailbox's refused values. A command from a PLC must never
// vanish: the ring has a slot for every signal a read tag drives and coalesces per signal (the
// newest value wins, counted, never lost), so a refused value means a coupling bug.

import type { RunStatus } from './run-control.ts';

/** The warnings of a status' actuator counts; empty when nothing was lost. */
export function actuatorWarnings(actuators: RunStatus['actuators']): string[] {
  if (actuators === undefined || actuators.refused === 0) return [];
  return [`${actuators.refused} actuator value(s) from the network PLCs were refused and never reached the model: their signals have no slot in the actuator ring (a coupling bug; please report it)`];
}
