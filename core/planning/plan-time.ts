// Times and durations of a plan file. Every time is seconds from the plan's start (Monday 00:00
// of the planned week); a file may write them as numbers (seconds) or as text a planner reads:
// durations `90s`, `20min`, `8h`, `1h30min`, `2d`; instants `06:00` (day 0), `2d 14:30` (day 2,
// i.e. Wednesday), or a duration from the start.

const UNIT: Readonly<Record<string, number>> = { d: 86400, h: 3600, min: 60, s: 1 };
const DURATION = /^(?:\s*\d+(?:\.\d+)?\s*(?:d|h|min|s)\s*)+$/;
const PART = /(\d+(?:\.\d+)?)\s*(d|h|min|s)/g;
const CLOCK = /^\s*(?:(\d+)\s*d\s+)?(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$/;

/** Seconds of a duration (`20min`, `1h30min`, 90), or undefined when the text is not one. */
export function parseDuration(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v : undefined;
  if (typeof v !== 'string' || !DURATION.test(v)) return undefined;
  let s = 0;
  for (const m of v.matchAll(PART)) s += Number(m[1]) * UNIT[m[2]!]!;
  return s;
}

/** Seconds from the plan start of an instant (`2d 06:00`, `06:00`, `36h`, 7200), or undefined. */
export function parseInstant(v: unknown): number | undefined {
  if (typeof v === 'string') {
    const m = CLOCK.exec(v);
    if (m) {
      const h = Number(m[2]), min = Number(m[3]), sec = Number(m[4] ?? 0);
      if (h > 24 || min > 59 || sec > 59) return undefined;
      return Number(m[1] ?? 0) * 86400 + h * 3600 + min * 60 + sec;
    }
  }
  return parseDuration(v);
}

const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** `Tue 14:30` for t seconds from the plan start (week days repeat). */
export function formatInstant(t: number): string {
  if (!Number.isFinite(t)) return 'never';
  const day = Math.floor(t / 86400);
  const rest = Math.round(t - day * 86400);
  const h = Math.floor(rest / 3600), m = Math.floor((rest % 3600) / 60);
  const week = day >= 7 ? `w${Math.floor(day / 7) + 1} ` : '';
  return `${week}${DAY_NAMES[day % 7]} ${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}

/** `3 h 20 min` for a duration in seconds. */
export function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return 'n/a';
  const sign = s < 0 ? '−' : '';
  // Whole minutes first, so 59.5 min shows as 1 h 0 min, never as 60 min.
  let m = Math.round(Math.abs(s) / 60);
  const d = Math.floor(m / 1440);
  m -= d * 1440;
  const h = Math.floor(m / 60);
  m -= h * 60;
  if (d > 0) return `${sign}${d} d ${h} h`;
  if (h > 0) return `${sign}${h} h ${m} min`;
  return `${sign}${m} min`;
}
