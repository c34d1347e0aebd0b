// Builds the ST text of one imported source line by line, each line tagged with the XML line it
// came from, and hands it over as a SourceFile whose `lines` map points compiler diagnostics
// back into the XML file.

import type { SourceFile } from '../ast.ts';
import type { TextLines } from './located-xml.ts';

export class StText {
  readonly #lines: string[] = [];
  readonly #xmlLines: number[] = [];

  /** One synthesized line (a header, a declaration, END_...), placed at `xmlLine`. */
  line(text: string, xmlLine: number): void {
    // Synthesized text never holds a line break, but a documentation comment or a vendor
    // value could: every piece still gets its own map entry.
    for (const piece of text.split('\n')) {
      this.#lines.push(piece);
      this.#xmlLines.push(xmlLine);
    }
  }

  /** Lines copied from the XML file (a CDATA body), each keeping its own XML line. */
  block(text: TextLines): void {
    this.#lines.push(...text.lines);
    this.#xmlLines.push(...text.xmlLines);
  }

  get lineCount(): number {
    return this.#lines.length;
  }

  source(file: string, name?: string): SourceFile {
    // No newline after the last line: every line of the text, the last one included, has a
    // map entry, so even an "unexpected end of input" maps back into the XML file.
    const src = { file, text: this.#lines.join('\n'), lines: [...this.#xmlLines] };
    return name === undefined ? src : { ...src, name };
  }
}
