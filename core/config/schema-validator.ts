// Validates parsed configuration data against a published JSON Schema (Ajv, draft-07/2020)
// and turns Ajv's errors into messages a controls engineer can act on:
// `components[3].length: must be > 0, got -1`, with the line in the file.

import { Ajv, type ErrorObject, type SchemaObject, type ValidateFunction } from 'ajv';
import { ConfigError, type ConfigIssue } from './config-error.ts';
import type { YamlSource } from './yaml-document.ts';

export class SchemaValidator {
  readonly #validate: ValidateFunction;
  readonly #root: SchemaObject;

  constructor(schema: SchemaObject) {
    this.#root = schema;
    // verbose: errors carry the offending data and their schema, for "got ..." and "known: ...".
    const ajv = new Ajv({ allErrors: true, discriminator: true, verbose: true, allowUnionTypes: true });
    this.#validate = ajv.compile(schema);
  }

  /** All schema problems of a document (empty when valid). */
  check(src: YamlSource): ConfigIssue[] {
    if (this.#validate(src.data)) return [];
    const errors = (this.#validate.errors ?? []).filter(keep);
    const seen = new Set<string>();
    const issues: ConfigIssue[] = [];
    for (const e of errors) {
      const issue = toIssue(src, e, this.#root);
      const key = `${issue.path}|${issue.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      issues.push(issue);
    }
    return issues;
  }

  /** @throws ConfigError CFG_INVALID with every problem found. */
  assert(src: YamlSource): void {
    const issues = this.check(src);
    if (issues.length > 0) throw new ConfigError('CFG_INVALID', issues);
  }
}

// `if`/`oneOf` wrappers repeat what their inner errors already say.
function keep(e: ErrorObject): boolean {
  return e.keyword !== 'if' && !(e.keyword === 'oneOf' && e.params && (e.params as { passingSchemas?: unknown }).passingSchemas === null);
}

export function pathSegments(instancePath: string): (string | number)[] {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

export function formatPath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const s of segments) out += typeof s === 'number' ? `[${s}]` : out ? `.${s}` : s;
  return out;
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || typeof v !== 'object') return String(v);
  return Array.isArray(v) ? 'a list' : 'a mapping';
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${show(v)}`;
}

interface BranchSchema {
  $ref?: string;
  properties?: Record<string, { const?: unknown }>;
}

/** Follow a local `#/a/b` reference inside the root schema. */
function deref(root: SchemaObject, s: BranchSchema): BranchSchema {
  if (!s.$ref?.startsWith('#/')) return s;
  let node: unknown = root;
  for (const seg of s.$ref.slice(2).split('/')) node = (node as Record<string, unknown> | undefined)?.[seg];
  return (node as BranchSchema | undefined) ?? s;
}

/** The values of a discriminator tag, from the `const`s of the oneOf branches. */
function knownTypes(parent: unknown, tag: string, root: SchemaObject): string[] {
  const oneOf = (parent as { oneOf?: BranchSchema[] } | undefined)?.oneOf ?? [];
  return oneOf.map((s) => deref(root, s).properties?.[tag]?.const).filter((c): c is string => typeof c === 'string').sort();
}

function toIssue(src: YamlSource, e: ErrorObject, root: SchemaObject): ConfigIssue {
  const segs = pathSegments(e.instancePath);
  const p = e.params as Record<string, unknown>;
  let message: string;
  switch (e.keyword) {
    case 'required':
      segs.push(String(p.missingProperty));
      message = 'is required';
      break;
    case 'additionalProperties': {
      segs.push(String(p.additionalProperty));
      const props = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {}).sort();
      message = `is not a known parameter here${props.length ? `; known: ${props.join(', ')}` : ''}`;
      break;
    }
    case 'discriminator': {
      const tag = String(p.tag);
      const known = knownTypes(e.parentSchema, tag, root);
      if (p.error === 'mapping') {
        segs.push(tag);
        message = `unknown component ${tag} ${show(p.tagValue)}; known: ${known.join(', ')}`;
      } else {
        segs.push(tag);
        message = `is required and must be one of: ${known.join(', ')}`;
      }
      break;
    }
    case 'enum':
      message = `must be one of ${((p.allowedValues as unknown[]) ?? []).map(show).join(', ')}, got ${show(e.data)}`;
      break;
    case 'type':
      message = `must be ${String(p.type)}, got ${kindOf(e.data)}`;
      break;
    case 'const':
      message = `must be ${show(p.allowedValue)}, got ${show(e.data)}`;
      break;
    default:
      message = `${e.message ?? 'is invalid'}, got ${show(e.data)}`;
  }
  const line = src.lineOf(segs);
  return { file: src.file, path: formatPath(segs), ...(line !== undefined ? { line } : {}), message };
}
