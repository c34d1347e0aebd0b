// `twinloop check FILE|DIR...`: compile Structured Text (or PLCopen XML / TwinCAT files) without
// running it. Prints every error and warning as file:line:col with the source line and a caret;
// exit 1 on any error. `--emit` prints the generated JavaScript.

import { parseArgs } from 'node:util';
import { compileSpec } from '../../plc-adapters/sim/program-source.ts';
import { formatDiagnostics } from '../../plc-adapters/st/diagnostics.ts';

export async function checkCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: { emit: { type: 'boolean' } } });
  if (positionals.length === 0) {
    console.error('usage: twinloop check FILE|DIR... [--emit]');
    return 2;
  }
  // Relative paths stay as given, so messages print them as typed and an editor jumps to file:line:col.
  const r = compileSpec(positionals.join(','));
  const errors = r.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = r.diagnostics.length - errors;
  if (r.diagnostics.length > 0) console.error(formatDiagnostics(r.diagnostics));
  if (values.emit && r.js !== null) console.log(r.js);
  const prog = r.program;
  const summary = prog
    ? `${positionals.join(', ')}: ok — ${prog.programNames.filter((n) => !n.startsWith('TEST_')).join(', ') || 'no PROGRAM'}; ${prog.io.inputs.length} inputs, ${prog.io.outputs.length} outputs${warnings ? `; ${warnings} warning${warnings > 1 ? 's' : ''}` : ''}`
    : `${positionals.join(', ')}: ${errors} error${errors === 1 ? '' : 's'}${warnings ? `, ${warnings} warning${warnings > 1 ? 's' : ''}` : ''}`;
  console.error(summary);
  return errors > 0 ? 1 : 0;
}
