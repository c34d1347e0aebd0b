// The virtual line of a plan run on the physics model (twinloop plan --on-line): loads the plan's
// line file, checks that it can run the plan (an order source feeding the plan's first station,
// a machine for every plan station), builds the Model with the plan's seed, installs each
// station's product recipe (cycle time per product, busy power from the product's energy, the
// changeover matrix between families and what a changeover consumes, the process values it
// settles, the spread, whether changeovers need an operator), the products' setpoints each
// station writes, and the KPI tracker over the line's stations. Build time: allocates; the run
// loop then does not.

import { loadLineFile } from '../config/line-file.ts';
import { TwinloopError } from '../errors.ts';
import { LineKpiTracker } from '../kpi/kpi-tracker.ts';
import { kpiPlan } from '../kpi/station-plan.ts';
import { Model, lineSignals } from '../../physics/model.ts';
import type { MachineRecipe, MachineSettle } from '../../physics/machine-recipe.ts';
import { machineType } from '../../physics/machine.ts';
import { changeoverTime, type PlanSpec } from './plan-spec.ts';
import { LineProgram } from './on-line-program.ts';

/** Signal ids of one plan station in the value array. */
export interface StationSigs {
  readonly busy: number;
  readonly starved: number;
  readonly down: number;
  readonly changeover: number;
  readonly waitOperator: number;
  readonly cycles: number;
  readonly energy: number;
}

export interface VirtualLine {
  readonly model: Model;
  readonly values: Float64Array;
  readonly tracker: LineKpiTracker;
  /** Plan station k -> the tracker's station index. */
  readonly trackerIndex: Int32Array;
  /** Plan station k -> its index among the line's machines. */
  readonly machine: Int32Array;
  readonly sigs: readonly StationSigs[];
  /**
   * The energy meters (`<id>.energy`, kWh since reset) of the line's components that are not plan
   * stations: the process stations (a furnace, a coating booth, a compressor) whose energy a
   * product's setpoints move, and which belongs in energy per good unit.
   */
  readonly processMeters: Int32Array;
  /** Index of the order source among order sources, and its `created` signal. */
  readonly source: number;
  readonly created: number;
  /** Family names (recipe family indices) and each product's family index. */
  readonly families: readonly string[];
  readonly productFamily: Int32Array;
  readonly lineFile: string;
  /** The line file's own controller program (on-line-program.ts), scanned in lock-step; null: none. */
  readonly program: LineProgram | null;
  /**
   * The line has nothing but the order source, the plan's machines and buffers: while it stands
   * empty waiting for an order's release, nothing in it changes but the idle energy, so the run
   * may leap over that wait (on-line-run.ts) instead of stepping it.
   */
  readonly idleSkippable: boolean;
  /** Idle power of each plan station's machine in the line file, kW (the leap's energy). */
  readonly idleKw: Float64Array;
  /**
   * Setpoints station k writes when it is told product p: `writes[k][p]`, signal ids and values.
   * A product's setpoint naming a line signal belongs to the station whose changeover settles a
   * signal of the same component, else to the first plan station.
   */
  readonly writes: readonly (readonly { readonly ids: Int32Array; readonly values: Float64Array }[])[];
}

/**
 * Build the virtual line of a plan.
 * @param lineFile the line file (default: the plan's `line:`)
 * @param dt a step length instead of the line file's, s (benchmarks)
 * @throws TwinloopError PLAN_LINE_MISMATCH when the line cannot run the plan; ConfigError for a bad line file
 */
export function buildVirtualLine(plan: PlanSpec, seed: number, lineFile = plan.line, dt?: number): VirtualLine {
  if (lineFile === undefined) throw new TwinloopError('PLAN_LINE_MISMATCH', `${plan.file} names no line: add line: (e.g. week-line.yaml) to run it on the virtual line`);
  const loaded = loadLineFile(lineFile);
  const lf = dt !== undefined ? { ...loaded, dt } : loaded;
  const byId = new Map(lf.components.map((c) => [c.id, c]));
  const sources = lf.components.filter((c) => c.type === 'ordersource');
  const first = plan.stations[0]!.id;
  const src = sources.find((c) => c['next'] === first);
  const problems: string[] = [];
  if (src === undefined) problems.push(`no order source feeds the plan's first station ${first} (add { id: src, type: ordersource, next: ${first} })`);
  for (const s of plan.stations) if (byId.get(s.id)?.type !== 'machine') problems.push(`plan station ${s.id} is not a machine of the line`);
  if (problems.length > 0) throw new TwinloopError('PLAN_LINE_MISMATCH', `${lineFile}: ${problems.join('; ')}`);

  const defs = lineSignals({ ...lf, seed });
  const ids = new Map(defs.map((d, i) => [d.name, i]));
  const id = (name: string): number => ids.get(name) ?? -1;
  const values = new Float64Array(defs.length);
  const model = new Model({ ...lf, seed }, id, values);

  const families: string[] = [];
  for (const p of plan.products) if (!families.includes(p.family)) families.push(p.family);
  const productFamily = Int32Array.from(plan.products, (p) => families.indexOf(p.family));
  const F = families.length;
  const machine = new Int32Array(plan.stations.length);
  plan.stations.forEach((st, k) => {
    const changeover = new Float64Array(F * F);
    for (let a = 0; a < F; a++) for (let b = 0; b < F; b++) changeover[a * F + b] = changeoverTime(st, families[a]!, families[b]!);
    const cycleTime = Float64Array.from(plan.products, (p) => p.cycleTime[k]!);
    const recipe: MachineRecipe = {
      cycleTime,
      // A product's energy per unit becomes its busy power over its cycle (the schedule's figure).
      busyPower: Float64Array.from(plan.products, (p, i) => (!Number.isNaN(p.energy[k]!) && cycleTime[i]! > 0 ? (p.energy[k]! * 3600) / cycleTime[i]! : st.busyPower)),
      family: productFamily,
      families: F,
      changeover,
      initial: st.initialFamily === null ? -1 : families.indexOf(st.initialFamily),
      spread: st.spread,
      needsOperator: plan.operators !== null,
      changeoverEnergy: st.changeoverEnergy,
      ...(st.settle.length > 0 ? { settle: settleOf(plan, k, id) } : {}),
    };
    machine[k] = model.indexOf(st.id);
    model.setMachineRecipe(machine[k]!, recipe);
  });

  // A run is millions of steps: compile the model's own step kernels now rather than after
  // COMPILE_WORK component-steps (physics/model.ts), which on a 4-component line is 2.5e6 steps.
  model.compileKernels();
  const tracker = new LineKpiTracker(kpiPlan(lf.components.map((c) => ({ id: c.id, type: c.type, params: c })), id));
  const trackerIndex = Int32Array.from(plan.stations, (s) => tracker.plan.stations.findIndex((t) => t.id === s.id));
  const sigs = plan.stations.map((s) => ({
    busy: id(`${s.id}.busy`),
    starved: id(`${s.id}.starved`),
    down: id(`${s.id}.down`),
    changeover: id(`${s.id}.changeover`),
    waitOperator: id(`${s.id}.waitOperator`),
    cycles: id(`${s.id}.cycles`),
    energy: id(`${s.id}.energy`),
  }));
  const planIds = new Set(plan.stations.map((s) => s.id));
  const processMeters = Int32Array.from(lf.components.filter((c) => !planIds.has(c.id) && id(`${c.id}.energy`) >= 0), (c) => id(`${c.id}.energy`));
  // A program keeps time (timers) while the line stands: no leaps over idle time with one.
  const idleSkippable = (lf.program === undefined || lf.program === 'none') && lf.components.every((c) => c.type === 'ordersource' || c.type === 'buffer' || (c.type === 'machine' && planIds.has(c.id)));
  const idleKw = Float64Array.from(plan.stations, (s) => {
    const p = byId.get(s.id)?.['idlePower'];
    return typeof p === 'number' ? p : (machineType.params['idlePower'] as { default: number }).default;
  });
  // A line program drives its outputs: the run writes no product setpoint onto them.
  const program = LineProgram.of(lf, model.dt, id);
  const actuators = new Set(defs.filter((x) => x.kind === 'actuator' && program?.drives.has(x.name) !== true).map((x) => x.name));
  const writes = setpointWrites(plan, id, actuators);
  return {
    model,
    values,
    writes,
    idleSkippable,
    idleKw,
    tracker,
    trackerIndex,
    machine,
    sigs,
    processMeters,
    source: model.indexOf(src!.id),
    created: id(`${src!.id}.created`),
    families,
    productFamily,
    lineFile,
    program,
  };
}

/** Station k's settle list as the machine reads it: signal ids, tolerances, each product's target. */
function settleOf(plan: PlanSpec, k: number, id: (name: string) => number): MachineSettle {
  const settle = plan.stations[k]!.settle;
  const S = settle.length;
  const target = new Float64Array(plan.products.length * S).fill(NaN);
  plan.products.forEach((p, c) => {
    settle.forEach((s, j) => {
      const v = p.setpoints[s.signal];
      if (typeof v === 'number') target[c * S + j] = v;
    });
  });
  return { signal: Int32Array.from(settle, (s) => id(s.signal)), tolerance: Float64Array.from(settle, (s) => s.tolerance), target };
}

/**
 * The setpoints each station writes per product (see VirtualLine.writes): actuator signals only;
 * a sensor's setpoint (f1.temperature) is a target a changeover settles on, never written.
 */
function setpointWrites(plan: PlanSpec, id: (name: string) => number, actuators: ReadonlySet<string>): { ids: Int32Array; values: Float64Array }[][] {
  const owner = new Map<string, number>();
  plan.stations.forEach((st, k) => {
    for (const s of st.settle) {
      const comp = s.signal.slice(0, s.signal.lastIndexOf('.'));
      if (!owner.has(comp)) owner.set(comp, k);
    }
  });
  return plan.stations.map((_, k) =>
    plan.products.map((p) => {
      const mine = Object.entries(p.setpoints).filter(([key, v]) => {
        const dot = key.lastIndexOf('.');
        return dot > 0 && typeof v === 'number' && actuators.has(key) && (owner.get(key.slice(0, dot)) ?? 0) === k;
      });
      return { ids: Int32Array.from(mine, ([key]) => id(key)), values: Float64Array.from(mine, ([, v]) => v as number) };
    }),
  );
}
