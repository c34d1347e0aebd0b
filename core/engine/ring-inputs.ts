// The run's inputs as the HMI publisher sees them (RunControl.inputs): the network controllers'
// exchanges tell it when they handed changed actuator values to the actuator ring (a delivery),
// and it asks the ring whether a table publish shows them yet. With economy pacing the worker
// sleeps up to 5 ms between wakes: a delivery wakes it, so that it applies and publishes the
// values at once. Main thread only; nothing per value.

import type { RunInputs } from './run-control.ts';
import type { ActuatorRing } from './actuator-ring.ts';

export class RingInputs implements RunInputs {
  readonly #ring: ActuatorRing;
  readonly #listeners = new Set<() => void>();
  readonly #wakeWorker: (() => void) | undefined;

  /** @param wakeWorker called after each delivery (economy pacing: wakes the sleeping worker) */
  constructor(ring: ActuatorRing, wakeWorker?: () => void) {
    this.#ring = ring;
    this.#wakeWorker = wakeWorker;
  }

  onInput(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  mark(): number {
    return this.#ring.delivered;
  }

  shows(mark: number): boolean {
    return this.#ring.shows(mark);
  }

  /** An exchange handed changed values over (end of its delivery, not per value). */
  notify(): void {
    this.#ring.endDelivery();
    this.#wakeWorker?.();
    for (const listener of this.#listeners) listener();
  }
}
