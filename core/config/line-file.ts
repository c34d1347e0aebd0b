// Loading a line file: YAML -> JSON Schema (physics/line.schema.json, published) ->
// cross-references (drives, conveyors and bins that exist). Refused before anything starts.

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { absoluteSpec } from '../../plc-adapters/sim/program-source.ts';
import type { SchemaObject } from 'ajv';
import { checkReferences, type LineFile } from '../../physics/model.ts';
import { ConfigError, type ConfigIssue } from './config-error.ts';
import { SchemaValidator } from './schema-validator.ts';
import { parseYaml, readYaml, type YamlSource } from './yaml-document.ts';
import { applyOverlayFile } from '../calibration/overlay.ts';

/** Where the published line schema lives (also served by the HMI at /api/schema/line). */
export const LINE_SCHEMA_URL = new URL('../../physics/line.schema.json', import.meta.url);

let validator: SchemaValidator | undefined;

export function lineSchema(): SchemaObject {
  return JSON.parse(readFileSync(LINE_SCHEMA_URL, 'utf8')) as SchemaObject;
}

function lineValidator(): SchemaValidator {
  validator ??= new SchemaValidator(lineSchema());
  return validator;
}

let params: Map<string, ReadonlySet<string>> | undefined;

/** The parameters a component type's schema allows (for overlay and fit-file paths), undefined for an unknown type. */
export function componentParams(type: string): ReadonlySet<string> | undefined {
  if (params === undefined) {
    params = new Map();
    const defs = (lineSchema()['definitions'] ?? {}) as Record<string, { properties?: Record<string, { const?: unknown }> }>;
    for (const d of Object.values(defs)) {
      const t = d.properties?.['type']?.const;
      if (typeof t === 'string') params.set(t, new Set(Object.keys(d.properties!)));
    }
  }
  return params.get(type);
}

/** Validate an already parsed source; returns the typed line file. @throws ConfigError */
export function validateLine(src: YamlSource): LineFile {
  // A parameter overlay (`overlay: fitted.yaml`, written by `model calibrate`) is applied before
  // the schema check, so its values meet the same bounds; its own problems name its file and line.
  if (typeof src.data === 'object' && src.data !== null) {
    const overlayIssues = applyOverlayFile(src.file, src.data as Record<string, unknown>, componentParams);
    if (overlayIssues.length > 0) throw new ConfigError('CFG_INVALID', overlayIssues);
  }
  lineValidator().assert(src);
  const line = src.data as LineFile;
  // A program given as a path is relative to the line file.
  if (line.program !== undefined) line.program = absoluteSpec(line.program, dirname(resolve(src.file)));
  const issues: ConfigIssue[] = checkReferences(line).map((r) => {
    const segs = r.path.split(/\.|\[|\]/).filter(Boolean).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    const at = src.lineOf(segs);
    return { file: src.file, path: r.path, ...(at !== undefined ? { line: at } : {}), message: r.message };
  });
  if (issues.length > 0) throw new ConfigError('CFG_INVALID', issues);
  return line;
}

/** Read, parse and validate a line file. @throws ConfigError CFG_READ | CFG_INVALID */
export function loadLineFile(file: string): LineFile {
  return validateLine(readYaml(file));
}

/** The same from text (tests, API uploads). */
export function parseLineFile(file: string, text: string): LineFile {
  return validateLine(parseYaml(file, text));
}
