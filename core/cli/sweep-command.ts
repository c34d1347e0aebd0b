// `twinloop sweep [FILE]`: a what-if sweep over a grid of line and program parameters, from a
// sweep file or --param arguments; each point runs N simulated minutes in the pool. Prints the
// table and writes sweep.csv, sweep.svg and a result directory per point.

import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from './args.ts';
import { absoluteSpec, programLabel } from '../../plc-adapters/sim/program-source.ts';
import { DEFAULT_LINE } from '../scenario/scenario-file.ts';
import { expandGrid, lineProgram, loadSweepFile, parseParamArg, sweepTable, type SweepSpec } from '../scenario/sweep.ts';
import { runSweep, writeSweep } from '../scenario/sweep-run.ts';
import { dirName } from '../scenario/result-dir.ts';
import type { OverrideValue } from '../scenario/line-overrides.ts';
import { parseQueueUrl, queueLabel } from '../queue/queue-address.ts';
import { runSweepOnQueue } from '../queue/queue-runs.ts';
import { isPlanSweepFile } from '../planning/plan-sweep.ts';
import { planSweepCommand } from './plan-sweep-command.ts';

export const SWEEP_USAGE = `usage: twinloop sweep [FILE] [--param PATH=V1,V2,...|FROM:TO:STEP]... [--line L] [--program P]
                      [--minutes M | --duration S] [--seed N] [--points N] [--threads N | --serial] [--out DIR]
                      [--queue redis://HOST:PORT]

  FILE        a sweep file (YAML, see docs/scenarios.md); --param adds or replaces grid axes.
              A file naming a plan: sweeps a production plan's operators, shifts and speed
              (docs/planning.md; --threads, --serial, --points, --out, --queue apply)
  --param     a line-file path (components[src].rate, components[pu1].extendTime, seed) or
              program.<field> (a built-in program's tuning value, e.g. program.hearthHz)
  --minutes   simulated minutes per point (default 10; the file's duration when given)
  --points N  run only the first N points of the grid
  --out DIR   output folder (default sweep-results/<name>)
  --queue URL run the points on the workers of this Redis job queue (\`twinloop worker --queue URL\`
              on each machine) instead of the local pool; progress on stderr, the same outputs`;

export async function sweepCommand(argv: readonly string[], out: NodeJS.WriteStream = process.stdout): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      param: { type: 'string', multiple: true },
      line: { type: 'string' },
      program: { type: 'string' },
      minutes: { type: 'string' },
      duration: { type: 'string' },
      seed: { type: 'string' },
      points: { type: 'string' },
      threads: { type: 'string' },
      serial: { type: 'boolean' },
      out: { type: 'string' },
      name: { type: 'string' },
      queue: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    out.write(`${SWEEP_USAGE}\n`);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`sweep takes at most one sweep file\n${SWEEP_USAGE}`);
  // A plan sweep (the file names a plan:): operators, shifts and speed of a production plan.
  if (positionals[0] !== undefined && isPlanSweepFile(positionals[0])) return planSweepCommand(positionals[0], values, out);
  const positive = (name: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!(n > 0) || !Number.isFinite(n)) throw new UsageError(`--${name} must be a positive number, got ${JSON.stringify(text)}`);
    return n;
  };
  const base: SweepSpec = positionals[0] !== undefined
    ? loadSweepFile(positionals[0])
    : { name: values.name ?? 'sweep', line: DEFAULT_LINE, program: lineProgram(DEFAULT_LINE), duration: 600, sampleMs: 100, grid: {} };
  const grid: Record<string, readonly OverrideValue[]> = { ...base.grid };
  for (const p of values.param ?? []) {
    const [path, vals] = parseParamArg(p);
    grid[path] = vals;
  }
  if (Object.keys(grid).length === 0) throw new UsageError(`sweep needs a grid: a sweep file or --param PATH=VALUES\n${SWEEP_USAGE}`);
  const minutes = positive('minutes', values.minutes);
  const seconds = positive('duration', values.duration);
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff)) throw new UsageError(`--seed must be an integer from 0 to 4294967295, got ${values.seed}`);
  const spec: SweepSpec = {
    ...base,
    ...(values.name !== undefined ? { name: values.name } : {}),
    ...(values.line !== undefined ? { line: resolve(values.line) } : {}),
    // --program (relative to the working directory), else a --line's own program, else the base's.
    ...(values.program !== undefined ? { program: absoluteSpec(values.program, process.cwd()) } : values.line !== undefined && positionals[0] === undefined ? { program: lineProgram(resolve(values.line)) } : {}),
    duration: seconds ?? (minutes !== undefined ? minutes * 60 : base.duration),
    ...(seed !== undefined ? { seed } : {}),
    grid,
  };
  let points = expandGrid(spec);
  const limit = positive('points', values.points);
  if (limit !== undefined) points = points.slice(0, Math.floor(limit));
  const threads = values.serial ? 1 : values.threads !== undefined ? Number(values.threads) : availableParallelism();
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new UsageError(`--threads must be an integer from 1 to 64, got ${JSON.stringify(values.threads)}`);
  const connection = values.queue !== undefined ? parseQueueUrl(values.queue) : undefined;
  out.write(`twinloop sweep ${spec.name}: ${points.length} point(s) x ${spec.duration} s simulated, program ${programLabel(spec.program)}, ${connection ? `job queue ${queueLabel(connection)}` : threads <= 1 ? 'serial' : `pool of ${Math.min(threads, points.length)} threads`}\n`);
  const { rows, wallMs } = connection
    ? await runSweepOnQueue(points, { connection, progress: process.stderr })
    : await runSweep(points, threads, (row, done) => {
        if (out.isTTY) out.write(`\r\x1b[2K  [${done}/${points.length}] ${row.point.task.name} ${row.result.status === 'error' ? 'ERROR' : 'done'}`);
      });
  if (out.isTTY && !connection) out.write('\r\x1b[2K');
  out.write(`${sweepTable(rows)}\n`);
  for (const r of rows) if (r.result.status === 'error') out.write(`point ${r.point.index + 1}: ${r.result.message}\n`);
  const dir = values.out ?? join('sweep-results', dirName(spec.name));
  const files = writeSweep(dir, spec.name, rows);
  out.write(`\n${points.length} points in ${(wallMs / 1000).toFixed(2)} s wall\nwrote ${files.csv}, ${files.svg}, ${files.html}, ${files.points}/\n`);
  return rows.some((r) => r.result.status === 'error') ? 1 : 0;
}
