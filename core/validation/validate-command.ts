// `twinloop model validate --line L --plant P --history H [--from S --to S] [--thresholds FILE]
// [--out DIR] [--no-resync]`: the model against history (validate.ts); writes validation.html,
// validation.json and validation.junit.xml; exit 1 when a signal fails, 2 on a bad command line
// or file. Loaded lazily by core/cli/main.ts (`model validate`).

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, formatIssue } from '../config/config-error.ts';
import { lineSignals } from '../../physics/model.ts';
import { loadPlantAndLine } from '../history/history-command.ts';
import { loadThresholds } from './thresholds.ts';
import { validateModelDetailed } from './validate.ts';
import { validationHtml, validationJunit } from './validation-report.ts';

export const VALIDATE_USAGE = `usage: twinloop model validate --plant FILE --history H [--line FILE] [--from S] [--to S] [--thresholds FILE] [--out DIR] [--no-resync] [--data DIR]
  --plant       plant file (tag map; its line unless --line; its shadow re-sync rules)
  --history     recording folder or id, or historian CSV (see twinloop history check --help)
  --from/--to   validation window, seconds from the history's start (default: all; the model
                runs from the start either way, so it enters the window in the line's state)
  --thresholds  validation YAML (schema core/validation/validation.schema.json; default ASHRAE
                Guideline 14 hourly criteria for analog signals, 0.03 s p95 edge error ...)
  --out         folder for validation.html, validation.json, validation.junit.xml (default validation-results)
  --no-resync   do not apply the plant's shadow re-sync rules while replaying
Exit 1 when a signal fails; 2 on a bad command line or file.`;

export async function validateCommand(argv: readonly string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      allowPositionals: false,
      strict: true,
      options: {
        line: { type: 'string' },
        plant: { type: 'string' },
        history: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        thresholds: { type: 'string' },
        out: { type: 'string' },
        data: { type: 'string' },
        'no-resync': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    console.error(`twinloop model validate: ${(err as Error).message}\n${VALIDATE_USAGE}`);
    return 2;
  }
  if (values.help) {
    out.write(`${VALIDATE_USAGE}\n`);
    return 0;
  }
  const num = (name: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    const v = Number(text);
    if (text.trim() === '' || !Number.isFinite(v) || v < 0) throw new Error(`--${name} must be seconds from the history's start (>= 0), got ${JSON.stringify(text)}`);
    return v;
  };
  try {
    if (values.history === undefined || (values.plant === undefined && values.line === undefined)) throw new Error(`needs --history and --plant (or --line)\n${VALIDATE_USAGE}`);
    const from = num('from', values.from);
    const to = num('to', values.to);
    const { plant, line, linePath } = loadPlantAndLine(values.plant, values.line);
    if (!line) throw new Error('the plant file names no line: give --line');
    const names = new Set(lineSignals(line).map((d) => d.name));
    const thresholds = values.thresholds !== undefined ? loadThresholds(values.thresholds, (s) => names.has(s)) : undefined;
    const { report, traces } = await validateModelDetailed({
      line,
      ...(linePath ? { linePath } : {}),
      ...(plant ? { plant } : {}),
      ...(values.plant ? { plantPath: values.plant } : {}),
      history: values.history,
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
      ...(thresholds ? { thresholds } : {}),
      resync: values['no-resync'] !== true,
      ...(values.data ? { dataDir: values.data } : {}),
    });
    const dir = values.out ?? 'validation-results';
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'validation.json'), `${JSON.stringify(report, null, 1)}\n`);
    writeFileSync(join(dir, 'validation.html'), validationHtml(report, traces));
    writeFileSync(join(dir, 'validation.junit.xml'), validationJunit(report));
    out.write(`twinloop model validate: ${report.line.name} against ${report.history.source}, ${report.window.from.toFixed(1)}–${report.window.to.toFixed(1)} s (${report.model.steps} model steps in ${(report.model.replayMs / 1000).toFixed(2)} s)\n`);
    const w = Math.max(8, ...report.signals.map((s) => s.signal.length));
    for (const s of report.signals) out.write(`  ${s.signal.padEnd(w)}  ${s.class.padEnd(8)}  ${s.status.padEnd(7)}  ${s.reason}\n`);
    out.write(`verdict: ${report.verdict.toUpperCase()} (${report.summary.passed} passed, ${report.summary.failed} failed, ${report.summary.skipped} skipped)\nreports: ${resolve(dir, 'validation.html')}\n         ${resolve(dir, 'validation.json')}\n         ${resolve(dir, 'validation.junit.xml')}\n`);
    return report.verdict === 'pass' ? 0 : 1;
  } catch (err) {
    if (err instanceof ConfigError) for (const issue of err.issues) console.error(formatIssue(issue));
    else console.error(`twinloop model validate: ${(err as Error).message}`);
    return 2;
  }
}
