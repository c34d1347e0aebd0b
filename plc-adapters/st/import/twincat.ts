// Imports the object files of a TwinCAT 3 PLC project (.TcPOU, .TcGVL, .TcDUT) as ST sources.
// TwinCAT already stores ST: a POU is its declaration and its body, each in a CDATA section, so
// the source is those two texts one after the other, line for line (the line map points every
// line at its line in the XML file), plus the END_PROGRAM / END_FUNCTION_BLOCK / END_FUNCTION
// that TwinCAT leaves out. A GVL's source carries the GVL's name (`GVL_IO.bStart`).

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic, SourceFile } from '../ast.ts';
import { childNamed, endLine, parseXml, plainText, positionOf, textLines, type XmlDocument, type XmlElement } from './located-xml.ts';
import { importError, importWarning, languageError, memberError, type MemberKind } from './import-diagnostics.ts';
import { StText } from './st-text.ts';

const MEMBERS: Readonly<Record<string, MemberKind>> = { Method: 'method', Property: 'property', Action: 'action', Transition: 'transition' };

const OBJECT_FILE = /\.(TcPOU|TcGVL|TcDUT)$/i;

/**
 * Turn TwinCAT object files into ST sources, in the order given.
 *
 * @example
 * const { sources, diagnostics } = importTwinCat([{ file: 'POUs/MAIN.TcPOU', xml }]);
 */
export function importTwinCat(files: readonly { file: string; xml: string }[]): { sources: SourceFile[]; diagnostics: Diagnostic[] } {
  const sources: SourceFile[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const { file, xml } of files) importObjectFile(file, xml, sources, diagnostics);
  return { sources, diagnostics };
}

/**
 * Import every .TcPOU, .TcGVL and .TcDUT under `dir` (recursively; other files such as
 * .plcproj or .TcTTO are left alone), in sorted path order so the result never depends on the
 * order the file system lists them in.
 */
export function importTwinCatFolder(dir: string): { sources: SourceFile[]; diagnostics: Diagnostic[] } {
  let names: string[];
  try {
    names = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  } catch (err) {
    return { sources: [], diagnostics: [importError({ file: dir, line: 1, col: 1 }, 'ST_IMPORT_IO', `cannot read the folder: ${(err as Error).message}`)] };
  }
  // Code-unit order of the '/'-separated relative path: locale-independent, and a folder's
  // files stay together.
  const rel = names.map((n) => n.replaceAll('\\', '/')).filter((n) => OBJECT_FILE.test(n) && statSync(join(dir, n)).isFile());
  rel.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (rel.length === 0) {
    return { sources: [], diagnostics: [importWarning({ file: dir, line: 1, col: 1 }, 'ST_IMPORT_FORMAT', 'no .TcPOU, .TcGVL or .TcDUT files in this folder')] };
  }
  const files: { file: string; xml: string }[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const n of rel) {
    const file = join(dir, n);
    try {
      files.push({ file, xml: readFileSync(file, 'utf8') });
    } catch (err) {
      diagnostics.push(importError({ file, line: 1, col: 1 }, 'ST_IMPORT_IO', `cannot read the file: ${(err as Error).message}`));
    }
  }
  const imported = importTwinCat(files);
  return { sources: imported.sources, diagnostics: [...diagnostics, ...imported.diagnostics] };
}

function importObjectFile(file: string, xml: string, sources: SourceFile[], diagnostics: Diagnostic[]): void {
  const parsed = parseXml(file, xml);
  diagnostics.push(...parsed.diagnostics);
  const doc = parsed.doc;
  if (doc === null) return;
  if (doc.root.local !== 'TcPlcObject') {
    diagnostics.push(importError(positionOf(doc, doc.root), 'ST_IMPORT_FORMAT', `not a TwinCAT PLC object file: expected a <TcPlcObject> root element (.TcPOU, .TcGVL, .TcDUT), found <${doc.root.name}>`));
    return;
  }
  for (const obj of doc.root.children) {
    const out = obj.local === 'POU' ? pou(doc, obj, diagnostics) : obj.local === 'GVL' || obj.local === 'DUT' ? declarationOnly(doc, obj, diagnostics) : undefined;
    if (out === undefined) {
      diagnostics.push(importWarning(positionOf(doc, obj), 'ST_IMPORT_UNSUPPORTED', `<${obj.name}> "${obj.attrs['Name'] ?? ''}" is left out: only POU, GVL and DUT objects are imported`));
    } else if (out !== null) {
      sources.push(out);
    }
  }
}

/** A GVL (its source named after the GVL) or a DUT: the declaration is the whole source. */
function declarationOnly(doc: XmlDocument, obj: XmlElement, diagnostics: Diagnostic[]): SourceFile | null {
  const decl = declarationOf(doc, obj, diagnostics);
  if (decl === null) return null;
  const out = new StText();
  out.block(textLines(doc, decl));
  return obj.local === 'GVL' ? out.source(doc.file, obj.attrs['Name']) : out.source(doc.file);
}

function pou(doc: XmlDocument, obj: XmlElement, diagnostics: Diagnostic[]): SourceFile | null {
  const name = obj.attrs['Name'] ?? '?';
  const decl = declarationOf(doc, obj, diagnostics);
  if (decl === null) return null;
  const impl = childNamed(obj, 'Implementation');
  const body = impl?.children[0];
  if (body !== undefined && body.local !== 'ST') {
    diagnostics.push(languageError(positionOf(doc, obj), name, languageOf(doc, body)));
    return null;
  }
  const declText = textLines(doc, decl);
  const keyword = pouKeyword(declText.lines.join('\n'));
  if (keyword === null) {
    diagnostics.push(importError(positionOf(doc, decl), 'ST_IMPORT_FORMAT', `POU "${name}": the declaration does not start with PROGRAM, FUNCTION_BLOCK or FUNCTION`));
    return null;
  }
  for (const member of obj.children) {
    const kind = MEMBERS[member.local];
    if (kind !== undefined) diagnostics.push(memberError(positionOf(doc, member), name, member.attrs['Name'] ?? '?', kind));
  }
  const out = new StText();
  out.block(declText);
  const bodyText = body === undefined ? undefined : textLines(doc, body);
  if (bodyText !== undefined) out.block(bodyText);
  const written = [...declText.lines, ...(bodyText?.lines ?? [])].join('\n');
  // TwinCAT leaves the END_ keyword out; a hand-made file may have it already.
  if (!new RegExp(`\\bEND_${keyword}\\s*;?\\s*$`, 'i').test(written)) {
    out.line(`END_${keyword}`, endLine(doc, body ?? impl ?? decl));
  }
  return out.source(doc.file);
}

function declarationOf(doc: XmlDocument, obj: XmlElement, diagnostics: Diagnostic[]): XmlElement | null {
  const decl = childNamed(obj, 'Declaration');
  if (decl === undefined) {
    diagnostics.push(importError(positionOf(doc, obj), 'ST_IMPORT_FORMAT', `${obj.local} "${obj.attrs['Name'] ?? ''}" has no <Declaration>`));
    return null;
  }
  return decl;
}

/** PROGRAM, FUNCTION_BLOCK or FUNCTION: the first word of the declaration after pragmas and comments. */
export function pouKeyword(declaration: string): 'PROGRAM' | 'FUNCTION_BLOCK' | 'FUNCTION' | null {
  let rest = declaration;
  for (;;) {
    const skipped = rest.replace(/^(\s+|\{[^}]*\}|\/\/[^\n]*|\(\*[\s\S]*?\*\))/, '');
    if (skipped === rest) break;
    rest = skipped;
  }
  const m = /^(PROGRAM|FUNCTION_BLOCK|FUNCTION)\b/i.exec(rest);
  return m === null ? null : (m[1]!.toUpperCase() as 'PROGRAM' | 'FUNCTION_BLOCK' | 'FUNCTION');
}

/**
 * The language of a non-ST implementation. LD and FBD (and IL) are one element in TwinCAT, the
 * network list <NWL>; the view the editor opens it in (`<v n="DefaultViewMode">"Ld"</v>`)
 * says which one the user drew.
 */
function languageOf(doc: XmlDocument, impl: XmlElement): string {
  if (impl.local !== 'NWL') return impl.local.toUpperCase();
  const mode = findDescendant(impl, (e) => e.local === 'v' && e.attrs['n'] === 'DefaultViewMode');
  const view = mode === undefined ? '' : plainText(doc, mode).replaceAll('"', '').toUpperCase();
  return view === 'LD' || view === 'FBD' || view === 'IL' ? view : 'FBD/LD';
}

function findDescendant(el: XmlElement, match: (e: XmlElement) => boolean): XmlElement | undefined {
  for (const c of el.children) {
    if (match(c)) return c;
    const deeper = findDescendant(c, match);
    if (deeper !== undefined) return deeper;
  }
  return undefined;
}
