// `twinloop compare RUN_A RUN_B`: KPI differences and the first divergence of each signal
// between a baseline and a candidate run (result directories of scenarios or sweep points).

import { parseArgs } from 'node:util';
import { UsageError } from './args.ts';
import { compareRuns, formatComparison } from '../scenario/compare.ts';

export const COMPARE_USAGE = `usage: twinloop compare BASELINE_DIR CANDIDATE_DIR [--tolerance X] [--json]

  a result directory holds result.json and trace.bin: scenario-results/runs/<name>/ or
  sweep-results/<sweep>/points/<point>/
  --tolerance X   values closer than X count as equal (default 0: bit-exact)
  --json          print the comparison as JSON`;

/** Returns the exit code: 0 when the runs agree (no divergence, same verdicts), 1 otherwise. */
export async function compareCommand(argv: readonly string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: { tolerance: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    out.write(`${COMPARE_USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 2) throw new UsageError(`compare takes two result directories\n${COMPARE_USAGE}`);
  const tolerance = values.tolerance === undefined ? 0 : Number(values.tolerance);
  if (!(tolerance >= 0)) throw new UsageError(`--tolerance must be a number >= 0, got ${JSON.stringify(values.tolerance)}`);
  const c = compareRuns(positionals[0]!, positionals[1]!, tolerance);
  out.write(values.json ? `${JSON.stringify(c, null, 2)}\n` : `${formatComparison(c)}\n`);
  return c.signals.some((s) => s.time !== null) || c.verdictChanges.length > 0 ? 1 : 0;
}
