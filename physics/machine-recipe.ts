// A machine's product recipe: per item class (product) its cycle time, busy power and family,
// the changeover matrix between families, what a changeover consumes and the process values it
// must settle. The planning run builds one per station from the plan and its line file's
// products (core/planning/on-line-line.ts) and installs it with Model.setMachineRecipe before
// the first step; the step loop then only indexes these typed arrays.

export interface MachineRecipe {
  /** Per item class: mean cycle time, s (a class the station does not work on: 0, one step). */
  readonly cycleTime: Float64Array;
  /** Per item class: power while working it, kW; NaN: the machine's busyPower. */
  readonly busyPower: Float64Array;
  /** Per item class: its family, 0..families-1. */
  readonly family: Int32Array;
  readonly families: number;
  /** families × families, row = from family: changeover time, s. */
  readonly changeover: Float64Array;
  /** Family set up at reset; -1: none (the first product needs no changeover). */
  readonly initial: number;
  /** Uniform cycle-time variation, ± fraction of the class's cycle time. */
  readonly spread: number;
  /** A changeover's clock runs only once an operator is granted (Machines.grantOperator). */
  readonly needsOperator: boolean;
  /** kWh one changeover consumes beyond idle power, drawn evenly over its matrix time (default 0). */
  readonly changeoverEnergy?: number;
  /** Process values the machine waits for before a cycle of a product (default: none). */
  readonly settle?: MachineSettle;
}

/**
 * Process values a recipe machine settles: before it starts a cycle (and after a changeover's
 * matrix time) each value must be within its tolerance of the product's target, else the
 * machine stays in the changeover state. Targets are written by the planning run's setpoints;
 * the physics (a furnace's first-order approach) decides how long that takes.
 */
export interface MachineSettle {
  /** Signal ids (indices into the value array) of the process values. */
  readonly signal: Int32Array;
  readonly tolerance: Float64Array;
  /** classes × signals, row = class: the product's target for each value; NaN: none. */
  readonly target: Float64Array;
}
