// Fault injection (engineer): POST /api/faults with a FaultSpec (physics/fault-spec.ts) and
// `confirm: true`, DELETE /api/faults/:id, and GET /api/faults (viewer: everyone watching the
// line should see that a fault is active). Targets are checked against the catalog and the
// layout before anything is audited. A run without the methods answers 501 HMI_UNSUPPORTED.

import type { FastifyInstance } from 'fastify';
import { TwinloopError } from '../../core/errors.ts';
import { COMPONENT_FAULT_KINDS, SIGNAL_FAULT_KINDS, type FaultInfo, type FaultSpec } from '../../physics/fault-spec.ts';
import type { ServerContext } from './context.ts';
import { carryOut } from './privileged.ts';
import { idParam } from './id-param.ts';

const faultBody = {
  type: 'object',
  required: ['target', 'kind'],
  properties: {
    target: { type: 'string', enum: ['signal', 'component'] },
    signal: { type: 'string', minLength: 1, maxLength: 200 },
    component: { type: 'string', minLength: 1, maxLength: 200 },
    kind: { type: 'string', enum: [...SIGNAL_FAULT_KINDS, ...COMPONENT_FAULT_KINDS] },
    value: { type: 'number', minimum: -1e12, maximum: 1e12 },
    severity: { type: 'number', minimum: 0, maximum: 1 },
    confirm: { type: 'boolean' },
  },
  additionalProperties: false,
  if: { properties: { target: { const: 'signal' } } },
  then: { required: ['signal'], not: { anyOf: [{ required: ['component'] }, { required: ['severity'] }] }, properties: { kind: { enum: SIGNAL_FAULT_KINDS } } },
  else: { required: ['component'], not: { anyOf: [{ required: ['signal'] }, { required: ['value'] }] }, properties: { kind: { enum: COMPONENT_FAULT_KINDS } } },
} as const;

type FaultBody = FaultSpec & { confirm?: boolean };

export function faultRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { run } = ctx;
  const signals = new Set(ctx.catalog.map((e) => e.name));
  const components = new Set(run.layout.map((e) => e.id));
  const unsupported = (what: string): TwinloopError => new TwinloopError('HMI_UNSUPPORTED', `this run does not implement ${what}`);

  app.get('/api/faults', async (): Promise<{ faults: readonly FaultInfo[] }> => {
    if (typeof run.faults !== 'function') throw unsupported('faults');
    return { faults: run.faults() };
  });

  app.post<{ Body: FaultBody }>('/api/faults', { schema: { body: faultBody } }, async (request, reply) => {
    const { confirm: _confirm, ...spec } = request.body;
    if (spec.target === 'signal' && !signals.has(spec.signal)) throw new TwinloopError('SIG_UNKNOWN', `no signal ${JSON.stringify(spec.signal.slice(0, 100))} in the catalog`);
    if (spec.target === 'component' && !components.has(spec.component)) throw new TwinloopError('HMI_BAD_REQUEST', `no component ${JSON.stringify(spec.component.slice(0, 100))} in the line`);
    if (typeof run.injectFault !== 'function') throw unsupported('injectFault');
    const target = spec.target === 'signal' ? spec.signal : spec.component;
    const info = await carryOut(ctx, request, { action: 'fault.inject', target, new: spec, confirm: true, write: true }, () => run.injectFault!(spec as FaultSpec));
    return reply.code(201).send(info);
  });

  app.delete<{ Params: { id: string } }>('/api/faults/:id', { schema: { params: idParam } }, async (request) => {
    const id = Number(request.params.id);
    if (typeof run.clearFault !== 'function') throw unsupported('clearFault');
    const old = run.faults?.().find((f) => f.id === id);
    await carryOut(ctx, request, { action: 'fault.clear', target: String(id), old: old?.spec, confirm: true, write: true }, () => run.clearFault!(id));
    return { cleared: id };
  });
}
