// The page's side of the alarm API: typed calls to /api/alarms*, and how alarm times and
// priorities read. Times are on the alarm manager's clock (ms); `now` comes with every list,
// so ages are differences on that clock, whatever it is (wall clock in live runs).

import { isoTime } from './format.ts';
import type { AlarmKpis } from '../../../core/alarms/alarm-kpi.ts';
import type { AlarmEventView, AlarmView } from '../../../core/alarms/alarm-view.ts';
import type { AlarmsResponse } from '../../server/alarm-routes.ts';
import { ApiError, apiRequest } from './api-request.ts';

export type { AlarmEventView, AlarmKpis, AlarmsResponse, AlarmView };

export const PRIORITY_NAMES: Readonly<Record<number, string>> = { 1: 'critical', 2: 'high', 3: 'medium', 4: 'low' };

export const STATE_LABELS: Readonly<Record<string, string>> = {
  normal: 'normal',
  'active-unacknowledged': 'active, unacknowledged',
  'active-acknowledged': 'active, acknowledged',
  'returned-unacknowledged': 'returned, unacknowledged',
  shelved: 'shelved',
  'suppressed-by-design': 'suppressed by design',
  'out-of-service': 'out of service',
};

/** Alarm views print the server's code beside its message. */
async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  try {
    return await apiRequest<T>(method, path, body);
  } catch (err) {
    throw err instanceof ApiError ? new Error(`${err.code} — ${err.message}`) : err;
  }
}

export const fetchAlarms = (): Promise<AlarmsResponse> => request('GET', '/api/alarms');
export const fetchHistory = (limit: number): Promise<{ events: AlarmEventView[] }> => request('GET', `/api/alarms/history?limit=${limit}`);
export const fetchKpi = (): Promise<AlarmKpis> => request('GET', '/api/alarms/kpi');

export type AlarmAction = 'ack' | 'shelve' | 'unshelve' | 'out-of-service' | 'return-to-service' | 'comment';

export function postAlarmAction(id: number, action: AlarmAction, note: string, minutes?: number): Promise<AlarmView> {
  return request('POST', `/api/alarms/${id}/${action}`, { note, ...(minutes !== undefined ? { minutes } : {}) });
}

/** "42 s", "3 min", "2 h 05 min", "3 d 4 h". */
export function formatAge(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${String(m % 60).padStart(2, '0')} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** A manager-clock time as a time of day when it is wall-clock ms, else as seconds of run time. */
export function formatAt(ms: number): string {
  if (ms > 1e12) return isoTime(ms);
  return `t = ${(ms / 1000).toFixed(1)} s`;
}

/** True when the alarm waits for an acknowledgement. */
export function isUnacked(a: AlarmView): boolean {
  return a.state === 'active-unacknowledged' || a.state === 'returned-unacknowledged';
}
