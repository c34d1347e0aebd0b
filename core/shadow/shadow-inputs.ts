// A shadow run's inputs as the HMI publisher sees them (RunControl.inputs, issue 24): the PLC's
// values land in the twin on the main thread as the read arrives, so a read that changed a
// value publishes the table at once and tells the publisher, which frames it without waiting
// for the twin's next cycle. Nothing is pending: the values are in the table when listeners run.

import type { ActuatorSink } from '../network-exchange.ts';
import type { RunInputs } from '../engine/run-control.ts';

export class ShadowInputs implements RunInputs {
  readonly #listeners = new Set<() => void>();
  readonly #publish: () => void;
  #changed = false;
  /** What the exchange writes to: the twin's input path, watched for changes. */
  readonly sink: ActuatorSink;

  /**
   * @param twinInput the twin's own input path (values and quality of the tag targets)
   * @param publish   puts the twin's values into the run's table (main thread)
   */
  constructor(twinInput: ActuatorSink, publish: () => void) {
    this.#publish = publish;
    const self = this;
    this.sink = {
      write(id: number, value: number, quality: number): void {
        twinInput.write(id, value, quality);
        self.#changed = true;
      },
      flush(): void {
        twinInput.flush();
        if (!self.#changed) return;
        self.#changed = false;
        self.#publish();
        for (const listener of self.#listeners) listener();
      },
    };
  }

  onInput(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  mark(): number {
    return 0;
  }

  /** Always: the values are in the table before the listeners hear of them. */
  shows(_mark: number): boolean {
    return true;
  }
}
