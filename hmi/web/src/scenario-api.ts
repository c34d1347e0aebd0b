// The page's side of the scenario API: list the scenario files, start a run (engineer), poll
// runs for progress. Types mirror core/scenario/scenario-runs.ts; the server checks the role.

export interface ScenarioEntry {
  file: string;
  name: string;
  description?: string;
  steps: number;
  error?: string;
}

export interface StepVerdict {
  index: number;
  label: string;
  status: 'passed' | 'failed' | 'skipped';
  start: number;
  end: number;
  message?: string;
}

export interface ScenarioRunView {
  id: number;
  file: string;
  program?: string;
  user: string | null;
  state: 'queued' | 'running' | 'passed' | 'failed' | 'error';
  queuedAt: number;
  finishedAt?: number;
  progress: { time: number; step: number; steps: number };
  message?: string;
  steps?: StepVerdict[];
  wallMs?: number;
}

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(path, { credentials: 'same-origin', ...init });
  const body = (await res.json().catch(() => ({}))) as T & { message?: string };
  if (!res.ok) throw new Error(body.message ?? `${res.status} ${res.statusText}`);
  return body;
}

export const listScenarios = (): Promise<{ dir: string; scenarios: ScenarioEntry[]; programs: string[] }> => call('/api/scenarios');
export const listRuns = async (): Promise<ScenarioRunView[]> => (await call<{ runs: ScenarioRunView[] }>('/api/scenarios/runs')).runs;
export const startRun = (file: string, program?: string): Promise<ScenarioRunView> =>
  call('/api/scenarios/runs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(program ? { file, program } : { file }) });
export const reportUrl = (id: number): string => `/api/scenarios/runs/${id}/report`;
