// The server's Prometheus metrics: what an operations team watches of a twin (tick lateness and
// overruns, pace achieved, controller links and cycles, active alarms by priority, WebSocket
// clients, recording bytes and free disk, audit failures), plus the process metrics every Node
// service exports. Every value is read when Prometheus scrapes (prom-client's collect
// callbacks), from the same sources /api/health and the alarm list use: nothing is counted on
// the tick path, and a scrape costs the run nothing.

import { readdirSync, statfsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Counter, Gauge, Registry, collectDefaultMetrics, type Metric } from 'prom-client';
import type { KpiReport } from '../../core/kpi/kpi-tracker.ts';
import type { LiveKpi } from '../../core/kpi/live-kpi.ts';
import type { AlarmManager } from '../../core/alarms/alarm-manager.ts';
import type { AuditLog } from '../../core/audit/audit-log.ts';
import type { RunControl, RunState } from '../../core/engine/run-control.ts';

/** What the metrics read from. */
export interface MetricsSources {
  readonly run: RunControl;
  readonly alarms: AlarmManager;
  /** WebSocket clients connected now. */
  readonly clients: () => number;
  readonly audit: AuditLog;
  /** Where recordings are written (their bytes), and the data folder (its disk's free space). */
  readonly recordingsDir: string;
  readonly dataDir: string;
  /** The live production KPIs (core/kpi/live-kpi.ts); absent: no twinloop_kpi_* gauges. */
  readonly kpi?: LiveKpi;
}

const RUN_STATES: readonly RunState[] = ['starting', 'running', 'paused', 'stopped', 'failed'];
const PRIORITIES = [1, 2, 3, 4] as const;
// Alarm states an operator must still see: the condition is there, or it is not acknowledged.
const ANNUNCIATED = new Set(['active-unacknowledged', 'active-acknowledged', 'returned-unacknowledged']);

/** A registry of its own per server (tests run several servers in one process). */
export function createMetrics(src: MetricsSources): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'twinloop_' });
  const reg = { registers: [registry] };

  new Gauge({
    ...reg,
    name: 'twinloop_run_state',
    help: 'Run state: 1 for the current one (starting, running, paused, stopped, failed)',
    labelNames: ['state', 'mode'],
    collect() {
      const s = src.run.status();
      this.reset();
      for (const state of RUN_STATES) this.set({ state, mode: s.mode }, s.state === state ? 1 : 0);
    },
  });
  new Gauge({
    ...reg,
    name: 'twinloop_pace_realtime_factor',
    help: 'Simulated seconds per wall second achieved over the last stats interval',
    collect() {
      this.set(src.run.status().stats.realtimeFactor);
    },
  });
  new Gauge({
    ...reg,
    name: 'twinloop_pace_requested_factor',
    help: 'Pace asked for: the real-time factor, or 0 for as fast as possible',
    collect() {
      const p = src.run.status().pace;
      this.set(p.kind === 'realtime' ? p.factor : 0);
    },
  });
  total(reg, 'twinloop_ticks_total', 'Physics steps done since start or reset', () => src.run.status().stats.ticks);
  total(reg, 'twinloop_tick_overruns_total', 'Physics steps dropped because catch-up exceeded its cap', () => src.run.status().stats.overruns);
  new Gauge({
    ...reg,
    name: 'twinloop_simulated_seconds',
    help: 'Model time, s',
    collect() {
      this.set(src.run.status().time);
    },
  });
  registry.registerMetric(latenessHistogram(src.run));
  total(reg, 'twinloop_actuator_values_coalesced_total', "Network PLC actuator values that replaced an unread value of the same signal before the physics took it (the newest wins; none is lost)", () => src.run.status().actuators?.coalesced ?? 0);

  const controller = ['controller', 'protocol'];
  new Gauge({
    ...reg,
    name: 'twinloop_controller_connected',
    help: 'Controller link up (1) or not (0)',
    labelNames: controller,
    collect() {
      this.reset();
      for (const c of src.run.status().controllers) this.set({ controller: c.name, protocol: c.protocol }, c.state === 'connected' ? 1 : 0);
    },
  });
  new Gauge({
    ...reg,
    name: 'twinloop_controller_cycle_seconds',
    help: 'Configured I/O exchange cycle of each controller, s',
    labelNames: controller,
    collect() {
      this.reset();
      for (const c of src.run.status().controllers) this.set({ controller: c.name, protocol: c.protocol }, c.cycleMs / 1000);
    },
  });
  new Counter({
    ...reg,
    name: 'twinloop_controller_cycles_total',
    help: 'I/O exchange cycles done per controller',
    labelNames: controller,
    collect() {
      this.reset();
      for (const c of src.run.status().controllers) this.inc({ controller: c.name, protocol: c.protocol }, c.cycles);
    },
  });
  new Counter({
    ...reg,
    name: 'twinloop_controller_reconnects_total',
    help: 'Links to a network controller re-established after a loss',
    labelNames: controller,
    collect() {
      this.reset();
      for (const c of src.run.status().controllers) if (c.reconnects !== undefined) this.inc({ controller: c.name, protocol: c.protocol }, c.reconnects);
    },
  });

  new Gauge({
    ...reg,
    name: 'twinloop_alarms_active',
    help: 'Alarms annunciated now (active or unacknowledged; not shelved, suppressed or out of service), by priority (1 most urgent)',
    labelNames: ['priority'],
    collect() {
      const counts = [0, 0, 0, 0];
      for (const a of src.alarms.list()) if (ANNUNCIATED.has(a.state)) counts[a.priority - 1]!++;
      for (const p of PRIORITIES) this.set({ priority: String(p) }, counts[p - 1]!);
    },
  });
  new Gauge({
    ...reg,
    name: 'twinloop_websocket_clients',
    help: 'HMI WebSocket clients connected',
    collect() {
      this.set(src.clients());
    },
  });
  new Gauge({
    ...reg,
    name: 'twinloop_recording_bytes',
    help: 'Bytes of all recordings on disk',
    collect() {
      this.set(folderBytes(src.recordingsDir));
    },
  });
  new Gauge({
    ...reg,
    name: 'twinloop_data_free_bytes',
    help: 'Free bytes on the disk of the data folder (recordings, audit, alarms)',
    collect() {
      try {
        const fs = statfsSync(src.dataDir);
        this.set(fs.bavail * fs.bsize);
      } catch {
        this.set(Number.NaN);
      }
    },
  });
  new Gauge({
    ...reg,
    name: 'twinloop_audit_healthy',
    help: 'The audit log can be written (0: privileged actions are refused)',
    collect() {
      this.set(src.audit.healthy ? 1 : 0);
    },
  });
  if (src.kpi !== undefined) kpiGauges(reg, src.kpi);
  return registry;
}

/** The line's production KPIs over the run so far (docs/kpi.md), and each station's OEE and state shares. */
function kpiGauges(reg: Reg, kpi: LiveKpi): void {
  // One report per scrape, shared by the gauges below (each collect() would build its own).
  let at = -Infinity;
  let report: KpiReport | null = null;
  const now = (): KpiReport => {
    if (report === null || Date.now() - at > 250) {
      report = kpi.report().run;
      at = Date.now();
    }
    return report;
  };
  const line = (name: string, help: string, read: (r: KpiReport) => number | null): void => {
    new Gauge({
      ...reg,
      name,
      help,
      collect() {
        const v = read(now());
        this.set(v === null ? NaN : v);
      },
    });
  };
  line('twinloop_kpi_throughput_per_hour', 'Items leaving the line per hour over the run so far', (r) => r.line.throughput);
  line('twinloop_kpi_oee', 'Line OEE index 0..1 (ISO 22400-2), run so far; NaN for a line without stations', (r) => r.line.oee);
  line('twinloop_kpi_energy_per_unit_kwh', 'kWh per good item over the run so far', (r) => r.line.energyPerUnit);
  line('twinloop_kpi_good', 'Good items out of the line over the run so far', (r) => r.line.gq);
  line('twinloop_kpi_reject', 'Rejected items (wrong bin, quality gate) over the run so far', (r) => r.line.reject);
  new Gauge({
    ...reg,
    name: 'twinloop_station_oee',
    help: 'Station OEE index 0..1 (ISO 22400-2), run so far',
    labelNames: ['station'],
    collect() {
      this.reset();
      for (const s of now().stations) this.set({ station: s.id }, s.oee);
    },
  });
  new Gauge({
    ...reg,
    name: 'twinloop_station_state_share',
    help: 'Share of the run so far a station spent in each state (working, blocked, starved, down, changeover)',
    labelNames: ['station', 'state'],
    collect() {
      this.reset();
      for (const s of now().stations) for (const [state, share] of Object.entries(s.shares)) this.set({ station: s.id, state }, share);
    },
  });
}

type Reg = { registers: Registry[] };

/** A counter whose value is read from elsewhere at each scrape (prom-client counters only add). */
function total(reg: Reg, name: string, help: string, read: () => number): void {
  new Counter({
    ...reg,
    name,
    help,
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}

/**
 * The worker's tick lateness as a Prometheus histogram. prom-client's Histogram observes values
 * one by one; the worker already keeps the counts (without allocating, on its own thread), so
 * this metric hands them over as they are.
 */
function latenessHistogram(run: RunControl): Metric {
  const name = 'twinloop_tick_lateness_seconds';
  const help = 'How late each paced wake of the physics worker was, s';
  const metric = {
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    labelNames: [],
    reset() {},
    async get() {
      const h = run.lateness?.();
      const values: { metricName: string; labels: Record<string, string | number>; value: number }[] = [];
      if (h !== undefined) {
        h.boundsUs.forEach((b, k) => values.push({ metricName: `${name}_bucket`, labels: { le: b / 1e6 }, value: h.cumulative[k]! }));
        values.push({ metricName: `${name}_bucket`, labels: { le: '+Inf' }, value: h.count });
        values.push({ metricName: `${name}_sum`, labels: {}, value: h.sumUs / 1e6 });
        values.push({ metricName: `${name}_count`, labels: {}, value: h.count });
      }
      return { name, help, type: 'histogram', values, aggregator: 'sum' };
    },
  };
  // prom-client's Metric type names its own classes; the registry only calls name, help, type
  // and get() (registry.js getMetricsAsString), which this object has.
  return metric as unknown as Metric;
}

/** Bytes of the files in a folder and its subfolders (recording folders hold segment files). */
function folderBytes(dir: string): number {
  let bytes = 0;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0; // no recordings yet
  }
  for (const n of names) {
    const p = join(dir, n);
    try {
      const st = statSync(p);
      bytes += st.isDirectory() ? folderBytes(p) : st.size;
    } catch {
      // removed while we looked
    }
  }
  return bytes;
}
