// The JUnit XML report of a suite, as CI servers read it: one <testsuite>, one <testcase> per
// scenario, a <failure> naming the failed step (or KPI) and its message, an <error> for a
// scenario file that could not be loaded, per-step verdicts in <system-out>.

import type { ScenarioResult } from './runner.ts';

/** XML text escaping, including characters XML 1.0 does not allow at all. */
export function xmlEscape(s: string): string {
  return s
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function stepLines(r: ScenarioResult): string {
  const lines = r.steps.map((s) => `${s.status.padEnd(7)} t=${s.start.toFixed(3)}..${s.end.toFixed(3)} s  ${s.label}${s.message ? `\n        ${s.message}` : ''}`);
  for (const k of r.kpis) lines.push(`${k.status.padEnd(7)} kpi ${k.name} = ${k.value ?? 'n/a'}${k.message ? `: ${k.message}` : ''}`);
  return lines.join('\n');
}

/** The report; `suiteName` is the <testsuite> name. */
export function junitXml(results: readonly ScenarioResult[], suiteName: string, wallMs: number): string {
  const failures = results.filter((r) => r.status === 'failed').length;
  const errors = results.filter((r) => r.status === 'error').length;
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(`<testsuites name="twinloop" tests="${results.length}" failures="${failures}" errors="${errors}" time="${(wallMs / 1000).toFixed(3)}">`);
  out.push(`  <testsuite name="${xmlEscape(suiteName)}" tests="${results.length}" failures="${failures}" errors="${errors}" skipped="0" time="${(wallMs / 1000).toFixed(3)}" timestamp="${new Date().toISOString().slice(0, 19)}">`);
  for (const r of results) {
    const attrs = `name="${xmlEscape(r.name)}" classname="${xmlEscape(`scenarios.${r.program || 'unknown'}`)}" file="${xmlEscape(r.file)}" time="${(r.wallMs / 1000).toFixed(3)}"`;
    out.push(`    <testcase ${attrs}>`);
    if (r.status === 'failed') {
      const step = r.steps.find((s) => s.status === 'failed');
      const where = step ? `step ${step.index + 1}${step.line !== undefined ? ` (line ${step.line})` : ''}: ${step.label}` : `kpi ${r.kpis.find((k) => k.status === 'failed')?.name ?? ''}`;
      out.push(`      <failure message="${xmlEscape(`${where}: ${r.message ?? ''}`)}" type="${step ? 'StepFailed' : 'KpiFailed'}">${xmlEscape(`${where}\n${r.message ?? ''}`)}</failure>`);
    } else if (r.status === 'error') {
      out.push(`      <error message="${xmlEscape((r.message ?? '').split('\n')[0]!)}" type="ScenarioError">${xmlEscape(r.message ?? '')}</error>`);
    }
    out.push(`      <system-out>${xmlEscape(`program ${r.program}, seed ${r.seed}, ${r.simTime.toFixed(3)} s simulated\n${stepLines(r)}`)}</system-out>`);
    out.push('    </testcase>');
  }
  out.push('  </testsuite>', '</testsuites>', '');
  return out.join('\n');
}
