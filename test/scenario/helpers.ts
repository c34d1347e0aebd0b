// Shared by the scenario tests: compile and run scenario text against the demo line.
import { fileURLToPath } from 'node:url';
import { parseScenarioFile } from '../../core/scenario/scenario-file.ts';
import { prepareScenario } from '../../core/scenario/scenario-compile.ts';
import { runScenario, type RunOptions, type ScenarioResult } from '../../core/scenario/runner.ts';

export const DEMO_LINE = fileURLToPath(new URL('../../examples/sorting.yaml', import.meta.url));
export const SUITE = fileURLToPath(new URL('../../examples/scenarios/', import.meta.url));

/** Scenario text with `line:` set to the demo line. */
export function scenario(body: string): string {
  return `name: t\nline: ${DEMO_LINE}\n${body}`;
}

export async function runText(body: string, program?: string, options: RunOptions = {}): Promise<ScenarioResult> {
  const doc = parseScenarioFile('t.yaml', scenario(body));
  return runScenario(await prepareScenario(doc, program ? { program } : {}), options);
}
