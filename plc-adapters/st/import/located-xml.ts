// Reads an exported XML file into a small element tree that knows where each element sits in the
// file, and decodes element text line by line with the XML line each line came from. Both
// importers (PLCopen, TwinCAT) build their ST text on it, so a compiler error in imported code
// points into the XML file the user has, not into text they never saw.
//
// fast-xml-parser does the parsing: its validator reports malformed XML with line and column,
// and its `captureMetaData` option gives every element's start and end offset in the raw text
// (CRLF already mapped back). It gives no position for text or CDATA, so element text is
// decoded here from the raw slice between an element's tags: that keeps an exact raw offset
// for every character, which is what the line map needs.

import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Diagnostic } from '../ast.ts';

export interface XmlElement {
  /** Name as written, with its prefix (`xhtml:p`). */
  readonly name: string;
  /** Name without its prefix (`p`). */
  readonly local: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** Offset of the element's `<` in the document text. */
  readonly start: number;
  /** Offset just past its end tag (or past `/>`). */
  readonly end: number;
}

export interface XmlDocument {
  readonly file: string;
  /** The text as read, less a leading byte order mark; offsets index into it. */
  readonly text: string;
  readonly root: XmlElement;
  /** 1-based line of an offset. */
  lineOf(offset: number): number;
  /** 1-based column of an offset (UTF-16 units, like the validator and the ST compiler). */
  colOf(offset: number): number;
}

/** Decoded element text, one entry per line, with the 1-based XML line of each. */
export interface TextLines {
  readonly lines: readonly string[];
  readonly xmlLines: readonly number[];
}

const parser = new XMLParser({
  preserveOrder: true, // document order: children of mixed names stay in sequence
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  cdataPropName: '#cdata',
  commentPropName: '#comment',
  ignoreDeclaration: true,
  ignorePiTags: true,
  captureMetaData: true,
  // The default (100) is a guard for untrusted input; a graphical body in an export (an LD
  // network list, an SFC) nests deeper than a hand-written file ever does.
  maxNestedTags: 1000,
});
const META = XMLParser.getMetaDataSymbol() as unknown as symbol;

/** Parse `text`; malformed XML gives no document and one ST_IMPORT_XML diagnostic at the validator's position. */
export function parseXml(file: string, text: string): { doc: XmlDocument | null; diagnostics: Diagnostic[] } {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const verdict = XMLValidator.validate(body);
  if (verdict !== true) {
    const { line, col, msg } = verdict.err;
    return { doc: null, diagnostics: [xmlError(file, line, col, `malformed XML: ${describeXmlError(msg)}`)] };
  }
  let roots: XmlElement[];
  try {
    roots = elementsOf(parser.parse(body) as unknown[]);
  } catch (err) {
    return { doc: null, diagnostics: [xmlError(file, 1, 1, `malformed XML: ${(err as Error).message}`)] };
  }
  if (roots.length !== 1) {
    return { doc: null, diagnostics: [xmlError(file, 1, 1, `malformed XML: expected one root element, found ${roots.length}`)] };
  }
  const starts = lineStarts(body);
  const lineOf = (offset: number): number => lineIndex(starts, offset) + 1;
  const colOf = (offset: number): number => offset - starts[lineIndex(starts, offset)]! + 1;
  return { doc: { file, text: body, root: roots[0]!, lineOf, colOf }, diagnostics: [] };
}

function xmlError(file: string, line: number, col: number, message: string): Diagnostic {
  return { file, line, col, code: 'ST_IMPORT_XML', message, severity: 'error' };
}

/** The validator names unclosed tags as a JSON array ("Invalid '["a","b"]' found."); say it in words. */
function describeXmlError(msg: string): string {
  const unclosed = /^Invalid '(\[[\s\S]*\])' found\.$/.exec(msg);
  if (unclosed) {
    try {
      const names = JSON.parse(unclosed[1]!) as string[];
      return `${names.map((n) => `<${n}>`).join(', ')} never closed`;
    } catch {
      return msg;
    }
  }
  return msg;
}

type Ordered = Record<string, unknown> & { ':@'?: Record<string, string> };

function elementsOf(nodes: readonly unknown[]): XmlElement[] {
  const out: XmlElement[] = [];
  for (const raw of nodes) {
    const node = raw as Ordered;
    const name = Object.keys(node).find((k) => k !== ':@');
    if (name === undefined || name === '#text' || name === '#cdata' || name === '#comment') continue;
    const meta = (node as Record<symbol, { startIndex?: number; endIndex?: number } | undefined>)[META];
    const start = meta?.startIndex ?? 0;
    out.push({
      name,
      local: name.slice(name.indexOf(':') + 1),
      attrs: node[':@'] ?? {},
      children: elementsOf((node[name] as unknown[] | undefined) ?? []),
      start,
      end: meta?.endIndex ?? start,
    });
  }
  return out;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** 0-based index of the line holding `offset` (binary search over line starts). */
function lineIndex(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

// ---- navigation --------------------------------------------------------------------------

export function childrenNamed(el: XmlElement, local: string): XmlElement[] {
  return el.children.filter((c) => c.local === local);
}

export function childNamed(el: XmlElement, local: string): XmlElement | undefined {
  return el.children.find((c) => c.local === local);
}

/** Line of the element's start tag. */
export function startLine(doc: XmlDocument, el: XmlElement): number {
  return doc.lineOf(el.start);
}

/** Line of the element's end tag (of the start tag when it closes itself). */
export function endLine(doc: XmlDocument, el: XmlElement): number {
  return doc.lineOf(Math.max(el.start, el.end - 1));
}

/** Where a diagnostic about an element points: its `<`. */
export function positionOf(doc: XmlDocument, el: XmlElement): { file: string; line: number; col: number } {
  return { file: doc.file, line: doc.lineOf(el.start), col: doc.colOf(el.start) };
}

// ---- text --------------------------------------------------------------------------------

const ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * The element's text (text and CDATA, child markup and comments dropped), split into lines,
 * each with the XML line its first character came from. The first character of a line is
 * preceded by spaces up to its XML column: text after `<ST><![CDATA[` then starts in the ST
 * text at the same column as in the file, so compiler columns are XML columns too. Padding
 * goes only at the start of a line, never inside one, so string literals stay untouched.
 */
export function textLines(doc: XmlDocument, el: XmlElement): TextLines {
  const { text } = doc;
  const from = startTagEnd(text, el.start);
  if (text[from - 2] === '/') return { lines: [], xmlLines: [] }; // <x/>
  const to = text.lastIndexOf('</', el.end - 1);
  const lines: string[] = [];
  const xmlLines: number[] = [];
  let cur = '';
  let curLine = 0; // 0: nothing emitted on this line yet
  let nextLine = doc.lineOf(from);
  const emit = (ch: string, at: number): void => {
    if (curLine === 0) curLine = doc.lineOf(at);
    if (ch === '\n') {
      lines.push(cur);
      xmlLines.push(curLine);
      cur = '';
      curLine = 0;
      nextLine = doc.lineOf(at + 1);
      return;
    }
    if (cur === '') cur = ' '.repeat(Math.max(0, doc.colOf(at) - 1));
    cur += ch;
  };
  let i = from;
  while (i < to) {
    if (text.startsWith('<![CDATA[', i)) {
      const close = text.indexOf(']]>', i + 9);
      for (let j = i + 9; j < close; j++) emitRaw(text, j, emit);
      i = close + 3;
    } else if (text.startsWith('<!--', i)) {
      i = text.indexOf('-->', i + 4) + 3;
    } else if (text.startsWith('<?', i)) {
      i = text.indexOf('?>', i + 2) + 2;
    } else if (text[i] === '<') {
      i = startTagEnd(text, i); // a child's start or end tag: markup only, its text is kept
    } else if (text[i] === '&') {
      const semi = text.indexOf(';', i);
      emit(decodeEntity(text.slice(i + 1, semi)), i);
      i = semi + 1;
    } else {
      emitRaw(text, i, emit);
      i++;
    }
  }
  if (cur !== '' || curLine !== 0 || lines.length > 0) {
    lines.push(cur);
    xmlLines.push(curLine !== 0 ? curLine : nextLine);
  }
  return { lines, xmlLines };
}

/** XML reads CRLF and a lone CR as one line feed. */
function emitRaw(text: string, i: number, emit: (ch: string, at: number) => void): void {
  const ch = text[i]!;
  if (ch === '\r') {
    if (text[i + 1] !== '\n') emit('\n', i);
    return;
  }
  emit(ch, i);
}

function decodeEntity(name: string): string {
  if (name.startsWith('#x')) return String.fromCodePoint(parseInt(name.slice(2), 16));
  if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10));
  return ENTITIES[name] ?? `&${name};`;
}

/** Offset just past the `>` of the tag starting at `at` (quotes may hold `>`). */
function startTagEnd(text: string, at: number): number {
  let quote = '';
  for (let i = at + 1; i < text.length; i++) {
    const ch = text[i];
    if (quote !== '') {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === '>') {
      return i + 1;
    }
  }
  return text.length;
}

/** The element's text on one line, runs of white space as one space (for documentation). */
export function plainText(doc: XmlDocument, el: XmlElement): string {
  return textLines(doc, el).lines.join(' ').replace(/\s+/g, ' ').trim();
}
