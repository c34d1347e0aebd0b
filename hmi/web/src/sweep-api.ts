// The page's side of the sweep API (hmi/server/sweep-routes.ts): list the sweep files, run one
// (engineer), poll the runs, and the address of a run's report (optionally with two points).

export interface SweepEntry {
  file: string;
  name: string;
  points: number;
  params: string[];
  error?: string;
}

export interface SweepRunView {
  id: number;
  file: string;
  name: string;
  user: string | null;
  state: 'queued' | 'running' | 'done' | 'error';
  queuedAt: number;
  finishedAt?: number;
  done: number;
  points: number;
  failed: number;
  message?: string;
  pointList?: { n: number; params: Record<string, string | number | boolean> }[];
}

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(path, { credentials: 'same-origin', ...init });
  const body = (await res.json().catch(() => ({}))) as T & { message?: string };
  if (!res.ok) throw new Error(body.message ?? `${res.status} ${res.statusText}`);
  return body;
}

export const listSweeps = (): Promise<{ dir: string; sweeps: SweepEntry[] }> => call('/api/sweeps');
export const listSweepRuns = async (): Promise<SweepRunView[]> => (await call<{ runs: SweepRunView[] }>('/api/sweeps/runs')).runs;
export const startSweep = (file: string): Promise<SweepRunView> => call('/api/sweeps/runs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ file }) });
export const sweepReportUrl = (id: number, pair?: readonly [number, number]): string => `/api/sweeps/runs/${id}/report${pair ? `?a=${pair[0]}&b=${pair[1]}` : ''}`;
