// A machine's product recipe: per item class (product) its cycle time, busy power and family,
// and the changeover matrix between families. The planning run builds one per station from the
// plan file (core/planning/on-line-line.ts) and installs it with Model.setMachineRecipe before
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
}
