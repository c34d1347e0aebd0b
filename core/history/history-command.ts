// `twinloop history check <recording-dir | recording-id | file.csv> [--plant P] [--line L] [--out DIR]`:
// data readiness of a history (readiness.ts): prints a verdict per tag, writes the one-page HTML
// report and its JSON twin, exits 1 when a tag the model needs (an input or a compared output of
// the plant's tag map) is unfit or missing. Loaded lazily by core/cli/main.ts.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadLineFile } from '../config/line-file.ts';
import { loadPlantFile, type PlantFile } from '../config/plant-file.ts';
import { ConfigError, formatIssue } from '../config/config-error.ts';
import type { LineFile } from '../../physics/model.ts';
import { loadHistory } from './load-history.ts';
import { checkHistory } from './readiness.ts';
import { readinessHtml } from './readiness-report.ts';
import { tagMapOf } from './tag-map.ts';

export const HISTORY_USAGE = `usage: twinloop history check HISTORY [--plant FILE] [--line FILE] [--out DIR] [--data DIR]
  HISTORY   a recording folder, a recording id in DIR/recordings (default ./data), or a historian
            CSV export: long (time,tag,value[,quality]) or wide (time,<tag>,<tag>...; q:<tag> quality
            columns); times ISO 8601, epoch seconds or epoch milliseconds (detected and said)
  --plant   plant file: its tag map names each tag's signal (by signal or PLC address) and scaling,
            and says which tags the model needs (PLC outputs that drive it, sensors it is compared with)
  --line    line file (default: the plant file's line): signal kinds, units and ranges
  --out     folder for history-check.html and history-check.json (default history-check)
Exit 1 when a needed tag is unfit or missing; 2 on a bad command line or file.`;

/** Plant and line from --plant/--line, as both commands of issue 20 take them. */
export function loadPlantAndLine(plantPath: string | undefined, linePath: string | undefined): { plant?: PlantFile; line?: LineFile; linePath?: string } {
  const plant = plantPath !== undefined ? loadPlantFile(plantPath) : undefined;
  const lp = linePath ?? plant?.line;
  const line = lp !== undefined ? loadLineFile(lp) : undefined;
  return { ...(plant ? { plant } : {}), ...(line ? { line } : {}), ...(lp !== undefined ? { linePath: lp } : {}) };
}

/** Run `history <sub> ...`; returns the exit code. */
export async function historyCommand(argv: readonly string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: { plant: { type: 'string' }, line: { type: 'string' }, out: { type: 'string' }, data: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (err) {
    console.error(`twinloop history: ${(err as Error).message}\n${HISTORY_USAGE}`);
    return 2;
  }
  if (values.help) {
    out.write(`${HISTORY_USAGE}\n`);
    return 0;
  }
  if (positionals[0] !== 'check' || positionals.length !== 2) {
    console.error(`twinloop history: expected "history check HISTORY"\n${HISTORY_USAGE}`);
    return 2;
  }
  try {
    const { plant, line } = loadPlantAndLine(values.plant, values.line);
    const history = loadHistory(positionals[1]!, { ...(plant ? { plant } : {}), ...(line ? { line } : {}), ...(values.data ? { dataDir: values.data } : {}) });
    const report = checkHistory(history, tagMapOf(plant, line));
    const dir = values.out ?? 'history-check';
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'history-check.json'), `${JSON.stringify(report, null, 1)}\n`);
    writeFileSync(join(dir, 'history-check.html'), readinessHtml(report));
    out.write(`twinloop history check: ${report.source} (${report.format}; ${report.notes.join('; ')}), ${report.span.toFixed(1)} s, ${report.tags.length} tags\n`);
    const w = Math.max(8, ...report.tags.map((t) => t.signal.length));
    for (const t of report.tags) out.write(`  ${t.signal.padEnd(w)}  ${t.role.padEnd(8)}  ${(t.verdict === 'usable' ? 'usable with limits' : t.verdict).padEnd(18)}  ${t.rateHz.toFixed(1)} Hz  ${t.reasons.join('; ')}\n`);
    for (const c of [...report.inputs, ...report.compared]) if (c.verdict === 'missing') out.write(`  ${c.signal.padEnd(w)}  ${c.role.padEnd(8)}  missing             the history has no tag for it\n`);
    if (report.unmapped.length) out.write(`  unmapped tags (not in the plant's tag map): ${report.unmapped.join(', ')}\n`);
    out.write(`verdict: ${report.verdict === 'usable' ? 'usable with limits' : report.verdict}${report.unfitNeeded.length ? ` (needed tags unfit or missing: ${report.unfitNeeded.join(', ')})` : ''}\nreport: ${resolve(dir, 'history-check.html')}\n`);
    return report.unfitNeeded.length ? 1 : 0;
  } catch (err) {
    if (err instanceof ConfigError) for (const issue of err.issues) console.error(formatIssue(issue));
    else console.error(`twinloop history: ${(err as Error).message}`);
    return 2;
  }
}
