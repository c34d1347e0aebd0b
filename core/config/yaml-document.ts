// Reads a YAML file and keeps its syntax tree, so a schema error at a data path can be
// reported with the line it stands on.

import { readFileSync } from 'node:fs';
import { isMap, isSeq, parseDocument, LineCounter, type Document, type Node } from 'yaml';
import { ConfigError, type ConfigIssue } from './config-error.ts';

export interface YamlSource {
  readonly file: string;
  readonly data: unknown;
  /** 1-based line of the node at a data path (segments of keys and indices), if found. */
  lineOf(segments: readonly (string | number)[]): number | undefined;
}

/** Parse YAML text; `file` is only used in messages. @throws ConfigError CFG_READ */
export function parseYaml(file: string, text: string): YamlSource {
  const lines = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    // The first error is the root cause (a bad indent, a missing colon); the parser's later ones
    // follow from it and only bury it, so they are counted, not listed.
    const e = doc.errors[0]!;
    const pos = e.pos ? lines.linePos(e.pos[0]) : undefined;
    const more = doc.errors.length - 1;
    const issue: ConfigIssue = { file, path: '', ...(pos ? { line: pos.line } : {}), message: `not valid YAML: ${e.message.split('\n')[0]}${pos ? ` at column ${pos.col}` : ''}${more > 0 ? ` (${more} more ${more === 1 ? 'error follows' : 'errors follow'} from it)` : ''}` };
    throw new ConfigError('CFG_READ', [issue]);
  }
  const data: unknown = doc.toJS({ maxAliasCount: 100 });
  return {
    file,
    data,
    lineOf(segments) {
      let node: unknown = doc.contents;
      let best: number | undefined;
      const note = (n: unknown): void => {
        const range = (n as Node | null)?.range;
        if (range) best = lines.linePos(range[0]).line;
      };
      note(node);
      for (const seg of segments) {
        if (isMap(node)) {
          const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === seg);
          if (!pair) break;
          note(pair.key);
          node = pair.value;
          if (node) note(node);
        } else if (isSeq(node) && typeof seg === 'number') {
          node = node.items[seg];
          if (!node) break;
          note(node);
        } else break;
      }
      return best;
    },
  };
}

/** Read and parse a YAML file. @throws ConfigError CFG_READ */
export function readYaml(file: string): YamlSource {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message;
    throw new ConfigError('CFG_READ', [{ file, path: '', message: `cannot read: ${reason}` }], { cause: err });
  }
  return parseYaml(file, text);
}
