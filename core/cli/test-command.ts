// `twinloop test FILES...`: run scenario files (or folders of them) against the built-in
// controller, serially or in a piscina pool, with a progress line per scenario, a summary,
// a JUnit XML and an HTML report; exit code 1 when any scenario failed or could not be loaded.

import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { UsageError } from './args.ts';
import { runSuite, scenarioFiles } from '../scenario/suite.ts';
import { runStTestFile, stTestFiles } from '../scenario/st-unit-tests.ts';
import { absoluteSpec } from '../../plc-adapters/sim/program-source.ts';
import { parseQueueUrl, queueLabel } from '../queue/queue-address.ts';
import { suiteOnQueue } from '../queue/queue-runs.ts';

export const TEST_USAGE = `usage: twinloop test FILE|DIR... [--program P] [--threads N | --serial] [--out DIR] [--quiet]
                     [--queue redis://HOST:PORT]

  FILE|DIR      scenario files (YAML) and ST unit tests (*.test.st); a folder means its
                *.yaml files and the *.test.st files under it
  --program P   program to test instead of each file's (e.g. a candidate version): an ST
                file, several joined by commas, a folder, or a built-in name
  --threads N   pool threads (default: ${availableParallelism()}, the available parallelism)
  --serial      run in this thread, one after the other
  --out DIR     reports and result directories (default scenario-results)
  --quiet       no progress lines, only the summary
  --queue URL   run the scenarios on the workers of this Redis job queue (\`twinloop worker --queue URL\`
                on each machine) instead of the local pool; queue progress on stderr, the same reports`;

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
      queue: { type: 'string' },
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
  const files = scenarioFiles(positionals.filter((p) => !/\.test\.st$/i.test(p)));
  const unitFiles = stTestFiles(positionals);
  if (files.length === 0 && unitFiles.length === 0) throw new UsageError(`no scenario files (*.yaml) or ST unit tests (*.test.st) in ${positionals.join(' ')}`);
  const outDir = values.out ?? 'scenario-results';
  const program = values.program !== undefined ? absoluteSpec(values.program, process.cwd()) : undefined;
  const parts = [files.length ? `${files.length} scenario(s)` : '', unitFiles.length ? `${unitFiles.length} ST unit test file(s)` : ''].filter(Boolean);
  const connection = values.queue !== undefined ? parseQueueUrl(values.queue) : undefined;
  out.write(`twinloop test: ${parts.join(' and ')}, ${connection ? `job queue ${queueLabel(connection)}` : threads <= 1 ? 'serial' : `pool of ${Math.min(threads, Math.max(1, files.length))} threads`}${values.program ? `, program ${values.program}` : ''}\n`);
  const suite = await runSuite(files, {
    threads,
    ...(connection ? { execute: suiteOnQueue({ connection, progress: process.stderr }) } : {}),
    extra: () => unitFiles.flatMap((f) => runStTestFile(f, program)),
    ...(program !== undefined ? { program } : {}),
    outDir,
    ...(values.quiet ? {} : { progress: out }),
  });
  const simS = suite.results.reduce((s, r) => s + r.simTime, 0);
  out.write(`\n${suite.passed} passed, ${suite.failed} failed, ${suite.errors} errors in ${(suite.wallMs / 1000).toFixed(2)} s wall (${simS.toFixed(0)} s simulated)\n`);
  out.write(`reports: ${suite.junitPath}\n         ${suite.htmlPath}\n`);
  return suite.failed + suite.errors > 0 ? 1 : 0;
}
