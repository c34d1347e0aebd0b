// User administration over REST (admin only, per the matrix): list, add, change role or
// password, remove. Every change is audited write-ahead (never the password itself) and a
// changed or removed user's sessions end at once. The last admin cannot be removed or demoted:
// checked early here for a clean answer, and again by the user store in the same synchronous
// step as the change, so parallel demotions cannot all pass the check (the store's is the one
// that counts).

import type { FastifyInstance } from 'fastify';
import { ROLES, type Role } from '../../core/auth/roles.ts';
import type { UserInfo } from '../../core/auth/user-store.ts';
import { TwinloopError } from '../../core/errors.ts';
import type { ServerContext } from './context.ts';
import { carryOut } from './privileged.ts';

const nameParam = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1, maxLength: 64 } },
  additionalProperties: false,
} as const;

const addBody = {
  type: 'object',
  required: ['name', 'role', 'password'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 64 },
    role: { type: 'string', enum: ROLES },
    password: { type: 'string', minLength: 1, maxLength: 256 },
  },
  additionalProperties: false,
} as const;

const changeBody = {
  type: 'object',
  minProperties: 1,
  properties: {
    role: { type: 'string', enum: ROLES },
    password: { type: 'string', minLength: 1, maxLength: 256 },
  },
  additionalProperties: false,
} as const;

export function userRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { auth } = ctx;
  const lastAdmin = (name: string): boolean => auth.users.list().filter((u) => u.role === 'admin').every((u) => u.name === name);

  app.get('/api/users', async (): Promise<{ users: UserInfo[] }> => ({ users: auth.users.list() }));

  app.post<{ Body: { name: string; role: Role; password: string } }>('/api/users', { schema: { body: addBody } }, async (request, reply) => {
    const { name, role, password } = request.body;
    const user = await carryOut(ctx, request, { action: 'user.add', target: name, new: { role } }, () => auth.users.add(name, role, password));
    return reply.code(201).send(user);
  });

  app.put<{ Params: { name: string }; Body: { role?: Role; password?: string } }>(
    '/api/users/:name',
    { schema: { params: nameParam, body: changeBody } },
    async (request): Promise<UserInfo> => {
      const { name } = request.params;
      const { role, password } = request.body;
      const before = auth.users.get(name);
      if (before === undefined) throw new TwinloopError('USER_UNKNOWN', `no user ${name}`);
      if (role !== undefined && role !== 'admin' && before.role === 'admin' && lastAdmin(name)) {
        throw new TwinloopError('USER_INVALID', `${name} is the last admin; add another admin first`);
      }
      const action = role !== undefined ? 'user.role' : 'user.passwd';
      const change = { ...(role !== undefined ? { role } : {}), ...(password !== undefined ? { password: '(changed)' } : {}) };
      return carryOut(ctx, request, { action, target: name, old: { role: before.role }, new: change }, async () => {
        // One write for both: the password is hashed first, then guard and change run together.
        const out = await auth.users.change(name, { ...(role !== undefined ? { role } : {}), ...(password !== undefined ? { password } : {}) });
        auth.revokeUser(name);
        return out;
      });
    },
  );

  app.delete<{ Params: { name: string } }>('/api/users/:name', { schema: { params: nameParam } }, async (request, reply) => {
    const { name } = request.params;
    const before = auth.users.get(name);
    if (before === undefined) throw new TwinloopError('USER_UNKNOWN', `no user ${name}`);
    if (before.role === 'admin' && lastAdmin(name)) throw new TwinloopError('USER_INVALID', `${name} is the last admin; add another admin first`);
    await carryOut(ctx, request, { action: 'user.remove', target: name, old: { role: before.role } }, async () => {
      auth.users.remove(name);
      auth.revokeUser(name);
    });
    return reply.code(204).send();
  });
}
