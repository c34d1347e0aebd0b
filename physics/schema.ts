// Builds the published line-file JSON Schema (physics/line.schema.json) from the catalog, so
// parameters, bounds and defaults are declared once. Regenerate after changing a component type:
//   node --import tsx physics/schema.ts > physics/line.schema.json
// A test checks that the committed file equals this output.

import type { ComponentType, ParamSpec } from './component.ts';
import { COMPONENT_TYPES } from './catalog.ts';
import { COMPONENT_FAULT_KINDS, SIGNAL_FAULT_KINDS } from './fault-spec.ts';
import { productSchemaDefinitions } from './line-products.ts';

type Json = Record<string, unknown>;

/** Component ids: also the first part of their signal names. */
export const ID_PATTERN = '^[A-Za-z][A-Za-z0-9_]*$';

function paramSchema(spec: ParamSpec): Json {
  switch (spec.kind) {
    case 'number': {
      const unit = spec.unit === '' ? '' : ` [${spec.unit}]`;
      const def = spec.default !== undefined ? `; default ${spec.default}` : spec.defaultText !== undefined ? `; default ${spec.defaultText}` : '; required';
      const s: Json = { type: spec.integer === true ? 'integer' : 'number', description: `${spec.description}${unit}${def}` };
      if (spec.exclusiveMinimum !== undefined) s['exclusiveMinimum'] = spec.exclusiveMinimum;
      if (spec.minimum !== undefined) s['minimum'] = spec.minimum;
      if (spec.maximum !== undefined) s['maximum'] = spec.maximum;
      return s;
    }
    case 'ref':
      return { type: 'string', pattern: ID_PATTERN, description: `${spec.description} (${spec.targets.join(' or ')} id)` };
    case 'string':
      return spec.enum !== undefined
        ? { type: 'string', enum: [...spec.enum], description: `${spec.description}; default ${spec.enum[0]}` }
        : { type: 'string', minLength: 1, description: spec.description };
    case 'classes':
      return { type: 'array', minItems: 1, items: { $ref: '#/definitions/itemClass' }, description: spec.description };
  }
}

function isRequired(spec: ParamSpec): boolean {
  if (spec.kind === 'number') return spec.default === undefined && spec.defaultText === undefined;
  if (spec.kind === 'ref') return spec.optional !== true;
  if (spec.kind === 'string') return spec.optional !== true && spec.enum === undefined;
  return false;
}

function componentSchema(t: ComponentType): Json {
  const properties: Json = {
    id: { $ref: '#/definitions/id' },
    type: { const: t.type },
    layout: { $ref: '#/definitions/layout' },
  };
  const required = ['id', 'type'];
  for (const [name, spec] of Object.entries(t.params)) {
    properties[name] = paramSchema(spec);
    if (isRequired(spec)) required.push(name);
  }
  const signals = t.signals.map((f) => `${f.field} (${f.kind} ${f.type}${f.unit ? ` ${f.unit}` : ''})`).join(', ');
  return {
    type: 'object',
    description: `${t.description}. Signals: ${signals}`,
    required,
    additionalProperties: false,
    properties,
  };
}

/** The line-file schema (draft-07; compiles with Ajv 8 `{allErrors: true, discriminator: true}`). */
export function buildLineSchema(): Json {
  const definitions: Json = {
    id: { type: 'string', pattern: ID_PATTERN, description: 'Component id; its signals are named <id>.<field>' },
    layout: {
      type: 'object',
      description: 'Where the component is drawn, in px (line layout.scale px per m); conveyors: start point; others default to their conveyor and position',
      required: ['x', 'y'],
      additionalProperties: false,
      properties: {
        x: { type: 'number' },
        y: { type: 'number' },
        rotation: { type: 'number', description: 'Degrees, clockwise; default 0' },
        w: { type: 'number', exclusiveMinimum: 0 },
        h: { type: 'number', exclusiveMinimum: 0 },
      },
    },
    itemClass: {
      type: 'object',
      required: ['name', 'height', 'probability'],
      additionalProperties: false,
      properties: {
        name: { type: 'string', minLength: 1 },
        height: { type: 'number', minimum: 0, description: 'Item height [m]' },
        probability: { type: 'number', minimum: 0, maximum: 1 },
      },
    },
    fault: {
      oneOf: [
        {
          type: 'object',
          required: ['signal', 'kind'],
          additionalProperties: false,
          properties: {
            signal: { type: 'string', minLength: 1, description: 'Signal name, <id>.<field>' },
            kind: { enum: [...SIGNAL_FAULT_KINDS] },
            value: { type: 'number', description: 'stuck: the value; offset: the offset; drift: per s; noise: standard deviation; intermittent: period [s]; delay: [s]' },
            at: { type: 'number', minimum: 0, description: 'Simulated time of injection [s]; default 0' },
          },
        },
        {
          type: 'object',
          required: ['component', 'kind'],
          additionalProperties: false,
          properties: {
            component: { $ref: '#/definitions/id' },
            kind: { enum: [...COMPONENT_FAULT_KINDS] },
            severity: { type: 'number', minimum: 0, maximum: 1, description: 'Severity 0..1; defaults per kind' },
            at: { type: 'number', minimum: 0, description: 'Simulated time of injection [s]; default 0' },
          },
        },
      ],
    },
    component: {
      type: 'object',
      required: ['type'],
      discriminator: { propertyName: 'type' },
      oneOf: COMPONENT_TYPES.map((t) => ({ $ref: `#/definitions/${t.type}` })),
    },
  };
  for (const t of COMPONENT_TYPES) definitions[t.type] = componentSchema(t);
  // Product variants (line-products.ts): a machine may carry its changeover block.
  Object.assign(definitions, productSchemaDefinitions());
  ((definitions['machine'] as Json)['properties'] as Json)['changeover'] = { $ref: '#/definitions/changeover' };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://twinloop.dev/schema/line.schema.json',
    title: 'twinloop line file',
    description: 'A production line: its components, their parameters and layout. References between components are checked after the schema (physics/model.ts checkReferences).',
    type: 'object',
    required: ['name', 'components'],
    additionalProperties: false,
    properties: {
      name: { type: 'string', minLength: 1 },
      dt: { type: 'number', exclusiveMinimum: 0, maximum: 0.1, description: 'Fixed physics step [s]; default 0.001' },
      processPeriod: { type: 'number', exclusiveMinimum: 0, maximum: 1, description: 'Step period of the process parts (tanks, pumps, valves, compressors, furnaces, quality gates, transmitters) [s], a whole number of dt: their time slice, spread over its steps; default dt (every step)' },
      seed: { type: 'integer', minimum: 0, maximum: 4294967295, description: 'Seed of all random streams; default 0' },
      overlay: { type: 'string', minLength: 1, description: 'A parameter overlay file (YAML, relative to this file) applied before validation: `parameters:` of <component>.<parameter>: number, as `twinloop model calibrate` writes it (docs/validation.md)' },
      program: { type: 'string', minLength: 1, description: 'The controller program this line is made for, used when neither a plant file nor --program names one: a Structured Text file (path relative to the line file), several joined by commas, a folder, PLCopen XML or TwinCAT 3 files; a built-in TypeScript program (sorting, furnace, assembly, sorting-broken); or none. Default: none (the line runs without a controller, driven by forces)' },
      io: {
        type: 'object',
        description: "Binding of an ST program's I/O to the line's signals: signal name -> program variable (a PROGRAM's VAR_INPUT or VAR_OUTPUT as PROG.var, or a located variable). The direction follows from the variable.",
        propertyNames: { pattern: "^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)+$" },
        additionalProperties: { type: 'string', minLength: 1 },
      },
      layout: {
        type: 'object',
        additionalProperties: false,
        properties: { scale: { type: 'number', exclusiveMinimum: 0, description: 'Drawing scale [px/m]; default 100' } },
      },
      components: { type: 'array', items: { $ref: '#/definitions/component' } },
      faults: { type: 'array', items: { $ref: '#/definitions/fault' }, description: 'Faults present from the start or injected at a simulated time (docs/physics.md, Faults)' },
      products: { type: 'array', items: { $ref: '#/definitions/product' }, description: 'Product variants: per product its family, cycle time and energy per machine, setpoints (twinloop plan; docs/planning.md)' },
    },
    definitions,
  };
}

// Run as a script (not imported): print the schema. No node: import, so physics/ stays free of them.
if (process.argv[1] !== undefined && decodeURIComponent(new URL(import.meta.url).pathname) === process.argv[1]) {
  process.stdout.write(`${JSON.stringify(buildLineSchema(), null, 2)}\n`);
}
