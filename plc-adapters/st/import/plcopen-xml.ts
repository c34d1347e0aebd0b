// Imports a PLCopen TC6 XML file (v2.01; also v2.00, the namespace CODESYS writes) as ST
// sources for the compiler: each data type, each ST POU and each global variable list becomes
// one SourceFile whose line map points back into the XML file. Declarations are synthesized
// from the XML interface (each line placed at the element it came from); ST bodies are copied
// line for line. POUs in another language are reported and left out, the rest still import.

import type { Diagnostic, SourceFile } from '../ast.ts';
import { childNamed, childrenNamed, endLine, parseXml, positionOf, startLine, textLines, type XmlDocument, type XmlElement } from './located-xml.ts';
import { importError, importWarning, languageError, memberError, type MemberKind } from './import-diagnostics.ts';
import { contentOf, docComment, enumValues, typeText, valueText } from './plcopen-types.ts';
import { StText } from './st-text.ts';

export const PLCOPEN_NAMESPACES = ['http://www.plcopen.org/xml/tc6_0201', 'http://www.plcopen.org/xml/tc6_0200'] as const;

/** CODESYS keeps global variable lists and methods in vendor data under these names. */
const CODESYS_GLOBALVARS = 'http://www.3s-software.com/plcopenxml/globalvars';

const POU_KEYWORDS: Readonly<Record<string, string>> = { program: 'PROGRAM', functionBlock: 'FUNCTION_BLOCK', function: 'FUNCTION' };

const SECTIONS: Readonly<Record<string, string>> = {
  inputVars: 'VAR_INPUT',
  outputVars: 'VAR_OUTPUT',
  inOutVars: 'VAR_IN_OUT',
  localVars: 'VAR',
  tempVars: 'VAR_TEMP',
  externalVars: 'VAR_EXTERNAL',
  globalVars: 'VAR_GLOBAL',
};

/** Indentation of synthesized declarations inside VAR ... END_VAR, STRUCT and enums. */
const INDENT = '    ';

/**
 * Turn a PLCopen TC6 XML project into ST sources.
 *
 * @example
 * const { sources, diagnostics } = importPlcopenXml('conveyor.xml', readFileSync('conveyor.xml', 'utf8'));
 */
export function importPlcopenXml(file: string, xml: string): { sources: SourceFile[]; diagnostics: Diagnostic[] } {
  const parsed = parseXml(file, xml);
  if (parsed.doc === null) return { sources: [], diagnostics: parsed.diagnostics };
  const doc = parsed.doc;
  const diagnostics: Diagnostic[] = [];
  const root = doc.root;
  const ns = namespaceOf(root);
  if (root.local !== 'project' || !(PLCOPEN_NAMESPACES as readonly string[]).includes(ns)) {
    const found = ns === '' ? `<${root.name}>` : `<${root.name}> in namespace ${ns}`;
    diagnostics.push(importError(positionOf(doc, root), 'ST_IMPORT_FORMAT', `not a PLCopen XML file: expected a <project> root element in namespace ${PLCOPEN_NAMESPACES[0]} (PLCopen TC6 XML v2.01), found ${found}`));
    return { sources: [], diagnostics };
  }
  const unsupported = (el: XmlElement, message: string): void => {
    diagnostics.push(importError(positionOf(doc, el), 'ST_IMPORT_UNSUPPORTED', message));
  };
  const w = new Writer(doc, diagnostics, unsupported);
  const sources: SourceFile[] = [];
  const types = childNamed(root, 'types');
  for (const dt of path(types, 'dataTypes', 'dataType')) sources.push(w.dataType(dt));
  for (const pou of path(types, 'pous', 'pou')) {
    const src = w.pou(pou);
    if (src !== null) sources.push(src);
  }
  sources.push(...w.globalLists(globalLists(root)));
  return { sources, diagnostics };
}

/** The namespace URI bound to the element's own prefix (declared on the element itself). */
function namespaceOf(el: XmlElement): string {
  const colon = el.name.indexOf(':');
  return el.attrs[colon === -1 ? 'xmlns' : `xmlns:${el.name.slice(0, colon)}`] ?? '';
}

/** Children along a path of local names: path(types, 'pous', 'pou'). */
function path(el: XmlElement | undefined, ...names: string[]): XmlElement[] {
  let level = el === undefined ? [] : [el];
  for (const name of names) level = level.flatMap((e) => childrenNamed(e, name));
  return level;
}

/** Every global variable list with the name its SourceFile gets, in document order. */
function globalLists(root: XmlElement): { list: XmlElement; name: string | undefined }[] {
  const out: { list: XmlElement; name: string | undefined }[] = [];
  for (const config of path(root, 'instances', 'configurations', 'configuration')) {
    for (const list of childrenNamed(config, 'globalVars')) out.push({ list, name: list.attrs['name'] ?? config.attrs['name'] });
    for (const res of childrenNamed(config, 'resource')) {
      for (const list of childrenNamed(res, 'globalVars')) out.push({ list, name: list.attrs['name'] ?? res.attrs['name'] });
    }
  }
  for (const data of path(root, 'addData', 'data')) {
    if (data.attrs['name'] !== CODESYS_GLOBALVARS) continue;
    for (const list of childrenNamed(data, 'globalVars')) out.push({ list, name: list.attrs['name'] });
  }
  return out;
}

function flag(el: XmlElement, attr: string): boolean {
  const v = el.attrs[attr];
  return v === 'true' || v === '1';
}

class Writer {
  readonly #doc: XmlDocument;
  readonly #diagnostics: Diagnostic[];
  readonly #unsupported: (el: XmlElement, message: string) => void;

  constructor(doc: XmlDocument, diagnostics: Diagnostic[], unsupported: (el: XmlElement, message: string) => void) {
    this.#doc = doc;
    this.#diagnostics = diagnostics;
    this.#unsupported = unsupported;
  }

  /** `TYPE name : ... END_TYPE` for one `<dataType>`. */
  dataType(dt: XmlElement): SourceFile {
    const doc = this.#doc;
    const out = new StText();
    const name = dt.attrs['name'] ?? '?';
    const base = childNamed(dt, 'baseType');
    const t = base === undefined ? undefined : contentOf(base);
    const initEl = childNamed(dt, 'initialValue');
    const init = initEl === undefined ? null : valueText(initEl);
    const initText = init === null ? '' : ` := ${init}`;
    if (t?.local === 'struct') {
      // STRUCT ... END_STRUCT without a `;` after it: the form TwinCAT and CODESYS write (and
      // so the form the compiler reads from every .TcDUT).
      out.line(`TYPE ${name} :`, startLine(doc, dt));
      out.line('STRUCT', startLine(doc, t));
      for (const v of childrenNamed(t, 'variable')) out.line(INDENT + this.#declaration(v), startLine(doc, v));
      out.line('END_STRUCT', endLine(doc, t));
      if (initEl !== undefined) {
        this.#diagnostics.push(importWarning(positionOf(doc, initEl), 'ST_IMPORT_UNSUPPORTED', `the initial value of structure type "${name}" is ignored (give its members initial values instead)`));
      }
    } else if (t?.local === 'enum') {
      out.line(`TYPE ${name} :`, startLine(doc, dt));
      const values = childNamed(t, 'values');
      out.line('(', startLine(doc, values ?? t));
      const items = values === undefined ? [] : childrenNamed(values, 'value');
      const texts = enumValues(t);
      items.forEach((v, i) => out.line(INDENT + texts[i] + (i < items.length - 1 ? ',' : ''), startLine(doc, v)));
      const enumBase = childNamed(t, 'baseType');
      const baseText = enumBase === undefined ? '' : ` ${typeText(enumBase, this.#unsupported)}`;
      out.line(`)${baseText}${initText};`, endLine(doc, t));
    } else {
      if (base === undefined) this.#unsupported(dt, `data type "${name}" has no <baseType>`);
      out.line(`TYPE ${name} : ${base === undefined ? '?' : typeText(base, this.#unsupported)}${initText};`, startLine(doc, dt));
    }
    out.line('END_TYPE', endLine(doc, dt));
    return out.source(doc.file);
  }

  /** PROGRAM / FUNCTION_BLOCK / FUNCTION with its interface and ST body; null when it cannot be imported. */
  pou(pou: XmlElement): SourceFile | null {
    const doc = this.#doc;
    const name = pou.attrs['name'] ?? '?';
    const keyword = POU_KEYWORDS[pou.attrs['pouType'] ?? ''];
    if (keyword === undefined) {
      this.#diagnostics.push(importError(positionOf(doc, pou), 'ST_IMPORT_FORMAT', `POU "${name}" has pouType "${pou.attrs['pouType'] ?? ''}"; expected program, functionBlock or function`));
      return null;
    }
    const bodies = childrenNamed(pou, 'body');
    for (const body of bodies) {
      const language = contentOf(body)?.local;
      if (language !== undefined && language !== 'ST') {
        this.#diagnostics.push(languageError(positionOf(doc, pou), name, language.toUpperCase()));
        return null;
      }
    }
    this.#members(pou, name);

    const out = new StText();
    const iface = childNamed(pou, 'interface');
    const returnType = iface === undefined ? undefined : childNamed(iface, 'returnType');
    const returns = returnType === undefined ? '' : ` : ${typeText(returnType, this.#unsupported)}`;
    out.line(`${keyword} ${name}${returns}`, startLine(doc, pou));
    for (const list of iface?.children ?? []) {
      const section = SECTIONS[list.local];
      if (section !== undefined) this.#varBlock(out, list, section);
      else if (list.local === 'accessVars') this.#unsupported(list, `VAR_ACCESS in POU "${name}" is not supported`);
    }
    for (const body of bodies) {
      const st = childNamed(body, 'ST');
      if (st === undefined) continue;
      // Exporters wrap the text in XHTML (<xhtml:p>, or CODESYS's <xhtml>); a bare <ST> is read too.
      const parts = st.children.length > 0 ? st.children : [st];
      for (const part of parts) out.block(textLines(doc, part));
    }
    out.line(`END_${keyword}`, endLine(doc, pou));
    return out.source(doc.file);
  }

  /** One SourceFile per list name: lists sharing a name (a configuration's plain and CONSTANT lists) share it. */
  globalLists(lists: readonly { list: XmlElement; name: string | undefined }[]): SourceFile[] {
    const byName = new Map<string | undefined, StText>();
    for (const { list, name } of lists) {
      let out = byName.get(name);
      if (out === undefined) {
        out = new StText();
        byName.set(name, out);
      }
      this.#varBlock(out, list, 'VAR_GLOBAL', true);
    }
    return [...byName].map(([name, out]) => out.source(this.#doc.file, name));
  }

  /** Actions and transitions (PLCopen), methods and properties (CODESYS vendor data) are reported. */
  #members(pou: XmlElement, name: string): void {
    const report = (el: XmlElement, kind: MemberKind): void => {
      this.#diagnostics.push(memberError(positionOf(this.#doc, el), name, el.attrs['name'] ?? '?', kind));
    };
    for (const action of path(pou, 'actions', 'action')) report(action, 'action');
    for (const transition of path(pou, 'transitions', 'transition')) report(transition, 'transition');
    for (const data of path(pou, 'addData', 'data')) {
      for (const el of data.children) {
        if (el.local === 'Method') report(el, 'method');
        else if (el.local === 'Property') report(el, 'property');
      }
    }
  }

  #varBlock(out: StText, list: XmlElement, section: string, keepEmpty = false): void {
    const doc = this.#doc;
    const variables = childrenNamed(list, 'variable');
    if (variables.length === 0 && !keepEmpty) return;
    const qualifiers = [flag(list, 'constant') ? ' CONSTANT' : '', flag(list, 'retain') ? ' RETAIN' : '', flag(list, 'persistent') ? ' PERSISTENT' : ''].join('');
    out.line(section + qualifiers, startLine(doc, list));
    for (const v of variables) out.line(INDENT + this.#declaration(v), startLine(doc, v));
    out.line('END_VAR', endLine(doc, list));
  }

  /** `name AT %IX0.0 : TYPE := init; (* doc *)` for one `<variable>`. */
  #declaration(v: XmlElement): string {
    const address = v.attrs['address'];
    const at = address === undefined || address === '' ? '' : ` AT ${address.startsWith('%') ? address : `%${address}`}`;
    const typeEl = childNamed(v, 'type');
    const type = typeEl === undefined ? '?' : typeText(typeEl, this.#unsupported);
    if (typeEl === undefined) this.#unsupported(v, `variable "${v.attrs['name']}" has no <type>`);
    const initEl = childNamed(v, 'initialValue');
    const init = initEl === undefined ? null : valueText(initEl);
    return `${v.attrs['name']}${at} : ${type}${init === null ? '' : ` := ${init}`};${docComment(this.#doc, v)}`;
  }
}
