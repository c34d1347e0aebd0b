// The diagnostics both importers give, with their codes and wording in one place so a PLCopen
// file and a TwinCAT project say the same thing about the same problem.
//
//   ST_IMPORT_XML          the file is not well-formed XML (position from the validator)
//   ST_IMPORT_FORMAT       well-formed, but not the expected format, or a required part missing
//   ST_IMPORT_LANGUAGE     a POU written in LD, FBD, SFC, CFC or IL: skipped
//   ST_IMPORT_UNSUPPORTED  a construct the compiler does not take yet (methods, actions, ...)
//   ST_IMPORT_IO           a file or folder could not be read

import type { Diagnostic } from '../ast.ts';

export interface Place {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

export function importError(at: Place, code: string, message: string): Diagnostic {
  return { file: at.file, line: at.line, col: at.col, code, message, severity: 'error' };
}

export function importWarning(at: Place, code: string, message: string): Diagnostic {
  return { file: at.file, line: at.line, col: at.col, code, message, severity: 'warning' };
}

export function languageError(at: Place, pou: string, language: string): Diagnostic {
  return importError(at, 'ST_IMPORT_LANGUAGE', `POU "${pou}" is written in ${language}; twinloop compiles Structured Text only (rewrite it in ST, or leave it out of the import)`);
}

export type MemberKind = 'method' | 'property' | 'action' | 'transition';

const PLURAL: Readonly<Record<MemberKind, string>> = { method: 'methods', property: 'properties', action: 'actions', transition: 'transitions' };

/** A method, property, action or transition of a POU: reported, left out; the POU's own body still runs. */
export function memberError(at: Place, pou: string, member: string, kind: MemberKind): Diagnostic {
  return importError(at, 'ST_IMPORT_UNSUPPORTED', `${pou}.${member}: ${PLURAL[kind]} are not supported yet (only the POU's own body runs)`);
}
