// `twinloop test FILES...`: run scenario files (or folders of them) against the built-in
// controller, serially or in a piscina pool, with a progress line per scenario, a summary,
// a JUnit XML and an HTML report; exit code 1 when any scenario failed or could not be loaded.

import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { UsageError } from './args.ts';
import { runSuite, scenarioFiles } from '../scenario/suite.ts';

export const TEST_USAGE = `usage: twinloop test FILE|DIR... [--program P] [--threads N | --serial] [--out DIR] [--quiet]

  FILE|DIR      scenario files (YAML); a folder means its *.yaml files
  --program P   built-in program to test instead of each file's (e.g. a candidate version)
  --threads N   pool threads (default: ${availableParallelism()}, the available parallelism)
  --serial      run in this thread, one after the other
  --out DIR     reports and result directories (default scenario-results)
  --quiet       no progress lines, only the summary`;

/** Run the command; returns the process exit code. */
export async function testCommand(argv: readonly string[], out: NodeJS.WriteStream = process.stdout): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      program: { type: 'string' },
      threads: { type: 'string' },
      serial: { type: 'boolean' },
      out: { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    out.write(`${TEST_USAGE}\n`);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError(`test needs scenario files or folders\n${TEST_USAGE}`);
  const threads = values.serial ? 1 : values.threads !== undefined ? Number(values.threads) : availableParallelism();
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new UsageError(`--threads must be an integer from 1 to 64, got ${JSON.stringify(values.threads)}`);
  const files = scenarioFiles(positionals);
  if (files.length === 0) throw new UsageError(`no scenario files (*.yaml) in ${positionals.join(' ')}`);
  const outDir = values.out ?? 'scenario-results';
  out.write(`twinloop test: ${files.length} scenario(s), ${threads <= 1 ? 'serial' : `pool of ${Math.min(threads, files.length)} threads`}${values.program ? `, program ${values.program}` : ''}\n`);
  const suite = await runSuite(files, {
    threads,
    ...(values.program !== undefined ? { program: values.program } : {}),
    outDir,
    ...(values.quiet ? {} : { progress: out }),
  });
  const simS = suite.results.reduce((s, r) => s + r.simTime, 0);
  out.write(`\n${suite.passed} passed, ${suite.failed} failed, ${suite.errors} errors in ${(suite.wallMs / 1000).toFixed(2)} s wall (${simS.toFixed(0)} s simulated)\n`);
  out.write(`reports: ${suite.junitPath}\n         ${suite.htmlPath}\n`);
  return suite.failed + suite.errors > 0 ? 1 : 0;
}
