// Forcing signals (engineer): POST /api/signals/:name/force { value, confirm } and DELETE to
// release. The name must be in the catalog and the value must fit the signal's type (bool 0/1,
// int a safe integer, real finite and bounded) before anything is audited or sent to the run.
// A run without force/release answers 501 HMI_UNSUPPORTED.

import type { FastifyInstance } from 'fastify';
import { TwinloopError } from '../../core/errors.ts';
import type { SnapshotInfo } from '../../core/signals.ts';
import type { CatalogEntry } from '../protocol.ts';
import type { ServerContext } from './context.ts';
import { carryOut } from './privileged.ts';

/** Largest magnitude a forced real may have: beyond any physical unit the model uses. */
export const FORCE_REAL_LIMIT = 1e12;

const nameParam = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1, maxLength: 200 } },
  additionalProperties: false,
} as const;

const forceBody = {
  type: 'object',
  required: ['value'],
  properties: { value: { anyOf: [{ type: 'number' }, { type: 'boolean' }] }, confirm: { type: 'boolean' } },
  additionalProperties: false,
} as const;

const releaseBody = {
  type: 'object',
  properties: { confirm: { type: 'boolean' } },
  additionalProperties: false,
} as const;

/** Check a value against a catalog entry's type; returns the number to force. @throws SIG_TYPE */
export function checkForceValue(entry: CatalogEntry, raw: number | boolean): number {
  const v = typeof raw === 'boolean' ? (raw ? 1 : 0) : raw;
  if (!Number.isFinite(v)) throw new TwinloopError('SIG_TYPE', `${entry.name}: value must be a finite number`);
  if (entry.type === 'bool' && v !== 0 && v !== 1) throw new TwinloopError('SIG_TYPE', `${entry.name} is bool: value must be 0, 1, true or false`);
  if (entry.type === 'int' && !Number.isSafeInteger(v)) throw new TwinloopError('SIG_TYPE', `${entry.name} is int: value must be an integer`);
  if (entry.type === 'real' && Math.abs(v) > FORCE_REAL_LIMIT) throw new TwinloopError('SIG_TYPE', `${entry.name}: |value| must be <= ${FORCE_REAL_LIMIT}`);
  return v;
}

export function forceRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { run } = ctx;
  // A Map: a client-sent "__proto__" or "constructor" is a miss, not Object.prototype.
  const byName = new Map<string, CatalogEntry>(ctx.catalog.map((e) => [e.name, e]));
  const entryOf = (name: string): CatalogEntry => {
    const e = byName.get(name);
    if (e === undefined) throw new TwinloopError('SIG_UNKNOWN', `no signal ${JSON.stringify(name.slice(0, 100))} in the catalog`);
    return e;
  };
  const current = (id: number): number | undefined => {
    const values = new Float64Array(run.table.size);
    const info: SnapshotInfo = { tick: 0, time: 0 };
    return run.table.snapshot(values, info) ? values[id] : undefined;
  };
  const unsupported = (what: string): TwinloopError => new TwinloopError('HMI_UNSUPPORTED', `this run does not implement ${what}`);

  app.post<{ Params: { name: string }; Body: { value: number | boolean; confirm?: boolean } }>(
    '/api/signals/:name/force',
    { schema: { params: nameParam, body: forceBody } },
    async (request) => {
      const entry = entryOf(request.params.name);
      const value = checkForceValue(entry, request.body.value);
      if (typeof run.force !== 'function') throw unsupported('force');
      await carryOut(ctx, request, { action: 'signal.force', target: entry.name, old: current(entry.id), new: value, confirm: true, write: true }, () => run.force!(entry.name, value, request.identity?.user));
      ctx.statusChanged(); // every page shows the force now, not at the next periodic status
      return { signal: entry.name, forced: value };
    },
  );

  app.delete<{ Params: { name: string }; Body: { confirm?: boolean } | undefined }>(
    '/api/signals/:name/force',
    {
      schema: { params: nameParam, body: releaseBody },
      // Confirmation may come as a header with no body at all.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request) => {
      const entry = entryOf(request.params.name);
      if (typeof run.release !== 'function') throw unsupported('release');
      await carryOut(ctx, request, { action: 'signal.release', target: entry.name, old: current(entry.id), confirm: true, write: true }, () => run.release!(entry.name));
      ctx.statusChanged();
      return { signal: entry.name, forced: null };
    },
  );

  // Release every force at once (the Forced panel's "Release all"): one audited release each,
  // so the log says what was released, as if released one by one.
  app.delete<{ Body: { confirm?: boolean } | undefined }>(
    '/api/forces',
    {
      schema: { body: releaseBody },
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request) => {
      if (typeof run.release !== 'function') throw unsupported('release');
      const released: string[] = [];
      for (const f of run.status().forces ?? []) {
        const entry = entryOf(f.signal);
        await carryOut(ctx, request, { action: 'signal.release', target: entry.name, old: current(entry.id), confirm: true, write: true }, () => run.release!(entry.name));
        released.push(entry.name);
      }
      ctx.statusChanged();
      return { released };
    },
  );
}
