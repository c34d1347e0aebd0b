// The page's side of the sweep API (hmi/server/sweep-routes.ts): list the sweep files, run one
// (engineer), poll the runs, and the address of a run's report (optionally with two points).

import { apiRequest } from './api-request.ts';

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

export const listSweeps = (): Promise<{ dir: string; sweeps: SweepEntry[] }> => apiRequest('GET', '/api/sweeps');
export const listSweepRuns = async (): Promise<SweepRunView[]> => (await apiRequest<{ runs: SweepRunView[] }>('GET', '/api/sweeps/runs')).runs;
export const startSweep = (file: string): Promise<SweepRunView> => apiRequest('POST', '/api/sweeps/runs', { file });
export const sweepReportUrl = (id: number, pair?: readonly [number, number]): string => `/api/sweeps/runs/${id}/report${pair ? `?a=${pair[0]}&b=${pair[1]}` : ''}`;
