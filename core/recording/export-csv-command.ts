// `twinloop export-csv REC [--from S] [--to S] [--signals a,b] [--items] [--quality] [--out FILE]`:
// write a time range of a recording as CSV to a file or stdout. REC is a recording folder, or
// an id under `--data DIR/recordings` (default ./data). Loaded lazily by core/cli/main.ts.

import { createWriteStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { exportCsv } from './csv-export.ts';
import { Recording } from './reader.ts';

export const EXPORT_CSV_USAGE = `usage: twinloop export-csv REC [--from SECONDS] [--to SECONDS] [--signals NAME,NAME...] [--items] [--quality] [--out FILE] [--data DIR]
  REC        a recording folder, or a recording id in DIR/recordings (default ./data)
  --from/--to  recording time range in seconds (default: all)
  --signals  columns, comma-separated (default: every signal but the item slots)
  --items    also the item slots' columns (items.N.x, .y, .alive, ...: the mimic's item positions)
  --quality  add a q:<name> quality column per signal (0 good, 1 uncertain, 2 bad)
  --out      write to FILE instead of stdout`;

/** The physics' item slot signals (items.<k>.<field>). */
const ITEM_SLOT = /^items\.\d+\./;

/** Run the command; returns the exit code (errors are printed, not thrown). */
export async function exportCsvCommand(argv: readonly string[]): Promise<number> {
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        signals: { type: 'string' },
        quality: { type: 'boolean' },
        items: { type: 'boolean' },
        out: { type: 'string' },
        data: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    console.error(`twinloop export-csv: ${(err as Error).message}\n${EXPORT_CSV_USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(EXPORT_CSV_USAGE);
    return 0;
  }
  if (positionals.length !== 1) {
    console.error(`twinloop export-csv: needs one recording\n${EXPORT_CSV_USAGE}`);
    return 2;
  }
  const num = (name: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    const v = Number(text);
    if (text.trim() === '' || !Number.isFinite(v)) throw new Error(`--${name} must be a number of seconds, got ${JSON.stringify(text)}`);
    return v;
  };
  const ref = positionals[0]!;
  const dir = existsSync(ref) ? ref : join(values.data ?? './data', 'recordings', ref);
  let rec: Recording | undefined;
  try {
    const from = num('from', values.from);
    const to = num('to', values.to);
    rec = Recording.open(dir, { verify: 'tail' });
    if (rec.truncated) console.error(`twinloop export-csv: note: ${rec.truncated.path} ends early at byte ${rec.truncated.offset}: ${rec.truncated.reason}`);
    const chunks = exportCsv(rec, {
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
      // Item slots (hundreds of columns of positions for the mimic) only when asked for.
      signals: values.signals !== undefined ? values.signals.split(',').map((s) => s.trim()).filter((s) => s !== '') : rec.signals.map((s) => s.name).filter((n) => values.items === true || !ITEM_SLOT.test(n)),
      quality: values.quality === true,
    });
    if (values.out !== undefined) await pipeline(Readable.from(chunks), createWriteStream(values.out));
    else await pipeline(Readable.from(chunks), process.stdout, { end: false });
    return 0;
  } catch (err) {
    console.error(`twinloop export-csv: ${(err as Error).message}`);
    return 1;
  } finally {
    rec?.close();
  }
}
