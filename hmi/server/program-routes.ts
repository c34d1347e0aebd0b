// The online view of the built-in controller's Structured Text program, as CODESYS and TwinCAT
// offer it: GET /api/program (RUN/STOP, the fault that stopped it, active forces) and
// GET /api/program/vars?path= (the instance tree below a path, values as IEC literal text) for
// viewers; POST /api/program/vars (write once or force a value typed as text) and
// DELETE /api/program/forces (release one force or all) for engineers, confirmed and audited
// through carryOut like signal forces. The path is checked against the program before anything
// is audited; the value is parsed by the program itself (a bad one is audited as failed).
// A run whose controller is not an ST program answers 501 HMI_UNSUPPORTED (GET /api/program
// answers `program: null`).

import type { FastifyInstance } from 'fastify';
import type { ProgramOnline, ProgramState } from '../../core/engine/run-control.ts';
import { TwinloopError } from '../../core/errors.ts';
import type { OnlineVar } from '../../plc-adapters/st/st-program.ts';
import type { ServerContext } from './context.ts';
import { carryOut } from './privileged.ts';

/** Longest variable path and value text accepted (a STRING literal is at most 255 characters). */
export const PROGRAM_PATH_MAX = 200;
export const PROGRAM_VALUE_MAX = 300;

/** Answer of GET /api/program. */
export interface ProgramResponse {
  program: ProgramState | null;
  forces: { path: string; text: string }[];
}

const varsQuery = {
  type: 'object',
  properties: { path: { type: 'string', minLength: 1, maxLength: PROGRAM_PATH_MAX } },
  additionalProperties: false,
} as const;

const setBody = {
  type: 'object',
  required: ['path', 'value'],
  properties: {
    path: { type: 'string', minLength: 1, maxLength: PROGRAM_PATH_MAX },
    value: { type: 'string', minLength: 1, maxLength: PROGRAM_VALUE_MAX },
    force: { type: 'boolean' },
    confirm: { type: 'boolean' },
  },
  additionalProperties: false,
} as const;

const releaseBody = {
  type: 'object',
  properties: {
    path: { type: 'string', minLength: 1, maxLength: PROGRAM_PATH_MAX },
    confirm: { type: 'boolean' },
  },
  additionalProperties: false,
} as const;

/** `A.b[2].c` -> `A.b[2]`, `A.b[2]` -> `A.b`, `A` -> undefined (the root listing). */
export function parentPath(path: string): string | undefined {
  const m = /^(.*?)\s*(?:\[[^\]]*\]|\.\s*[A-Za-z0-9_]+)\s*$/.exec(path);
  return m !== null && m[1] !== '' ? m[1] : undefined;
}

/** How paths compare: IEC names ignore case, and `a[ 1 ]` is `a[1]`. */
const samePath = (a: string, b: string): boolean => a.replace(/\s+/g, '').toUpperCase() === b.replace(/\s+/g, '').toUpperCase();

/**
 * The text the program is given. A STRING reads as an IEC literal ('text') but the program takes
 * the characters themselves, so a value typed (or copied) as a literal loses its quotes here;
 * anything else is trimmed.
 */
export function valueText(row: OnlineVar | undefined, value: string): string {
  if (row !== undefined && /^W?STRING\b/i.test(row.type)) {
    const quoted = /^\s*(['"])(.*)\1\s*$/s.exec(value);
    return quoted !== null ? quoted[2]! : value;
  }
  return value.trim();
}

export function programRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { run } = ctx;
  const online = (): ProgramOnline => {
    const p = run.program;
    if (p === undefined) throw new TwinloopError('HMI_UNSUPPORTED', "this run's controller is not a Structured Text program, so it has no online view (start it with --program FILE.st, or program: in the line file)");
    return p;
  };
  /** The ST program's RUN/STOP state as the run reports it (the first controller that has one). */
  const state = (): ProgramState | null => run.status().controllers.find((c) => c.program !== undefined)?.program ?? null;
  /**
   * The variable's row as its parent lists it (its current value and kind), after checking the
   * path names a variable: the program's own PLC_TAG_UNKNOWN, before anything is audited.
   * Undefined for a path its parent does not list (a bit of an integer, a bare global).
   */
  const rowOf = async (p: ProgramOnline, path: string): Promise<OnlineVar | undefined> => {
    const row = (await p.children(parentPath(path))).find((r) => samePath(r.path, path));
    // Not listed: an unknown name (the program says which, with a "did you mean"), or a path it
    // takes that no listing shows (a bit of an integer).
    if (row === undefined) await p.children(path);
    return row;
  };

  app.get('/api/program', async (): Promise<ProgramResponse> => ({ program: state(), forces: run.program ? [...(await run.program.forces())] : [] }));

  app.get<{ Querystring: { path?: string } }>('/api/program/vars', { schema: { querystring: varsQuery } }, async (request): Promise<OnlineVar[]> => online().children(request.query.path));

  app.post<{ Body: { path: string; value: string; force?: boolean; confirm?: boolean } }>('/api/program/vars', { schema: { body: setBody } }, async (request) => {
    const p = online();
    const path = request.body.path.trim();
    const value = request.body.value;
    const force = request.body.force === true;
    const row = await rowOf(p, path);
    if (row !== undefined && row.kind !== 'scalar') {
      throw new TwinloopError('PLC_TAG_TYPE', `${row.path} is ${row.kind === 'fb' ? 'an instance of' : 'a'} ${row.type} (${row.kind}): write or force its elements one by one`);
    }
    const text = valueText(row, value);
    await carryOut(ctx, request, { action: force ? 'program.force' : 'program.write', target: path, old: row?.value, new: text, confirm: true, write: true }, () => p.set(path, text, force));
    return { path, value: text, forced: force };
  });

  app.delete<{ Body: { path?: string; confirm?: boolean } | undefined }>(
    '/api/program/forces',
    {
      schema: { body: releaseBody },
      // Confirmation may come as a header with no body at all (release all).
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request) => {
      const p = online();
      const path = request.body?.path?.trim();
      const forces = await p.forces();
      if (path === undefined) {
        await carryOut(ctx, request, { action: 'program.release', target: '(all)', old: forces.map((f) => `${f.path} := ${f.text}`), confirm: true, write: true }, () => p.release());
        return { released: forces.map((f) => f.path) };
      }
      await rowOf(p, path);
      const was = forces.find((f) => samePath(f.path, path));
      await carryOut(ctx, request, { action: 'program.release', target: path, old: was?.text, confirm: true, write: true }, () => p.release(was?.path ?? path));
      return { released: was !== undefined ? [was.path] : [] };
    },
  );
}
