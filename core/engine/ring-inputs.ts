// The run's inputs as the HMI publisher sees them (RunControl.inputs): the network controllers'
// exchanges tell it when they handed changed actuator values to the actuator ring, and it asks
// the ring whether the worker has applied them yet. Main thread only; nothing per value.

import type { RunInputs } from './run-control.ts';
import type { ActuatorRing } from './actuator-ring.ts';

export class RingInputs implements RunInputs {
  readonly #ring: ActuatorRing;
  readonly #listeners = new Set<() => void>();

  constructor(ring: ActuatorRing) {
    this.#ring = ring;
  }

  onInput(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  pending(): boolean {
    return this.#ring.pending;
  }

  /** An exchange handed changed values over (end of its delivery, not per value). */
  notify(): void {
    for (const listener of this.#listeners) listener();
  }
}
